#!/usr/bin/env node
// node scripts/speed-diff.mjs REV [FILE] [--mb N] [--runs N]
//
// REV's library and the working tree's, timed on the same bytes in memory, one
// after the other, N times each: CPU seconds of the line splitter + Learner over
// the first N MB of FILE (e.g. the syslog `npm run bench -- --keep DIR` leaves),
// min of the runs, and the ratio. For changes meant for speed, and to check that a change
// meant for something else did not cost any: on a shared machine, the ratio of
// two runs side by side is steadier than two wall times taken apart (the bench's
// figures). Not a test.
import { existsSync, openSync, readSync } from 'node:fs';
import { revisionArg, withRevision } from './lib/revision.mjs';

const { rev, args, opt } = revisionArg('node scripts/speed-diff.mjs REV [FILE] [--mb N] [--runs N]');
const mb = Number(opt('--mb', 100));
const runs = Number(opt('--runs', 7));
const file = args[1] && !args[1].startsWith('--') ? args[1] : null;
if (!file) {
  console.error('speed-diff: give a FILE (npm run bench -- --keep DIR leaves DIR/syslog)');
  process.exit(2);
}

await withRevision(rev, (O, N) => {
  const input = file;
  if (!existsSync(input)) throw new Error(`${input}: no such file`);
  const buf = Buffer.allocUnsafe(mb * 1e6);
  const got = readSync(openSync(input, 'r'), buf, 0, buf.length, 0);
  const bytes = buf.subarray(0, got);
  const markers = ['audit', 'SECCOMP', 'Suppr'];

  const time = (L) => {
    const l = new L.Learner();
    const s = new L.LineSplitter('f', l, 65536, markers);
    const t = process.cpuUsage();
    for (let i = 0; i < bytes.length; i += 1 << 18) s.push(bytes.subarray(i, Math.min(bytes.length, i + (1 << 18))));
    s.end();
    l.finish();
    const u = process.cpuUsage(t);
    return { secs: (u.user + u.system) / 1e6, names: l.names().join(' ') };
  };
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(time(O));
    b.push(time(N));
  }
  if (a[0].names !== b[0].names) console.log(`speed-diff: the two learned different names:\n  ${rev}: ${a[0].names}\n  now: ${b[0].names}`);
  const min = (xs) => Math.min(...xs.map((x) => x.secs));
  const mbs = (s) => (got / 1e6 / s).toFixed(0);
  console.log(`speed-diff: ${(got / 1e6).toFixed(0)} MB of ${file}, ${runs} runs each, CPU seconds (min):`);
  console.log(`  ${rev}: ${min(a).toFixed(3)} s (${mbs(min(a))} MB/s)`);
  console.log(`  now: ${min(b).toFixed(3)} s (${mbs(min(b))} MB/s)`);
  console.log(`  now / ${rev}: ${(min(b) / min(a)).toFixed(3)}`);
});
