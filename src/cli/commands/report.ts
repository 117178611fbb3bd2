// `seccomp-learn report [FILE...]`: for people, per process, each syscall with its
// count and action, denied first; lost and forged records.
import { refuseStatesAsLogs } from '../state-file.js';
import { Learner } from '../../learn/learner.js';
import { buildReport, renderReport } from '../../report/report.js';
import { Binaries, checkRoot } from '../../io/binaries.js';
import { readAll, type Io, type Say } from '../../io/read.js';
import { EXIT, stopCode, stopNote } from '../exit.js';
import type { ReportArgs } from '../options.js';
import { selectionOf } from '../select.js';

export async function reportCommand(a: ReportArgs, io: Io, say: Say): Promise<number> {
  if (a.root !== undefined) checkRoot(a.root);
  refuseStatesAsLogs(a.files, 'report');
  const learner = new Learner({ ...selectionOf(a), detail: true });
  const read = await readAll(a.files, io, learner, { maxLength: a['max-line-length'], jobs: a.jobs, count: () => learner.records, say });
  learner.finish();
  const binaries = a.root === undefined ? undefined : new Binaries(a.root);
  const report = buildReport(learner, a.denied, undefined, binaries);
  if (a.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else io.stdout.write(renderReport(report, a.width ?? ((io.stdout as { columns?: number }).columns || 80), a.denied));
  const stopped = stopCode(read);
  if (stopped !== null) {
    if (read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the report covers'));
    return stopped;
  }
  return report.processes.length === 0 && !a.denied ? EXIT.nothing : EXIT.ok;
}
