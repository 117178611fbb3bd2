// `seccomp-learn check PROFILE [FILE...]`: would PROFILE (any format) let the
// recorded processes run? The calls it would not allow, per process; exit 1 if any.
import { refuseStatesAsLogs } from '../state-file.js';
import { Learner } from '../../learn/learner.js';
import { KIND_NAMES } from '../../profile/formats/index.js';
import { Policy } from '../../profile/policy.js';
import { buildCheck, checkPassed, renderCheck } from '../../report/check.js';
import type { Arch } from '../../syscalls/index.js';
import { Binaries, checkRoot } from '../../io/binaries.js';
import { readAll, type Io, type Say } from '../../io/read.js';
import { EXIT, stopCode, stopNote } from '../exit.js';
import type { CheckArgs } from '../options.js';
import { asOci, loadFor, nativeFrom } from '../read-profiles.js';
import { selectionOf } from '../select.js';
import { nothingLearned } from '../summary.js';

export async function checkCommand(a: CheckArgs, io: Io, say: Say): Promise<number> {
  const loaded = loadFor(a.profile, 'check');
  if (a.root !== undefined) checkRoot(a.root);
  refuseStatesAsLogs(a.files, 'check');
  const learner = new Learner({ ...selectionOf(a), detail: true });
  // an unreadable log: exit 2 here, where exit 1 means "something would be denied" (cli/exit.ts)
  const read = await readAll(a.files, io, learner, { maxLength: a['max-line-length'], jobs: a.jobs, count: () => learner.records, say });
  learner.finish();
  const seen: Arch[] = [];
  for (const g of learner.programs()) for (const c of g.detail?.calls.values() ?? []) if (c.abi && !seen.includes(c.abi)) seen.push(c.abi);
  const native = nativeFrom(a, seen);
  const { profile, notes } = asOci(loaded, native, a);
  const policy = new Policy(profile, native);
  const binaries = a.root === undefined ? undefined : new Binaries(a.root);
  const report = buildCheck(learner, policy, { file: a.profile, kind: KIND_NAMES[loaded.kind], assumptions: notes }, a.all, binaries);
  if (report.processes.length === 0) {
    say(nothingLearned(learner).replace('nothing to learn', 'nothing to check'));
    if (a.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    // cut short before a record was read: say so, as for a check of a part
    const cut = stopCode(read);
    if (cut !== null && read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the check covers'));
    return cut ?? EXIT.nothing;
  }
  io.stdout.write(a.json ? JSON.stringify(report, null, 2) + '\n' : renderCheck(report));
  // a run over files cut short (130, 143; 141 for stdout's reader gone): the answer is about a part
  const stopped = stopCode(read);
  if (stopped !== null) {
    if (read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the check covers'));
    return stopped;
  }
  return checkPassed(report) ? EXIT.ok : EXIT.nothing;
}
