// The watch loop (issue 22), end to end with runc and the kernel log: record a
// first load under the tutorial's audit.json (SCMP_ACT_LOG) and learn; deploy
// the learned allow list with --default-action SCMP_ACT_LOG (a watch profile);
// run a second load that makes calls the first did not: it runs unhindered, and
// only the calls outside the allow list reach the log; learn those into the same
// state, and with --merge; the merged profile (SCMP_ACT_ERRNO) runs the second
// load, where the first load's profile does not; and the report says the last
// new call is one only the second load made, at a time within its recording,
// as one run over both logs and the merge of one state per log say too.
//
// Needs root, runc, busybox-static. Outside CI it skips with the reason; in CI it runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, IN_CI } from '../helpers.js';
import { allowed, AUDIT_PROFILE, Bundle, events, KmsgFollower, logTakers, missingParts, printkRateLimitOff, sleep, waitForLogTakers, type Profile, type Seccomp } from './harness.js';

const why = missingParts();
if (why && !IN_CI) console.warn(`skipping the watch loop end to end: ${why}`);

/** As a user selects the program: busybox, whatever applet (ls, sh, sort, wc) it runs as. */
const SELECT = ['--exe', '/bin/busybox'];
/** The first load: `ls /`. The second: a pipeline, which forks, makes pipes and waits (calls `ls` never makes). */
const LOAD1 = ['/bin/ls', '/'];
const LOAD2 = ['/bin/sh', '-c', 'ls / | sort -r | wc -l'];
const STARTS = 5;
const QUIET_WAIT_MS = 240_000;

interface Cmd {
  code: number | null;
  stdout: string;
  stderr: string;
}
const seccompLearn = (args: string[]): Cmd => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const readProfile = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Profile;

/** The names of the calls a log holds for the container's processes (the pids that ran /bin/busybox), with their times. */
function callsOf(log: string): { names: Set<string>; records: number; times: number[] } {
  const all = events(log) as Array<ReturnType<typeof events>[number] & { time: number | null }>;
  const pids = new Set(all.filter((e) => e.exe === '/bin/busybox').map((e) => e.pid));
  const mine = all.filter((e) => pids.has(e.pid));
  return { names: new Set(mine.map((e) => e.syscall ?? '?')), records: mine.length, times: mine.flatMap((e) => (e.time === null ? [] : [e.time])) };
}

describe.skipIf(why !== null && !IN_CI)('the watch loop end to end (runc)', () => {
  let bundle: Bundle;
  let logs: string;
  const unconfined = { load1: '', load2: '' };
  const run = async (args: string[], seccomp: Seccomp) => {
    const r = await bundle.run(args, seccomp);
    return `exit ${r.code}\n${r.stdout}`;
  };
  /** Run under `seccomp` while /dev/kmsg is followed (printk's rate limit off); the log's file. Records again when someone else took records. */
  async function record(name: string, args: string[], seccomp: Seccomp): Promise<{ out: string; log: string }> {
    const log = join(logs, name);
    for (let attempt = 1; ; attempt++) {
      const busy = await waitForLogTakers(QUIET_WAIT_MS);
      if (busy) throw new Error(`cannot record ${name}: ${busy}`);
      const restore = printkRateLimitOff();
      let out: string;
      let interference: string | null;
      try {
        const kmsg = new KmsgFollower();
        out = await run(args, seccomp);
        await sleep(300);
        writeFileSync(log, kmsg.stop());
        interference = logTakers() ?? (readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim() !== '0' ? 'the printk rate limit was put back meanwhile' : null);
      } finally {
        restore();
      }
      // records the kernel says it dropped, or serials never seen: record again
      const findings = (JSON.parse(seccompLearn(['report', '--json', log]).stdout || '{"findings":[]}').findings as Array<{ kind: string; detail: string }>).filter((f) => ['printk-suppressed', 'audit-loss', 'serial-gap', 'kmsg-overrun'].includes(f.kind));
      interference ??= findings.length ? findings.map((f) => f.detail).join('; ') : null;
      if (!interference) return { out, log };
      if (attempt === 3) throw new Error(`${name}: records missing, 3 times: ${interference}`);
      console.warn(`${name}: recording again: ${interference}`);
    }
  }

  beforeAll(async () => {
    if (why) throw new Error(`the watch loop end to end cannot run: ${why}`);
    bundle = new Bundle('watch', 'runc');
    logs = join(bundle.dir, 'logs');
    mkdirSync(logs);
    unconfined.load1 = await run(LOAD1, null);
    unconfined.load2 = await run(LOAD2, null);
    expect(unconfined.load2).toMatch(/^exit 0\n\d+\n$/);
  }, 60_000);
  afterAll(() => {
    if (bundle) expect(bundle.remove(), 'containers and mounts left behind').toEqual([]);
  });

  const files = () => ({
    state: join(bundle.dir, 'busybox.state.json'),
    watch: join(bundle.dir, 'watch.json'),
    first: join(bundle.dir, 'first.json'),
    merged: join(bundle.dir, 'merged.json'),
    promoted: join(bundle.dir, 'promoted.json'),
  });
  const rec: Record<'load1' | 'load2audit' | 'load2watch', string> = { load1: '', load2audit: '', load2watch: '' };

  it('1. records the first load under audit.json and learns: a watch profile (SCMP_ACT_LOG) and an enforcing one, and a state', async () => {
    const r = await record('load1.kmsg', LOAD1, AUDIT_PROFILE);
    expect(r.out).toBe(unconfined.load1);
    rec.load1 = r.log;
    const f = files();
    const watch = seccompLearn([...SELECT, '--default-action', 'SCMP_ACT_LOG', '--state', f.state, rec.load1, '-o', f.watch]);
    expect(watch.code, watch.stderr).toBe(0);
    expect(readProfile(f.watch).defaultAction).toBe('SCMP_ACT_LOG');
    expect(watch.stderr).toMatch(/seccomp-learn: busybox: last new call: \w+ at \d\d:\d\d:\d\d UTC/);
    const first = seccompLearn([...SELECT, rec.load1, '-o', f.first]);
    expect(first.code, first.stderr).toBe(0);
    expect(readProfile(f.first).defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(allowed(readProfile(f.first)).sort()).toEqual(allowed(readProfile(f.watch)).sort());
  }, QUIET_WAIT_MS + 60_000);

  it('2. records the second load under audit.json, for comparison: it makes calls the first did not', async () => {
    const r = await record('load2.audit.kmsg', LOAD2, AUDIT_PROFILE);
    expect(r.out).toBe(unconfined.load2);
    rec.load2audit = r.log;
    const learnedFirst = new Set(allowed(readProfile(files().watch)));
    expect([...callsOf(rec.load2audit).names].filter((n) => !learnedFirst.has(n)).length).toBeGreaterThan(0);
  }, QUIET_WAIT_MS + 60_000);

  it('3. under the watch profile the second load runs unhindered, and only the calls outside its allow list reach the log', async () => {
    const f = files();
    const r = await record('load2.watch.kmsg', LOAD2, { file: f.watch });
    expect(r.out).toBe(unconfined.load2);
    rec.load2watch = r.log;
    const allow = new Set(allowed(readProfile(f.watch)));
    const watched = callsOf(rec.load2watch);
    const audited = callsOf(rec.load2audit);
    expect(watched.records, 'records under the watch profile').toBeGreaterThan(0);
    expect([...watched.names].filter((n) => allow.has(n)), 'allowed calls that reached the log').toEqual([]);
    // every call the second load makes outside the allow list is logged; the rest are silent
    expect([...watched.names].sort()).toEqual([...audited.names].filter((n) => !allow.has(n)).sort());
    // the log volume falls
    console.log(`the second load: ${audited.records} records under audit.json, ${watched.records} under the watch profile (${watched.names.size} calls outside its allow list of ${allow.size}: ${[...watched.names].sort().join(' ')})`);
    expect(watched.records).toBeLessThan(audited.records / 2);
  }, QUIET_WAIT_MS + 60_000);

  it('4. learns what the watch logged into the same state, and with --merge: the merged profile (SCMP_ACT_ERRNO) runs the second load; the first load\'s does not', async () => {
    const f = files();
    // into the same state: the profile of both loads
    const again = seccompLearn([...SELECT, '--state', f.state, rec.load2watch, '-o', f.merged]);
    expect(again.code, again.stderr).toBe(0);
    // with --merge: the watch profile promoted to ERRNO with what it logged
    const promoted = seccompLearn([...SELECT, rec.load2watch, '--merge', f.watch, '--default-action', 'SCMP_ACT_ERRNO', '-o', f.promoted]);
    expect(promoted.code, promoted.stderr).toBe(0);
    const [merged, prom] = [readProfile(f.merged), readProfile(f.promoted)];
    expect(merged.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(prom.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(allowed(prom).sort()).toEqual(allowed(merged).sort());
    const logged = callsOf(rec.load2watch).names;
    expect(allowed(merged)).toEqual(expect.arrayContaining([...logged]));
    for (let i = 0; i < STARTS; i++) expect(await run(LOAD2, { file: f.merged }), `start ${i + 1} (stderr: ${bundle.lastStderr.trim() || 'none'})`).toBe(unconfined.load2);
    expect(await run(LOAD2, { file: f.promoted })).toBe(unconfined.load2);
    // the first load's profile alone breaks the second load: what the watch caught was needed
    expect(await run(LOAD2, { file: f.first })).not.toBe(unconfined.load2);
  }, 120_000);

  it("5. the report's last new call is one only the second load made, at a time within its recording; one run over both logs and the merge of a state per log say the same", () => {
    const f = files();
    const second = callsOf(rec.load2watch);
    const firstCalls = callsOf(rec.load1).names;
    const fromState = seccompLearn(['merge', '--report', '--json', f.state]);
    expect(fromState.code, fromState.stderr).toBe(0);
    const busybox = (stdout: string) => (JSON.parse(stdout).processes as Array<{ exe: string; learning: { lastNew: number | null; lastNewName: string | null; records: number; recordsAfter: number; seconds: number; secondsAfter: number; untimed: number } }>).find((p) => p.exe === '/bin/busybox')!;
    const l = busybox(fromState.stdout).learning;
    expect(firstCalls.has(l.lastNewName!), `${l.lastNewName} is not a call of the first load`).toBe(false);
    expect(second.names.has(l.lastNewName!), `${l.lastNewName} is a call the second load made`).toBe(true);
    expect(l.lastNew).toBeGreaterThanOrEqual(Math.min(...second.times));
    expect(l.lastNew).toBeLessThanOrEqual(Math.max(...second.times));
    expect(l.untimed).toBe(0);
    expect(l.secondsAfter).toBeLessThan(l.seconds);
    // one run over both logs
    const one = seccompLearn(['report', '--json', ...SELECT, rec.load1, rec.load2watch]);
    expect(one.code, one.stderr).toBe(0);
    expect(busybox(one.stdout).learning).toEqual(l);
    // a state per log, merged
    const s1 = join(bundle.dir, 's1.json');
    const s2 = join(bundle.dir, 's2.json');
    expect(seccompLearn(['-q', ...SELECT, '--state', s1, rec.load1]).code).toBe(0);
    expect(seccompLearn(['-q', ...SELECT, '--state', s2, rec.load2watch]).code).toBe(0);
    const apart = seccompLearn(['merge', '--report', '--json', s2, s1]);
    expect(apart.code, apart.stderr).toBe(0);
    expect(busybox(apart.stdout).learning).toEqual(l);
    // and the table says it in one line
    const table = seccompLearn(['merge', '--report', f.state]);
    expect(table.stdout.replace(/\n {4}/g, ' ')).toMatch(new RegExp(`last new call: ${l.lastNewName} at \\d\\d:\\d\\d:\\d\\d UTC, .* into .* \\(no new call in the last \\d+%\\)`));
  });
});
