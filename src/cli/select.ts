// What learn, report and check select processes by: --comm, --exe, --pid, and
// whether records from any source count (--trust-any-source).
import type { LearnOptions } from '../learn/learner.js';
import type { SelectArgs } from './options.js';

/** The Learner's selection and trust for the selection options. */
export function selectionOf(a: SelectArgs): Required<Pick<LearnOptions, 'selection' | 'trustAnySource'>> {
  return { selection: { comms: a.comm, exes: a.exe, pids: a.pid }, trustAnySource: a['trust-any-source'] };
}
