// The kinds behind the field cases, held on every real fixture line: a record is
// found whatever stands before it, named the same, and trusted only when it
// should be; month and weekday names of every locale; no line that holds a
// record is lost without a count.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findings, Learner, LineSplitter, Parser, type LineResult, type SeccompEvent } from '../../src/index.js';
import { fixture, have, IN_CI } from '../helpers.js';

const REAL = readdirSync(fixture('real')).filter((f) => f.endsWith('.log')).sort();
const linesOf = (name: string) => readFileSync(fixture(name), 'utf8').split('\n').filter((l) => l.length > 0);
/** What a line holding a seccomp record looks like, in any form the fixtures have. */
const HOLDS_RECORD = /type=1326 |type=SECCOMP |type=UNKNOWN\[1326\] |SECCOMP auid=|"_AUDIT_TYPE":"1326"/;

const isEvent = (r: LineResult): r is SeccompEvent => r?.kind === 'seccomp';
const named = (e: SeccompEvent) => [e.pid, e.arch?.name ?? null, e.nr, e.syscall, e.action, e.comm, e.exe];

/** Every fixture line that gives a seccomp event, with its event. */
const seeds: Array<{ file: string; line: string; event: SeccompEvent }> = [];
for (const f of REAL) {
  const p = new Parser();
  linesOf(`real/${f}`).forEach((line, i) => {
    const r = p.parseText(line, f, i + 1);
    if (isEvent(r)) seeds.push({ file: f, line, event: r });
  });
}

describe('every line that holds a record', () => {
  it('gives a record or a counted skip, in every real fixture', () => {
    let n = 0;
    for (const f of REAL) {
      const p = new Parser();
      linesOf(`real/${f}`).forEach((line, i) => {
        if (!HOLDS_RECORD.test(line)) return;
        n++;
        const r = p.parseText(line, f, i + 1);
        expect(r?.kind === 'seccomp' || r?.kind === 'skip', `${f}:${i + 1} ${line.slice(0, 120)}`).toBe(true);
      });
    }
    expect(n).toBeGreaterThan(5000);
  });

  it('is accounted for by the learner: learned, read twice, untrusted, likely forged, in conflict or skipped', () => {
    for (const f of REAL) {
      const l = new Learner();
      const s = new LineSplitter(f, l);
      s.push(readFileSync(fixture(`real/${f}`)));
      s.end();
      l.finish();
      const sum = (m: Map<unknown, { count: number }>) => [...m.values()].reduce((a, c) => a + c.count, 0);
      const holding = linesOf(`real/${f}`).filter((x) => HOLDS_RECORD.test(x)).length;
      const accounted = l.records + l.duplicates + sum(l.untrusted) + sum(l.suspicious) + l.conflicts.count + sum(l.skipped);
      expect(accounted, f).toBe(holding);
    }
  });
});

/** What tools and people put before a line: the line's writer is still the one its envelope names. */
const TRANSPARENT = ['52:', '7-', '/var/log/syslog:', '/var/log/audit/audit.log:1234:', 'syslog.2.gz:', 'audit.log:', '    ', '\t', ' '];
/** Prefixes that make the line someone else's: never trusted. */
const FOREIGN = ['myapp: ', 'foo[123]: ', '>> ', '# ', 'Nov 29 02:49:41 vm myapp: got ', 'node1 syslog-ng[42]: ', 'time="2026-11-29" msg="'];

describe('a record behind a prefix', () => {
  it('is found and named the same; trusted as before behind grep numbers, file names and white space, never behind a foreign tag', () => {
    expect(seeds.length).toBeGreaterThan(4000);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.constantFrom(...TRANSPARENT, ...FOREIGN), fc.constantFrom(...TRANSPARENT), fc.boolean(), (seed, first, second, two) => {
        // (a file name before white space, `a.log: [...`, cannot be told from a program's tag: `myapp: [...`)
        const prefix = two && !(/:$/.test(second) && !/^\d/.test(second) && /^\s/.test(first)) ? second + first : first;
        const r = new Parser().parseText(prefix + seed.line, 'x', 1);
        expect(isEvent(r), JSON.stringify(prefix + seed.line).slice(0, 200)).toBe(true);
        const e = r as SeccompEvent;
        expect(named(e)).toEqual(named(seed.event));
        if (FOREIGN.includes(first)) expect(e.trusted).toBe(false);
        else expect(e.trusted, JSON.stringify(prefix + seed.line).slice(0, 200)).toBe(seed.event.trusted);
      }),
      { numRuns: 6000 },
    );
  });

  it('ends the same with a CR (a file written on Windows, a paste)', () => {
    for (const seed of seeds.filter((_, i) => i % 7 === 0)) {
      const r = new Parser().parseText(`${seed.line}\r`, 'x', 1);
      expect(isEvent(r) && [...named(r), r.trusted]).toEqual([...named(seed.event), seed.event.trusted]);
    }
  });
});

/** Month (%b, 12) and weekday (%a, 7) names of every locale `locale -a` had (fixtures/locales/time-names.tsv). */
const LOCALES = readFileSync(fixture('locales/time-names.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const c = l.split('\t');
    return { locale: c[0], months: c.slice(1, 13), days: c.slice(13, 20), charmap: c[39] };
  });

describe('month and weekday names in any locale', () => {
  // journalctl -o short(-precise) prints `%b %d %H:%M:%S` (the month localized);
  // dmesg -T prints `[%a %b %e %H:%M:%S %Y]`
  const syslogSeeds = seeds.filter((s) => /^Nov 29 \d\d:\d\d:\d\d/.test(s.line));
  const dmesgSeeds = seeds.filter((s) => /^\[Sun Nov 29 \d\d:\d\d:\d\d \d{4}\] /.test(s.line));

  it('has the table and lines to try it on', () => {
    expect(LOCALES.length).toBeGreaterThan(400);
    expect(syslogSeeds.length).toBeGreaterThan(500);
    expect(dmesgSeeds.length).toBeGreaterThan(100);
  });

  it("reads a journalctl or syslog line with any locale's month, as the line in English", () => {
    fc.assert(
      fc.property(fc.constantFrom(...syslogSeeds), fc.constantFrom(...LOCALES), fc.integer({ min: 0, max: 11 }), fc.boolean(), (seed, loc, m, latin1) => {
        const month = loc.months[m];
        const line = `${month} ${seed.line.slice(4)}`;
        // a log written under an ISO-8859-1 locale holds that encoding's bytes
        const bytes = latin1 && /^ISO-8859-1/.test(loc.charmap) ? Buffer.from(line, 'latin1') : Buffer.from(line, 'utf8');
        const r = new Parser().parse(bytes, 0, bytes.length, 'x', 1);
        expect(isEvent(r), `${loc.locale}: ${line.slice(0, 80)}`).toBe(true);
        const e = r as SeccompEvent;
        expect([...named(e), e.trusted, e.host]).toEqual([...named(seed.event), seed.event.trusted, seed.event.host]);
      }),
      { numRuns: 5000 },
    );
  });

  it("reads a dmesg -T line with any locale's weekday and month", () => {
    fc.assert(
      fc.property(fc.constantFrom(...dmesgSeeds), fc.constantFrom(...LOCALES), fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 6 }), (seed, loc, m, d) => {
        const line = `[${loc.days[d]} ${loc.months[m]} ${seed.line.slice(9)}`;
        const r = new Parser().parseText(line, 'x', 1);
        expect(isEvent(r) && [...named(r), r.trusted, r.format], `${loc.locale}: ${line.slice(0, 80)}`).toEqual([...named(seed.event), true, 'dmesg-T']);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the locale table', () => {
  // made by scripts/fixtures/time-names.sh with `LC_TIME=xx date`; CI installs locales-all
  const can = have('locale') && spawnSync('sh', ['-c', 'locale -a | grep -qi "^ja_JP.utf8$"']).status === 0;
  if (!can && !IN_CI) console.warn('skipping the locale table check: locales-all is not installed (apt-get install locales-all)');
  it.skipIf(!can && !IN_CI)("is what `date` prints today, for a sample of locales", () => {
    for (const loc of LOCALES.filter((l) => /^(ja_JP|ca_ES|vi_VN|mn_MN|et_EE|de_DE|fr_FR|zh_CN)\.(utf8|UTF-8)$/i.test(l.locale))) {
      for (let m = 0; m < 12; m++) {
        const r = spawnSync('date', ['-d', `2026-${String(m + 1).padStart(2, '0')}-15`, '+%b'], { env: { ...process.env, LC_ALL: loc.locale }, encoding: 'utf8' });
        expect(r.stdout.replace(/\n$/, ''), `${loc.locale} month ${m + 1}`).toBe(loc.months[m]);
      }
    }
  });
});

/** What a Learner selecting busybox and the forgers' `intruder` learns from syslog lines, read to the end. */
function learnBusybox(text: string[]): Learner {
  const l = new Learner({ selection: { comms: ['busybox', 'intruder'], exes: [], pids: [] } });
  const s = new LineSplitter('syslog', l);
  s.push(Buffer.from(text.join('\n') + '\n'));
  s.end();
  l.finish();
  return l;
}

describe('forged lines that claim a reboot', () => {
  // the example, built from a real syslog fixture: a copy of one of its
  // records, re-stamped [   12.0] with serial 300 and an audit time a minute
  // after its neighbours, the comm changed
  const lines = linesOf('real/syslog-traditional.log');
  const k = lines.findIndex((l, i) => i > 8 && / kernel: \[ *\d+\.\d+\] audit: type=1326 .*comm="busybox"/.test(l));
  const forged = lines[k]
    .replace(/\[ *\d+\.\d+\]/, '[   12.000000]')
    .replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, t, ms) => `audit(${Number(t) + 60}.${ms}:300)`)
    .replace('comm="busybox"', 'comm="intruder"');


  it('is not learned, and opens no gap of thousands of "missing" serials', () => {
    const clean = learnBusybox(lines);
    const l = learnBusybox([...lines.slice(0, k + 1), forged, ...lines.slice(k + 1)]);
    expect([...l.suspicious.keys()]).toContain('false-reboot');
    expect(l.names()).toEqual(clean.names());
    expect(l.seen.has('intruder')).toBe(false);
    expect([...l.gaps.values()].map((g) => g.missing)).toEqual([...clean.gaps.values()].map((g) => g.missing));
    expect(findings(l).filter((f) => f.kind === 'serial-gap')).toEqual(findings(clean).filter((f) => f.kind === 'serial-gap'));
  });

  it('is not learned when it is the last kernel line either (no later line confirms it)', () => {
    const l = learnBusybox([...lines, forged]);
    expect([...l.suspicious.keys()]).toContain('unconfirmed-reboot');
    expect(l.seen.has('intruder')).toBe(false);
  });
});

describe('forged lines stamped ahead', () => {
  // a copy of one of a real syslog's records, its printk stamp 1000 s ahead and
  // its serial 5 on, the audit time left as it was, the comm changed: the kernel's
  // uptime cannot pass 1000 s while its clock passes none
  const lines = linesOf('real/syslog-traditional.log');
  const kernel = / kernel: \[ *\d+\.\d+\] audit: type=1326 /;
  const k = lines.findIndex((l, i) => i > 8 && kernel.test(l) && l.includes('comm="busybox"'));
  const ahead = (line: string, by: number, serial: (s: number) => number) =>
    line
      .replace(/\[ *(\d+\.\d+)\]/, (_m, p) => `[${(Number(p) + by).toFixed(6).padStart(12)}]`)
      .replace(/audit\((\d+\.\d+):(\d+)\)/, (_m, t, n) => `audit(${t}:${serial(Number(n))})`)
      .replace('comm="busybox"', 'comm="intruder"');
  const clean = learnBusybox(lines);
  // the fixture's own (a forged line it holds), and what is added
  const suspicious = (l: Learner) => Object.fromEntries([...l.suspicious].map(([why, c]) => [why, c.count]));
  const plus = (why: string) => ({ ...suspicious(clean), [why]: 1 });
  const real = (l: Learner) => {
    expect(l.names()).toEqual(clean.names());
    expect(l.seen.has('intruder')).toBe(false);
    expect(l.records).toBe(clean.records);
    expect([...l.gaps.values()].map((g) => g.missing)).toEqual([...clean.gaps.values()].map((g) => g.missing));
  };

  it('in the middle: not learned, and no real line after it is taken for forged', () => {
    const l = learnBusybox([...lines.slice(0, k + 1), ahead(lines[k], 1000, (n) => n + 5), ...lines.slice(k + 1)]);
    expect(suspicious(l)).toEqual(plus('printk-ahead'));
    real(l);
  });

  it('first in the file (every real line after it behind it): not learned, every real line is', () => {
    const first = lines.findIndex((l) => kernel.test(l));
    const forged = ahead(lines[k], 99999, () => 999999);
    const l = learnBusybox([...lines.slice(0, first), forged, ...lines.slice(first)]);
    expect(suspicious(l)).toEqual(plus('printk-ahead'));
    real(l);
  });

  it('two in a row that agree with each other, anywhere (second line, start, middle): neither learned, every real line learned', () => {
    const first = lines.findIndex((l) => kernel.test(l));
    const pair = [ahead(lines[k], 5000, () => 999000), ahead(lines[k], 5001, () => 999001)];
    for (const at of [first, first + 1, k + 1]) {
      const l = learnBusybox([...lines.slice(0, at), ...pair, ...lines.slice(at)]);
      expect(l.seen.has('intruder'), `at ${at}`).toBe(false);
      expect(l.names()).toEqual(clean.names());
      expect(l.records).toBe(clean.records);
      expect([...l.suspicious.values()].reduce((n, c) => n + c.count, 0)).toBe([...clean.suspicious.values()].reduce((n, c) => n + c.count, 0) + 2);
    }
  });

  it('a forged reboot claim right after the first real line (stamps and serial back, the clock agreeing): not learned, the real line is', () => {
    const first = lines.findIndex((l) => kernel.test(l));
    const rebooted = lines[k].replace(/\[ *\d+\.\d+\]/, '[  100.000000]').replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, t, ms) => `audit(${Number(t) + 100000}.${ms}:3)`).replace('comm="busybox"', 'comm="intruder"');
    const l = learnBusybox([...lines.slice(0, first + 1), rebooted, ...lines.slice(first + 1)]);
    expect(l.seen.has('intruder')).toBe(false);
    expect(l.names()).toEqual(clean.names());
    expect(l.records).toBe(clean.records);
  });

  it('last in the file: the lines before it deny it, not learned', () => {
    const l = learnBusybox([...lines, ahead(lines[k], 1000, (n) => n + 5)]);
    expect(suspicious(l)).toEqual(plus('printk-ahead'));
    real(l);
  });
});
