// Lost records, forged lines, denials and `report` (golden files at width 80 and --json).
import { describe, expect, it } from 'vitest';
import { cli, expectGolden, fixture } from '../helpers.js';
// relative paths, so golden files do not depend on where the repository is
const rel = (name: string) => `fixtures/${name}`;

describe('lost records', () => {
  it('counts the printk rate limit and the serial gap it left, with the time span, and exits 3 with --strict', () => {
    const r = cli(['--comm', 'busybox', '--strict', rel('real/syslog-ratelimited.log')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/"SCMP_ACT_ALLOW"/); // the profile is still written, for a person to look at
    expect(r.stderr).toMatch(/printk rate limit dropped about 52 log lines \(1 notice, first at fixtures\/real\/syslog-ratelimited\.log:12\)/);
    expect(r.stderr).toMatch(/up to 45 audit records may be missing from fixtures\/real\/syslog-ratelimited\.log \(host vm\) \(1 gap in the serial numbers, between 20\d\d-\d\d-\d\dT[\d:.]+Z and 20\d\d-\d\d-\d\dT[\d:.]+Z/);
    expect(r.stderr).toMatch(/sysctl -w kernel\.printk_ratelimit=0/);
    expect(r.stderr).toMatch(/--strict: records may be missing/);
    // -q: nothing on stderr; the exit code says it
    const q = cli(['-q', '--comm', 'busybox', '--strict', rel('real/syslog-ratelimited.log')]);
    expect([q.code, q.stderr]).toEqual([3, '']);
    const dmesg = cli(['--comm', 'busybox', '--strict', rel('real/dmesg-ratelimited.log')]);
    expect(dmesg.code).toBe(3);
  });

  it('finds no loss where there was none, and --strict then exits 0', () => {
    for (const f of ['real/dmesg.log', 'real/kmsg.log', 'real/audit-raw.log', 'real/journal-json.log']) {
      const r = cli(['--comm', 'busybox', '--strict', rel(f)]);
      expect(r.stderr, f).not.toMatch(/may be missing|dropped/);
      expect(r.code, f).toBe(0);
    }
  });
});

describe('forged lines', () => {
  it('does not learn them, says where the first one is, and --trust-any-source says loudly that it learns them', () => {
    const r = cli(['--pid', '4242', rel('real/syslog-traditional.log')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 record in syslog lines was not learned \(first: fixtures\/real\/syslog-traditional\.log:\d+, a syslog line beginning "Nov 29 [0-9:]+ vm root: audit: ..."\)/);
    expect(r.stderr).toMatch(/1 line claiming the kernel wrote it but likely forged was not learned \(no-printk-stamp; first: fixtures\/real\/syslog-traditional\.log:\d+/);
    const t = cli(['--pid', '4242', '--trust-any-source', rel('real/syslog-traditional.log')]);
    expect(t.code).toBe(0);
    expect(t.stderr).toMatch(/warning: --trust-any-source/);
    expect(JSON.parse(t.stdout).syscalls[0].names).toEqual(['execve', 'ptrace']);
  });
});

describe('seccomp-learn report', () => {
  const inputs = ['real/dmesg.log', 'real/syslog-ratelimited.log', 'real/syslog-traditional.log'].map(rel);

  it('prints the golden table at width 80', () => {
    const r = cli(['report', '--width', '80', ...inputs]);
    expect(r.code).toBe(0);
    expectGolden(r.stdout, 'report-80.txt');
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('prints the golden JSON', () => {
    const r = cli(['report', '--json', ...inputs]);
    expectGolden(r.stdout, 'report.json');
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['processes', 'findings', 'totals']);
    expect(Object.keys(j.processes[0])).toEqual(['name', 'exe', 'comms', 'pids', 'first', 'last', 'learning', 'architectures', 'syscalls']);
    expect(Object.keys(j.processes[0].learning)).toEqual(['lastNew', 'lastNewName', 'records', 'recordsAfter', 'seconds', 'secondsAfter', 'untimed']);
    expect(Object.keys(j.processes[0].syscalls[0])).toEqual(['name', 'nr', 'arch', 'action', 'denied', 'sig', 'count', 'first']);
    // denied first
    expect(j.processes[0].syscalls[0]).toMatchObject({ name: 'uname', denied: true });
    expect(j.findings.map((f: { kind: string }) => f.kind)).toEqual(['printk-suppressed', 'serial-gap', 'untrusted', 'likely-forged', 'denied']);
  });

  it('--denied answers "why does my pod crash"', () => {
    const r = cli(['report', '--denied', '--width', '80', rel('real/dmesg.log')]);
    expectGolden(r.stdout, 'report-denied-80.txt');
    expect(r.stdout).toMatch(/! uname +x86_64 +KILL_PROCESS +2 {2}sig 31/);
    expect(r.stdout).toMatch(/! uname +x86_64 +ERRNO +1\n/);
    const none = cli(['report', '--denied', fixture('published/k8s-tutorial-syslog.log')]);
    expect(none.stdout).toMatch(/No syscall was denied/);
  });
});
