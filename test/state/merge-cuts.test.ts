// Merge == one run, on every cut (issue 20 item 1): every real log, and the
// bench's busy logs, cut into parts anywhere (inside a process that execs
// another program, inside records printed out of order, between journald's two
// lines of one record, after the first line and before the last), each part
// learned into a state, the states merged in either order: the report and the
// profile are those of one run over the parts, byte for byte, a record two
// states both hold included (journald's two lines of one record, cut apart: the
// later part's copy is taken back out of what it counted, learn/receipts.ts).
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, Learner, LineSplitter } from '../../src/index.js';
import { addCall, type Calls } from '../../src/learn/calls.js';
import type { Selection } from '../../src/learn/learner.js';
import { Parser } from '../../src/parse/event.js';
import { mergeStates, parseState, serialiseState, toState } from '../../src/state/state.js';
import { cli, FIELD_CASES, fixture, tmpDir } from '../helpers.js';
import { generateBusyAudit, generateBusySyslog } from '../../scripts/bench/busy.mjs';

/** Where a cut is hard: inside a process that execs another program, inside records out of order, between the two lines of one record. */
type Kind = 'exec' | 'reorder' | 'pair' | 'ends';

/** Each kind's cut places in `lines` (a cut at k puts lines k.. in the next part). */
function hardCuts(lines: string[]): Map<Kind, number[]> {
  const p = new Parser();
  const recs = lines.map((t, i) => {
    const r = p.parseText(t, 'log', i + 1);
    return r !== null && r.kind === 'seccomp' ? { i, key: `${r.host} ${r.pid}`, exe: r.exe, serial: r.serial } : null;
  });
  const out = new Map<Kind, Set<number>>([
    ['exec', new Set()],
    ['reorder', new Set()],
    ['pair', new Set()],
    ['ends', new Set()],
  ]);
  // a pid that logged more than one exe: every cut between its first and last record
  const lives = new Map<string, { first: number; last: number; exes: Set<string | null> }>();
  for (const r of recs) {
    if (!r) continue;
    const l = lives.get(r.key);
    if (!l) lives.set(r.key, { first: r.i, last: r.i, exes: new Set([r.exe]) });
    else {
      l.last = r.i;
      l.exes.add(r.exe);
    }
  }
  for (const l of lives.values()) if (l.exes.size > 1) for (let k = l.first + 1; k <= l.last; k++) out.get('exec')!.add(k);
  const timed = recs.filter((r): r is NonNullable<typeof r> => r !== null && r.serial !== null);
  for (let a = 1; a < timed.length; a++) {
    const [x, y] = [timed[a - 1], timed[a]];
    // the same record twice in a row (journald's two transports), or a serial printed late
    if (x.serial === y.serial) out.get('pair')!.add(y.i);
    else if (x.serial! > y.serial! && x.serial! - y.serial! < 256) for (let k = x.i + 1; k <= y.i; k++) out.get('reorder')!.add(k);
  }
  if (lines.length > 2) out.get('ends')!.add(1).add(lines.length - 1);
  return new Map([...out].map(([k, v]) => [k, [...v]]));
}

/** A Learner over `parts` (name, lines), read one after another as the CLI reads files. */
function learn(parts: Array<[string, string[]]>, opts: ConstructorParameters<typeof Learner>[0]): Learner {
  const l = new Learner(opts);
  for (const [name, lines] of parts) {
    const s = new LineSplitter(name, l);
    s.push(Buffer.from(lines.map((t) => t + '\n').join(''), 'latin1'));
    s.end();
  }
  return l;
}

/** What `merge STATE...` writes as one profile: the union of the programs' calls. */
function programCalls(l: Learner): string {
  const calls: Calls = new Map();
  for (const g of l.programs()) for (const [abi, names] of g.calls) for (const n of names) addCall(calls, abi, n);
  return JSON.stringify([...calls].map(([abi, names]) => [abi.name, [...names].sort()]).sort());
}

const dirFiles = (dir: string, re = /\.log$/) => (existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).map((f) => join(dir, f)) : []);

/** The records the serial gaps say may be missing, in every source. */
const missing = (l: Learner) => [...l.gaps.values()].reduce((n, g) => n + g.missing, 0);

/** Every real log of the fixtures and field cases, and the bench's two busy logs (small). */
function logs(): Array<[string, string[]]> {
  const dir = tmpDir();
  const syslog = join(dir, 'busy-syslog');
  const audit = join(dir, 'busy-audit.log');
  generateBusySyslog(syslog, 150_000, 3);
  generateBusyAudit(audit, 150_000, 5);
  const named = (prefix: string, files: string[], from: string) => files.map((f): [string, string] => [prefix + f.slice(from.length + 1), f]);
  const files = [
    ...named('', [...dirFiles(fixture('real')), ...dirFiles(fixture('real/rotated'), /^syslog/), ...dirFiles(fixture('published'))], fixture('')),
    ...named('field-cases/', dirFiles(FIELD_CASES), FIELD_CASES),
    ['bench/busy-syslog', syslog],
    ['bench/busy-audit.log', audit],
  ];
  return files.map(([name, f]) => [name, readFileSync(f, 'latin1').split('\n').filter((t) => t.length > 0)]);
}

/** The selections to try on a log: none, the first comm of a process that execs, the exe it execs, and the log's first comm and exe values. */
function selections(lines: string[]): Array<Partial<Selection> | undefined> {
  const p = new Parser();
  const byPid = new Map<string, Array<{ comm: string | null; exe: string | null }>>();
  for (const [i, t] of lines.entries()) {
    const r = p.parseText(t, 'log', i + 1);
    if (r === null || r.kind !== 'seccomp') continue;
    const k = `${r.host} ${r.pid}`;
    byPid.set(k, [...(byPid.get(k) ?? []), { comm: r.comm, exe: r.exe }]);
  }
  const out: Array<Partial<Selection> | undefined> = [undefined];
  for (const recs of byPid.values()) {
    const exes = [...new Set(recs.map((r) => r.exe))];
    if (exes.length < 2) continue;
    if (recs[0].comm) out.push({ comms: [recs[0].comm] });
    const last = exes[exes.length - 1];
    if (last) out.push({ exes: [last] });
    break;
  }
  const comms = new Set<string>();
  const exes = new Set<string>();
  for (const recs of byPid.values())
    for (const r of recs) {
      if (r.comm !== null && comms.size < 6) comms.add(r.comm);
      if (r.exe !== null && exes.size < 6) exes.add(r.exe);
    }
  for (const c of comms) out.push({ comms: [c] });
  for (const e of exes) out.push({ exes: [e] });
  return out;
}

/** The profile a selection of programs by the comm or exe they ended with writes (what merge --comm/--exe wrote before it selected processes). */
function endedWith(l: Learner, s: Partial<Selection>): string {
  const calls: Calls = new Map();
  for (const g of l.programs()) if ((s.comms ?? []).some((c) => g.comms.has(c)) || (g.exe !== null && (s.exes ?? []).includes(g.exe))) for (const [abi, names] of g.calls) for (const n of names) addCall(calls, abi, n);
  return JSON.stringify([...calls].map(([abi, names]) => [abi.name, [...names].sort()]).sort());
}

/** Cuts of each kind compared byte for byte (no record in two states), and cuts that put one record in two states. */
const hits = new Map<Kind, number>();
/** Cuts all inside records printed out of order, whose serial gaps were compared with the log's uncut. */
let reorderOnly = 0;
const overlapping = new Map<Kind, number>();
/** Runs where a merge selected (--comm/--exe over states of every process), and those where the selected processes are not the programs that ended with the value. */
let selectedRuns = 0;
let selectedAcross = 0;

describe('merge of states == one run over the parts, on every cut', () => {
  const all = logs();
  it('reads every fixture, field case and bench log', () => {
    expect(all.length).toBeGreaterThan(100);
  });
  it.each(all)('%s', (_name, lines) => {
    const hard = hardCuts(lines);
    // the records the serials say are missing, in one run over the log uncut: cutting it inside records
    // printed out of order makes no gap (the next part's first serials fill the holes the part before left)
    const whole = learn([['whole', lines]], { detail: true });
    whole.finish();
    const sels = selections(lines);
    // a hard place of each kind the log has, as often as anywhere at all
    const cut = fc.oneof(...[...hard.values()].filter((ks) => ks.length > 0).map((ks) => fc.constantFrom(...ks)), fc.integer({ min: 0, max: lines.length }));
    fc.assert(
      fc.property(fc.uniqueArray(cut, { minLength: 1, maxLength: 5 }), fc.constantFrom(...sels), fc.boolean(), fc.nat(), (cuts, selection, reverse, group) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), lines.length];
        const parts = bounds.slice(1).map((end, i): [string, string[]] => [`part${i}`, lines.slice(bounds[i], end)]);
        // each part into its own state, as `learn --state` writes it, read back
        const states = parts.map((part) => ({ file: `${part[0]}.json`, state: parseState(serialiseState(toState(learn([part], { selection, detail: true, heads: true }), []))) }));
        const { learner: merged, overlap } = mergeStates(reverse ? states.reverse() : states);
        const one = learn(parts, { selection, detail: true });
        one.finish();
        const tally = overlap === 0 ? hits : overlapping;
        for (const [kind, ks] of hard) if (cuts.some((c) => ks.includes(c))) tally.set(kind, (tally.get(kind) ?? 0) + 1);
        if (cuts.every((c) => hard.get('reorder')!.includes(c))) {
          expect(missing(merged)).toBe(missing(whole));
          reorderOnly++;
        }
        expect(merged.profile()).toEqual(one.profile());
        expect(programCalls(merged)).toBe(programCalls(one));
        const [m, o] = [buildReport(merged), buildReport(one)];
        // byte for byte, a record two states both hold too (journald's two lines of one record, cut apart):
        // the later part's copy is taken back out of what it counted (learn/receipts.ts)
        expect(JSON.stringify(m, null, 2)).toBe(JSON.stringify(o, null, 2));
        expect(merged.used).toBe(one.used);
        {
          // the first parts merged into one state (merge --format state), then merged with the rest: the same
          const g = 1 + (group % states.length);
          const ordered = [...states].sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
          const head = mergeStates(ordered.slice(0, g), { open: true }).learner;
          const folded = { file: 'part0-merged.json', state: parseState(serialiseState(toState(head, []))) };
          const again = mergeStates([folded, ...ordered.slice(g)]).learner;
          expect(JSON.stringify(buildReport(again), null, 2)).toBe(JSON.stringify(o, null, 2));
        }
        if (selection === undefined) return;
        // states of every process, the selection taken by the merge (merge --comm/--exe): the processes that logged the value, as one run selects them
        const every = parts.map((part) => ({ file: `${part[0]}.json`, state: parseState(serialiseState(toState(learn([part], { detail: true, heads: true }), []))) }));
        const picked = mergeStates(reverse ? every.reverse() : every, { selection });
        expect(picked.learner.profile()).toEqual(one.profile());
        expect(programCalls(picked.learner)).toBe(programCalls(one));
        expect(JSON.stringify(buildReport(picked.learner), null, 2)).toBe(JSON.stringify(o, null, 2));
        selectedRuns++;
        if (endedWith(mergeStates(every).learner, selection) !== programCalls(one)) selectedAcross++;
      }),
      // more where records were printed out of order (one log of them)
      { numRuns: hard.get('reorder')!.length > 0 ? 30 : 6 },
    );
    // and the log cut in two inside records printed out of order (up to 8 places of it): the gaps of the log uncut,
    // in one run over the two parts and in the merge of their states
    for (const c of hard.get('reorder')!.slice(0, 8)) {
      const parts: Array<[string, string[]]> = [['part0', lines.slice(0, c)], ['part1', lines.slice(c)]];
      const states = parts.map((part) => ({ file: `${part[0]}.json`, state: parseState(serialiseState(toState(learn([part], { detail: true, heads: true }), []))) }));
      const one = learn(parts, { detail: true });
      one.finish();
      expect([missing(one), missing(mergeStates(states).learner)], `cut at ${c}`).toEqual([missing(whole), missing(whole)]);
      reorderOnly++;
    }
  });
  afterAll(() => {
    console.log(`cuts compared byte for byte, by kind: ${JSON.stringify(Object.fromEntries(hits))}; with a record in two states: ${JSON.stringify(Object.fromEntries(overlapping))}`);
    // the cuts were hard ones too: inside lives that exec, inside records out of order, between journald's two lines, at the ends
    for (const kind of ['exec', 'reorder', 'ends'] as const) expect(hits.get(kind) ?? 0, kind).toBeGreaterThan(10);
    expect(reorderOnly).toBeGreaterThan(5);
    // between journald's two lines of one record: byte for byte where its lines give no serial to know it by
    // (journalctl -o short: one run counts both lines too), the exception above where they do
    expect(hits.get('pair') ?? 0).toBeGreaterThan(0);
    expect(overlapping.get('pair') ?? 0).toBeGreaterThan(10);
    // merges that selected, and among them some where a selected process ended as another program (python3 that execs busybox)
    console.log(`merges that selected: ${selectedRuns}; where the processes that logged the value are not the programs that ended with it: ${selectedAcross}`);
    expect(selectedRuns).toBeGreaterThan(100);
    expect(selectedAcross).toBeGreaterThan(10);
  });
});

describe('journald\'s JSON, cut between a record\'s two transports', () => {
  it('every cut of journalctl -o json: each program\'s calls are one run\'s (a copy in the later part, read after its process\'s exit_group there, is that process\'s)', () => {
    // journald gives a batch of records through the audit transport, then the same batch through the kernel's:
    // a cut inside the batch leaves the first copy of a record in one part and the other copy in the next,
    // read there after the exit_group of the process (logrun, then busybox after its execve)
    const lines = readFileSync(fixture('real/journalctl-o-json.log'), 'latin1').split('\n').filter(Boolean);
    let overlapped = 0;
    for (let cut = 1; cut < lines.length; cut++) {
      const parts: Array<[string, string[]]> = [['part0', lines.slice(0, cut)], ['part1', lines.slice(cut)]];
      const states = parts.map((part) => ({ file: `${part[0]}.json`, state: parseState(serialiseState(toState(learn([part], { detail: true, heads: true }), []))) }));
      const { learner: merged, overlap } = mergeStates(states);
      const one = learn(parts, { detail: true });
      one.finish();
      expect(programCalls(merged), `cut at ${cut}`).toBe(programCalls(one));
      const perProgram = (l: Learner) => JSON.stringify(l.programs().map((g) => [g.name, [...g.calls].map(([a, n]) => [a.name, [...n].sort()])]).sort());
      expect(perProgram(merged), `cut at ${cut}`).toBe(perProgram(one));
      // and the report, counts and all: each record counted once, its first copy's
      expect(JSON.stringify(buildReport(merged), null, 2), `cut at ${cut}`).toBe(JSON.stringify(buildReport(one), null, 2));
      if (overlap > 0) overlapped++;
    }
    expect(overlapped).toBeGreaterThan(10);
  });
});

describe('merge --report --json == report --json, through the CLI', () => {
  it("journald's JSON cut in 7 (split -n l/7): each record counted once, as one run counts it, report byte for byte; the merge says so", () => {
    const dir = tmpDir();
    for (const name of ['journal-json', 'journalctl-o-json', 'journalctl-o-json-sse']) {
      const lines = readFileSync(fixture(`real/${name}.log`), 'latin1').split('\n').filter(Boolean);
      const size = Math.ceil(lines.length / 7);
      const parts = Array.from({ length: 7 }, (_, i) => join(dir, `${name}.part${i}`));
      parts.forEach((f, i) => writeFileSync(f, lines.slice(i * size, (i + 1) * size).map((t) => t + '\n').join(''), 'latin1'));
      for (const f of parts) expect(cli(['learn', '-q', '--state', `${f}.json`, f]).code).toBe(0);
      const merged = cli(['merge', '--report', '--json', ...parts.map((f) => `${f}.json`).reverse()]);
      expect(merged.code, merged.stderr).toBe(0);
      expect(merged.stdout, name).toBe(cli(['report', '--json', ...parts]).stdout);
      const said = cli(['merge', ...parts.map((f) => `${f}.json`)]).stderr;
      expect(said, name).toMatch(/note: \d+ records were held by more than one state \(a log cut between its two copies of a record\): each counted once/);
    }
  });

  it('a log cut inside records the kernel printed out of order: no serial gap at the cut, in one run over the parts or in a merge, as in the log uncut', () => {
    const dir = tmpDir();
    const log = fixture('real/kmsg-reordered.log');
    const lines = readFileSync(log, 'latin1').split('\n').filter(Boolean);
    const serial = (t: string) => Number(/audit\(\d+\.\d+:(\d+)\)/.exec(t)?.[1] ?? NaN);
    // the first record printed after one with a higher serial: the cut goes just before it
    const at = lines.findIndex((t, i) => i > 0 && serial(t) < serial(lines[i - 1]));
    expect(at).toBeGreaterThan(0);
    const [p1, p2] = [join(dir, 'kmsg.1'), join(dir, 'kmsg.2')];
    writeFileSync(p1, lines.slice(0, at).map((t) => t + '\n').join(''), 'latin1');
    writeFileSync(p2, lines.slice(at).map((t) => t + '\n').join(''), 'latin1');
    const kinds = (json: string) => (JSON.parse(json) as { findings: Array<{ kind: string }> }).findings.map((f) => f.kind);
    expect(kinds(cli(['report', '--json', log]).stdout)).not.toContain('serial-gap');
    expect(kinds(cli(['report', '--json', p1, p2]).stdout)).not.toContain('serial-gap');
    for (const f of [p1, p2]) expect(cli(['learn', '-q', '--state', `${f}.json`, f]).code).toBe(0);
    const merged = cli(['merge', '--report', '--json', `${p2}.json`, `${p1}.json`]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(kinds(merged.stdout)).not.toContain('serial-gap');
    expect(merged.stdout).toBe(cli(['report', '--json', p1, p2]).stdout);
    // read on from a state run after run (learn --state: the first part, then the second too): the same
    const resumed = join(dir, 'resumed.json');
    expect(cli(['learn', '-q', '--state', resumed, p1]).code).toBe(0);
    expect(cli(['learn', '-q', '--state', resumed, p1, p2]).code).toBe(0);
    expect(cli(['merge', '--report', '--json', resumed]).stdout).toBe(merged.stdout);
    // a hole that no later record fills stays a gap, across the cut too: the second part without its first record
    writeFileSync(p2, lines.slice(at + 1).map((t) => t + '\n').join(''), 'latin1');
    const gap = JSON.parse(cli(['report', '--json', p1, p2]).stdout) as { findings: Array<{ kind: string; detail: string }> };
    // (the kernel printed N+1, then N: the jump from the serial before them to N+1 has N as its hole)
    expect(serial(lines[at])).toBe(serial(lines[at - 1]) - 1);
    expect(gap.findings.filter((f) => f.kind === 'serial-gap').map((f) => f.detail)).toEqual([`up to 1 audit record may be missing (serial ${serial(lines[at]) - 1} then ${serial(lines[at - 1])})`]);
  });

  it('a log across a reboot, cut after it: the part after goes on from the low end of the part before (the parts in the order of their first records\' times, not of their first serials), in a merge as in one run', () => {
    const dir = tmpDir();
    // one machine's kernel log across a reboot: serials 623521-623820, then from 3340 again (kmsg-reordered.log, its
    // audit times a day back, so that it comes before: then kmsg.log)
    const kmsg = readFileSync(fixture('real/kmsg.log'), 'latin1').split('\n').filter(Boolean);
    const before = readFileSync(fixture('real/kmsg-reordered.log'), 'latin1')
      .split('\n')
      .filter(Boolean)
      .map((t) => t.replace(/audit\((\d+)\./, (_m, s: string) => `audit(${Number(s) - 86400}.`));
    const time = (t: string) => Number(/audit\((\d+\.\d+):/.exec(t)?.[1] ?? NaN);
    expect(time(before[before.length - 1])).toBeLessThan(time(kmsg.find((t) => time(t) > 0)!));
    const serial = (t: string) => Number(/audit\(\d+\.\d+:(\d+)\)/.exec(t)?.[1] ?? NaN);
    expect(serial(before[before.length - 1]) - serial(kmsg.find((t) => serial(t) > 0)!)).toBeGreaterThan(5000);
    // cut in two after the reboot, the record at the cut lost: the first part starts high and ends low
    const at = 100;
    expect(serial(kmsg[at + 1]) - serial(kmsg[at - 1])).toBe(2);
    const [p1, p2] = [join(dir, 'kern.log.1'), join(dir, 'kern.log')];
    writeFileSync(p1, [...before, ...kmsg.slice(0, at)].map((t) => t + '\n').join(''), 'latin1');
    writeFileSync(p2, kmsg.slice(at + 1).map((t) => t + '\n').join(''), 'latin1');
    const one = cli(['report', '--json', p1, p2]);
    const gaps = (json: string) => (JSON.parse(json) as { findings: Array<{ kind: string; detail: string }> }).findings.filter((f) => f.kind === 'serial-gap').map((f) => f.detail);
    expect(gaps(one.stdout)).toEqual([`up to 1 audit record may be missing (serial ${serial(kmsg[at - 1])} then ${serial(kmsg[at + 1])})`]);
    for (const f of [p1, p2]) expect(cli(['learn', '-q', '--state', `${f}.json`, f]).code).toBe(0);
    const merged = cli(['merge', '--report', '--json', `${p2}.json`, `${p1}.json`]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(one.stdout);
    // and the warning names both files (in name order), as one run's does
    const warning = (stderr: string) => /may be missing from ([^(]*)/.exec(stderr)?.[1];
    expect(warning(cli(['learn', '-o', join(dir, 'o.json'), p1, p2]).stderr)).toBe(`${p2}, ${p1} `);
    expect(warning(cli(['merge', '-o', join(dir, 'm.json'), `${p1}.json`, `${p2}.json`]).stderr)).toBe(`${p2}, ${p1} `);
  });

  it('two machines\' logs without host names whose serials happen to be close, from other times, do not go on from one another: no serial gap between them, in one run or a merge', () => {
    const dir = tmpDir();
    // a Debian dmesg of 2025 ending at serial 54, and a grep of another machine's audit.log of 2023 at serial 78
    const [a, b] = [join(FIELD_CASES, '10-debian-dmesg-H-fr-locale.log'), join(FIELD_CASES, '05-firedancer766-grep-n-enriched-gs-lost.log')];
    const gaps = (json: string) => (JSON.parse(json) as { findings: Array<{ kind: string; detail: string }> }).findings.filter((f) => f.kind === 'serial-gap').map((f) => f.detail);
    for (const f of [a, b]) expect(gaps(cli(['report', '--json', f]).stdout)).toEqual([]);
    const one = cli(['report', '--json', a, b]);
    expect(one.code, one.stderr).toBe(0);
    expect(gaps(one.stdout)).toEqual([]);
    const states = [a, b].map((f, i) => {
      const s = join(dir, `${i}.json`);
      expect(cli(['learn', '-q', '--state', s, f]).code).toBe(0);
      return s;
    });
    const merged = cli(['merge', '--report', '--json', ...states]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(gaps(merged.stdout)).toEqual([]);
  });

  it('a log of processes that exec another program, cut in 7 (split -n l/7), selected by the comm before the exec: the profile and the report are one run\'s', () => {
    const dir = tmpDir();
    const lines = readFileSync(fixture('real/kmsg.log'), 'latin1').split('\n').filter(Boolean);
    const parts = Array.from({ length: 7 }, (_, i) => {
      const f = join(dir, `part-${i}`);
      writeFileSync(f, lines.slice(Math.floor((i * lines.length) / 7), Math.floor(((i + 1) * lines.length) / 7)).map((t) => t + '\n').join(''), 'latin1');
      return f;
    });
    const states = parts.map((f) => {
      const r = cli(['learn', '-q', '--comm', 'logrun', '--state', `${f}.json`, f]);
      expect(r.code, r.stderr).toBe(0);
      return `${f}.json`;
    });
    const merged = cli(['merge', ...states.reverse()]);
    const one = cli(['learn', '--no-progress', '--comm', 'logrun', ...parts]);
    expect(merged.code, merged.stderr).toBe(0);
    // logrun execs uname, which calls uname(2): one run keeps the whole process with the selected one
    expect(JSON.parse(one.stdout).syscalls[0].names).toContain('uname');
    expect(merged.stdout).toBe(one.stdout);
    const count = (s: string) => /learned (\d+) syscalls/.exec(s)?.[1];
    expect(count(merged.stderr)).toBe(count(one.stderr));
    const report = cli(['merge', '--report', '--json', ...states]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toBe(cli(['report', '--json', '--comm', 'logrun', ...parts]).stdout);
    // the first parts merged into one state, merged again with the rest: the same
    const first = join(dir, 'first.json');
    const ordered = [...states].sort();
    expect(cli(['merge', '-q', '--format', 'state', '-o', first, ...ordered.slice(0, 3)]).code).toBe(0);
    expect(cli(['merge', '--report', '--json', first, ...ordered.slice(3)]).stdout).toBe(report.stdout);
    expect(cli(['merge', first, ...ordered.slice(3)]).stdout).toBe(merged.stdout);
    // and where the cut falls inside a process that execs (logrun's execve, then busybox): a merged
    // state keeps it open, and the next part's state goes on with it
    const [p1, p2] = [join(dir, 'p1'), join(dir, 'p2')];
    writeFileSync(p1, lines.slice(0, 2).map((t) => t + '\n').join(''), 'latin1');
    writeFileSync(p2, lines.slice(2).map((t) => t + '\n').join(''), 'latin1');
    for (const f of [p1, p2]) expect(cli(['learn', '-q', '--comm', 'logrun', '--state', `${f}.json`, f]).code).toBe(0);
    expect(cli(['merge', '-q', '--format', 'state', '-o', first, `${p1}.json`]).code).toBe(0);
    const folded = cli(['merge', first, `${p2}.json`]);
    expect(JSON.parse(folded.stdout).syscalls[0].names).toContain('getdents64');
    expect(folded.stdout).toBe(cli(['learn', '--no-progress', '--comm', 'logrun', p1, p2]).stdout);
  });

  it('merge --comm logrun of a state of every process (issue 20\'s example) writes what learn --comm logrun does: logrun\'s processes, whole, also after they exec uname or busybox', () => {
    const dir = tmpDir();
    const log = fixture('real/kmsg.log');
    const state = join(dir, 'all.json');
    expect(cli(['learn', '-q', '--state', state, log, '-o', join(dir, 'all-profile.json')]).code).toBe(0);
    const one = cli(['learn', '--no-progress', '--comm', 'logrun', log]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('learned 27 syscalls');
    const merged = cli(['merge', state, '--comm', 'logrun']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('learned 27 syscalls');
    expect(merged.stdout).toBe(one.stdout);
    expect(cli(['merge', '--report', '--json', state, '--comm', 'logrun']).stdout).toBe(cli(['report', '--json', '--comm', 'logrun', log]).stdout);
    // logrun's children exec uname and busybox, and logrun renames itself: none of its processes ended with the comm logrun,
    // and the selection takes them all (what merge --comm selected before: the programs that ended with it, none)
    const report = JSON.parse(cli(['report', '--json', '--comm', 'logrun', log]).stdout) as { processes: Array<{ name: string }> };
    expect(report.processes.map((p) => p.name).sort()).toEqual(['busybox', 'logrun', 'uname']);
    // by exe, and cut in 7 states of every process: the same as one run with the selection
    const lines = readFileSync(log, 'latin1').split('\n').filter(Boolean);
    const parts = Array.from({ length: 7 }, (_, i) => {
      const f = join(dir, `part-${i}`);
      writeFileSync(f, lines.slice(Math.floor((i * lines.length) / 7), Math.floor(((i + 1) * lines.length) / 7)).map((t) => t + '\n').join(''), 'latin1');
      expect(cli(['learn', '-q', '--state', `${f}.json`, f]).code).toBe(0);
      return f;
    });
    const exe = '/usr/bin/uname';
    expect(cli(['merge', ...parts.map((f) => `${f}.json`).reverse(), '--exe', exe]).stdout).toBe(cli(['learn', '--no-progress', '--exe', exe, ...parts]).stdout);
    expect(cli(['merge', '--report', '--json', ...parts.map((f) => `${f}.json`), '--comm', 'logrun']).stdout).toBe(cli(['report', '--json', '--comm', 'logrun', ...parts]).stdout);
    // a merged state keeps every process: a selection is for what is written from it
    expect(cli(['merge', '--format', 'state', state, '--comm', 'logrun']).code).toBe(2);
    // states learned with another selection cannot give this one
    const sel = join(dir, 'uname.json');
    expect(cli(['learn', '-q', '--comm', 'uname', '--state', sel, log]).code).toBe(0);
    const refused = cli(['merge', sel, '--comm', 'logrun']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('learned with a selection');
  });
});
