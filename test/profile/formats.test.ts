// learn --format: each format written from real recordings and proven against
// its consumer's own definition: the OCI runtime spec's schema, the SPO CRD's
// openAPIV3Schema (and no field the API server would prune), systemd-analyze;
// and read back by every command to the same profile.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { cli, expectGolden, fixture, have, IN_CI, tmpDir } from '../helpers.js';
import { ociSeccompValidator, SPECS, spoSchema, spoValidator, unknownFields } from '../schemas.js';
import { parseProfile, renderProfile } from '../../src/profile/formats/index.js';
import { resolveTemplate } from '../../src/profile/formats/docker.js';
import { findArch } from '../../src/index.js';

/** A /dev/kmsg line (a source the kernel alone writes) for a call of pid 77 on an ABI. */
export const kmsgRecord = (nr: number, arch = 'c000003e', serial = 7) =>
  `5,${serial},1000,-;audit: type=1326 audit(1700000000.100:${serial}): auid=0 uid=0 gid=0 ses=1 pid=77 comm="new" exe="/new" sig=0 arch=${arch} syscall=${nr} compat=0 ip=0x1 code=0x7ffc0000\n`;

const RECORDINGS: Array<[string, string[]]> = [
  ['published/k8s-tutorial-syslog.log', ['--comm', 'http-echo']],
  ['real/runc-httpd-kmsg.log', ['--exe', '/opt/busybox']],
  ['real/audit-raw.log', ['--comm', 'busybox']],
];

const learn = (format: string, input: string, select: string[], more: string[] = []) => cli(['learn', '--format', format, ...select, ...more, '-q', fixture(input)]);

describe('learn --format oci', () => {
  const validate = ociSeccompValidator();
  it.each(RECORDINGS)('%s: valid against the OCI runtime spec schema (linux.seccomp)', (input, select) => {
    const r = learn('oci', input, select);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(validate(p), JSON.stringify(validate.errors)).toBe(true);
    // the same as without --format: the default
    expect(cli(['learn', ...select, '-q', fixture(input)]).stdout).toBe(r.stdout);
  });

  it('the schema check can fail: a profile with a made-up action or architecture is refused', () => {
    expect(validate({ defaultAction: 'SCMP_ACT_NONSENSE' })).toBe(false);
    expect(validate({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_Z80'] })).toBe(false);
    expect(validate({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: [], action: 'SCMP_ACT_ALLOW' }] })).toBe(false);
  });
});

describe('learn --format docker', () => {
  it('writes the moby template: defaultErrnoRet 1, archMap with subarchitectures, one allow rule', () => {
    const r = learn('docker', 'real/runc-httpd-kmsg.log', ['--exe', '/opt/busybox']);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(Object.keys(p)).toEqual(['defaultAction', 'defaultErrnoRet', 'archMap', 'syscalls']);
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.archMap).toEqual([{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }]);
    expect(p.syscalls).toHaveLength(1);
    expect(p.syscalls[0].action).toBe('SCMP_ACT_ALLOW');
    // the same entry as moby's own default profile
    const moby = JSON.parse(readFileSync(join(SPECS, 'docker-default-seccomp.json'), 'utf8'));
    expect(moby.archMap).toContainEqual(p.archMap[0]);
    // what the daemon hands runc on an x86_64 host: valid OCI, the learned names on x86_64, i386 and x32
    const resolved = resolveTemplate(parseProfile(r.stdout, 'p.json').profile, { host: findArch('x86_64')!, caps: [], kernel: '6.1' }, 'p.json').profile;
    expect(resolved.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(ociSeccompValidator()(resolved)).toBe(true);
    expect(resolved.syscalls![0].names).toEqual(JSON.parse(learn('oci', 'real/runc-httpd-kmsg.log', ['--exe', '/opt/busybox']).stdout).syscalls[0].names);
  });

  it('--errno-ret changes defaultErrnoRet; a 32-bit ABI brings its 64-bit family entry', () => {
    const r = learn('docker', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo'], ['--errno-ret', '38']);
    expect(JSON.parse(r.stdout).defaultErrnoRet).toBe(38);
    const t = cli(['learn', '--format', 'docker', '-q'], { input: kmsgRecord(4, '40000003') });
    expect(JSON.parse(t.stdout).archMap).toEqual([
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_X86', subArchitectures: null },
    ]);
  });
});

describe('learn --format spo', () => {
  const validate = spoValidator();
  const schema = spoSchema();
  it.each(RECORDINGS)('%s: a valid SeccompProfile for the CRD, with no field the API server would prune', (input, select) => {
    const r = learn('spo', input, select);
    expect(r.code, r.stderr).toBe(0);
    const doc = parse(r.stdout);
    expect(doc.apiVersion).toBe('security-profiles-operator.x-k8s.io/v1');
    expect(doc.kind).toBe('SeccompProfile');
    expect(doc.metadata.namespace).toBeUndefined(); // cluster-scoped
    expect(doc.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(unknownFields(doc, schema)).toEqual([]);
  });

  it('the CRD check can fail: defaultErrnoRet is a pruned field, LOONGARCH64 is not in its enum', () => {
    const doc = { apiVersion: 'security-profiles-operator.x-k8s.io/v1', kind: 'SeccompProfile', metadata: { name: 'x' }, spec: { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1 } };
    expect(unknownFields(doc, schema)).toEqual(['.spec.defaultErrnoRet']);
    expect(validate({ ...doc, spec: { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_LOONGARCH64'] } })).toBe(false);
  });

  it('names the resource after the program (DNS-1123) or --name, and refuses an invalid --name', () => {
    expect(parse(learn('spo', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo']).stdout).metadata.name).toBe('http-echo');
    expect(parse(learn('spo', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo'], ['--name', 'echo.v2']).stdout).metadata.name).toBe('echo.v2');
    const bad = learn('spo', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo'], ['--name', 'Echo_2']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--name Echo_2: not a valid Kubernetes name/);
    const dir = tmpDir();
    expect(cli(['learn', '--format', 'spo', '--out-dir', dir, '-q', fixture('real/runc-httpd-kmsg.log')]).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['busybox.yaml']);
    expect(parse(readFileSync(join(dir, 'busybox.yaml'), 'utf8')).metadata.name).toBe('busybox');
  });

  it('what it cannot express is an error naming it, and nothing is written', () => {
    const dir = tmpDir();
    const out = join(dir, 'p.yaml');
    const r = learn('spo', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo'], ['--errno-ret', '38', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--format spo cannot express "defaultErrnoRet"/);
    expect(existsSync(out)).toBe(false);
    const t = cli(['learn', '--format', 'spo', '-q'], { input: kmsgRecord(4, '4') });
    expect(t.code).toBe(1);
    expect(t.stderr).toMatch(/cannot express the architecture SCMP_ARCH_M68K/);
    expect(t.stdout).toBe('');
  });
});

// systemd-analyze comes with Debian's systemd package (.ci/run installs it)
const systemdWhy = have('systemd-analyze') ? null : 'needs systemd-analyze (apt-get install -y systemd)';
if (systemdWhy && !IN_CI) console.warn(`skipping the systemd checks: ${systemdWhy}`);

describe.skipIf(systemdWhy !== null && !IN_CI)('learn --format systemd', () => {
  /** What systemd says when it loads a unit with this drop-in (systemd-analyze verify). */
  function verify(dropIn: string): { code: number | null; out: string } {
    if (systemdWhy) throw new Error(systemdWhy);
    const dir = tmpDir();
    writeFileSync(join(dir, 'sl-test.service'), '[Unit]\nDescription=seccomp-learn test\n[Service]\nExecStart=/bin/true\n');
    mkdirSync(join(dir, 'sl-test.service.d'));
    writeFileSync(join(dir, 'sl-test.service.d', 'seccomp.conf'), dropIn);
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(dir, 'sl-test.service')], { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' } });
    return { code: r.status, out: r.stdout + r.stderr };
  }
  const known = () => new Set(spawnSync('systemd-analyze', ['syscall-filter'], { encoding: 'utf8' }).stdout.split('\n').map((l) => /^(?:\s{4}|#\s{3})([a-z0-9_]+)\s*$/.exec(l)?.[1]).filter(Boolean));

  it.each(RECORDINGS)('%s: systemd-analyze verify loads the drop-in without a complaint, and knows every name', (input, select) => {
    const r = learn('systemd', input, select);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[Service\]$/m);
    expect(r.stdout).toMatch(/^SystemCallArchitectures=x86-64$/m);
    expect(r.stdout).toMatch(/^SystemCallErrorNumber=EPERM$/m);
    const names = r.stdout.split('\n').filter((l) => l.startsWith('SystemCallFilter=')).flatMap((l) => l.slice(17).split(' '));
    const v = verify(r.stdout);
    // systemd's own @default set has names this libseccomp may not know (riscv_hwprobe): only ours matter
    const refused = [...v.out.matchAll(/sl-test\.service[^\n]*?: Failed to parse system call, ignoring: (\w+)/g)].map((m) => m[1]);
    expect(refused.filter((n) => names.includes(n))).toEqual([]);
    expect(v.out).not.toMatch(/sl-test\.service[^\n]*(Unknown key|Invalid|Failed to parse system call architecture)/);
    const k = known();
    expect(names.filter((n) => !k.has(n))).toEqual([]);
    expect(names).toEqual(JSON.parse(learn('oci', input, select).stdout).syscalls[0].names);
  });

  it('the verify check can fail: systemd reports a name it does not know', () => {
    const v = verify('[Service]\nSystemCallFilter=read write no_such_call\nSystemCallArchitectures=x86-64 z80\n');
    expect(v.out).toMatch(/sl-test\.service[^\n]*: Failed to parse system call, ignoring: no_such_call/);
    expect(v.out).toMatch(/z80/);
  });

  it('a name this systemd does not know is an error naming it; so are a default action and an architecture it cannot take', () => {
    // listns (Linux 6.18, x86_64 470): in this tool's table, unknown to Debian 12's systemd
    const k = known();
    expect(k.has('listns')).toBe(false);
    const rec = (nr: number, arch = 'c000003e') => kmsgRecord(nr, arch, nr + 10);
    const r = cli(['learn', '--format', 'systemd', '-q'], { input: rec(0) + rec(470) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--format systemd cannot express listns: this machine's systemd does not know it/);
    expect(r.stdout).toBe('');
    const log = cli(['learn', '--format', 'systemd', '--default-action', 'SCMP_ACT_LOG', '-q'], { input: rec(0) });
    expect(log.stderr).toMatch(/cannot express defaultAction SCMP_ACT_LOG/);
    const sh = cli(['learn', '--format', 'systemd', '-q'], { input: rec(3, '4000002a') });
    expect(sh.stderr).toMatch(/cannot express the architecture SCMP_ARCH_SH/);
  });

  it('--out-dir writes NAME.conf; --default-action SCMP_ACT_KILL_PROCESS leaves SystemCallErrorNumber= out', () => {
    const dir = tmpDir();
    expect(cli(['learn', '--format', 'systemd', '--out-dir', dir, '-q', fixture('real/runc-httpd-kmsg.log')]).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['busybox.conf']);
    const k = learn('systemd', 'published/k8s-tutorial-syslog.log', ['--comm', 'http-echo'], ['--default-action', 'SCMP_ACT_KILL_PROCESS']);
    expect(k.stdout).not.toMatch(/SystemCallErrorNumber/);
  });
});

describe('every format reads back as the profile it was written from', () => {
  it.each(['oci', 'docker', 'spo', 'systemd'])('%s', (format) => {
    const oci = JSON.parse(learn('oci', 'real/runc-httpd-kmsg.log', ['--exe', '/opt/busybox']).stdout);
    const text = renderProfile(format as 'oci', oci, { program: 'busybox' });
    const back = parseProfile(text, `p.${format}`);
    expect(back.kind).toBe(format);
    const p = format === 'docker' ? resolveTemplate(back.profile, { host: findArch('x86_64')!, caps: [], kernel: '6.1' }, 'p').profile : back.profile;
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet ?? 1).toBe(1);
    expect(p.architectures).toEqual(format === 'docker' ? ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] : ['SCMP_ARCH_X86_64']);
    expect(p.syscalls).toEqual(oci.syscalls);
  });
});

describe('the Pod securityContext for a profile under profiles/', () => {
  it('is printed after -o profiles/NAME.json and for each file of --out-dir profiles, as the tutorial writes it', () => {
    const dir = join(tmpDir(), 'profiles');
    mkdirSync(dir);
    const r = cli(['learn', '--comm', 'http-echo', '-o', join(dir, 'http-echo.json'), fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('  securityContext:\n    seccompProfile:\n      type: Localhost\n      localhostProfile: profiles/http-echo.json\n');
    const o = cli(['learn', '--out-dir', dir, fixture('real/runc-httpd-kmsg.log')]);
    expect(o.stderr).toContain('localhostProfile: profiles/busybox.json');
    // not for other directories, nor for formats the kubelet does not read
    expect(cli(['learn', '--comm', 'http-echo', '-o', join(tmpDir(), 'x.json'), fixture('published/k8s-tutorial-syslog.log')]).stderr).not.toContain('localhostProfile');
    expect(cli(['learn', '--format', 'spo', '--comm', 'http-echo', '-o', join(dir, 'x.yaml'), fixture('published/k8s-tutorial-syslog.log')]).stderr).not.toContain('localhostProfile');
    expectGolden(r.stderr.slice(r.stderr.indexOf('seccomp-learn: to use it')), 'pod-securitycontext.txt');
  });
});
