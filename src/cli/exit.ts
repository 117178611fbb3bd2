// The exit codes; the exit status of each kind of error; and what a run cut short
// by a signal or a closed stdout exits with and says.
import type { ErrorCode } from '../core/error.js';
import type { ReadAllResult } from '../io/read.js';

/**
 * Exit codes, the only place they are defined; the README's table lists them all.
 * 130 and 143 are the shell's 128+N for the signal that cut a batch run short;
 * 141 (128+SIGPIPE) is what `cat` or `grep` give when the reader of their
 * output goes away (`seccomp-learn parse FILE | head -1`).
 */
export const EXIT = { ok: 0, nothing: 1, usage: 2, loss: 3, internal: 70, interrupted: 130, pipe: 141, terminated: 143 } as const;

/** The commands whose exit 1 is an answer: check (a call would not be allowed), diff (the profiles differ), merge (the result cannot be written in --format). */
export const ANSWERING_COMMANDS: readonly string[] = ['check', 'diff', 'merge'];

interface ErrorExit {
  /** The exit status in learn, report, parse and resolve: 1 when nothing could be done. */
  exit: number;
  /** In check, diff and merge, whose exit 1 is an answer: an input they cannot use is 2, never 1. */
  answering: number;
  /** Whether "Try seccomp-learn --help." follows the message: only where the command line is at fault, not a state file. */
  help: boolean;
}

/**
 * The exit status of each error code: the one place an error becomes a status
 * (cli/main.ts's catch). Every status here is in the README's "Exit codes"
 * table, and check's, diff's and merge's own (`test/cli/exit.test.ts`).
 */
export const ERROR_EXITS: { readonly [C in ErrorCode]: ErrorExit } = {
  usage: { exit: EXIT.usage, answering: EXIT.usage, help: true },
  'input-unreadable': { exit: EXIT.nothing, answering: EXIT.usage, help: false },
  'output-unwritable': { exit: EXIT.nothing, answering: EXIT.nothing, help: false },
  'profile-invalid': { exit: EXIT.nothing, answering: EXIT.usage, help: false },
  'profile-is-state': { exit: EXIT.nothing, answering: EXIT.usage, help: false },
  'profile-unsupported': { exit: EXIT.nothing, answering: EXIT.usage, help: false },
  'profiles-unmergeable': { exit: EXIT.nothing, answering: EXIT.usage, help: false },
  'format-cannot-express': { exit: EXIT.nothing, answering: EXIT.nothing, help: false },
  // a state file: running again would not help (the DaemonSet's node.sh stops on 2)
  'state-unreadable': { exit: EXIT.usage, answering: EXIT.usage, help: false },
  'state-invalid': { exit: EXIT.usage, answering: EXIT.usage, help: false },
  'states-unmergeable': { exit: EXIT.usage, answering: EXIT.usage, help: false },
};

/** The exit status of an error of `code` in `command` (none given: learn's). */
export function exitStatus(code: ErrorCode, command?: string): number {
  const e = ERROR_EXITS[code];
  return command !== undefined && ANSWERING_COMMANDS.includes(command) ? e.answering : e.exit;
}

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
