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
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, openSync, readSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const rev = args[0];
if (!rev || rev.startsWith('-')) {
  console.error('usage: node scripts/speed-diff.mjs REV [FILE] [--mb N] [--runs N]');
  process.exit(2);
}
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const mb = opt('--mb', 100);
const runs = opt('--runs', 7);
const file = args[1] && !args[1].startsWith('--') ? args[1] : null;
if (!file) {
  console.error('speed-diff: give a FILE (npm run bench -- --keep DIR leaves DIR/syslog)');
  process.exit(2);
}

const tmp = mkdtempSync(join(tmpdir(), 'speed-diff-'));
try {
  const files = execFileSync('git', ['ls-tree', '-r', '--name-only', rev, 'src'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) {
    mkdirSync(join(tmp, dirname(f)), { recursive: true });
    writeFileSync(join(tmp, f), execFileSync('git', ['show', `${rev}:${f}`], { cwd: root }));
  }
  const bundle = (entry, out) => build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'error' });
  await bundle(join(tmp, 'src/index.ts'), join(tmp, 'old.mjs'));
  await bundle(join(root, 'src/index.ts'), join(tmp, 'new.mjs'));
  const O = await import(pathToFileURL(join(tmp, 'old.mjs')).href);
  const N = await import(pathToFileURL(join(tmp, 'new.mjs')).href);

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
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
