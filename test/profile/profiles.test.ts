// check, diff and merge: what a call meets under a profile (src/profile/policy.ts,
// which follows runc and libseccomp), golden runs on a real runc recording
// with the Kubernetes tutorial's fine-grained.json before and after the four
// names runc's init needed, and every format read back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectGolden, fixture, tmpDir } from '../helpers.js';
import { SPECS } from '../schemas.js';
import { Policy } from '../../src/profile/policy.js';
import { mergeProfiles } from '../../src/profile/merge.js';
import { parseProfile, resolveTemplate, DOCKER_DEFAULT_CAPS } from '../../src/profile/formats/index.js';
import { findArch, type Profile } from '../../src/index.js';

const X86_64 = findArch('x86_64')!;
const I386 = findArch('i386')!;
const X32 = findArch('x32')!;
const AARCH64 = findArch('aarch64')!;
// relative to the repository, where cli() runs: golden files hold these paths
const BEFORE = 'fixtures/published/k8s-fine-grained-before.json';
const AFTER = 'fixtures/published/k8s-fine-grained.json';
const RUNC = 'fixtures/real/runc-httpd-kmsg.log';
const on = (p: Profile, name: string, abi = X86_64) => new Policy(p, X86_64).evaluateName(abi, name);

describe('what a call meets (runc + libseccomp)', () => {
  it('the first unconditional rule for a name decides, whatever the actions (libseccomp db_rule_add)', () => {
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }, { names: ['getpid'], action: 'SCMP_ACT_KILL_PROCESS' }] };
    expect(on(p, 'getpid')).toMatchObject({ verdict: 'allowed', rule: 0 });
    p.syscalls!.reverse();
    expect(on(p, 'getpid')).toMatchObject({ verdict: 'denied', rule: 0, effect: { action: 'SCMP_ACT_KILL_PROCESS' } });
  });

  it('an unconditional rule overrides rules with arguments before or after it', () => {
    const cond = { names: ['getpid'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] };
    const kill = { names: ['getpid'], action: 'SCMP_ACT_KILL_PROCESS' };
    expect(on({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [cond, kill] }, 'getpid').effect!.action).toBe('SCMP_ACT_KILL_PROCESS');
    expect(on({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [kill, cond] }, 'getpid').effect!.action).toBe('SCMP_ACT_KILL_PROCESS');
    // alone, a rule with arguments allows "only for some arguments", never "allowed"
    const o = on({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [cond] }, 'getpid');
    expect(o.verdict).toBe('conditional');
    expect(o.why).toMatch(/only for some arguments: rule 0 \(SCMP_ACT_ALLOW\)/);
  });

  it('a rule with the default action is skipped (runc matchCall), so a later rule for the name counts', () => {
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO' }, { names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] };
    expect(on(p, 'getpid')).toMatchObject({ verdict: 'allowed', rule: 1 });
    // ERRNO with another errno is not the default: it decides
    p.syscalls![0].errnoRet = 38;
    expect(on(p, 'getpid')).toMatchObject({ verdict: 'denied', rule: 0, effect: { action: 'SCMP_ACT_ERRNO', errno: 38 } });
  });

  it('SCMP_ACT_KILL kills the thread; ERRNO returns errnoRet, else EPERM; defaultErrnoRet is for the default only', () => {
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_KILL' }, { names: ['mount'], action: 'SCMP_ACT_ERRNO' }] };
    expect(on(p, 'ptrace').effect).toEqual({ action: 'SCMP_ACT_KILL_THREAD', errno: null });
    expect(on(p, 'mount').effect).toEqual({ action: 'SCMP_ACT_ERRNO', errno: 1 });
    expect(on(p, 'read').effect).toEqual({ action: 'SCMP_ACT_ERRNO', errno: 38 });
    expect(on({ defaultAction: 'SCMP_ACT_LOG' }, 'read').verdict).toBe('allowed');
  });

  it('an ABI outside `architectures` meets the bad-arch action; the native one is always in; x32 needs SCMP_ARCH_X32', () => {
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
    const pol = new Policy(p, X86_64);
    expect(pol.evaluate(I386, 3, 'read')).toMatchObject({ verdict: 'denied', effect: { action: 'SCMP_ACT_KILL_THREAD' } });
    expect(pol.evaluate(I386, 3, 'read').why).toMatch(/i386 \(SCMP_ARCH_X86\) is not in the profile's architectures nor the native x86_64: the filter's bad-architecture action/);
    expect(pol.evaluate(X32, 0x40000000, 'read').verdict).toBe('denied');
    // no architectures at all: runc filters the native one
    expect(new Policy({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: p.syscalls }, X86_64).evaluate(X86_64, 0, 'read').verdict).toBe('allowed');
    // the native architecture, listed or not
    expect(new Policy({ ...p, architectures: ['SCMP_ARCH_AARCH64'] }, X86_64).evaluate(X86_64, 0, 'read').verdict).toBe('allowed');
    expect(new Policy({ ...p, architectures: ['SCMP_ARCH_X86_64'] }, X86_64).evaluate(AARCH64, 63, 'read').verdict).toBe('denied');
  });

  it('a number with no name and a record with no arch= are unknown, never allowed', () => {
    const pol = new Policy({ defaultAction: 'SCMP_ACT_ALLOW' }, X86_64);
    expect(pol.evaluate(X86_64, 999, null)).toMatchObject({ verdict: 'unknown', effect: null });
    expect(pol.evaluate(null, 0, null)).toMatchObject({ verdict: 'unknown', effect: null });
  });

  it("resolves Docker's own template as the daemon does, saying what it assumed", () => {
    const moby = parseProfile(readFileSync(join(SPECS, 'docker-default-seccomp.json'), 'utf8'), 'default.json');
    expect(moby.kind).toBe('docker');
    const at = (caps: readonly string[], host = X86_64) => resolveTemplate(moby.profile, { host, caps, kernel: '6.1' }, 'default.json');
    const plain = at(DOCKER_DEFAULT_CAPS);
    expect(plain.profile.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(plain.notes.join('\n')).toMatch(/capability: the container is assumed to have Docker's default capabilities/);
    const pol = new Policy(plain.profile, X86_64);
    // clone3: ERRNO(ENOSYS) unless CAP_SYS_ADMIN; clone: only for some flags; arch_prctl: amd64 only
    expect(pol.evaluateName(X86_64, 'clone3').effect).toEqual({ action: 'SCMP_ACT_ERRNO', errno: 38 });
    expect(pol.evaluateName(X86_64, 'clone').verdict).toBe('conditional');
    expect(pol.evaluateName(X86_64, 'arch_prctl').verdict).toBe('allowed');
    const admin = new Policy(at([...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN']).profile, X86_64);
    expect(admin.evaluateName(X86_64, 'clone3').verdict).toBe('allowed');
    expect(admin.evaluateName(X86_64, 'mount').verdict).toBe('allowed');
    expect(pol.evaluateName(X86_64, 'mount').verdict).toBe('denied');
    const arm = at(DOCKER_DEFAULT_CAPS, AARCH64).profile;
    expect(arm.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(new Policy(arm, AARCH64).ruleLabel('arch_prctl')).toBeNull();
  });
});

describe('seccomp-learn check', () => {
  it("names runc init's calls that the tutorial's fine-grained.json denied before #45460 (golden)", () => {
    const r = cli(['check', BEFORE, '--exe', '/opt/busybox', RUNC]);
    expect(r.code).toBe(1);
    expectGolden(r.stdout, 'check-fine-grained-before.txt');
    // fstatfs and getdents64 are runc's init's: their first records are runc:[2:INIT]'s lines
    const lines = readFileSync(fixture('real/runc-httpd-kmsg.log'), 'utf8').split('\n');
    for (const name of ['fstatfs', 'getdents64']) {
      const row = r.stdout.split('\n').find((l) => l.includes(` ${name} `))!;
      expect(row).toMatch(/! \S+ +x86_64 +\d+ +SCMP_ACT_ERRNO \(EPERM\)/);
      const line = Number(/runc-httpd-kmsg\.log:(\d+)/.exec(row)![1]);
      expect(lines[line - 1]).toContain('comm="runc:[2:INIT]"');
    }
  });

  it('after #45460 runc init runs: fstatfs and getdents64 are allowed (golden JSON)', () => {
    const r = cli(['check', AFTER, '--exe', '/opt/busybox', '--json', RUNC]);
    expect(r.code).toBe(1); // busybox httpd needs more than http-echo did
    expectGolden(r.stdout, 'check-fine-grained-after.json');
    const j = JSON.parse(r.stdout);
    const names = j.processes[0].syscalls.map((c: { name: string }) => c.name);
    expect(names).not.toContain('fstatfs');
    expect(names).not.toContain('getdents64');
    expect(Object.keys(j.processes[0].syscalls[0])).toEqual(['name', 'nr', 'arch', 'count', 'verdict', 'action', 'errno', 'why', 'file', 'line']);
  });

  it('exits 0 under the profile learned from the same records, in every format', () => {
    const dir = tmpDir();
    for (const [format, ext] of [['oci', 'json'], ['docker', 'json'], ['spo', 'yaml']]) {
      const file = join(dir, `p.${ext}`);
      expect(cli(['learn', '--format', format, '--exe', '/opt/busybox', '--no-runtime-base', '-q', '-o', file, RUNC]).code).toBe(0);
      const r = cli(['check', file, '--exe', '/opt/busybox', RUNC]);
      expect(r.code, `${format}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/would be allowed \(36 syscalls\)/);
    }
  });

  it('an ABI the profile does not hold, an unknown number and a rule with arguments are reported, never allowed', () => {
    const dir = tmpDir();
    const prof = join(dir, 'p.json');
    writeFileSync(prof, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }] }));
    const rec = (serial: number, arch: string, nr: number) => `5,${serial},1000,-;audit: type=1326 audit(1700000000.100:${serial}): auid=0 uid=0 gid=0 ses=1 pid=77 comm="t" exe="/t" sig=0 arch=${arch} syscall=${nr} compat=0 ip=0x1 code=0x7ffc0000\n`;
    const input = rec(1, 'c000003e', 0) + rec(2, 'c000003e', 135) + rec(3, 'c000003e', 999) + rec(4, '40000003', 3);
    const r = cli(['check', prof, '--json', '-'], { input });
    expect(r.code).toBe(1);
    const calls = JSON.parse(r.stdout).processes[0].syscalls;
    expect(calls.map((c: { name: string | null; verdict: string; arch: string }) => `${c.name}/${c.arch}:${c.verdict}`)).toEqual(['read/i386:denied', 'personality/x86_64:conditional', 'null/x86_64:unknown']);
    expect(calls[0]).toMatchObject({ action: 'SCMP_ACT_KILL_THREAD' });
    // the same on i386 with SCMP_ARCH_X86 listed: allowed
    writeFileSync(prof, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }));
    expect(cli(['check', prof, '-'], { input: rec(4, '40000003', 3) }).code).toBe(0);
  });

  it("says what it assumed of a Docker template, and --cap-add changes the answer", () => {
    const rec = `5,1,1000,-;audit: type=1326 audit(1700000000.100:1): auid=0 uid=0 gid=0 ses=1 pid=77 comm="t" exe="/t" sig=0 arch=c000003e syscall=165 compat=0 ip=0x1 code=0x7ffc0000\n`; // mount
    const tmpl = join(SPECS, 'docker-default-seccomp.json');
    const r = cli(['check', tmpl, '-'], { input: rec });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/assumed: includes\/excludes by capability: the container is assumed to have Docker's default capabilities/);
    expect(r.stdout).toMatch(/! mount +x86_64 +1 +SCMP_ACT_ERRNO \(EPERM\)/);
    expect(cli(['check', tmpl, '--cap-add', 'SYS_ADMIN', '-'], { input: rec }).code).toBe(0);
  });

  it('exit 2, one line naming the file, for a profile that is not one, a learn state, a missing log', () => {
    const dir = tmpDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {"names": ["read"] "action": "SCMP_ACT_ALLOW"}\n  ]\n}\n');
    const r = cli(['check', bad, RUNC]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`seccomp-learn: ${bad}:4:24: JSON syntax error: Expected ',' or '}' after property value\n`);
    // V8 gives no position for an unexpected token: found all the same, and one line
    writeFileSync(bad, '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ , ]\n}\n');
    expect(cli(['check', bad, RUNC]).stderr).toBe(`seccomp-learn: ${bad}:3:17: JSON syntax error: Unexpected token ','\n`);
    const yaml = join(dir, 'bad.yaml');
    writeFileSync(yaml, 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nspec:\n  defaultAction: [\n');
    const y = cli(['check', yaml, RUNC]);
    expect(y.code).toBe(2);
    expect(y.stderr).toMatch(new RegExp(`^seccomp-learn: ${yaml}:\\d+:\\d+: YAML syntax error: .*\\n$`));
    const act = join(dir, 'act.json');
    writeFileSync(act, '{"defaultAction": "SCMP_ACT_NONSENSE"}');
    expect(cli(['check', act, RUNC]).stderr).toBe(`seccomp-learn: ${act}: defaultAction: SCMP_ACT_NONSENSE is not a seccomp action (SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)\n`);
    const state = join(dir, 'state.json');
    writeFileSync(state, '{"seccompLearnState": 1}');
    expect(cli(['check', state, RUNC]).code).toBe(2);
    const missing = cli(['check', AFTER, join(dir, 'nope.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`seccomp-learn: ${join(dir, 'nope.log')}: no such file\n`);
    expect(cli(['check']).code).toBe(2);
  });
});

describe('seccomp-learn diff', () => {
  it("shows the four names #45460 added, like diff(1), and exits 1 (golden)", () => {
    const r = cli(['diff', BEFORE, AFTER]);
    expect(r.code).toBe(1);
    expectGolden(r.stdout, 'diff-fine-grained.txt');
    const j = cli(['diff', '--json', BEFORE, AFTER]);
    expect(j.code).toBe(1);
    expectGolden(j.stdout, 'diff-fine-grained.json');
  });

  it('a learned profile against the tutorial: per architecture, the names only in each (golden)', () => {
    const dir = tmpDir();
    const learned = join(dir, 'busybox.json');
    cli(['learn', '--exe', '/opt/busybox', '-q', '-o', learned, RUNC]);
    const r = cli(['diff', learned, AFTER]);
    expect(r.code).toBe(1);
    expectGolden(r.stdout.replace(learned, 'LEARNED'), 'diff-learned-fine-grained.txt');
  });

  it('the same profile in every format is the same: exit 0, nothing printed', () => {
    const dir = tmpDir();
    const files = [['oci', 'a.json'], ['docker', 'b.json'], ['spo', 'c.yaml'], ['systemd', 'd.conf']].map(([f, n]) => {
      const file = join(dir, n);
      expect(cli(['learn', '--format', f, '--comm', 'http-echo', '-q', '-o', file, fixture('published/k8s-tutorial-syslog.log')]).code).toBe(0);
      return file;
    });
    for (const f of files.slice(2)) {
      const r = cli(['diff', files[0], f]);
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toBe('');
    }
    // the Docker template brings the subarchitectures: that is a difference
    const d = cli(['diff', files[0], files[1]]);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/^\+architecture SCMP_ARCH_X32\n\+architecture SCMP_ARCH_X86\n$/m);
  });

  it("says what it cannot read: systemd's @default set, an SPO baseProfileName", () => {
    const dir = tmpDir();
    const conf = join(dir, 'p.conf');
    cli(['learn', '--format', 'systemd', '--comm', 'http-echo', '-q', '-o', conf, fixture('published/k8s-tutorial-syslog.log')]);
    expect(cli(['diff', conf, AFTER]).stdout).toMatch(/^# assumed: a systemd allow list also allows systemd's @default set/m);
    const spo = join(dir, 'b.yaml');
    writeFileSync(spo, 'apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.1.5\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read]\n');
    const r = cli(['check', spo, '--comm', 'http-echo', fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/assumed: baseProfileName runc-v1\.1\.5: the base profile the operator unions in is not read here/);
  });

  it('exit 2 on a file that is not a profile', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'x.txt'), 'hello: world\n');
    const r = cli(['diff', AFTER, join(dir, 'x.txt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`seccomp-learn: ${join(dir, 'x.txt')}: no SeccompProfile in this YAML (kind: SeccompProfile)\n`);
  });
});

describe('seccomp-learn merge', () => {
  const A: Profile = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }, { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' }] };
  const B: Profile = {
    defaultAction: 'SCMP_ACT_KILL_PROCESS',
    architectures: ['SCMP_ARCH_X86'],
    syscalls: [
      { names: ['read', 'ptrace'], action: 'SCMP_ACT_ALLOW' },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
    ],
  };

  it('the less restrictive action wins per name and for the default, conditions kept, every choice said', () => {
    const { profile, notes } = mergeProfiles([{ file: 'a.json', profile: A }, { file: 'b.json', profile: B }], X86_64);
    expect(profile).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        { names: ['ptrace', 'read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    expect(notes).toEqual([
      'default action: SCMP_ACT_ERRNO (EPERM) (a.json) wins over SCMP_ACT_KILL_PROCESS (b.json)',
      'ptrace: SCMP_ACT_ALLOW (b.json) wins over SCMP_ACT_KILL_PROCESS (a.json)',
      'write: SCMP_ACT_ALLOW (a.json) wins over SCMP_ACT_KILL_PROCESS (b.json, default action)',
    ]);
    // every call either profile lets run, the union lets run
    const u = new Policy(profile, X86_64);
    for (const p of [A, B]) for (const n of ['read', 'write', 'ptrace', 'personality', 'mount']) {
      const one = new Policy(p, X86_64).ruleOutcome(n).verdict;
      if (one === 'allowed') expect(u.ruleOutcome(n).verdict, n).toBe('allowed');
      if (one === 'conditional') expect(u.ruleOutcome(n).verdict, n).not.toBe('denied');
    }
  });

  it('merges files of any format into any format and says each choice on stderr', () => {
    const dir = tmpDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.yaml');
    writeFileSync(a, JSON.stringify(A));
    cli(['learn', '--format', 'spo', '--comm', 'http-echo', '-q', '-o', b, fixture('published/k8s-tutorial-syslog.log')]);
    const out = join(dir, 'm.yaml');
    const r = cli(['merge', a, b, '--format', 'spo', '--name', 'web', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/seccomp-learn: merge: accept4: SCMP_ACT_ALLOW \(.*b\.yaml\) wins over SCMP_ACT_ERRNO \(EPERM\) \(.*a\.json, default action\)/);
    const m = parseProfile(readFileSync(out, 'utf8'), out);
    expect(m.kind).toBe('spo');
    expect(m.name).toBe('web');
    expect(m.profile.syscalls![0].names).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt', 'write']);
    // ptrace: b.yaml lets it meet its default (ERRNO), less than a.json's KILL_PROCESS
    expect(m.profile.syscalls).toHaveLength(1);
    expect(r.stderr).toMatch(/merge: ptrace: SCMP_ACT_ERRNO \(EPERM\) \(.*b\.yaml, default action\) wins over SCMP_ACT_KILL_PROCESS \(.*a\.json\)/);
  });

  it('a learn state among profiles is refused with a clear message; check takes profiles only', () => {
    const dir = tmpDir();
    const state = join(dir, 'state.json');
    writeFileSync(state, JSON.stringify({ seccompLearnState: 1, processes: [] }));
    const r = cli(['merge', AFTER, state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`seccomp-learn: merge takes profiles or learn states, not both (states: ${state})\nTry seccomp-learn --help.\n`);
    expect(r.stdout).toBe('');
    const c = cli(['check', state, fixture('real/dmesg.log')]);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccomp-learn: ${state}: a seccomp-learn state, not a profile: check takes profiles (OCI, Docker, SPO, systemd); learn states are merged with \`merge STATE...\` (then check the profile it writes)\n`);
    expect(cli(['merge']).code).toBe(2);
  });
});

describe('--help of the new commands has examples', () => {
  it.each([['check'], ['diff'], ['merge'], ['learn']])('%s --help', (cmd) => {
    const r = cli([cmd, '--help']);
    expect(r.code).toBe(0);
    // each under a '# what it does' line; learn's first is the README's: tail ... | seccomp-learn ...
    expect(r.stdout).toMatch(/Examples:\n {2}# .+\n {2}.*seccomp-learn /);
  });
});
