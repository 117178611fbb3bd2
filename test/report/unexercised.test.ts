// What the recording did not see, judged from the program's own files inside a
// root made here from real binaries (this machine's uname and its glibc, the
// static busybox, an aarch64 library): the report's unexercised calls with the
// functions that make them, and every binary that cannot say, said with why.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Learner } from '../../src/learn/learner.js';
import { Binaries } from '../../src/io/binaries.js';
import { buildReport, renderReport } from '../../src/report/report.js';
import { importersOf, judge, withUnexercised, type ProgramBinary } from '../../src/report/unexercised.js';
import { findArch } from '../../src/syscalls/index.js';
import { haveOrCi, IN_CI, place, readFixture, tmpDir, unameRoot } from '../helpers.js';

/** Put a copy of a real file (links followed) at `inside` in `root`. */
const haveUname = existsSync('/usr/bin/uname') && existsSync('/lib/x86_64-linux-gnu/libc.so.6');

/** The real audit.log fixture learned: uname (dynamic), busybox (static) and a program that is not in any root. */
function learned(): Learner {
  const l = new Learner({ detail: true });
  readFixture('real/audit-raw.log')
    .split('\n')
    .forEach((t, i) => l.lineText(t, 'audit-raw.log', i + 1));
  l.finish();
  return l;
}

const x86_64 = findArch('x86_64')!;

describe.skipIf(!haveUname && !IN_CI)('the calls a recorded program can make that the recording never saw', () => {
  it('are its files\' calls less what was learned on its architecture, each with the functions that make it', () => {
    const b = new Binaries(unameRoot()).of('/usr/bin/uname');
    expect(b.error).toBeNull();
    expect(b.path).toBe('/usr/bin/uname');
    const all = b.witness!.calls.map((c) => c.name);
    expect(all).toContain('uname');
    const j = judge(b, new Map([[x86_64, new Set(['uname', 'write', 'exit_group'])]]));
    expect(j.why).toBeNull();
    const names = j.calls!.map((c) => c.name);
    expect(names).toEqual(all.filter((n) => !['uname', 'write', 'exit_group'].includes(n)));
    for (const c of j.calls!) {
      expect(c.arch).toBe('x86_64');
      expect(c.via.length).toBeGreaterThan(0);
    }
    // the same names on another ABI are not what the program learned on its own
    const other = judge(b, new Map([[x86_64, new Set<string>()], [findArch('i386')!, new Set(all)]]));
    expect(other.calls!.map((c) => c.name)).toEqual(all);
  });

  it('added to the learned calls: what ran and what the binary can make, on its architecture', () => {
    const b = new Binaries(unameRoot()).of('/usr/bin/uname');
    const learnedCalls = new Map([[x86_64, new Set(['uname', 'futex'])]]);
    const out = withUnexercised(learnedCalls, b);
    expect([...out.keys()]).toEqual([x86_64]);
    expect([...out.get(x86_64)!].sort()).toEqual([...new Set(['futex', ...b.witness!.calls.map((c) => c.name)])].sort());
    // the learned calls are left as they were
    expect([...learnedCalls.get(x86_64)!]).toEqual(['uname', 'futex']);
  });

  it('in the report: per program, the unexercised calls of the one that can be read, and why the others cannot say', () => {
    const root = unameRoot();
    if (existsSync('/bin/busybox')) place(root, '/usr/bin/busybox', '/bin/busybox');
    const r = buildReport(learned(), false, undefined, new Binaries(root));
    expect(r.root).toBe(root);
    const by = Object.fromEntries(r.processes.map((p) => [p.name, p]));
    const uname = by.uname;
    expect(uname.binary).toMatchObject({ path: '/usr/bin/uname', error: null, libc: { libc: 'glibc', exact: true }, problems: [] });
    const seen = new Set(uname.syscalls.map((c) => c.name));
    expect(uname.unexercised!.length).toBeGreaterThan(0);
    for (const c of uname.unexercised!) {
      expect(seen.has(c.name)).toBe(false);
      expect(Object.keys(c)).toEqual(['name', 'arch', 'via']);
    }
    // uname was killed at its uname (KILL_PROCESS): it never reached its exit
    expect(uname.unexercised!.find((c) => c.name === 'exit_group')?.via).toContain('exit');
    // a program that is not in the root: said with why, and null, never an empty list
    expect(by.logrun.unexercised).toBeNull();
    expect(by.logrun.binary!.error).toBe(`/tmp/seccomp-learn-fixtures.aXqOYu/logrun: /tmp does not exist (inside ${root})`);
    if (existsSync('/bin/busybox')) {
      expect(by.busybox.unexercised).toBeNull();
      expect(by.busybox.binary!.error).toBe('/usr/bin/busybox: statically linked: it imports nothing, so its files say nothing here');
    }
    const text = renderReport(r, 80);
    expect(text).toContain(`  can make but the recording never saw: ${uname.unexercised!.length} on x86_64\n    (read from /usr/bin/uname with glibc ${uname.binary!.libc!.version})\n`);
    expect(text).toMatch(/\n {4}exit_group +via .*exit/);
    expect(text).toContain('  its binary cannot say what the recording never saw:\n    /tmp/seccomp-learn-fixtures.aXqOYu/logrun: /tmp does not exist');
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('without a root the report is as before: no binary, no unexercised', () => {
    const r = buildReport(learned());
    expect(r.root).toBeUndefined();
    for (const p of r.processes) expect(Object.keys(p)).not.toContain('unexercised');
  });
});

describe('which files import what the recording never saw', () => {
  it("a library's imports are its own: fsync and usleep imported by libflush.so, not by the program", () => {
    if (!haveOrCi('gcc', 'gcc')) return;
    const d = tmpDir();
    writeFileSync(join(d, 'lib.c'), '#include <unistd.h>\nint flush(int fd) { return fsync(fd) + usleep(1); }\n');
    writeFileSync(join(d, 'main.c'), '#include <stdio.h>\nint flush(int);\nint main(void) { puts("hi"); return flush(1); }\n');
    const cc = (args: string[]) => expect(spawnSync('gcc', args, { cwd: d, encoding: 'utf8' }).stderr).toBe('');
    cc(['-shared', '-fPIC', '-o', 'libflush.so', 'lib.c']);
    cc(['-o', 'main', 'main.c', '-L.', '-lflush', '-Wl,-rpath,/opt/app/lib']);
    const root = tmpDir();
    place(root, '/opt/app/bin/main', join(d, 'main'));
    place(root, '/opt/app/lib/libflush.so', join(d, 'libflush.so'));
    place(root, '/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6');
    place(root, '/lib64/ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2');
    const b = new Binaries(root).of('/opt/app/bin/main');
    expect(b.problems).toEqual([]);
    const j = judge(b, new Map([[x86_64, new Set(['write'])]]));
    const by = (n: string) => j.calls!.filter((c) => c.name === n);
    expect(by('fsync').map((c) => c.via)).toEqual([['fsync']]);
    expect(by('clock_nanosleep').map((c) => c.via)).toEqual([['usleep']]);
    expect(importersOf(b.witness!, by('fsync'))).toEqual(['/opt/app/lib/libflush.so']);
    expect(importersOf(b.witness!, [...by('fsync'), ...by('clock_nanosleep')])).toEqual(['/opt/app/lib/libflush.so']);
    expect(b.witness!.importers.get('puts')).toEqual(['/opt/app/bin/main']);
  });
});

describe('binaries that cannot say, said with why', () => {
  const b = (over: Partial<ProgramBinary>): ProgramBinary => ({ exe: '/x', path: null, witness: null, error: null, problems: [], ...over });

  it('no exe= in the records', () => {
    const got = new Binaries(tmpDir()).of(null);
    expect(judge(got, new Map())).toEqual({ calls: null, why: 'its records name no executable (no exe=)' });
  });

  it.skipIf(!existsSync('/usr/aarch64-linux-gnu/lib/libc.so.6') && !IN_CI)('a binary of another architecture than every record: not the program that ran', () => {
    const root = tmpDir();
    place(root, '/usr/bin/prog', '/usr/aarch64-linux-gnu/lib/libm.so.6');
    place(root, '/lib/aarch64-linux-gnu/libc.so.6', '/usr/aarch64-linux-gnu/lib/libc.so.6');
    place(root, '/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1');
    const got = new Binaries(root).of('/usr/bin/prog');
    expect(got.error).toBeNull();
    expect(got.witness!.calls.length).toBeGreaterThan(0);
    expect(judge(got, new Map([[x86_64, new Set(['read'])]]))).toEqual({ calls: null, why: '/usr/bin/prog is an aarch64 program, and the records show x86_64: not the program that ran' });
    // and nothing is added to a profile from it
    expect([...withUnexercised(new Map([[x86_64, new Set(['read'])]]), got).get(x86_64)!]).toEqual(['read']);
  });

  it('a file that is not ELF, named', () => {
    const root = tmpDir();
    mkdirSync(join(root, 'bin'));
    copyFileSync(join(import.meta.dirname, 'unexercised.test.ts'), join(root, 'bin/script'));
    const got = new Binaries(root).of('/bin/script');
    expect(got.witness).toBeNull();
    expect(got.error).toMatch(/^\/bin\/script: not an ELF file/);
    expect(judge(got, new Map()).calls).toBeNull();
    expect(judge(b({ error: 'x: y' }), new Map())).toEqual({ calls: null, why: 'x: y' });
  });
});
