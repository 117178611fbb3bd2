// --jobs (issue #13): reading regular files in byte ranges with worker threads
// learns exactly what one thread learns: the same report, summary and profile,
// byte for byte, wherever the ranges are cut (inside lines, inside multi-byte
// characters, inside a gzip-free file's CRLF), for every real fixture and for a
// busy node's log with its gaps, forks and exits.
//
// The workers are the built ones (dist/worker.js: `npm test` builds
// first), so this test loads the built library throughout: a Learner from src/
// and results from dist/ would be two different classes.
import fc from 'fast-check';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT, tmpDir } from '../helpers.js';
import { generateBusyAudit, generateBusySyslog } from '../../scripts/bench/busy.mjs';
import { generateClassic } from '../../scripts/bench/classic.mjs';
import { DEFAULT_MAX_LINE } from '../../src/parse/lines.js';
type Lib = typeof import('../../src/index.js');
type Parallel = typeof import('../../src/io/parallel.js');
type Io = typeof import('../../src/io/read.js');
type Learner = InstanceType<Lib['Learner']>;

let lib: Lib;
let parallel: Parallel;
let io: Io;
beforeAll(async () => {
  lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;
  parallel = (await import(join(ROOT, 'dist/io/parallel.js'))) as Parallel;
  io = (await import(join(ROOT, 'dist/io/read.js'))) as Io;
});

const options = { detail: true, noRuntimeBase: true } as const;

/** Report, summary-bearing report JSON and profile of a learner, for comparing. */
function outputsOf(l: Learner): string {
  l.finish();
  const report = lib.buildReport(l);
  return JSON.stringify(report, null, 1) + '\n' + lib.renderReport(report) + '\n' + lib.serialiseProfile(l.profile());
}

/** One thread, as `learn FILE...` reads files without --jobs. */
async function single(files: string[]): Promise<string> {
  const l = new lib.Learner(options);
  await io.readAll(files, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, l, { maxLength: DEFAULT_MAX_LINE, jobs: 1 });
  return outputsOf(l);
}

/** `jobs` threads, ranges of `rangeBytes`. */
async function ranged(files: string[], jobs: number, rangeBytes: number): Promise<string> {
  const l = new lib.Learner(options);
  const { statSync } = await import('node:fs');
  const { MARKERS } = await import(join(ROOT, 'dist/parse/event.js'));
  await parallel.readParallel(
    files.map((f) => ({ path: f, name: f, size: statSync(f).size })),
    l,
    { jobs, rangeBytes, maxLength: DEFAULT_MAX_LINE, markers: MARKERS },
  );
  return outputsOf(l);
}

/** Asserts that `files` cut in ranges of `min`..`max` bytes, read by 2 to 4 threads, learn what one thread learns. */
async function sameAsOneThread(files: string[], min: number, max: number, numRuns: number): Promise<string> {
  const want = await single(files);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min, max }), fc.integer({ min: 2, max: 4 }), async (rangeBytes, jobs) => {
      expect(await ranged(files, jobs, rangeBytes)).toBe(want);
    }),
    { numRuns },
  );
  return want;
}

const realFixtures = readdirSync(fixture('real'))
  .filter((f) => f.endsWith('.log'))
  .sort()
  .map((f) => fixture(`real/${f}`));

describe('--jobs: the same as one thread, wherever the ranges are cut', () => {
  it('has real fixtures to read', () => {
    expect(realFixtures.length).toBeGreaterThan(50);
  });

  it.each(realFixtures.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))('%s', async (_name, file) => {
    await sameAsOneThread([file], 1, 2048, 3);
  });

  it('every real fixture at once, one after another (line numbers go on per file, duplicates across files)', async () => {
    await sameAsOneThread(realFixtures, 64, 65536, 3);
  });

  it("a busy node's syslog: forks, exits, rate-limit gaps, other programs' lines", async () => {
    const dir = tmpDir();
    const log = join(dir, 'busy.log');
    generateBusySyslog(log, 3 << 20, 11);
    expect(await sameAsOneThread([log], 4096, 1 << 20, 3)).toContain('"syscalls"');
  });

  it("a busy node's audit.log: SYSCALL, PATH, PROCTITLE and the rest around the SECCOMP records", async () => {
    const dir = tmpDir();
    const log = join(dir, 'audit.log');
    generateBusyAudit(log, 2 << 20, 13);
    expect(await sameAsOneThread([log], 4096, 1 << 20, 3)).toContain('"syscalls"');
  });

  it("the classic bench files, syslog then audit.log in one run", async () => {
    const dir = tmpDir();
    const files = generateClassic(dir, { syslogMB: 2, auditMB: 1 });
    const logs = [files.syslog, files.audit].filter(Boolean);
    expect(logs).toHaveLength(2);
    await sameAsOneThread(logs, 4096, 1 << 20, 2);
  });

  it('a line longer than the limit, cut across ranges, is counted once as too long', async () => {
    const dir = tmpDir();
    const log = join(dir, 'long.log');
    const rec = 'audit: type=1326 audit(1594067860.484:14536): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29064 comm="http-echo" exe="/http-echo" sig=0 arch=c000003e syscall=51 compat=0 ip=0x46fe1f code=0x7ffc0000';
    writeFileSync(log, `${rec}\n${'x'.repeat(DEFAULT_MAX_LINE + 100)} ${rec}\n${rec.replace(':14536', ':14537')}\n`);
    const want = await single([log]);
    expect(want).toMatch(/too-long|overlong|longer/);
    for (const rangeBytes of [7, 1000, 40000, 65536]) expect(await ranged([log], 2, rangeBytes)).toBe(want);
  });

  it('what a worker read crosses to the learner as it was read: numbers past 32 bits too (a tag pid that wrapped to the record\'s pid passed as journald\'s)', async () => {
    const { Encoder, Decoder } = await import(join(ROOT, 'dist/parse/wire.js'));
    const line = `Nov 29 02:49:41 vm2 audit[${2 ** 32 + 5757}]: SECCOMP auid=0 uid=0 gid=0 ses=1 pid=3000000000 comm="a" exe="/a" sig=4294967295 arch=c000003e syscall=165 compat=0 ip=0x1 code=0x7ffc0000`;
    const read = lib.parseLine(line, 'f', 1) as unknown as Record<string, unknown>;
    expect(read).toMatchObject({ kind: 'seccomp', tagPid: 2 ** 32 + 5757, pid: 3000000000, sig: 4294967295 });
    const enc = new Encoder();
    enc.startRange();
    enc.add(read, 1, null);
    const batch = enc.take();
    const got: Array<Record<string, unknown>> = [];
    new Decoder().replay(batch, batch.strings, 'f', 0, { result: (r: Record<string, unknown>) => got.push({ ...r }), longLine: () => {} });
    for (const k of ['pid', 'tagPid', 'sig', 'compat', 'logSecond', 'serial', 'time', 'nr', 'syscall', 'trusted', 'format']) expect(got[0][k], k).toEqual(read[k]);
  });

  it('numbers past 32 bits in hostile lines (a tag pid, a pid, a sig) reach the learner as they were read, from any thread', async () => {
    const dir = tmpDir();
    const log = join(dir, 'hostile.log');
    const real = readFileSync(fixture('real/syslog-traditional.log'), 'utf8');
    const rec = real.split('\n').find((l) => l.includes(' kernel: ') && l.includes('type=1326'))!;
    const body = rec.slice(rec.indexOf('auid='));
    // a forged journald line whose tag pid wraps to the record's in 32 bits, and records with a huge pid and sig
    const hostile = [
      `Nov 29 02:49:41 vm2 audit[${2 ** 32 + 5757}]: SECCOMP ${body.replace(/pid=\d+/, 'pid=5757')}`,
      rec.replace(/pid=\d+/, 'pid=3000000000').replace(/:(\d+)\)/, ':999001)'),
      rec.replace(/sig=\d+/, 'sig=4294967295').replace(/:(\d+)\)/, ':999002)'),
    ];
    writeFileSync(log, real.repeat(3) + hostile.join('\n') + '\n' + real);
    const want = await single([log]);
    expect(want).toMatch(/tag-pid-mismatch/);
    for (const rangeBytes of [500, 4000, 20000]) expect(await ranged([log], 2, rangeBytes)).toBe(want);
  });

  it('lines longer than the limit in every range, the workers\' too: each counted once, as a line and as too long', async () => {
    const dir = tmpDir();
    const log = join(dir, 'long.log');
    writeFileSync(log, `${'x'.repeat(DEFAULT_MAX_LINE + 4000)}\n`.repeat(40));
    const want = await single([log]);
    expect(JSON.parse(want.slice(0, want.indexOf('\n}\n') + 2)).totals.lines).toBe(40);
    for (const rangeBytes of [1000, 70000, 300000]) expect(await ranged([log], 3, rangeBytes)).toBe(want);
  });
});
