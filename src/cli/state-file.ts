// Learn state files as the commands meet them: telling one from a profile,
// reading one (learn --state, merge STATE...), and saying what it was learned with.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { SeccompLearnError } from '../core/error.js';
import { describe } from '../io/input.js';
import { parseState, type LearnState } from '../state/state.js';

/** Whether FILE, a regular file, holds a learn state (a JSON object with "seccompLearnState"), judged by its first 4 KB (a FIFO or device is not read). */
export function isStateFile(file: string): boolean {
  let fd = -1;
  try {
    if (!statSync(file).isFile()) return false;
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    const head = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    return isStateText(head);
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Whether a file's text (its first 4 KB are enough) is a learn state's: a JSON object with "seccompLearnState". */
export function isStateText(text: string): boolean {
  return /^\s*\{[^]*"seccompLearnState"\s*:/.test(text.slice(0, 4096));
}

/** A learn state given where logs go (learn, report, check): a SeccompLearnError 'usage' saying what reads it. */
export function refuseStatesAsLogs(files: readonly string[], command: string): void {
  const state = files.find((f) => f !== '-' && isStateFile(f));
  if (state !== undefined)
    throw new SeccompLearnError('usage', `${state} is a seccomp-learn state, not a log: ${command} reads logs; \`learn --state ${state} LOG...\` reads on from it, \`merge ${state}\` writes its profile (--report: its report)`);
}

/**
 * The saved state in `file`; null when it does not exist and `missingOk` (learn
 * --state's first run). One that cannot be read, or that this version cannot
 * read, is a SeccompLearnError ('state-unreadable', 'state-invalid') named by `label`.
 */
export function readStateFile(file: string, label: string, missingOk: boolean): LearnState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SeccompLearnError('state-unreadable', `${label}: ${describe(err as NodeJS.ErrnoException)}`, undefined, { cause: err });
  }
  try {
    return parseState(text);
  } catch (err) {
    if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, `${label}: ${err.message}; nothing was written`, undefined, { cause: err });
    throw err;
  }
}

/** A state's selection and options, as the command line would give them. */
export function describeOptions(o: LearnState['options']): string {
  const parts = [...o.selection.comms.map((c) => `--comm '${c}'`), ...o.selection.exes.map((e) => `--exe '${e}'`), ...o.selection.pids.map((p) => `--pid ${p}`)];
  if (o.trustAnySource) parts.push('--trust-any-source');
  if (o.noRuntimeBase) parts.push('--no-runtime-base');
  return parts.length ? parts.join(' ') : 'every process, no other option';
}
