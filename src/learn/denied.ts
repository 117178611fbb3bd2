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
  count: number;
  first: Example;
}

/** The key of a denied call in Learner.denied: `comm syscall action`. */
const keyOf = (comm: string, syscall: string, action: Action) => `${comm} ${syscall} ${action}`;

/** One record of `comm` (its comm, else its exe, else `(null)`) denied `syscall` by `action`, read at file:line. */
export function countDenied(m: Map<string, Denied>, comm: string, syscall: string, action: Action, file: string, line: number): void {
  const k = keyOf(comm, syscall, action);
  const d = m.get(k);
  if (d) d.count++;
  else m.set(k, { comm, syscall, action, count: 1, first: { file, line, message: `${syscall} (${action})` } });
}

/** Denied calls as a state saves them (LearnState.denied): sorted by comm, call and action. */
export function saveDenied(m: ReadonlyMap<string, Denied>): Denied[] {
  return [...m.values()].sort((a, b) => byName(keyOf(a.comm, a.syscall, a.action), keyOf(b.comm, b.syscall, b.action)));
}

/** Add saved denied calls into `into`. */
export function loadDenied(into: Map<string, Denied>, saved: readonly Denied[]): void {
  for (const d of saved) {
    const k = keyOf(d.comm, d.syscall, d.action);
    const have = into.get(k);
    if (!have) into.set(k, { ...d });
    else {
      have.count += d.count;
      have.first = earlier(have.first, d.first);
    }
  }
}
