// What the recording did not see (issue 21): per program, the calls its own
// files say it can make (report/witness.ts) that its learned calls lack, each
// with the imported functions that make it. Pure: io/binaries.ts reads the
// files inside the root; this judges what they say against what was learned.
import type { Calls } from '../learn/calls.js';
import type { Arch } from '../syscalls/index.js';
import type { Witness, WitnessCall, WitnessLibc } from './witness.js';

/** What a root said of one program's executable: its witness, or why it could not be read. */
export interface ProgramBinary {
  /** The exe= path the records give; null when they gave none. */
  readonly exe: string | null;
  /** Its path inside the root, every symbolic link resolved; null when it was not read. */
  readonly path: string | null;
  /** Null when the file could not be read: `error` says why. */
  readonly witness: Witness | null;
  /** Why it could not be read, one line naming the file (never a guess); null when it was read. */
  readonly error: string | null;
  /** Libraries it needs that could not be loaded, one line each: what they import is not counted. */
  readonly problems: readonly string[];
}

/** What a program's calls and its binary say together: the calls it can make that were not learned, or why that cannot be known. */
export type Judgement = { readonly calls: WitnessCall[]; readonly why: null } | { readonly calls: null; readonly why: string };

/**
 * The calls `b`'s files say the program can make that `learned` (its learned
 * calls, by ABI) lacks on the binary's architecture. Null calls, with why, when
 * the binary says nothing that can be trusted here: not read, nothing imported
 * from a C library the table knows (statically linked, no table, a machine
 * audit has no name for), or a binary for another architecture than every
 * record's (not the program that ran).
 */
export function judge(b: ProgramBinary, learned: Calls): Judgement {
  if (b.error !== null || b.witness === null) return { calls: null, why: b.error ?? 'not read' };
  const w = b.witness;
  if (w.libc === null || w.arch === null) return { calls: null, why: `${b.path ?? b.exe}: ${w.notes.join('; ') || 'nothing its files say can be read'}` };
  const arch = w.arch;
  const recorded = [...learned.keys()];
  if (recorded.length > 0 && !recorded.some((a) => a.name === arch.name)) {
    return { calls: null, why: `${b.path ?? b.exe} is an ${arch.name} program, and the records show ${recorded.map((a) => a.name).join(', ')}: not the program that ran` };
  }
  const seen = new Set<string>();
  for (const [abi, names] of learned) if (abi.name === arch.name) for (const n of names) seen.add(n);
  return { calls: w.calls.filter((c) => !seen.has(c.name)), why: null };
}

/**
 * Add to `into` the calls `b`'s files say the program can make that `learned`
 * (its own learned calls) lacks, on the binary's architecture; returns them
 * (empty when nothing can be trusted: see judge).
 */
export function addUnexercised(into: Calls, learned: Calls, b: ProgramBinary): WitnessCall[] {
  const j = judge(b, learned);
  if (j.calls === null || j.calls.length === 0) return [];
  const arch: Arch = b.witness!.arch!;
  const abi = [...into.keys()].find((a) => a.name === arch.name) ?? [...learned.keys()].find((a) => a.name === arch.name) ?? arch;
  let set = into.get(abi);
  if (!set) into.set(abi, (set = new Set()));
  for (const c of j.calls) set.add(c.name);
  return j.calls;
}

/** `learned` with the calls `b`'s files say the program can make added on their architecture (a copy). */
export function withUnexercised(learned: Calls, b: ProgramBinary): Calls {
  const out: Calls = new Map([...learned].map(([abi, names]) => [abi, new Set(names)]));
  addUnexercised(out, learned, b);
  return out;
}

/** The objects (program or library paths, in load order) whose imports make `calls`. */
export function importersOf(w: Witness, calls: readonly WitnessCall[]): string[] {
  const out: string[] = [];
  for (const c of calls) for (const fn of c.via) for (const p of w.importers.get(fn) ?? []) if (!out.includes(p)) out.push(p);
  return out;
}

/** How a C library and the table read for it are named for people: `glibc 2.36`, `musl (table 1.2.3)`. */
export function libcName(l: WitnessLibc): string {
  if (l.exact) return `${l.libc} ${l.version}`;
  return `${l.libc} ${l.version ?? '(version not in its file)'}, table of ${l.tableVersion}`;
}

/** A binary as `report --json` shows it (with --root). */
export interface BinaryJSON {
  /** Its path inside the root (links resolved), or null when it was not read. */
  path: string | null;
  /** Why its calls cannot be known from its files, or null. */
  error: string | null;
  /** The C library found among its libraries, and the table read for it. */
  libc: WitnessLibc | null;
  /** What its files cannot show (statically linked, a Go program, the nearest table used). */
  notes: string[];
  /** Libraries that could not be loaded: what they import is not counted. */
  problems: string[];
  /** Imported functions that make calls whose number the table could not determine (syscall(2)): not in `unexercised`. */
  undetermined: string[];
  /** Imported functions that call through function pointers: what those make is not in `unexercised`. */
  throughPointers: string[];
}

export function binaryJSON(b: ProgramBinary, j: Judgement): BinaryJSON {
  const w = b.witness;
  return {
    path: b.path,
    error: j.why,
    libc: w?.libc ?? null,
    notes: [...(w?.notes ?? [])],
    problems: [...b.problems],
    undetermined: [...(w?.undetermined ?? [])],
    throughPointers: [...(w?.throughPointers ?? [])],
  };
}

/** One program judged against its binary: the calls it can make that were not learned (null: `why`). */
export interface ProgramUnexercised {
  readonly name: string;
  readonly exe: string | null;
  readonly binary: ProgramBinary;
  readonly calls: WitnessCall[] | null;
  readonly why: string | null;
}

/** Each program (name, exe= and learned calls) judged against its binary (`of`: the binary at an exe= path). */
export function unexercisedOf(programs: readonly { name: string; exe: string | null; calls: Calls }[], of: (exe: string | null) => ProgramBinary): ProgramUnexercised[] {
  return programs.map((g) => {
    const binary = of(g.exe);
    const j = judge(binary, g.calls);
    return { name: g.name, exe: g.exe, binary, calls: j.calls, why: j.why };
  });
}
