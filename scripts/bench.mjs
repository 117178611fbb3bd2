#!/usr/bin/env node
// npm run bench [-- --quick] [-- --keep DIR]
//
// Generates big inputs deterministically (a syslog where about 30% of lines are
// seccomp records, mixed with realistic unrelated lines, several processes and
// architectures; and an auditd log of SECCOMP records), then in one run times
// seccomp-learn against `grep -cF` and, when installed, `ausearch` on the same
// files, and prints MB/s, records/s, peak RSS, the ratios and pass/fail against
// the targets. The learned profiles must equal what the generator knows each
// process did (the ground truth), so speed never buys a wrong answer: a
// mismatch fails the run, --quick or not. --quick (for CI) uses small files and
// does not fail on speed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateClassic, PROCS } from './bench/classic.mjs';
import { nr } from './bench/syscalls.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'dist/cli.js');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const keep = args.includes('--keep') ? args[args.indexOf('--keep') + 1] : null;
const SYSLOG_MB = quick ? 40 : 860;
const AUDIT_MB = quick ? 8 : 86;

// ------------------------------------------------------------------ generator

// scripts/bench/classic.mjs: the two inputs and their ground truth (per program, the calls made)
const nr64 = (name) => nr('x86_64', name);

// ------------------------------------------------------------------ measuring

function timeRun(cmd, argv) {
  // python's RUSAGE_CHILDREN gives the child's exact peak RSS
  const py = 'import resource,subprocess,sys,time\nt=time.perf_counter()\np=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE)\nd=time.perf_counter()-t\nsys.stderr.buffer.write(p.stderr)\nprint(p.returncode,d,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nsys.stdout.write(p.stdout.decode("utf8","replace")[:200])';
  const r = spawnSync('python3', ['-c', py, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const [code, secs, rssKb] = r.stdout.split('\n')[0].split(' ');
  return { code: Number(code), secs: Number(secs), rssMb: Number(rssKb) / 1024, stdout: r.stdout.split('\n').slice(1).join('\n'), stderr: r.stderr };
}

function best(n, f) {
  let b = null;
  for (let i = 0; i < n; i++) {
    const x = f();
    if (!b || x.secs < b.secs) b = x;
  }
  return b;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function startupMs(argv, n = 11) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

async function followLatencyMs(dir, samples = 11) {
  const out = join(dir, 'follow.json');
  rmSync(out, { force: true });
  const child = spawn(process.execPath, [CLI, '-q', '-o', out], { stdio: ['pipe', 'ignore', 'ignore'] });
  const names = ['read', 'write', 'close', 'openat', 'mmap', 'brk', 'ioctl', 'futex', 'pselect6', 'accept4', 'execve', 'getrandom'];
  const lat = [];
  // sample 0 warms up (the CLI's start-up is measured on its own): not counted
  for (let i = 0; i <= samples; i++) {
    const nr = nr64(names[i]);
    const t0 = process.hrtime.bigint();
    child.stdin.write(`Nov 29 02:00:00 node-7 kernel: [ 100.${String(i).padStart(6, '0')}] audit: type=1326 audit(1795900000.000:${100 + i}): pid=7 comm="f" exe="/f" sig=0 arch=c000003e syscall=${nr} compat=0 ip=0x1 code=0x7ffc0000\n`);
    for (;;) {
      await new Promise((r) => setImmediate(r));
      let text = '';
      try {
        text = readFileSync(out, 'utf8');
      } catch {}
      if (text.includes(`"${names[i]}"`)) break;
      if (Number(process.hrtime.bigint() - t0) > 2e9) break;
    }
    if (i > 0) lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  child.stdin.end();
  await new Promise((r) => child.on('exit', r));
  return lat;
}

// ------------------------------------------------------------------ run

const dir = keep ?? mkdtempSync(join(tmpdir(), 'seccomp-learn-bench-'));
mkdirSync(dir, { recursive: true });
if (!existsSync(CLI)) {
  console.error('bench: build first (npm run build)');
  process.exit(2);
}
const genStart = Date.now();
const { syslog, audit, syslogTruth, auditTruth } = generateClassic(dir, { syslogMB: SYSLOG_MB, auditMB: AUDIT_MB });
const syslogMB = statSync(syslog).size / 1e6;
const auditMB = statSync(audit).size / 1e6;
const auditRecords = Number(spawnSync('wc', ['-l', audit], { encoding: 'utf8' }).stdout.trim().split(' ')[0]); // one record a line
console.log(`bench: generated ${syslogMB.toFixed(0)} MB syslog and ${auditMB.toFixed(0)} MB audit.log (${auditRecords} records) in ${((Date.now() - genStart) / 1000).toFixed(1)} s in ${dir}`);

const runs = quick ? 1 : 2;
// warm the page cache so every tool reads from memory
spawnSync('cat', [syslog, audit], { stdio: 'ignore' });
const grepRun = best(runs, () => timeRun('grep', ['-cF', 'type=1326', syslog]));
const learnSyslog = best(runs, () => timeRun(process.execPath, [CLI, '-q', '--out-dir', join(dir, 'out-syslog'), syslog]));
const learnAudit = best(runs, () => timeRun(process.execPath, [CLI, '-q', '--out-dir', join(dir, 'out-audit'), audit]));
// The floor of any design in Node: reading the file into a buffer and finding
// each newline and each marker with Buffer.indexOf, nothing else (no parsing).
const FLOOR = `const fs=require('fs');const fd=fs.openSync(process.argv[1],'r');const b=Buffer.allocUnsafe(1<<18);const m=Buffer.from('audit');let n,c=0,h=0;
while((n=fs.readSync(fd,b,0,b.length,null))>0){let s=0,x=b.indexOf(m);for(;;){const nl=b.indexOf(10,s);if(nl<0||nl>=n)break;c++;if(x>=0&&x<nl){h++;x=b.indexOf(m,nl+1)}s=nl+1}}console.log(c,h)`;
const floorRun = best(runs, () => timeRun(process.execPath, ['-e', FLOOR, syslog]));
// Peak RSS must not grow with the input: a quarter of the syslog, and (full
// runs) the syslog given four times over (3.4 GB read; the copies are duplicates).
const quarter = join(dir, 'syslog-quarter');
spawnSync('sh', ['-c', `head -c ${Math.floor(statSync(syslog).size / 4)} ${syslog} > ${quarter}`]);
const rssSmall = timeRun(process.execPath, [CLI, '-q', '--out-dir', join(dir, 'out-quarter'), quarter]);
const rssBig = quick ? null : timeRun(process.execPath, [CLI, '-q', '--out-dir', join(dir, 'out-4x'), syslog, syslog, syslog, syslog]);
const haveAusearch = spawnSync('sh', ['-c', 'command -v ausearch']).status === 0;
const ausearch = haveAusearch ? best(runs, () => timeRun('ausearch', ['-m', 'SECCOMP', '--raw', '-if', audit])) : null;

// correctness: the learned profiles are the ground truth
let wrong = 0;
for (const [label, outDir, truth] of [
  ['syslog', join(dir, 'out-syslog'), syslogTruth],
  ['audit.log', join(dir, 'out-audit'), auditTruth],
]) {
  for (const p of PROCS) {
    const file = join(outDir, `${p.exe.split('/').pop()}.json`);
    let got = [];
    try {
      got = JSON.parse(readFileSync(file, 'utf8')).syscalls[0].names;
    } catch {}
    const want = [...truth.get(p.exe.split('/').pop())].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      wrong++;
      console.error(`bench: WRONG ${label} ${p.comm}: learned ${JSON.stringify(got)}, made ${JSON.stringify(want)}`);
    }
  }
}
// the syslog read four times over learns what it learns once
if (rssBig) {
  for (const p of PROCS) {
    const name = `${p.exe.split('/').pop()}.json`;
    const once = readFileSync(join(dir, 'out-syslog', name), 'utf8');
    let four = '';
    try {
      four = readFileSync(join(dir, 'out-4x', name), 'utf8');
    } catch {}
    if (four !== once) {
      wrong++;
      console.error(`bench: WRONG syslog x4 ${p.comm}: differs from the syslog read once`);
    }
  }
}
if (learnSyslog.code !== 0 || learnAudit.code !== 0 || rssSmall.code !== 0 || (rssBig && rssBig.code !== 0)) {
  wrong++;
  console.error(`bench: seccomp-learn failed: ${[learnSyslog, learnAudit, rssSmall, rssBig].map((r) => r?.stderr ?? '').join('')}`);
}

const nodeStart = startupMs(['-e', '0']);
const cliStart = startupMs([CLI, '--version']);
const follow = await followLatencyMs(dir);

// ------------------------------------------------------------------ table

const rows = [];
const check = (name, value, target, pass) => rows.push([name, value, target, pass ? 'pass' : 'FAIL']);
const mbps = (mb, s) => mb / s;
const grepMBs = mbps(syslogMB, grepRun.secs);
const learnMBs = mbps(syslogMB, learnSyslog.secs);
check('syslog: seccomp-learn', `${learnMBs.toFixed(0)} MB/s (${learnSyslog.secs.toFixed(2)} s)`, `>= 1/3 of grep -cF (${(grepMBs / 3).toFixed(0)} MB/s)`, learnMBs >= grepMBs / 3);
rows.push(['syslog: grep -cF type=1326', `${grepMBs.toFixed(0)} MB/s (${grepRun.secs.toFixed(2)} s)`, '', '']);
rows.push(['syslog: node, indexOf scan only (floor)', `${mbps(syslogMB, floorRun.secs).toFixed(0)} MB/s (${floorRun.secs.toFixed(2)} s)`, '', '']);
const learnRps = auditRecords / learnAudit.secs;
if (ausearch) {
  const ausRps = auditRecords / ausearch.secs;
  check('audit.log: seccomp-learn', `${(learnRps / 1000).toFixed(0)}k records/s (${learnAudit.secs.toFixed(2)} s)`, `>= 5x ausearch (${((5 * ausRps) / 1000).toFixed(0)}k/s)`, learnRps >= 5 * ausRps);
  rows.push(['audit.log: ausearch -m SECCOMP --raw', `${(ausRps / 1000).toFixed(0)}k records/s (${ausearch.secs.toFixed(2)} s)`, '', '']);
} else {
  rows.push(['audit.log: seccomp-learn', `${(learnRps / 1000).toFixed(0)}k records/s`, 'ausearch not installed', '-']);
}
const rss = Math.max(learnSyslog.rssMb, learnAudit.rssMb);
check('peak RSS', `${learnSyslog.rssMb.toFixed(1)} MB (syslog), ${learnAudit.rssMb.toFixed(1)} MB (audit.log)`, '< 64 MB', rss < 64);
const sizes = [rssSmall, learnSyslog, rssBig].filter(Boolean).map((r) => r.rssMb);
const flat = Math.max(...sizes) <= 1.1 * Math.min(...sizes);
check('peak RSS by input size', `${rssSmall.rssMb.toFixed(1)} MB (1/4), ${learnSyslog.rssMb.toFixed(1)} MB (1x)${rssBig ? `, ${rssBig.rssMb.toFixed(1)} MB (4x, ${(4 * syslogMB / 1000).toFixed(1)} GB)` : ''}`, 'within 10%', flat);
check('start-up: --version', `${cliStart.toFixed(0)} ms (node -e 0: ${nodeStart.toFixed(0)} ms)`, '<= 2x node -e 0', cliStart <= 2 * nodeStart);
check('follow: line -> -o file', `median ${median(follow).toFixed(1)} ms, max ${Math.max(...follow).toFixed(1)} ms`, '<= 50 ms', Math.max(...follow) <= 50);
check('learned = ground truth', wrong === 0 ? 'yes' : `${wrong} wrong`, 'always', wrong === 0);

const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length), ['what', 'measured', 'target', ''][i].length));
const fmt = (r) => r.map((c, i) => String(c).padEnd(w[i])).join('  ').trimEnd();
console.log(`\nmachine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, node ${process.version}${quick ? ' (--quick: small files, speed not judged)' : ''}`);
console.log(fmt(['what', 'measured', 'target', '']));
for (const r of rows) console.log(fmt(r));
if (!keep) rmSync(dir, { recursive: true, force: true });

const speedFailed = rows.some((r) => r[3] === 'FAIL' && r[0] !== 'learned = ground truth');
if (wrong > 0) process.exitCode = 1;
else if (speedFailed && !quick) process.exitCode = 1;
