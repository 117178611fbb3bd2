// The exit codes, and what a run cut short by a signal or a closed stdout exits with and says.
import type { ReadAllResult } from '../io/read.js';

/**
 * Exit codes, the only place they are defined; the README's table lists them all.
 * 130 and 143 are the shell's 128+N for the signal that cut a batch run short;
 * 141 (128+SIGPIPE) is what `cat` or `grep` give when the reader of their
 * output goes away (`seccomp-learn parse FILE | head -1`).
 */
export const EXIT = { ok: 0, nothing: 1, usage: 2, loss: 3, internal: 70, interrupted: 130, pipe: 141, terminated: 143 } as const;

/** The exit code of a run its inputs did not end: 130, 143, 141; null when they did (or a followed stream was stopped). */
export function stopCode(r: ReadAllResult): number | null {
  if (r.stoppedBy === 'EPIPE') return EXIT.pipe;
  if (!r.partial) return null;
  return r.stoppedBy === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** What an interrupted batch run says: `what` is what holds only a part ("the profile in p.json"). */
export function stopNote(r: ReadAllResult, what: string): string {
  return `seccomp-learn: interrupted by ${r.stoppedBy} before the end of the input: ${what} only what was read until then (exit ${stopCode(r)})`;
}

