// Each part of the Learner saves itself as its piece of a learn state and loads
// back. For each part: the input (real lines) is cut at many places; a part
// saved at the cut, through JSON text, and loaded must go on exactly as the part
// that was never saved (what each step gives, and what it holds at the end).
// And each field of the saved piece matters: the same piece with that field set
// back to what a new part has must go on otherwise at some cut, so that a save
// or a load that dropped the field would fail the first check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildReport, findings, Learner, Parser, type AuditMark, type LossReason, type SeccompEvent } from '../../src/index.js';
import { countIn, loadCounts, loadTallies, saveCounts, saveTallies, type Counted } from '../../src/learn/examples.js';
import { countLoss, loadLoss, saveLoss, type Loss } from '../../src/learn/loss.js';
import { countDenied, loadDenied, saveDenied, type Denied } from '../../src/learn/denied.js';
import { loadRuntimes, runtimeBaseOf, saveRuntimes, type RuntimeBase } from '../../src/learn/runtime.js';
import { LabelCounts } from '../../src/learn/labels.js';
import { SerialState } from '../../src/learn/gaps.js';
import { ForgeryState, judged, MAX_WAITING } from '../../src/learn/forgery.js';
import { JournalPairs, kernelTransport } from '../../src/learn/pairing.js';
import { SourceStates } from '../../src/learn/source-state.js';
import { RecordWindow } from '../../src/learn/duplicates.js';
import { addCall, addDetail, newDetail } from '../../src/learn/calls.js';
import { Life, Lives, Programs, type Program } from '../../src/learn/lives.js';
import { fromState, parseState, serialiseState, toState, type LearnState } from '../../src/state/state.js';
import type { Arch } from '../../src/syscalls/index.js';
import { FIELD_CASES, fixture, parseFiles } from '../helpers.js';

/** A part's case: how to make, save and load it, its input step by step, and the fields of its piece. */
interface PartCase<P, J> {
  fresh(): P;
  save(p: P): J;
  /** A new part, from a saved piece. */
  load(saved: J): P;
  /** The input, one step at a time; each gives what the part did (a value, not a live reference). */
  steps: ReadonlyArray<(p: P) => unknown>;
  /** What the part holds at the end, read through its own methods (not its save). */
  look(p: P): unknown;
  /** A field of the saved piece set back to what a new part has (or emptied). */
  drops: Readonly<Record<string, (saved: J) => J>>;
  /** Where to cut (all steps when not given). */
  cuts?: readonly number[];
}

const viaText = <J>(x: J): J => JSON.parse(JSON.stringify(x)) as J;

/** A load into a new part. */
const loadInto =
  <P, J>(make: () => P, load: (p: P, saved: J) => void) =>
  (saved: J): P => {
    const p = make();
    load(p, saved);
    return p;
  };

/** What the part gives from step `from` to the end, and then holds (a throw ends it, said as a value). */
function goOn<P>(c: PartCase<P, unknown>, p: P, from: number): unknown[] {
  const out: unknown[] = [];
  for (let i = from; i < c.steps.length; i++) {
    try {
      out.push(c.steps[i](p));
    } catch (err) {
      out.push(`threw: ${(err as Error).message}`);
      return out;
    }
  }
  try {
    out.push(c.look(p));
  } catch (err) {
    out.push(`threw: ${(err as Error).message}`);
  }
  return out;
}

/** Check a part's case: loaded at each cut, it goes on as the part never saved; each field dropped shows at some cut. */
function checkPart<P, J>(c: PartCase<P, J>): void {
  const cuts = c.cuts ?? Array.from({ length: c.steps.length + 1 }, (_, i) => i);
  const shown = new Set<string>();
  const empty = viaText(c.save(c.fresh()));
  for (const k of cuts) {
    const a = c.fresh();
    for (let i = 0; i < k; i++) c.steps[i](a);
    const saved = viaText(c.save(a));
    const b = c.load(viaText(saved));
    const expected = goOn(c as PartCase<P, unknown>, a, k);
    expect(goOn(c as PartCase<P, unknown>, b, k), `cut at ${k}`).toEqual(expected);
    for (const [name, drop] of Object.entries(c.drops)) {
      const dropped = drop(viaText(saved));
      if (isDeepStrictEqual(dropped, saved)) continue;
      let other: unknown;
      try {
        other = goOn(c as PartCase<P, unknown>, c.load(dropped), k);
      } catch (err) {
        other = `threw: ${(err as Error).message}`;
      }
      if (!isDeepStrictEqual(other, expected)) shown.add(name);
    }
  }
  // every field mattered at some cut (else the input does not test it)
  expect(Object.keys(c.drops).filter((name) => !shown.has(name)), `fields whose loss the input never shows (a new part's piece: ${JSON.stringify(empty).slice(0, 200)})`).toEqual([]);
}

/** Cuts spread over `n` steps (at most about `max`), with the ends. */
const spread = (n: number, max = 60) => [...new Set([0, ...Array.from({ length: max }, (_, i) => Math.round((i * n) / max)), n])];

// ---------------------------------------------------------------- real input

const parsed = parseFiles;
const real = (name: string) => fixture(`real/${name}`);
const field = (name: string) => join(FIELD_CASES, name);
const events = (files: string[]) => parsed(files).filter((r): r is SeccompEvent => r.kind === 'seccomp');
/** Sorted entries of a map, copied: what a part holds, compared by value. */
const entries = <V>(m: ReadonlyMap<unknown, V>) => structuredClone([...m].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));

// ---------------------------------------------------------------- the parts

describe('each part of the Learner, saved and loaded, goes on as if it had never been', () => {
  it('counts with examples (untrusted, skipped, suspicious... by key), and tallies', () => {
    const lines = parsed([real('syslog-traditional.log'), real('journalctl-o-short.log'), field('06-libreswan782-ausearch-i-ppc64le-wrapped.log'), field('37-ubuntuforum-ocr-dmesg-mangled-fields.log')]);
    checkPart<Map<string, Counted>, Partial<Record<string, Counted>>>({
      fresh: () => new Map(),
      save: (m) => saveCounts(m),
      load: loadInto(() => new Map<string, Counted>(), loadCounts),
      steps: lines.map((r, i) => (m: Map<string, Counted>) => countIn(m, r.kind === 'seccomp' ? `${r.kind} ${r.format} ${r.trusted}` : r.kind, { file: 'log', line: i + 1, message: r.kind })),
      look: (m) => entries(m),
      drops: {
        count: (j) => Object.fromEntries(Object.entries(j).map(([k, c]) => [k, { ...c!, count: 0 }])),
        examples: (j) => Object.fromEntries(Object.entries(j).map(([k, c]) => [k, { ...c!, examples: [] }])),
      },
      cuts: spread(lines.length),
    });
    const calls = events([real('dmesg.log')]);
    checkPart<Map<string, number>, Record<string, number>>({
      fresh: () => new Map(),
      save: (m) => saveTallies(m),
      load: loadInto(() => new Map<string, number>(), loadTallies),
      steps: calls.map((e) => (m: Map<string, number>) => m.set(`${e.arch?.name} ${e.nr}`, (m.get(`${e.arch?.name} ${e.nr}`) ?? 0) + 1).size),
      look: (m) => entries(m),
      drops: { tallies: () => ({}) },
      cuts: spread(calls.length),
    });
  });

  it('losses, by reason', () => {
    const notices = parsed([real('dmesg-ratelimited.log'), real('syslog-ratelimited.log'), field('10-debian-dmesg-H-fr-locale.log'), field('37-ubuntuforum-ocr-dmesg-mangled-fields.log')]).flatMap((r, i) =>
      r.kind === 'loss' ? [{ reason: r.reason, count: r.count, at: { file: 'log', line: i + 1, message: r.reason } }] : [],
    );
    expect(notices.length).toBeGreaterThan(3);
    checkPart<Map<LossReason, Loss>, ReturnType<typeof saveLoss>>({
      fresh: () => new Map(),
      save: (m) => saveLoss(m),
      load: loadInto(() => new Map<LossReason, Loss>(), loadLoss),
      steps: notices.map((n) => (m: Map<LossReason, Loss>) => countLoss(m, n.reason, n.count, n.at)),
      look: (m) => entries(m),
      drops: {
        notices: (j) => Object.fromEntries(Object.entries(j).map(([k, l]) => [k, { ...l, notices: 0 }])),
        count: (j) => Object.fromEntries(Object.entries(j).map(([k, l]) => [k, { ...l, count: 0 }])),
        first: (j) => Object.fromEntries(Object.entries(j).map(([k, l]) => [k, { ...l, first: { file: '', line: 0, message: '' } }])),
      },
    });
  });

  it('denied calls', () => {
    const denied = events([real('dmesg.log'), real('audit-raw-i386.log'), field('29-chromeos-debugd-enriched-and-ausearch-i-aarch64-killproc.log')]).filter((e) => e.action !== null && e.action !== 'LOG' && e.action !== 'ALLOW' && e.syscall !== null);
    expect(new Set(denied.map((e) => e.action)).size).toBeGreaterThan(1);
    checkPart<Map<string, Denied>, Denied[]>({
      fresh: () => new Map(),
      save: (m) => saveDenied(m),
      load: loadInto(() => new Map<string, Denied>(), loadDenied),
      steps: denied.map((e) => (m: Map<string, Denied>) => countDenied(m, e.comm ?? e.exe ?? '(null)', e.syscall!, e.action!, e.file, e.line)),
      look: (m) => entries(m),
      drops: {
        comm: (j) => j.map((d) => ({ ...d, comm: '' })),
        syscall: (j) => j.map((d) => ({ ...d, syscall: '' })),
        action: (j) => j.map((d) => ({ ...d, action: 'ALLOW' as const })),
        count: (j) => j.map((d) => ({ ...d, count: 0 })),
        first: (j) => j.map((d) => ({ ...d, first: { file: '', line: 0, message: '' } })),
      },
      cuts: spread(denied.length),
    });
  });

  it('OCI runtimes seen, with their ABIs', () => {
    const inits = events([real('runc-httpd-kmsg.log'), field('13-gke-cos-journal-runc-init-subj-enforce.log')]).filter((e) => e.arch !== null);
    checkPart<Map<RuntimeBase, Set<Arch>>, ReturnType<typeof saveRuntimes>>({
      fresh: () => new Map(),
      save: (m) => saveRuntimes(m),
      load: loadInto(() => new Map<RuntimeBase, Set<Arch>>(), loadRuntimes),
      steps: inits.map((e) => (m: Map<RuntimeBase, Set<Arch>>) => {
        const base = runtimeBaseOf(e.comm);
        if (!base) return null;
        const had = m.get(base)?.has(e.arch!) ?? false;
        m.set(base, (m.get(base) ?? new Set()).add(e.arch!));
        return had;
      }),
      look: (m) => [...m].map(([b, abis]) => [b.comm, [...abis].map((a) => a.name)]),
      drops: { runtimes: () => [], arches: (j) => j.map((r) => ({ ...r, arches: [] })) },
    });
  });

  it('records counted by comm', () => {
    const recs = events([real('runc-httpd-kmsg.log'), real('dmesg.log')]);
    checkPart<LabelCounts, Record<string, number>>({
      fresh: () => new LabelCounts(),
      save: (l) => l.save(),
      load: loadInto(() => new LabelCounts(), (l, saved) => l.load(saved)),
      steps: recs.map((e) => (l: LabelCounts) => l.count(e.comm ?? e.exe ?? '(null)')),
      look: (l) => entries(l.counts()),
      drops: { counts: () => ({}) },
      cuts: spread(recs.length),
    });
  });

  it('serial gaps, with the holes late records may still fill', () => {
    // records printed out of order (every field shows: holes filled late), then gaps that stay, in the first serials and after
    for (const files of [[real('kmsg-reordered.log')], [real('syslog-ratelimited.log'), field('43-chestnut-lab-ausearch-m-seccomp-time-headers-serial-jumps.log'), real('audisp-syslog-raw.log')]]) {
      // (every serial, trusted or not: audisp's lines through syslog hold gaps far past the first serials)
      const lines = parsed(files).filter((r): r is SeccompEvent | AuditMark => (r.kind === 'seccomp' || r.kind === 'mark') && r.serial !== null);
      checkPart<SerialState, ReturnType<SerialState['save']>>({
        fresh: () => new SerialState(),
        save: (s) => s.save(),
        load: loadInto(() => new SerialState(), (s, saved) => s.load(saved)),
        // (the gaps before each serial too: what a part loaded holds before it reads on)
        steps: lines.map((x) => (s: SerialState) => {
          const before = structuredClone(s.gap);
          s.observe(x.serial!, x.time, x.file, x.line);
          return [before, structuredClone(s.gap)];
        }),
        // (what a state keeps for a merge shows in what it makes of the serials of a part read after it, and
        // in what a part read before it makes of its serials: its first ones read again after that part's)
        look: (s) => {
          const next = new SerialState();
          next.observe(s.last + 2, null, 'next', 1);
          const after = new SerialState();
          after.load(s.save());
          after.continueWith(next);
          const before = new SerialState();
          if (s.first >= 0) {
            before.observe(s.first - 2, null, 'before', 1);
            before.continueWith(s);
          }
          return structuredClone({ last: s.last, time: s.time, gap: s.gap, jumps: s.jumps, after: after.gap, files: after.files, before: before.gap });
        },
        drops:
          files.length === 1
            ? { last: (j) => ({ ...j, last: -1 }), time: (j) => ({ ...j, time: null }), files: (j) => ({ ...j, files: [] }), jumps: (j) => ({ ...j, jumps: [] }) }
            : { head: (j) => ({ ...j, head: null }), tail: (j) => ({ ...j, tail: null }), early: (j) => ({ ...j, early: [], settled: false }) },
        // and inside every pair of records printed out of order
        cuts: [...new Set([...spread(lines.length, 100), ...lines.flatMap((x, i) => (i > 0 && x.serial! < lines[i - 1].serial! ? [i] : []))])],
      });
    }
  });

  it('the forgery checks of a source: the stamped lines learned, the lines judged last, the lines still waiting', () => {
    // a real syslog (whose `logger -t kernel` line has no printk stamp), and a
    // copy of one of its records that claims a reboot (the forged-lines tests' own)
    const lines = readFileSync(real('syslog-traditional.log'), 'latin1').split('\n');
    const k = lines.findIndex((l, i) => i > 8 && / kernel: \[ *\d+\.\d+\] audit: type=1326 .*comm="busybox"/.test(l));
    const rebooted = lines[k]
      .replace(/\[ *\d+\.\d+\]/, '[   12.000000]')
      .replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, t, ms) => `audit(${Number(t) + 60}.${ms}:300)`)
      .replace('comm="busybox"', 'comm="intruder"');
    const p = new Parser();
    const kernel = [...lines.slice(0, k + 20), rebooted, ...lines.slice(k + 20)]
      .map((t, i) => p.parseText(t, 'syslog', i + 1))
      .filter((r): r is SeccompEvent | AuditMark => r !== null && (r.kind === 'seccomp' || r.kind === 'mark') && judged(r) && r.format !== 'journal');
    type Saved = { forgery: ReturnType<ForgeryState['save']>; pending: ReturnType<ForgeryState['savePending']> };
    // as the Learner judges them: a line with no stamp where the source's have one at once, the others when MAX_WAITING wait
    const judgeOldest = (f: ForgeryState, final: boolean) => {
      const v = f.judgeOldest(final);
      return [v, f.release(v === null).line];
    };
    checkPart<ForgeryState, Saved>({
      fresh: () => new ForgeryState(),
      save: (f) => ({ forgery: f.save(), pending: f.savePending() }),
      load: loadInto(() => new ForgeryState(), (f, saved) => f.load(saved.forgery, saved.pending, 'syslog')),
      steps: kernel.map((x) => (f: ForgeryState) => {
        if (x.printk === null && f.stamped > 0) return 'no-printk-stamp';
        f.hold(x);
        return f.waiting >= MAX_WAITING ? judgeOldest(f, false) : null;
      }),
      look: (f) => {
        const out = [];
        while (f.waiting > 0) out.push(judgeOldest(f, true));
        return [out, f.stamped];
      },
      drops: {
        stamped: (j) => ({ ...j, forgery: { ...j.forgery, stamped: 0 } }),
        recent: (j) => ({ ...j, forgery: { ...j.forgery, recent: [] } }),
        pending: (j) => ({ ...j, pending: [] }),
      },
    });
  });

  it("journald's unpaired lines of each transport", () => {
    const twins = events([real('journalctl-o-short.log'), real('syslog-chromeos.log'), field('01-crun683-journal-both-transports-errno.log')]).filter((e) => e.trusted && (e.format === 'journal' || kernelTransport(e)));
    checkPart<JournalPairs, ReturnType<JournalPairs['save']>>({
      fresh: () => new JournalPairs(),
      save: (p) => p.save(),
      load: loadInto(() => new JournalPairs(), (p, saved) => p.load(saved)),
      steps: twins.map((e) => (p: JournalPairs) => p.paired(e)),
      look: (p) => p.save(),
      drops: { audit: (j) => ({ ...j, audit: [] }), kernel: (j) => ({ ...j, kernel: [] }) },
      cuts: spread(twins.length, 80),
    });
  });

  it('the sources, each with its checks, serials and unpaired lines, and their gaps', () => {
    // syslog files of one host (gaps in one), and journald's two transports
    const lines = parsed([real('syslog-traditional.log'), real('syslog-pri.log'), real('syslog-ratelimited.log'), real('journalctl-o-short.log')]).filter((r): r is SeccompEvent | AuditMark => (r.kind === 'seccomp' || r.kind === 'mark') && r.trusted);
    checkPart<SourceStates, ReturnType<SourceStates['save']>>({
      fresh: () => new SourceStates(),
      save: (s) => s.save(),
      load: loadInto(() => new SourceStates(), (s, saved) => s.load(saved, true)),
      steps: lines.map((x) => (s: SourceStates) => {
        const src = s.get(x.file, x.host);
        if (x.serial !== null) s.observeSerial(src, x.serial, x.time, x.file, x.line);
        return [src.label, x.kind === 'seccomp' && (x.format === 'journal' || kernelTransport(x)) ? src.pairs.paired(x) : null, entries(s.gaps)];
      }),
      // (in any order: a state keeps its sources sorted)
      look: (s) => [...s.all()].map((src) => [src.label, src.serials.last, src.forgery.waiting]).sort(),
      drops: {
        file: (j) => j.map((x) => ({ ...x, file: `${x.file} (another)` })),
        host: (j) => j.map((x) => ({ ...x, host: null })),
        serials: (j) => j.map((x) => (x.serials === null ? x : { ...x, serials: new SerialState().save() })),
        pairs: (j) => j.map((x) => ({ ...x, pairs: { audit: [], kernel: [] } })),
      },
      cuts: spread(lines.length, 40),
    });
  });

  it('the record window, with the machines it numbers', () => {
    // one machine's records read from three logs (one naming its host), then another host's
    const recs = events([real('dmesg.log'), real('syslog-traditional.log'), real('kmsg.log'), real('syslog-pri.log')]).filter((e) => e.trusted);
    checkPart<RecordWindow, ReturnType<RecordWindow['save']>>({
      fresh: () => new RecordWindow(),
      save: (w) => w.save(),
      load: loadInto(() => new RecordWindow(), (w, saved) => w.load(saved.machines, saved.window)),
      steps: recs.map((e) => (w: RecordWindow) => w.check(e, w.machine(e.host))),
      look: (w) => [null, 'vm', 'node2', 'other'].map((h) => w.machine(h)),
      drops: { machines: (j) => ({ ...j, machines: [] }), window: (j) => ({ ...j, window: new RecordWindow().save().window }) },
      cuts: spread(recs.length, 40),
    });
  });

  it('programs, from the lives retired into them', () => {
    // each process of real logs as a life (its calls, comm, exe and detail), retired in turn
    const byPid = new Map<string, Life>();
    for (const e of events([real('runc-httpd-kmsg.log'), real('dmesg.log'), real('audit-raw-i386.log')])) {
      const key = `${e.file} ${e.pid}`;
      let life = byPid.get(key);
      if (!life) byPid.set(key, (life = new Life(e.host, e.pid)));
      life.matched = e.comm !== 'uname';
      life.detail ??= newDetail();
      addDetail(life.detail, e, true);
      if (e.comm !== null) life.lastComm = e.comm;
      if (e.exe !== null && e.exe !== '/') life.lastExe = e.exe;
      if (e.arch && e.syscall) addCall(life.calls, e.arch, e.syscall);
    }
    const lives = [...byPid.values()];
    const show = (p: Program) => structuredClone({ ...p, calls: [...p.calls].map(([a, s]) => [a.name, [...s].sort()]), detail: p.detail && { ...p.detail, calls: entries(p.detail.calls).map(([k, c]) => [k, { ...c, abi: c.abi?.name }]) } });
    checkPart<Programs, ReturnType<Programs['save']>>({
      fresh: () => new Programs(true),
      save: (p) => p.save(),
      load: loadInto(() => new Programs(true), (p, saved) => p.load(saved)),
      steps: lives.map((life) => (p: Programs) => p.retire(life)),
      // (in any order: a state keeps its programs sorted)
      look: (p) => entries(new Map(p.list().map((x) => [x.exe ?? x.name, show(x)]))),
      drops: {
        key: (j) => j.map((x) => ({ ...x, key: '' })),
        name: (j) => j.map((x) => ({ ...x, name: '' })),
        exe: (j) => j.map((x) => ({ ...x, exe: null })),
        comms: (j) => j.map((x) => ({ ...x, comms: [] })),
        calls: (j) => j.map((x) => ({ ...x, calls: {} })),
        detail: (j) => j.map((x) => ({ ...x, detail: null })),
      },
    });
  });

  it('process lives: open ones by machine and pid, those let go, an older record starting a new one', () => {
    // real records of processes still open at the end of their log, then the
    // same log again 10 s earlier (a log read twice), then of a host
    const first = events([real('kmsg-reordered.log')]).filter((e) => e.trusted && e.time !== null);
    const again = first.map((e) => ({ ...e, time: e.time! - 10 }));
    const more = events([real('syslog-pri.log'), real('syslog-traditional.log')]).filter((e) => e.trusted && e.time !== null);
    type Saved = { lives: ReturnType<Lives['save']>; evicted: number; programs: ReturnType<Programs['save']> };
    const all = [...first, ...again, ...more];
    checkPart<Lives, Saved>({
      fresh: () => new Lives(6, false),
      save: (l) => ({ lives: l.save(), evicted: l.evicted, programs: l.programs.save() }),
      load: loadInto(
        () => new Lives(6, false),
        (l, saved) => {
          l.programs.load(saved.programs);
          l.load(saved.lives, saved.evicted);
        },
      ),
      // what the Learner does with a life, in short: its records, comm, exe and calls
      steps: all.map((e) => (l: Lives) => {
        const life = l.get(e.host, e.pid, e.time!);
        life.before++;
        life.matched = true;
        life.lastComm = e.comm;
        life.lastExe = e.exe;
        if (e.arch && e.syscall) addCall(life.calls, e.arch, e.syscall);
        if (e.syscall === 'exit_group') l.end(life);
        return [life.before, l.size, l.evicted];
      }),
      look: (l) => {
        l.endAll();
        return [l.evicted, l.programs.list().map((p) => [p.name, p.exe, [...p.comms].sort(), [...p.calls].map(([a, s]) => [a.name, [...s].sort()])]).sort()];
      },
      drops: {
        host: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, host: null })) }),
        pid: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, pid: 0 })) }),
        matched: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, matched: false })) }),
        before: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, before: 0 })) }),
        calls: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, calls: {} })) }),
        lastComm: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, lastComm: null })) }),
        lastExe: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, lastExe: null })) }),
        lastTime: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, lastTime: null })) }),
        evicted: (j) => ({ ...j, evicted: 0 }),
      },
      // (and where the first copy ends: only a record older than a life's latest, next, tells its time)
      cuts: [...spread(all.length, 60), first.length],
    });
  });

  it("process lives as the Learner keeps them: selection, the records before it, unnamed calls, the runtime's init, detail", () => {
    // runc's init, then the workload it execs (selected), with one of the init's
    // records changed to a syscall number no table names; then processes still
    // open when the input ends (selected)
    const lines = readFileSync(real('runc-httpd-kmsg.log'), 'latin1').split('\n').filter(Boolean);
    const i = lines.findIndex((l) => l.includes('runc:[2:INIT]') && l.includes(' syscall=257 '));
    lines[i] = lines[i].replace(' syscall=257 ', ' syscall=999 ');
    lines.push(...readFileSync(real('kmsg-reordered.log'), 'latin1').split('\n').filter(Boolean));
    const opts = { selection: { comms: ['busybox', 'reorder'], exes: [], pids: [] }, detail: true };
    const end = (l: Learner) => {
      l.finish();
      const programs = l.programs().map((p) => [p.name, p.exe, [...p.comms].sort(), [...p.calls].map(([a, s]) => [a.name, [...s].sort()])]);
      return JSON.stringify({ report: buildReport(l), findings: findings(l), profile: l.profile(), unnamed: [...l.unnamed], used: l.used, programs: programs.sort() });
    };
    checkPart<Learner, LearnState>({
      fresh: () => new Learner(opts),
      save: (l) => toState(l, []),
      load: (saved) => fromState(parseState(serialiseState(saved))),
      steps: lines.map((t, n) => (l: Learner) => l.lineText(t, 'kmsg', n + 1)),
      look: end,
      drops: {
        matched: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, matched: false })) }),
        before: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, before: 0 })) }),
        calls: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, calls: {} })) }),
        unnamed: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, unnamed: [] })) }),
        lastComm: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, lastComm: null })) }),
        lastExe: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, lastExe: null })) }),
        runtime: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, runtime: null })) }),
        detail: (j) => ({ ...j, lives: j.lives.map((x) => ({ ...x, detail: null })) }),
      },
      cuts: spread(lines.length, 50),
    });
  });
});
