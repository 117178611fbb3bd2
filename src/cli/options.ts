// Options checked once, before anything is read.
import { SeccompLearnError } from '../core/error.js';
import { defaultJobs } from '../io/parallel.js';

/** --jobs, checked; the default: the cores here. */
export function jobsOf(a: { jobs?: number }): number {
  if (a.jobs === undefined) return defaultJobs();
  if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new SeccompLearnError('usage', `--jobs ${Number.isNaN(a.jobs) ? 'takes a number' : `${a.jobs} is not a number`} of threads (1 or more)`);
  return a.jobs;
}

/** What learn and report both take: the inputs and the selection. */
export interface SelectArgs {
  files: string[];
  comm: string[];
  exe: string[];
  pid: number[];
  'trust-any-source': boolean;
  'max-line-length': number;
  jobs?: number;
}
