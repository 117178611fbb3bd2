// The program's files as a second witness: programs built here with gcc and
// musl-gcc that import redis's saving calls and nginx's usleep, their libraries'
// imports, the loader's binding (a program's own fsync is not libc's), and the
// programs the witness cannot read (static, Go) said as such.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgram } from '../../src/io/root-loader.js';
import { unexercised, witnessOf, type Witness } from '../../src/report/witness.js';
import { haveOrCi, IN_CI, tmpDir } from '../helpers.js';

const SAVER = `#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  (void)argv;
  if (argc > 5) {
    pid_t pid = fork();
    if (pid == 0) { usleep(1000); _exit(0); }
    waitpid(pid, NULL, 0);
    fsync(1); fdatasync(1);
    mkdir("d", 0700); rename("a", "b"); unlink("b");
  }
  return 0;
}
`;

/** Build `source` with `cc` (from Debian's `pkg`) into a fresh directory; null (and a warning, or a failure in CI) when there is no such compiler. */
function build(cc: string, pkg: string, source: string, args: string[] = []): string | null {
  if (!haveOrCi(cc, pkg)) return null;
  const d = tmpDir();
  writeFileSync(join(d, 'prog.c'), source);
  const r = spawnSync(cc, ['-o', join(d, 'prog'), join(d, 'prog.c'), ...args], { cwd: d, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return join(d, 'prog');
}

const via = (w: Witness, name: string) => w.calls.find((c) => c.name === name)?.via;

/** The witness of a program found inside a root, with its libraries. */
function witnessAt(root: string, exe: string): Witness {
  const p = loadProgram(root, exe);
  return witnessOf([p.program, ...p.libraries]);
}

describe('the witness of a program built with glibc', () => {
  it("names redis's saving calls and nginx's usleep, each with the function that makes it", () => {
    const exe = build('gcc', 'gcc', SAVER);
    if (!exe) return;
    const w = witnessAt('/', exe);
    expect(w.notes).toEqual([]);
    expect(w.arch?.name).toBe('x86_64');
    expect(w.libc).toMatchObject({ libc: 'glibc', exact: true, path: realpathSync('/lib/x86_64-linux-gnu/libc.so.6') });
    expect(w.libc?.version).toMatch(/^2\.\d+$/);
    expect(via(w, 'clone')).toEqual(['fork']);
    expect(via(w, 'clock_nanosleep')).toEqual(['usleep']);
    expect(via(w, 'wait4')).toEqual(['waitpid']);
    expect(via(w, 'fsync')).toEqual(['fsync']);
    expect(via(w, 'fdatasync')).toEqual(['fdatasync']);
    expect(via(w, 'rename')).toEqual(['rename']);
    expect(via(w, 'unlink')).toEqual(['unlink']);
    expect(via(w, 'mkdir')).toEqual(['mkdir']);
    expect(via(w, 'exit_group')).toContain('_exit');
    for (const c of w.calls) expect(c.arch).toBe('x86_64');
    expect(w.calls.map((c) => c.name)).toEqual([...w.calls.map((c) => c.name)].sort());
    // what a recording of the benchmark saw is taken away; the rest is what it never exercised
    const left = unexercised(w, new Set(['fsync', 'write', 'read', 'futex']));
    expect(left.map((c) => c.name)).toEqual(expect.arrayContaining(['clone', 'wait4', 'fdatasync', 'rename', 'unlink', 'mkdir']));
    expect(left.map((c) => c.name)).not.toContain('fsync');
  });

  it("counts its libraries' imports too, bound as the loader binds them: a program's own fsync is not libc's", () => {
    if (!haveOrCi('gcc', 'gcc')) return;
    const d = tmpDir();
    writeFileSync(join(d, 'lib.c'), '#include <unistd.h>\nint flush(int fd) { return fsync(fd) + usleep(1); }\n');
    writeFileSync(join(d, 'main.c'), 'int flush(int);\nint main(void) { return flush(1); }\n');
    writeFileSync(join(d, 'own.c'), 'int flush(int);\nint fsync(int fd) { return fd; }\nint main(void) { return flush(1); }\n');
    const cc = (args: string[]) => expect(spawnSync('gcc', args, { cwd: d, encoding: 'utf8' }).stderr).toBe('');
    cc(['-shared', '-fPIC', '-o', 'libflush.so', 'lib.c']);
    cc(['-o', 'main', 'main.c', '-L.', '-lflush', '-Wl,-rpath,$ORIGIN']);
    cc(['-rdynamic', '-o', 'own', 'own.c', '-L.', '-lflush', '-Wl,-rpath,$ORIGIN']);
    const root = tmpDir();
    for (const f of ['main', 'own', 'libflush.so']) copyFileSync(join(d, f), join(root, f));
    for (const lib of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']) {
      mkdirSync(dirname(join(root, lib)), { recursive: true });
      copyFileSync(realpathSync(lib), join(root, lib));
    }
    const load = (exe: string) => {
      const p = loadProgram(root, exe);
      expect(p.problems).toEqual([]);
      return witnessOf([p.program, ...p.libraries]);
    };
    const plain = load('/main');
    expect(via(plain, 'fsync')).toEqual(['fsync']);
    expect(via(plain, 'clock_nanosleep')).toEqual(['usleep']);
    // the program exports fsync (-rdynamic), so libflush's fsync binds to it, not to libc's
    const own = load('/own');
    expect(via(own, 'fsync')).toBeUndefined();
    expect(via(own, 'clock_nanosleep')).toEqual(['usleep']);
  });

  it('reads an aarch64 program with the aarch64 table', () => {
    const lib = '/usr/aarch64-linux-gnu/lib';
    if (!existsSync(`${lib}/libm.so.6`)) {
      if (IN_CI) throw new Error('libc6-arm64-cross is missing');
      return;
    }
    const root = tmpDir();
    for (const f of ['libm.so.6', 'libc.so.6', 'ld-linux-aarch64.so.1']) {
      mkdirSync(join(root, 'lib/aarch64-linux-gnu'), { recursive: true });
      copyFileSync(`${lib}/${f}`, join(root, 'lib/aarch64-linux-gnu', f));
    }
    const w = witnessAt(root, '/lib/aarch64-linux-gnu/libm.so.6');
    expect(w.arch?.name).toBe('aarch64');
    expect(w.libc).toMatchObject({ libc: 'glibc', tablePackage: expect.stringMatching(/^libc6-arm64-cross /), exact: true });
    for (const c of w.calls) expect(c.arch).toBe('aarch64');
    expect(w.calls.length).toBeGreaterThan(0);
  });
});

describe('the witness of a program built with musl', () => {
  it('uses the musl table, and says its version is not in its file', () => {
    const exe = build('musl-gcc', 'musl-tools', SAVER);
    if (!exe) return;
    const w = witnessAt('/', exe);
    expect(w.libc).toMatchObject({ libc: 'musl', version: null, exact: false });
    expect(w.notes).toEqual([expect.stringMatching(/^musl \(version not in its file\) is not in the table: musl 1\.\d+\.\d+ was used$/)]);
    // musl's fork makes the fork syscall on x86_64; its usleep, nanosleep
    expect(via(w, 'fork')).toEqual(['fork']);
    expect(via(w, 'nanosleep')).toEqual(['usleep']);
    expect(via(w, 'fsync')).toEqual(['fsync']);
    expect(via(w, 'wait4')).toEqual(['waitpid']);
  });
});

describe('what the witness cannot read, said', () => {
  it.skipIf(!existsSync('/bin/busybox') && !IN_CI)('a static program: nothing imported, said so', () => {
    const w = witnessAt('/', '/bin/busybox');
    expect(w.calls).toEqual([]);
    expect(w.notes).toEqual(['statically linked: it imports nothing, so its files say nothing here']);
  });

  it.skipIf(!existsSync('/usr/sbin/runc') && !IN_CI)('a Go program: what it imports through cgo, and a note that its own wrappers are not read', () => {
    const w = witnessAt('/', '/usr/sbin/runc');
    expect(w.notes[0]).toMatch(/^a Go program \(go1\.\d+[^)]*\): its own syscall wrappers are not read, only what it imports$/);
    expect(w.libc?.libc).toBe('glibc');
    expect(w.calls.length).toBeGreaterThan(0);
  });
});
