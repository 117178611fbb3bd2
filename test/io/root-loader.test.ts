// Programs and their libraries found inside a root as the dynamic loader finds
// them: on the host (held to ldd), in roots made here from real files (another
// machine's libraries, ld.so.conf includes, RUNPATH and RPATH with $ORIGIN built
// with gcc, musl), and in hostile roots (loops of links, links and `..` that try
// to leave the root): a clear error naming the path, never a file outside it.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfError } from '../../src/elf/error.js';
import { ldSoConfDirs, loadProgram, resolveInRoot } from '../../src/io/root-loader.js';
import { pathToFileURL } from 'node:url';
import { haveOrCi, IN_CI, ROOT, tmpDir } from '../helpers.js';

/** The libraries ldd (the host's own loader) maps for a program, as real paths. */
function lddPaths(exe: string): string[] {
  const r = spawnSync('ldd', [exe], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldd ${exe}: ${r.stderr}`);
  const out: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /=> (\/\S+)|^\s*(\/\S+) \(/.exec(line);
    if (m) out.push(realpathSync(m[1] ?? m[2]));
  }
  return out.sort();
}

/** Put a copy of a real file at `inside` in `root`, making its directories. */
function place(root: string, inside: string, from: string): void {
  mkdirSync(dirname(join(root, inside)), { recursive: true });
  copyFileSync(from, join(root, inside));
}

function link(root: string, inside: string, target: string): void {
  mkdirSync(dirname(join(root, inside)), { recursive: true });
  symlinkSync(target, join(root, inside));
}

function expectElfError(f: () => unknown, code: string, file: string): ElfError {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ElfError);
  const e = caught as ElfError;
  expect(e.code).toBe(code);
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  return e;
}

const ARM64 = '/usr/aarch64-linux-gnu/lib';
const haveArm64 = existsSync(`${ARM64}/libm.so.6`);
if (!haveArm64 && !IN_CI) console.warn('skipping the arm64 root: apt-get install libc6-arm64-cross (CI does)');

describe('a program and its libraries inside a root', () => {
  it.each(['/bin/ls', '/usr/sbin/runc', process.execPath].filter((p) => existsSync(p) || IN_CI))('on the host (root /): the same libraries as ldd for %s', (exe) => {
    const p = loadProgram('/', exe);
    expect(p.problems).toEqual([]);
    expect(p.loader).toBe('glibc');
    expect(p.program.path).toBe(realpathSync(exe));
    expect(p.libraries.map((l) => realpathSync(l.hostPath)).sort()).toEqual(lddPaths(exe));
  });

  it.skipIf(!haveArm64 && !IN_CI)('another machine in a root made here: ld.so.conf and its include globs, an absolute link taken inside the root, a library of the wrong machine skipped', () => {
    const root = tmpDir();
    place(root, '/usr/lib/aarch64-linux-gnu/libm.so.6', `${ARM64}/libm.so.6`);
    place(root, '/opt/arm64/libc.so.6', `${ARM64}/libc.so.6`);
    place(root, '/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1', `${ARM64}/ld-linux-aarch64.so.1`);
    // an x86_64 libc.so.6 first in the search: the loader skips it
    place(root, '/opt/x86/libc.so.6', realpathSync('/lib/x86_64-linux-gnu/libc.so.6'));
    // merged /usr: /lib is a link to /usr/lib, absolute, which must mean the root's /usr/lib
    link(root, '/lib', '/usr/lib');
    mkdirSync(join(root, 'etc/ld.so.conf.d'), { recursive: true });
    writeFileSync(join(root, 'etc/ld.so.conf'), '# the usual\ninclude /etc/ld.so.conf.d/*.conf\ninclude missing.d/*.conf\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/10-x86.conf'), '/opt/x86\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/20-arm64.conf'), '/opt/arm64 # comment\n');
    writeFileSync(join(root, 'etc/ld.so.conf.d/ignored.txt'), '/nowhere\n');
    expect(ldSoConfDirs(root)).toEqual(['/opt/x86', '/opt/arm64']);

    const p = loadProgram(root, '/lib/aarch64-linux-gnu/libm.so.6');
    expect(p.program.path).toBe('/usr/lib/aarch64-linux-gnu/libm.so.6');
    expect(p.program.elf.arch?.name).toBe('aarch64');
    expect(p.problems).toEqual([]);
    expect(p.libraries.map((l) => [l.name, l.path])).toEqual([
      ['libc.so.6', '/opt/arm64/libc.so.6'],
      ['ld-linux-aarch64.so.1', '/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1'],
    ]);
    for (const l of p.libraries) expect(l.hostPath.startsWith(root)).toBe(true);

    // without the arm64 one, the x86_64 libc is named as skipped, and nothing outside the root is taken
    writeFileSync(join(root, 'etc/ld.so.conf.d/20-arm64.conf'), '\n');
    const q = loadProgram(root, '/usr/lib/aarch64-linux-gnu/libm.so.6');
    expect(q.problems).toHaveLength(1);
    const e = q.problems[0].error;
    expect([q.problems[0].name, e.code, e.file]).toEqual(['libc.so.6', 'not-found', 'libc.so.6']);
    expect(e.message).toContain('needed by /usr/lib/aarch64-linux-gnu/libm.so.6');
    expect(e.message).toContain('/opt/x86/libc.so.6 (x86_64 ELFCLASS64 little-endian, not aarch64 ELFCLASS64 little-endian)');
    expect(e.message).toContain('/usr/lib/aarch64-linux-gnu');
  });

  it('RUNPATH and RPATH with $ORIGIN, as gcc writes them', () => {
    if (!haveOrCi('gcc', 'gcc')) return;
    const d = tmpDir();
    const root = tmpDir();
    writeFileSync(join(d, 'foo.c'), 'int foo(void) { return 42; }\n');
    writeFileSync(join(d, 'main.c'), 'int foo(void);\nint main(void) { return foo() != 42; }\n');
    const cc = (args: string[]) => {
      const r = spawnSync('gcc', args, { cwd: d, encoding: 'utf8' });
      expect(r.stderr).toBe('');
    };
    cc(['-shared', '-fPIC', '-o', 'libfoo.so.1', 'foo.c', '-Wl,-soname,libfoo.so.1']);
    copyFileSync(join(d, 'libfoo.so.1'), join(d, 'libfoo.so'));
    cc(['-o', 'runpath', 'main.c', '-L.', '-lfoo', '-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib']);
    cc(['-o', 'rpath', 'main.c', '-L.', '-lfoo', '-Wl,--disable-new-dtags,-rpath,$ORIGIN/../private']);
    place(root, '/app/bin/runpath', join(d, 'runpath'));
    place(root, '/app/bin/rpath', join(d, 'rpath'));
    place(root, '/app/lib/libfoo.so.1', join(d, 'libfoo.so.1'));
    place(root, '/app/private/libfoo.so.1', join(d, 'libfoo.so.1'));
    place(root, '/lib/x86_64-linux-gnu/libc.so.6', realpathSync('/lib/x86_64-linux-gnu/libc.so.6'));
    place(root, '/lib64/ld-linux-x86-64.so.2', realpathSync('/lib64/ld-linux-x86-64.so.2'));

    const run = loadProgram(root, '/app/bin/runpath');
    expect(run.program.elf.dynamic?.runpath).toEqual(['$ORIGIN/../lib']);
    expect(run.libraries.map((l) => [l.name, l.path])).toEqual([
      ['libfoo.so.1', '/app/lib/libfoo.so.1'],
      ['libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6'],
      ['ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2'],
    ]);
    const rp = loadProgram(root, '/app/bin/rpath');
    expect(rp.program.elf.dynamic?.rpath).toEqual(['$ORIGIN/../private']);
    expect(rp.libraries[0].path).toBe('/app/private/libfoo.so.1');
    expect(rp.problems).toEqual([]);
  });

  it('a musl program: its C library is the loader itself, found as musl finds it', () => {
    if (!haveOrCi('musl-gcc', 'musl-tools')) return;
    const d = tmpDir();
    writeFileSync(join(d, 'hello.c'), '#include <stdio.h>\nint main(void) { return puts("hello") < 0; }\n');
    expect(spawnSync('musl-gcc', ['-o', join(d, 'hello'), join(d, 'hello.c')], { encoding: 'utf8' }).stderr).toBe('');
    const root = tmpDir();
    place(root, '/usr/bin/hello', join(d, 'hello'));
    place(root, '/lib/ld-musl-x86_64.so.1', '/lib/x86_64-linux-musl/libc.so');
    const p = loadProgram(root, '/usr/bin/hello');
    expect(p.loader).toBe('musl');
    expect(p.problems).toEqual([]);
    expect(p.libraries.map((l) => [l.name, l.path])).toEqual([['libc.so', '/lib/ld-musl-x86_64.so.1']]);
  });
});

describe('hostile roots: never a file outside the root, a clear error naming the path', () => {
  it('a loop of symbolic links, and a chain longer than Linux follows', () => {
    const root = tmpDir();
    link(root, '/usr/bin/a', 'b');
    link(root, '/usr/bin/b', '/usr/bin/a');
    expect(expectElfError(() => loadProgram(root, '/usr/bin/a'), 'bad-path', '/usr/bin/a').message).toContain('a loop of symbolic links');
    for (let i = 0; i < 45; i++) link(root, `/chain/l${i}`, `l${i + 1}`);
    expect(expectElfError(() => resolveInRoot(root, '/chain/l0'), 'bad-path', '/chain/l0').message).toContain('more than 40 symbolic links');
    // a directory link that loops back into itself
    link(root, '/d/self', '.');
    expect(resolveInRoot(root, '/d/self/self/self').path).toBe('/d');
  });

  it('links and .. that try to leave the root land inside it', () => {
    const outside = tmpDir();
    writeFileSync(join(outside, 'secret'), 'not for the reader');
    const root = tmpDir();
    const up = '../'.repeat(20);
    link(root, '/usr/bin/up', `${up}${outside.slice(1)}/secret`);
    link(root, '/usr/bin/abs', `${outside}/secret`);
    link(root, '/usr/bin/dirup', up);
    for (const p of ['/usr/bin/up', '/usr/bin/abs', `/${up}${outside.slice(1)}/secret`, '/usr/bin/dirup' + outside + '/secret']) {
      const e = expectElfError(() => loadProgram(root, p), 'not-found', p);
      // the root's own path of that name, which stops at its first missing directory
      expect(e.message).toBe(`${p}: /${outside.split('/')[1]} does not exist`);
    }
    expect(resolveInRoot(root, '/usr/bin/dirup').path).toBe('/');
    // the same file placed inside the root is what is read
    mkdirSync(join(root, outside), { recursive: true });
    writeFileSync(join(root, outside, 'secret'), 'inside');
    expect(expectElfError(() => loadProgram(root, '/usr/bin/up'), 'not-elf', '/usr/bin/up').message).toContain('not an ELF file');
    expect(resolveInRoot(root, '/usr/bin/abs').hostPath).toBe(join(root, outside, 'secret'));
  });

  it('a missing program, a directory, a path through a file', () => {
    const root = tmpDir();
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin/file'), 'x');
    expectElfError(() => loadProgram(root, '/bin/none'), 'not-found', '/bin/none');
    expect(expectElfError(() => loadProgram(root, '/bin'), 'bad-path', '/bin').message).toContain('not a regular file');
    expect(expectElfError(() => loadProgram(root, '/bin/file/x'), 'not-found', '/bin/file/x').message).toContain('/bin/file is not a directory');
  });

  it('a FIFO as the program is refused at once, never waited on (an image can plant one)', () => {
    const root = tmpDir();
    mkdirSync(join(root, 'bin'));
    expect(spawnSync('mkfifo', [join(root, 'bin/fifo')]).status).toBe(0);
    // in a child with a deadline: an open that waits for a writer would block this thread for good
    const loader = pathToFileURL(join(ROOT, 'dist/io/root-loader.js')).href;
    const script = `import { loadProgram } from ${JSON.stringify(loader)};\ntry { loadProgram(${JSON.stringify(root)}, '/bin/fifo'); } catch (e) { console.log(e.code + ': ' + e.message); }`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toBe('bad-path: /bin/fifo: /bin/fifo is not a regular file');
  });

  it('a library that is a hostile file is a problem of that library, named with why; the program is still read', () => {
    if (!existsSync('/bin/ls') && !IN_CI) return;
    const root = tmpDir();
    place(root, '/bin/ls', '/bin/ls');
    mkdirSync(join(root, 'lib'));
    // libselinux.so.1 cut short; libc.so.6 a loop
    writeFileSync(join(root, 'lib/libselinux.so.1'), readFileSync(realpathSync('/lib/x86_64-linux-gnu/libselinux.so.1')).subarray(0, 2000));
    symlinkSync('libc.so.6', join(root, 'lib/libc.so.6'));
    const p = loadProgram(root, '/bin/ls');
    expect(p.program.elf.imports.length).toBeGreaterThan(50);
    const by = Object.fromEntries(p.problems.map((q) => [q.name, q.error]));
    // the loader passes over a candidate it cannot load; when none is left, each is named with why
    expect(by['libselinux.so.1'].code).toBe('not-found');
    expect(by['libselinux.so.1'].message.startsWith('libselinux.so.1: ')).toBe(true);
    expect(by['libselinux.so.1'].message).toMatch(/\/lib\/libselinux\.so\.1 \(.* lies past the end of the file \(2000 bytes\)\)/);
    expect(by['libc.so.6'].code).toBe('not-found');
    expect(by['libc.so.6'].message).toContain('/lib/libc.so.6 (a loop of symbolic links at /lib/libc.so.6');
  });
});
