// Learn state files as the commands meet them: telling one from a profile,
// reading one (learn --state, merge STATE...), and saying what it was learned with.
import { readFileSync } from 'node:fs';
import { SeccompLearnError } from '../core/error.js';
import { describe } from '../io/input.js';
import { parseState, type LearnState } from '../state/state.js';

/** Whether FILE holds a learn state (a JSON object with "seccompLearnState"), judged by its first bytes. */
export function isStateFile(file: string): boolean {
  try {
    const head = readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 4096);
    return /^\s*\{[^]*"seccompLearnState"\s*:/.test(head);
  } catch {
    return false;
  }
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
