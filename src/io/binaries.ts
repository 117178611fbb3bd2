// The recorded programs' own files, read inside --root DIR (issue 21): each
// learned program's exe= found and read there with its libraries
// (io/root-loader.ts, never outside DIR), and its witness made
// (report/witness.ts). A file that cannot be read is said with why, never guessed.
import { statSync } from 'node:fs';
import { SeccompLearnError } from '../core/error.js';
import { ElfError } from '../elf/error.js';
import type { ProgramBinary } from '../report/unexercised.js';
import { witnessOf } from '../report/witness.js';
import { describe } from './input.js';
import { loadProgram, type ElfCache } from './root-loader.js';

/**
 * Check that `root` is a directory that can be read: a SeccompLearnError
 * 'input-unreadable' naming `--root ROOT` and why, before any log is read.
 */
export function checkRoot(root: string): void {
  let st;
  try {
    st = statSync(root);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new SeccompLearnError('input-unreadable', `--root ${root}: ${e.code === 'ENOENT' ? 'no such directory' : describe(e)}`, undefined, { cause: err });
  }
  if (!st.isDirectory()) throw new SeccompLearnError('input-unreadable', `--root ${root}: not a directory (the file system the programs ran in: an exported container root, /, /proc/PID/root)`);
}

/** The binaries of one root, each read once (and each library once over all of them). */
export class Binaries {
  private readonly cache: ElfCache = new Map();
  private readonly byExe = new Map<string, ProgramBinary>();

  constructor(readonly root: string) {}

  /** The program at `exe` (a path inside the root, as the records' exe= gives it). */
  of(exe: string | null): ProgramBinary {
    if (exe === null) return { exe, path: null, witness: null, error: 'its records name no executable (no exe=)', problems: [] };
    const known = this.byExe.get(exe);
    if (known) return known;
    let b: ProgramBinary;
    try {
      const p = loadProgram(this.root, exe, this.cache);
      b = { exe, path: p.program.path, witness: witnessOf([p.program, ...p.libraries]), error: null, problems: p.problems.map((q) => q.error.message) };
    } catch (err) {
      if (!(err instanceof ElfError)) throw err;
      b = { exe, path: null, witness: null, error: err.message.includes('(inside ') ? err.message : `${err.message} (inside ${this.root})`, problems: [] };
    }
    this.byExe.set(exe, b);
    return b;
  }
}
