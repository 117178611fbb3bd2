// Saved learn states (issue #15): reading on from a state gives what reading
// everything at once gives; states of many nodes merge, in any order, into what
// learning all their logs at once gives; rotation reads no record twice and
// loses none; a state this version cannot read is refused, nothing written.
import fc from 'fast-check';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildReport, Learner, LineSplitter } from '../../src/index.js';
import { mergeStates, parseState, serialiseState, STATE_VERSION, toState, type LearnState } from '../../src/state/state.js';
import { cli, fixture, readFixture, ROOT, tmpDir } from '../helpers.js';
import { generateBusySyslog } from '../../scripts/bench/busy.mjs';

/** The report and profile a command prints, for comparing runs. */
const outputs = (args: string[], cwd?: string) => {
  const report = cli(['report', '--json', ...args], { cwd });
  const profile = cli(['learn', '--no-runtime-base', ...args], { cwd });
  return { report: report.stdout, profile: profile.stdout };
};
const merged = (states: string[], cwd?: string) => {
  const report = cli(['merge', '--report', '--json', ...states], { cwd });
  expect(report.code, report.stderr).toBe(0);
  return { report: report.stdout, profile: cli(['merge', ...states], { cwd }).stdout };
};

describe('learn --state, read on in pieces', () => {
  // real fixtures of the kinds that keep state across lines: processes (runc's
  // init, exit_group), serial gaps and rate limits, forged lines, journald's two
  // transports, ausearch -i
  const files = ['real/syslog-traditional.log', 'real/syslog-ratelimited.log', 'real/journalctl-o-short.log', 'real/audit-raw.log', 'real/kmsg.log', 'real/ausearch-i.log', 'real/busybox-syslog.log', 'real/kmsg-reordered.log'];

  it.each(files)('%s: cut anywhere (inside lines too), read on run after run, gives what one run gives', (name) => {
    const text = readFileSync(fixture(name));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 3 }), (cuts) => {
        const dir = tmpDir();
        const log = join(dir, 'log');
        const state = join(dir, 'state.json');
        writeFileSync(log, '');
        let at = 0;
        for (const c of [...cuts].sort((a, b) => a - b)) {
          appendFileSync(log, text.subarray(at, c));
          at = c;
          const r = cli(['learn', '--no-runtime-base', '-q', '--state', state, log]);
          expect(r.code, r.stderr).toBe(0);
        }
        appendFileSync(log, text.subarray(at));
        expect(cli(['learn', '--no-runtime-base', '-q', '--state', state, log]).code).toBe(0);
        // the state's report and profile, against the whole file's, read at once
        const whole = outputs([log]);
        const pieces = merged([state]);
        expect(pieces.report).toBe(whole.report);
        expect(pieces.profile).toBe(whole.profile);
      }),
      { numRuns: 3 },
    );
  });

  it('a last line with no newline is held and said; read as it stands by the next run if the file has not changed, at once in a gzip file', () => {
    const dir = tmpDir();
    // the real log up to a seccomp record of a call no record before it makes
    const all = readFixture('real/kmsg.log').split('\n');
    const at = all.findIndex((l) => / comm="busybox" .* syscall=217 /.test(l));
    expect(at).toBeGreaterThan(0);
    expect(all.slice(0, at).some((l) => / comm="busybox" .* syscall=217 /.test(l))).toBe(false);
    const text = all.slice(0, at + 1).join('\n');
    const lastLine = at + 1;
    const log = join(dir, 'log');
    writeFileSync(log, text);
    writeFileSync(join(dir, 'whole.log'), text + '\n');
    const whole = outputs([join(dir, 'whole.log')]);
    const state = join(dir, 'state.json');
    const first = cli(['learn', '--no-runtime-base', '--state', state, log]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`${log}:${lastLine} has no newline yet`);
    expect(merged([state]).profile).not.toContain('getdents64');
    // and a merge of the state says what it does not hold
    expect(cli(['merge', state]).stderr).toContain(`warning: ${state} holds ${log} up to line ${lastLine - 1} only: its last ${all[at].length} bytes had no newline`);
    expect(whole.profile).toContain('getdents64');
    // nothing appended since: the line is as its writer left it
    const second = cli(['learn', '--no-runtime-base', '--state', state, log]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('no newline yet');
    expect(second.stderr).toMatch(/this run read 1 new line \(1 new seccomp record\)/);
    expect(merged([state])).toEqual(whole);
    expect(cli(['merge', state]).stderr).not.toContain('had no newline');
    // a gzip file is whole: its last line is read in the first run
    const gz = join(dir, 'log.gz');
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    const zstate = join(dir, 'z.json');
    const z = cli(['learn', '--no-runtime-base', '--state', zstate, gz]);
    expect(z.stderr).not.toContain('no newline yet');
    expect(merged([zstate]).profile).toBe(whole.profile);
  });

  it('a record printed out of order, read in the next run, still fills the hole it left (the holes are in the state)', () => {
    const text = readFileSync(fixture('real/kmsg-reordered.log'), 'latin1');
    const lines = text.split('\n').filter(Boolean);
    const serials = lines.map((l) => Number(/audit\(\d+\.\d+:(\d+)\)/.exec(l)![1]));
    // cut after each jump forward whose hole a later line fills
    const cuts = serials.flatMap((s, i) => (i > 0 && s > serials[i - 1] + 1 && serials.slice(i + 1).some((t) => t < s && t > serials[i - 1]) ? [i + 1] : []));
    expect(cuts.length).toBeGreaterThan(0);
    const dir = tmpDir();
    const log = join(dir, 'kmsg');
    const state = join(dir, 'state.json');
    writeFileSync(log, '');
    let at = 0;
    for (const c of [...cuts, lines.length]) {
      appendFileSync(log, lines.slice(at, c).map((l) => l + '\n').join(''), 'latin1');
      at = c;
      expect(cli(['learn', '--no-runtime-base', '-q', '--state', state, log]).code).toBe(0);
    }
    const report = JSON.parse(merged([state]).report);
    expect(report.findings.map((f: { kind: string }) => f.kind)).not.toContain('serial-gap');
    expect(merged([state]).report).toBe(outputs([log]).report);
  });

  it('refuses a state of another version, or a corrupt one, naming the file, and writes nothing', () => {
    const dir = tmpDir();
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify({ seccompLearnState: 99 }));
    const r = cli(['learn', '--state', state, '-o', join(dir, 'p.json'), fixture('real/dmesg.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--state ${state}: a state of version 99; this seccomp-learn reads version ${STATE_VERSION} only`);
    expect(existsSync(join(dir, 'p.json'))).toBe(false);
    expect(readFileSync(state, 'utf8')).toBe(JSON.stringify({ seccompLearnState: 99 }));
    writeFileSync(state, '{"seccompLearnState":2,"options"');
    const c = cli(['merge', state]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(new RegExp(`${state.replace(/[.]/g, '\\.')}: (not JSON|not a seccomp-learn state)`));
    expect(c.stderr).not.toMatch(/^\s+at /m);
  });

  it('checks a state whole against its schema: a valid JSON document of the wrong shape is refused naming the file and the field, never an internal error', () => {
    const dir = tmpDir();
    const good = join(dir, 'good.json');
    expect(cli(['learn', '-q', '--state', good, fixture('real/dmesg.log')]).code).toBe(0);
    const doc = JSON.parse(readFileSync(good, 'utf8'));
    const cases: Array<[string, (d: Record<string, unknown>) => void, RegExp]> = [
      ['programs a string', (d) => (d.programs = 'x'), /programs must be array/],
      ['an input of another shape', (d) => (d.inputs = [{ bogus: 1 }]), /inputs\.0 must have required property/],
      ['a total that is text', (d) => ((d.totals as Record<string, unknown>).lines = '12'), /totals\.lines must be number/],
      ['a field no version wrote', (d) => (d.extra = 1), /must NOT have additional properties \(extra\)/],
      ['a negative count', (d) => ((d.totals as Record<string, unknown>).records = -5), /totals\.records is -5, not a count/],
      ['a count with no example', (d) => ((d.suspicious as Record<string, unknown>)['printk-ahead'] = { count: 3, examples: [] }), /suspicious\.printk-ahead counts 3 with no example/],
      ['a record window that does not inflate', (d) => ((d.window as Record<string, unknown>).data = '!!!!'), /record window does not inflate/],
    ];
    for (const [what, spoil, message] of cases) {
      const bad = join(dir, 'bad.json');
      const d = structuredClone(doc);
      spoil(d);
      writeFileSync(bad, JSON.stringify(d));
      for (const args of [['learn', '--state', bad, fixture('real/dmesg.log')], ['merge', bad, good]]) {
        const r = cli(args);
        expect(r.code, `${what}: ${args[0]}: ${r.stderr}`).toBe(2);
        expect(r.stderr, what).toMatch(message);
        expect(r.stderr).toContain(bad);
        expect(r.stderr).not.toMatch(/internal error|Try seccomp-learn --help/);
      }
    }
  });

  it('the schema is what the state\'s types give (regenerate: npm run gen:state-schema)', async () => {
    const { stateSchemaModule } = await import('../../scripts/gen-state-schema.mjs');
    expect(stateSchemaModule()).toBe(readFileSync(join(ROOT, 'src/state/schema.ts'), 'utf8'));
  });

  it('says what this run read, apart from the totals the state holds', () => {
    const dir = tmpDir();
    const state = join(dir, 'state.json');
    expect(cli(['learn', '--state', state, fixture('real/dmesg.log')]).stderr).not.toMatch(/this run read/);
    const again = cli(['learn', '--state', state, fixture('real/dmesg.log')]);
    expect(again.stderr).toMatch(new RegExp(`^seccomp-learn: this run read 0 new lines \\(0 new seccomp records\\); with the state ${state.replace(/[.]/g, '\\.')}:\nseccomp-learn: 430 lines read, 417 seccomp records`));
  });

  it('refuses to read on with another selection than the state was learned with', () => {
    const dir = tmpDir();
    const state = join(dir, 'state.json');
    expect(cli(['learn', '-q', '--comm', 'busybox', '--state', state, fixture('real/dmesg.log')]).code).toBe(0);
    const r = cli(['learn', '-q', '--comm', 'uname', '--state', state, fixture('real/dmesg.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/was learned with other options \(--comm 'busybox'\)/);
  });
});

describe('rotation', () => {
  it('reads no record twice and loses none: syslog renamed to syslog.1, then compressed to syslog.2.gz', () => {
    const lines = readFixture('real/syslog-traditional.log').split('\n').filter(Boolean);
    const [a, b, c, d] = [0.3, 0.5, 0.8].reduce<string[][]>((parts, f, i, fs) => [...parts, lines.slice(Math.floor((i === 0 ? 0 : fs[i - 1]) * lines.length), Math.floor(f * lines.length))], []).concat([lines.slice(Math.floor(0.8 * lines.length))]);
    const dir = tmpDir();
    const state = join(dir, 'state.json');
    const run = (...files: string[]) => {
      const r = cli(['learn', '--no-runtime-base', '-q', '--state', state, ...files], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
    };
    // the first log, read while it is written
    writeFileSync(join(dir, 'syslog'), a.join('\n') + '\n');
    run('syslog');
    appendFileSync(join(dir, 'syslog'), b.join('\n') + '\n');
    // rotation: the log renamed, a new one opened
    renameSync(join(dir, 'syslog'), join(dir, 'syslog.1'));
    writeFileSync(join(dir, 'syslog'), c.join('\n') + '\n');
    run('syslog.1', 'syslog');
    // and again, the oldest compressed (a new file: known by its content)
    writeFileSync(join(dir, 'syslog.2.gz'), gzipSync(readFileSync(join(dir, 'syslog.1'))));
    renameSync(join(dir, 'syslog'), join(dir, 'syslog.1'));
    writeFileSync(join(dir, 'syslog'), d.join('\n') + '\n');
    run('syslog.2.gz', 'syslog.1', 'syslog');
    // each file read is known by inode and first bytes, with its size, offset and last serial
    const saved = parseState(readFileSync(state, 'utf8'));
    // (three files, each under the name it was first read by: all were `syslog` once)
    expect(saved.inputs.map((i) => i.name)).toEqual(['syslog', 'syslog', 'syslog']);
    expect(saved.inputs.filter((i) => i.compressed)).toHaveLength(1);
    for (const i of saved.inputs) {
      expect(i.offset).toBeGreaterThan(0);
      expect(i.lastSerials.length).toBe(1);
      expect(i.lastSerials[0].serial).toBeGreaterThan(0);
    }
    // the first file holds the oldest records: each file's last serial is past the one before's
    const lasts = saved.inputs.map((i) => i.lastSerials[0].serial);
    expect([...lasts].sort((x, y) => x - y)).toEqual(lasts);
    expect(new Set(lasts).size).toBe(3);
    const plain = saved.inputs.filter((i) => !i.compressed);
    for (const i of plain) expect(i.size).toBe(i.offset);
    const resumed = JSON.parse(cli(['merge', '--report', '--json', 'state.json'], { cwd: dir }).stdout);
    // against the three files read at once
    writeFileSync(join(dir, 'all'), [...a, ...b, ...c, ...d].join('\n') + '\n');
    const whole = JSON.parse(cli(['report', '--json', 'all'], { cwd: dir }).stdout);
    expect(resumed.totals).toEqual(whole.totals);
    expect(resumed.totals.duplicates).toBe(0);
    expect(resumed.processes.map((p: { syscalls: unknown }) => p.syscalls)).toEqual(whole.processes.map((p: { syscalls: unknown }) => p.syscalls));
    expect(cli(['merge', 'state.json'], { cwd: dir }).stdout).toBe(cli(['learn', '--no-runtime-base', 'all'], { cwd: dir }).stdout);
  });
});

/** A busy node's syslog, as the bench makes it, on host `node-N`. */
function nodeLog(dir: string, n: number, bytes: number): string {
  const path = join(dir, `node-${n}.log`);
  generateBusySyslog(path, bytes, 100 + n);
  writeFileSync(path, readFileSync(path, 'latin1').replaceAll(' node-7 ', ` node-${n} `), 'latin1');
  return path;
}

/** What a Learner learns from files, read one after another (as `learn FILE...` does). */
function learnFiles(files: string[]): Learner {
  const l = new Learner({ detail: true, noRuntimeBase: true });
  for (const f of files) {
    const s = new LineSplitter(f, l);
    s.push(readFileSync(f));
    s.end();
  }
  return l;
}

const reportOf = (l: Learner) => JSON.stringify(buildReport(l));

describe('merge of states', () => {
  it('of nodes learned apart, in any order and any grouping, gives what learning them all at once gives', () => {
    const dir = tmpDir();
    const logs = Array.from({ length: 6 }, (_, n) => nodeLog(dir, n, 120_000));
    const whole = learnFiles(logs);
    whole.finish();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: logs.length, maxLength: logs.length }), fc.infiniteStream(fc.nat()), (shardOf, order) => {
        const shards = new Map<number, string[]>();
        logs.forEach((f, i) => shards.set(shardOf[i], [...(shards.get(shardOf[i]) ?? []), f]));
        // each shard alone, saved and read back as JSON
        const states = [...shards.values()].map((files, i) => ({ file: `shard-${i}`, state: parseState(serialiseState(toState(learnFiles(files), []))) }));
        const shuffled = [...states].sort(() => (order.next().value % 3) - 1);
        const { learner, overlap } = mergeStates(shuffled);
        expect(overlap).toBe(0);
        expect(reportOf(learner)).toBe(reportOf(whole));
        expect(learner.profile()).toEqual(whole.profile());
      }),
      { numRuns: 15 },
    );
  });

  it('of 100 shards (a fleet), with the time it takes and the size of the states', () => {
    const dir = tmpDir();
    const logs = Array.from({ length: 100 }, (_, n) => nodeLog(dir, n, 30_000));
    const t0 = process.hrtime.bigint();
    const states: Array<{ file: string; state: LearnState }> = [];
    let bytes = 0;
    for (const f of logs) {
      const text = serialiseState(toState(learnFiles([f]), []));
      bytes += text.length;
      states.push({ file: f, state: parseState(text) });
    }
    const t1 = process.hrtime.bigint();
    const { learner } = mergeStates(states.reverse());
    const t2 = process.hrtime.bigint();
    const whole = learnFiles(logs);
    whole.finish();
    expect(reportOf(learner)).toBe(reportOf(whole));
    console.log(`100 shards: learned and saved in ${Math.round(Number(t1 - t0) / 1e6)} ms, merged in ${Math.round(Number(t2 - t1) / 1e6)} ms; states ${(bytes / 1e6).toFixed(2)} MB in all (${(bytes / 100 / 1e3).toFixed(1)} kB each), ${logs.length} logs of 30 kB`);
  });

  it('of states that hold the same records (one log learned twice) says so, and the profile is the same', () => {
    const dir = tmpDir();
    const s1 = join(dir, 'a.json');
    const s2 = join(dir, 'b.json');
    cli(['learn', '-q', '--state', s1, fixture('real/dmesg.log')]);
    cli(['learn', '-q', '--state', s2, fixture('real/kmsg.log')]);
    const r = cli(['merge', s1, s2]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: 417 records were held by more than one state/);
    expect(r.stdout).toBe(cli(['learn', fixture('real/dmesg.log')]).stdout);
  });

  it('of states that hold one audit(TIME:SERIAL) with other content (a forged twin in one log) says so: both were learned', () => {
    const dir = tmpDir();
    const real = readFixture('real/dmesg.log').split('\n');
    const k = real.findIndex((l) => / syscall=0 /.test(l) && l.includes('type=1326'));
    const twin = join(dir, 'twin.log');
    writeFileSync(twin, real[k].replace(' syscall=0 ', ' syscall=165 ') + '\n');
    const [s1, s2] = [join(dir, 'a.json'), join(dir, 'b.json')];
    cli(['learn', '-q', '--state', s1, fixture('real/dmesg.log')]);
    cli(['learn', '-q', '--state', s2, twin]);
    // one run: the twin is a conflict, not learned
    const one = cli(['report', '--json', fixture('real/dmesg.log'), twin]);
    expect(JSON.parse(one.stdout).findings.map((f: { kind: string }) => f.kind)).toContain('conflict');
    const m = cli(['merge', '--report', '--json', s1, s2]);
    const f = JSON.parse(m.stdout).findings.find((x: { kind: string }) => x.kind === 'state-conflict');
    expect(f).toMatchObject({ kind: 'state-conflict', severity: 'warning', count: 1 });
    expect(cli(['merge', s1, s2]).stderr).toMatch(/1 record had the audit\(TIME:SERIAL\) of a record in another state but other content .*Both were learned/);
  });

  it('with --comm, says it learned the calls it writes: those of the programs kept, not every selected process\'s', () => {
    const dir = tmpDir();
    const s = join(dir, 'a.json');
    expect(cli(['learn', '-q', '--state', s, fixture('real/kmsg.log')]).code).toBe(0);
    const count = (stderr: string) => Number(/learned (\d+) syscalls?/.exec(stderr)?.[1]);
    const all = cli(['merge', s]);
    const some = cli(['merge', '--comm', 'busybox', s]);
    expect(some.code, some.stderr).toBe(0);
    const written = (out: string) => (JSON.parse(out) as { syscalls: Array<{ names: string[] }> }).syscalls.flatMap((r) => r.names).length;
    // (the selection leaves calls out: uname is made only by logrun's own processes)
    expect(written(some.stdout)).toBeLessThan(written(all.stdout));
    expect(count(some.stderr)).toBe(written(some.stdout));
    expect(count(all.stderr)).toBe(written(all.stdout));
    // a selection that keeps no program learned nothing, and says so
    const none = cli(['merge', '--comm', 'no-such-comm', s]);
    expect(count(none.stderr)).toBe(0);
  });

  it('takes states or profiles, not both, and says which was which', () => {
    const dir = tmpDir();
    const s1 = join(dir, 'a.json');
    cli(['learn', '-q', '--state', s1, fixture('real/dmesg.log')]);
    const r = cli(['merge', s1, join(ROOT, 'test/golden/http-echo.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/merge takes profiles or learn states, not both/);
  });
});
