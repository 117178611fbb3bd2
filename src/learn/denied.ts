// Calls that a profile already in force denied: records of selected processes
// whose action (code=) is neither LOG nor ALLOW. They are learned all the same;
// `report` and the findings name them. Counted by comm, call and action, with
// the first record by position; saved as their piece of a learn state and
// loaded back, adding to what they hold.
import type { Action } from '../parse/event.js';
import { earlier, type Example } from './examples.js';
import { byName } from './saved.js';

// One denied call of one comm (or exe, when the record has no comm), with the
// action that denied it; a state saves it as it is (LearnState.denied).
/** @internal */
export interface Denied {
  comm: string;
  syscall: string;
  action: Action;
  /** Killed by seccomp's strict mode (SECCOMP_MODE_STRICT: sig=9, no filter), not by a profile. */
  strict?: true;
  count: number;
  first: Example;
}

/** The key of a denied call in Learner.denied: `comm syscall action`, and `strict` for strict mode's kills. */
const keyOf = (comm: string, syscall: string, action: Action, strict?: true) => `${comm} ${syscall} ${action}${strict ? ' strict' : ''}`;

/**
 * One record of `comm` (its comm, else its exe, else `(null)`) denied `syscall` by `action`, read at file:line;
 * `strict`: seccomp's strict mode killed it (the kernel logs sig=9 and KILL_THREAD; a filter's kill says sig=31).
 */
export function countDenied(m: Map<string, Denied>, comm: string, syscall: string, action: Action, file: string, line: number, strict = false): void {
  const k = keyOf(comm, syscall, action, strict || undefined);
  const d = m.get(k);
  if (d) d.count++;
  else m.set(k, { comm, syscall, action, ...(strict ? { strict: true as const } : {}), count: 1, first: { file, line, message: `${syscall} (${strict ? 'strict mode' : action})` } });
}

/** One record counted by countDenied taken back out (a merge found it counted in an earlier part too); a call left with none goes. */
export function uncountDenied(m: Map<string, Denied>, comm: string, syscall: string, action: Action, strict = false): void {
  const k = keyOf(comm, syscall, action, strict || undefined);
  const d = m.get(k);
  if (!d) return;
  if (--d.count <= 0) m.delete(k);
}

/** Whether a record is a kill by seccomp's strict mode (SECCOMP_MODE_STRICT: SIGKILL, logged as KILL_THREAD), not by a filter. */
export function strictModeKill(action: Action | null, sig: number | null): boolean {
  return action === 'KILL_THREAD' && sig === 9;
}

/** Denied calls as a state saves them (LearnState.denied): sorted by comm, call and action. */
export function saveDenied(m: ReadonlyMap<string, Denied>): Denied[] {
  return [...m.values()].sort((a, b) => byName(keyOf(a.comm, a.syscall, a.action, a.strict), keyOf(b.comm, b.syscall, b.action, b.strict)));
}

/** Add saved denied calls into `into`. */
export function loadDenied(into: Map<string, Denied>, saved: readonly Denied[]): void {
  for (const d of saved) {
    const k = keyOf(d.comm, d.syscall, d.action, d.strict);
    const have = into.get(k);
    if (!have) into.set(k, { ...d });
    else {
      have.count += d.count;
      have.first = earlier(have.first, d.first);
    }
  }
}
