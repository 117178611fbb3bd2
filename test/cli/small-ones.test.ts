// The small ones of issue 20: wording a person reads, a strict-mode kill, and
// journald's receive time where the record's own is missing.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Learner, Parser, type SeccompEvent } from '../../src/index.js';
import { findings } from '../../src/report/findings.js';
import { cli, fixture, readFixture, tmpDir } from '../helpers.js';

const KMSG = readFixture('real/kmsg.log').split('\n').filter((l) => l.includes('audit: type=1326 '));

describe('what a person reads', () => {
  it('an unknown line is "an unknown line"; one record, one line, one audit record are singular', () => {
    const dir = tmpDir();
    const f = join(dir, 'one.log');
    // a kernel line after another program's words: its envelope is not one seccomp-learn knows
    writeFileSync(f, `>> ${KMSG[0].slice(KMSG[0].indexOf(';') + 1)}\n`);
    const r = cli(['report', f]);
    expect(r.stdout).toMatch(/an unknown line beginning/);
    expect(r.stdout).toMatch(/0 seccomp records \(0 of them selected, 0 read twice\) in 1 line$/m);
    const gap = join(dir, 'gap.log');
    const [a, b] = KMSG.filter((l) => / audit\(\d+\.\d+:\d+\)/.test(l)).slice(0, 2);
    const serial = Number(/:(\d+)\)/.exec(a)![1]);
    // two kernel lines two serials apart: one record may be missing between them
    writeFileSync(gap, `${a}\n${b.replace(/:(\d+)\)/, `:${serial + 2})`)}\n`);
    const j = JSON.parse(cli(['report', '--json', gap]).stdout);
    expect(j.findings.find((x: { kind: string }) => x.kind === 'serial-gap').detail).toMatch(/^up to 1 audit record may be missing/);
  });

  it('a line past the cap names the option that reads it; merge, check and diff given a log say it is a log, not a syntax error', () => {
    const dir = tmpDir();
    const f = join(dir, 'long.log');
    writeFileSync(f, `${KMSG[0]}\n${KMSG[1]}\n`);
    const r = cli(['--max-line-length', String(Math.min(KMSG[0].length, KMSG[1].length) - 1), f]);
    expect(r.stderr).toMatch(/skipped 2 lines: line-too-long; .*long\.log:1: .*long\.log:2: .*\(--max-line-length BYTES reads longer lines\)/);
    for (const log of ['real/kmsg.log', 'real/journal-json.log', 'real/audit-raw.log']) {
      for (const args of [['merge'], ['check'], ['diff', fixture(log)]]) {
        const m = cli([...args, fixture(log)]);
        expect(m.code, m.stderr).toBe(2);
        expect(m.stderr).toContain(`${fixture(log)}: a log of audit records, not a profile: logs are learned`);
        expect(m.stderr).not.toMatch(/syntax error/i);
      }
    }
  });

  it('one record two states both held is "1 record was held", not "1 records were"', () => {
    const dir = tmpDir();
    const f = join(dir, 'one.log');
    writeFileSync(f, `${KMSG.find((l) => / audit\(\d+\.\d+:\d+\)/.test(l))!}\n`);
    const states = ['a.json', 'b.json'].map((n) => join(dir, n));
    for (const st of states) expect(cli(['learn', '-q', '--state', st, f]).code).toBe(0);
    const r = cli(['merge', ...states]);
    expect(r.stderr).toMatch(/note: 1 record was held by more than one state/);
    expect(r.stderr).not.toMatch(/1 records/);
  });

  it('a learn state given where a log or a profile goes is named as a state, with the command that reads it; a log given to --merge is named as a log', () => {
    const dir = tmpDir();
    const state = join(dir, 'st.json');
    expect(cli(['learn', '-q', '--state', state, fixture('real/kmsg.log')]).code).toBe(0);
    for (const cmd of [[], ['report'], ['learn', '-o', join(dir, 'p.json')]]) {
      const r = cli([...cmd, state]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${state} is a seccomp-learn state, not a log`);
      expect(r.stderr).toContain(`\`merge ${state}\` writes its profile`);
    }
    const m = cli(['--merge', state, fixture('real/kmsg.log')]);
    expect(m.stderr).toContain(`--merge ${state}: a seccomp-learn state, not a profile`);
    const l = cli(['--merge', fixture('real/dmesg.log'), fixture('real/kmsg.log')]);
    expect(l.stderr).toContain(`--merge ${fixture('real/dmesg.log')}: a log of audit records, not a profile`);
    expect(l.stderr).not.toMatch(/JSON at position/);
  });

  it('when every record is untrusted, the first line already says they were read and not learned', () => {
    const dir = tmpDir();
    const f = join(dir, 'cat.log');
    writeFileSync(f, `${KMSG[0].slice(KMSG[0].indexOf(';') + 1)}\n`);
    const r = cli([f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^seccomp-learn: 1 line read, 0 seccomp records and 1 more not learned \(see below\), 0 used/);
    expect(r.stderr).toMatch(/1 record in message lines was not learned/);
  });
});

describe("seccomp's strict mode", () => {
  it('a kill with sig=9 (strict mode, no filter) is not said to be "denied by a profile in force"', () => {
    const real = KMSG.map((l) => l.slice(l.indexOf(';') + 1)).find((l) => / code=0x7ffc0000$/.test(l))!;
    const strict = real.replace(/ sig=0 /, ' sig=9 ').replace(/code=0x7ffc0000$/, 'code=0x0');
    const l = new Learner({ trustAnySource: true });
    l.lineText(strict, 'x', 1);
    l.finish();
    const denied = findings(l).find((f) => f.kind === 'denied')!;
    expect(denied.detail).toMatch(/^calls denied by seccomp's strict mode: .*killed by seccomp's strict mode, SIGKILL, no filter/);
    expect(denied.detail).not.toMatch(/profile in force/);
    // a filter's kill (sig=31) still is
    const k = new Learner({ trustAnySource: true });
    k.lineText(strict.replace(' sig=9 ', ' sig=31 '), 'x', 1);
    k.finish();
    expect(findings(k).find((f) => f.kind === 'denied')!.detail).toMatch(/^calls denied by a profile in force: .*\(KILL_THREAD, 1 time\)/);
  });
});

describe('journald JSON', () => {
  const lines = readFixture('real/journal-json.log').split('\n').filter(Boolean);
  const auditTransport = lines.find((l) => l.includes('"_TRANSPORT":"audit"') && l.includes('_SOURCE_REALTIME_TIMESTAMP') && l.includes('"_AUDIT_TYPE":"1326"'))!;
  const o = JSON.parse(auditTransport) as Record<string, string>;
  /** The entry as journald writes it without the record's own time. */
  const rest = Object.fromEntries(Object.entries(o).filter(([k]) => k !== '_SOURCE_REALTIME_TIMESTAMP'));

  it('an audit-transport entry without _SOURCE_REALTIME_TIMESTAMP takes its time from __REALTIME_TIMESTAMP', () => {
    const e = new Parser().parseText(JSON.stringify(rest), 'j', 1) as SeccompEvent;
    expect(e.time).toBe(Math.floor(Number(o.__REALTIME_TIMESTAMP) / 1000) / 1000);
    expect(e.serial).toBe(Number(o._AUDIT_ID));
  });

  it('and is still counted once with its kernel-transport twin (a receive time less than a second after the record)', () => {
    const l = new Learner();
    lines.forEach((x, i) => l.lineText(x === auditTransport ? JSON.stringify(rest) : x, 'j', i + 1));
    l.finish();
    const whole = new Learner();
    lines.forEach((x, i) => whole.lineText(x, 'j', i + 1));
    whole.finish();
    expect([l.records, l.duplicates]).toEqual([whole.records, whole.duplicates]);
  });
});

describe('an action that cannot be read', () => {
  it('a record whose code= cannot be read is said in the report\'s first line, not counted as allowed or denied', () => {
    const dir = tmpDir();
    const f = join(dir, 'cut.log');
    // a real kill record, its code= cut short by a viewer's ellipsis; and the same record closed by a parenthesis
    const kill = KMSG.find((l) => l.endsWith(' code=0x80000000'))!;
    const msg = kill.slice(kill.indexOf(';') + 1);
    writeFileSync(f, `${msg.replace(/code=0x80000000$/, 'code=0x8...')}\n`);
    const r = cli(['report', '--trust-any-source', f]);
    expect(r.stdout).toMatch(/^1 process, 1 distinct syscall, 0 denied calls, 1 call of unknown action$/m);
    writeFileSync(f, `(${msg})\n`);
    expect(cli(['report', '--trust-any-source', f]).stdout).toMatch(/^1 process, 1 distinct syscall, 1 denied call$/m);
  });
});
