// --root DIR through the built CLI (npm run build first), as a user runs it: a
// real audit.log fixture whose uname is present in a root made here from this
// machine's uname and its glibc; report names what the recording never saw,
// learn says how many and can add them, a --root that is no directory is one line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, IN_CI, ROOT as ROOT_DIR, tmpDir, unameRoot } from '../helpers.js';

const LOG = fixture('real/audit-raw.log');
const haveUname = existsSync('/usr/bin/uname') && existsSync('/lib/x86_64-linux-gnu/libc.so.6');

interface UnexercisedJSON {
  name: string;
  arch: string;
  via: string[];
}

describe.skipIf(!haveUname && !IN_CI)('--root through the CLI', () => {
  it('report --root: what uname can make and the recording never saw, with the functions that make it', () => {
    const root = unameRoot();
    const r = cli(['report', '--exe', '/usr/bin/uname', '--root', root, LOG]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\n {2}can make but the recording never saw: \d+ on x86_64\n {4}\(read from \/usr\/bin\/uname with glibc 2\.\d+\)\n/);
    expect(r.stdout).toMatch(/\n {4}exit_group +via .*\bexit\b/);
    expect(r.stdout).toContain(`--root ${root}: the binaries can make`);

    const j = cli(['report', '--json', '--exe', '/usr/bin/uname', '--root', root, LOG]);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout);
    expect(doc.root).toBe(root);
    const p = doc.processes[0];
    expect(p.exe).toBe('/usr/bin/uname');
    expect(p.binary).toMatchObject({ path: '/usr/bin/uname', error: null, problems: [] });
    const un = p.unexercised as UnexercisedJSON[];
    const seen = new Set((p.syscalls as { name: string }[]).map((c) => c.name));
    expect(un.length).toBeGreaterThan(0);
    for (const c of un) {
      expect(Object.keys(c)).toEqual(['name', 'arch', 'via']);
      expect(c.arch).toBe('x86_64');
      expect(seen.has(c.name)).toBe(false);
    }
    expect(un.map((c) => c.name)).toEqual(un.map((c) => c.name).sort());
    // the text names each of them
    for (const c of un) expect(r.stdout).toMatch(new RegExp(`\\n {4}${c.name} +via `));
  });

  it('report without --root: no new fields', () => {
    const j = cli(['report', '--json', '--exe', '/usr/bin/uname', LOG]);
    const doc = JSON.parse(j.stdout);
    expect(doc.root).toBeUndefined();
    expect(doc.processes[0].unexercised).toBeUndefined();
  });

  it('learn --root: the summary says how many, per program, and points to report; the profile stays minimal', () => {
    const root = unameRoot();
    const plain = cli(['--exe', '/usr/bin/uname', LOG]);
    const r = cli(['--exe', '/usr/bin/uname', '--root', root, LOG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    const doc = JSON.parse(cli(['report', '--json', '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    const n = doc.processes[0].unexercised.length;
    expect(r.stderr).toContain(`seccomp-learn: --root ${root}: the binaries can make ${n} syscalls the recording never saw (uname ${n}): \`seccomp-learn report --root ${root}\` names each with the functions that make it; --include-unexercised adds them to the profile\n`);
    expect(r.stderr).not.toContain('--root DIR');
    // without --root, said once that it would name them
    expect(plain.stderr.match(/--root DIR/g)).toHaveLength(1);
    expect(plain.stderr).toContain('seccomp-learn: the profile holds only the calls the recording saw; --root DIR (the file system the programs ran in');
    // -q: nothing
    expect(cli(['-q', '--exe', '/usr/bin/uname', '--root', root, LOG]).stderr).toBe('');
  });

  it('learn --include-unexercised: the profile holds what ran and what the binary can make, and the summary says how many were added and from which files', () => {
    const root = unameRoot();
    const doc = JSON.parse(cli(['report', '--json', '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    const ran = (doc.processes[0].syscalls as { name: string }[]).map((c) => c.name);
    const can = (doc.processes[0].unexercised as UnexercisedJSON[]).map((c) => c.name);
    const r = cli(['--exe', '/usr/bin/uname', '--root', root, '--include-unexercised', LOG]);
    expect(r.code).toBe(0);
    const profile = JSON.parse(r.stdout);
    expect(profile.syscalls).toEqual([{ names: [...new Set([...ran, ...can])].sort(), action: 'SCMP_ACT_ALLOW' }]);
    expect(profile.architectures).toEqual(['SCMP_ARCH_X86_64']);
    expect(r.stderr).toMatch(new RegExp(`\\nseccomp-learn: --include-unexercised: added ${can.length} syscalls the binaries can make but the recording never saw \\(${can.slice(0, 12).join(', ')}, \\.\\.\\. \\(\\+${can.length - 12} more\\)\\), imported by /usr/bin/uname from glibc 2\\.\\d+ \\(/lib/x86_64-linux-gnu/libc\\.so\\.6\\): the profile holds what ran and what the binaries can make;`));

    // --out-dir: each program's own; a program whose binary cannot say keeps what ran, and is said
    const dir = tmpDir();
    const o = cli(['--root', root, '--include-unexercised', '--out-dir', dir, LOG]);
    expect(o.code).toBe(0);
    const uname = JSON.parse(readFileSync(join(dir, 'uname.json'), 'utf8'));
    expect(uname.syscalls[0].names).toEqual([...new Set([...ran, ...can])].sort());
    const busybox = JSON.parse(readFileSync(join(dir, 'busybox.json'), 'utf8'));
    expect(busybox.syscalls[0].names).toHaveLength(19);
    expect(o.stderr).toContain(`seccomp-learn: --root ${root}: 2 binaries cannot say what the recording never saw: /usr/bin/busybox: /usr/bin/busybox does not exist (inside ${root}); /tmp/seccomp-learn-fixtures.aXqOYu/logrun: /tmp does not exist (inside ${root})\n`);

    const u = cli(['--include-unexercised', LOG]);
    expect([u.code, u.stdout]).toEqual([2, '']);
    expect(u.stderr).toBe('seccomp-learn: --include-unexercised goes with --root DIR (the file system the programs ran in, where their binaries are read)\nTry seccomp-learn --help.\n');
  });

  it('check --root: the calls the binary can make that the records never showed and the profile would not allow; the exit status is the records\'', () => {
    const root = unameRoot();
    const dir = tmpDir();
    const minimal = join(dir, 'uname.json');
    expect(cli(['-q', '--exe', '/usr/bin/uname', '-o', minimal, LOG]).code).toBe(0);
    const doc = JSON.parse(cli(['report', '--json', '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    const can = doc.processes[0].unexercised as UnexercisedJSON[];

    const j = cli(['check', '--json', minimal, '--exe', '/usr/bin/uname', '--root', root, LOG]);
    expect(j.code).toBe(0);
    const c = JSON.parse(j.stdout);
    expect(c.root).toBe(root);
    // every call the binary can make and the records never showed is denied by the minimal profile
    expect(c.processes[0].unexercised).toEqual(can.map((u) => ({ ...u, verdict: 'denied', action: 'SCMP_ACT_ERRNO', errno: 1 })));
    const t = cli(['check', minimal, '--exe', '/usr/bin/uname', '--root', root, LOG]);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(`  all 19 syscalls would be allowed\n  its binary can make ${can.length} more calls that the records never showed and the profile would not allow (read from /usr/bin/uname with glibc 2.`);
    expect(t.stdout).toMatch(/\n {2}! exit_group +x86_64 {2}SCMP_ACT_ERRNO \(EPERM\) {2}via .*exit/);

    // the profile with them included denies none of them
    const full = join(dir, 'full.json');
    expect(cli(['-q', '--exe', '/usr/bin/uname', '--root', root, '--include-unexercised', '-o', full, LOG]).code).toBe(0);
    const f = JSON.parse(cli(['check', '--json', full, '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    expect(f.processes[0].unexercised).toEqual([]);
    const all = JSON.parse(cli(['check', '--json', '--all', full, '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    expect(all.processes[0].unexercised.map((u: UnexercisedJSON) => u.name)).toEqual(can.map((u) => u.name));
  });

  it('merge of states --root: the report names them, --include-unexercised adds them, as learn does', () => {
    const root = unameRoot();
    const dir = tmpDir();
    const state = join(dir, 'node1.state.json');
    expect(cli(['-q', '--exe', '/usr/bin/uname', '--state', state, LOG]).code).toBe(0);
    const learned = JSON.parse(cli(['report', '--json', '--exe', '/usr/bin/uname', '--root', root, LOG]).stdout);
    const merged = JSON.parse(cli(['merge', '-q', '--report', '--json', '--root', root, state]).stdout);
    expect(merged.processes[0].unexercised).toEqual(learned.processes[0].unexercised);
    expect(merged.processes[0].binary).toEqual(learned.processes[0].binary);
    const profile = cli(['merge', '-q', '--root', root, '--include-unexercised', state]);
    expect(profile.code).toBe(0);
    expect(profile.stdout).toBe(cli(['--exe', '/usr/bin/uname', '--root', root, '--include-unexercised', LOG]).stdout);
    const said = cli(['merge', '--root', root, state]);
    expect(said.stderr).toContain(`seccomp-learn: --root ${root}: the binaries can make ${learned.processes[0].unexercised.length} syscalls the recording never saw (uname ${learned.processes[0].unexercised.length})`);
    // with profiles they are refused
    const p = cli(['merge', '--root', root, join(ROOT_DIR, 'fixtures/published/k8s-fine-grained.json'), join(ROOT_DIR, 'fixtures/published/k8s-fine-grained-before.json')]);
    expect([p.code, p.stderr]).toEqual([2, 'seccomp-learn: --out-dir, --report, --comm, --exe, --root, --include-unexercised and --default-action are for merging learn states\nTry seccomp-learn --help.\n']);
  });

  it('a --root that is not a directory: one line, exit 1, before any log is read', () => {
    const r = cli(['report', '--root', LOG, LOG]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`seccomp-learn: --root ${LOG}: not a directory (the file system the programs ran in: an exported container root, /, /proc/PID/root)\n`);
    const m = cli(['report', '--root', '/nonexistent-root', LOG]);
    expect([m.code, m.stderr]).toEqual([1, 'seccomp-learn: --root /nonexistent-root: no such directory\n']);
  });
});
