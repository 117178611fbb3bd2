// The table of C library functions and the syscalls they can make: what it says
// of the calls issue 21 is about (fork, usleep, fsync and redis's save path) on
// each C library in it, that it never guesses, and that it is what the
// generator makes from the libraries installed here (CI installs them and never
// skips the check).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callsOf, findLibcTable, LIBC_CALLS, type LibcCallsTable } from '../../src/elf/libc-calls.js';
import { findArch } from '../../src/syscalls/index.js';
import { IN_CI, ROOT } from '../helpers.js';

const arch = (n: string) => findArch(n)!;
const label = (t: LibcCallsTable) => `${t.libc} ${t.version} ${t.arch}`;
const makes = (t: LibcCallsTable, fn: string) => callsOf(t, fn)?.syscalls ?? [];

describe('the libc function table', () => {
  it('has glibc and musl on x86_64 and glibc on aarch64, each with its package and file', () => {
    expect(LIBC_CALLS.map(label)).toEqual(expect.arrayContaining([expect.stringMatching(/^glibc 2\.\d+ x86_64$/), expect.stringMatching(/^glibc 2\.\d+ aarch64$/), expect.stringMatching(/^musl 1\.\d+\.\d+ x86_64$/)]));
    for (const t of LIBC_CALLS) {
      expect(t.package).toMatch(/^(libc6|libc6-arm64-cross|musl) \S+$/);
      expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(t.normal.length).toBe(t.all.length);
      expect(t.normal.length).toBeGreaterThan(1000);
    }
  });

  for (const t of LIBC_CALLS) {
    describe(label(t), () => {
      it('fork makes clone (or clone3, or fork where that libc uses it), as that libc does', () => {
        const fork = makes(t, 'fork');
        expect(fork.some((s) => s === 'clone' || s === 'clone3' || s === 'fork')).toBe(true);
        if (t.libc === 'glibc') expect(fork).toContain('clone');
      });

      it('usleep makes clock_nanosleep (or nanosleep), fsync makes fsync', () => {
        expect(makes(t, 'usleep').some((s) => s === 'clock_nanosleep' || s === 'nanosleep')).toBe(true);
        expect(makes(t, 'fsync')).toContain('fsync');
        expect(makes(t, 'fdatasync')).toContain('fdatasync');
      });

      it("redis's saving path: waitpid, rename, unlink, mkdir make their calls on this ABI", () => {
        expect(makes(t, 'waitpid')).toContain('wait4');
        const at = t.arch === 'aarch64'; // aarch64 has only the *at calls
        expect(makes(t, 'rename')).toEqual([at ? 'renameat' : 'rename']);
        expect(makes(t, 'unlink')).toEqual([at ? 'unlinkat' : 'unlink']);
        expect(makes(t, 'mkdir')).toEqual([at ? 'mkdirat' : 'mkdir']);
        expect(makes(t, 'getpid')).toEqual(['getpid']);
      });

      it('a function that installs a signal handler makes rt_sigreturn when the handler returns (through the restorer, which no function calls)', () => {
        for (const fn of ['sigaction', 'signal']) expect(makes(t, fn)).toEqual(expect.arrayContaining(['rt_sigaction', 'rt_sigreturn']));
        expect(makes(t, 'sigprocmask')).not.toContain('rt_sigreturn');
        expect(makes(t, 'fsync')).not.toContain('rt_sigreturn');
      });

      it('never guesses: syscall(2) takes its number from its caller, so it is undetermined', () => {
        expect(callsOf(t, 'syscall')).toEqual({ syscalls: [], undetermined: true, throughPointers: false, source: 'table' });
      });

      it('leaves out what only a dying process makes, unless asked for every path', () => {
        // read can be cancelled in a thread, and cancellation unwinds: those calls are in `all` only
        const normal = callsOf(t, 'read')!.syscalls;
        const all = callsOf(t, 'read', 'all')!.syscalls;
        expect(normal).toContain('read');
        for (const s of normal) expect(all).toContain(s);
        const dyingOnly = all.filter((s) => !normal.includes(s));
        expect(dyingOnly.some((s) => ['exit', 'exit_group', 'tgkill', 'tkill'].includes(s)), dyingOnly.join(' ')).toBe(true);
        // a function that never returns keeps its own work
        expect(callsOf(t, '_exit')!.syscalls).toContain('exit_group');
        expect(callsOf(t, 'abort')!.syscalls.some((s) => s === 'tgkill' || s === 'tkill')).toBe(true);
      });
    });
  }

  it('falls back to the syscall of the same name where the table cannot know, and only then', () => {
    const glibc = findLibcTable('glibc', arch('x86_64'), '2.36')!.table;
    // time is an IFUNC that picks the vDSO's time: the resolver's choice is not read, the name stands for it
    expect(callsOf(glibc, 'time')).toMatchObject({ syscalls: ['time'], undetermined: false });
    // a function the library does not export but whose name is a syscall's
    expect(callsOf(glibc, 'kcmp')).toEqual({ syscalls: ['kcmp'], undetermined: false, throughPointers: false, source: 'name' });
    expect(callsOf(glibc, 'no_such_function')).toBeNull();
    // glibc's open makes openat only: the name adds nothing where the table knows all
    expect(callsOf(glibc, 'open')!.syscalls).not.toContain('open');
    const musl = findLibcTable('musl', arch('x86_64'), null)!.table;
    // musl's setuid makes setuid from a callback run on every thread: through a pointer, so by name
    expect(callsOf(musl, 'setuid')).toMatchObject({ throughPointers: true });
    expect(callsOf(musl, 'setuid')!.syscalls).toContain('setuid');
  });

  it('chooses the nearest version where the program has another one, and says so', () => {
    const x86 = arch('x86_64');
    const exact = findLibcTable('glibc', x86, LIBC_CALLS.find((t) => t.libc === 'glibc' && t.arch === 'x86_64')!.version)!;
    expect(exact.exact).toBe(true);
    const newer = findLibcTable('glibc', x86, '2.99')!;
    expect([newer.exact, newer.table.libc, newer.table.arch]).toEqual([false, 'glibc', 'x86_64']);
    expect(findLibcTable('glibc', x86, '2.1')!.exact).toBe(false);
    expect(findLibcTable('musl', arch('riscv64'), null)).toBeNull();
  });
});

describe('the generated table', () => {
  const missing = LIBC_CALLS.filter((t) => !existsSync(t.file));
  if (missing.length && !IN_CI) console.warn(`skipping the regeneration check: ${missing.map((t) => `${t.file} (${t.package.split(' ')[0]})`).join(', ')} not installed (CI installs them and never skips)`);

  it.skipIf(missing.length > 0 && !IN_CI)('is what the generator makes from the libraries installed here', { timeout: 180_000 }, () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-libc-calls.mjs'), '--check'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(missing.length > 0 && !IN_CI)('explains an entry: the chain of calls from fork to the clone instruction', { timeout: 120_000 }, () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-libc-calls.mjs'), '--why', 'glibc-x86_64', 'fork', '56'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^0x[0-9a-f]+ <(__libc_)?fork>\n {2}-> 0x[0-9a-f]+ <_Fork>\n$/);
  });

  it.skipIf(missing.length > 0 && !IN_CI)('names each library by the checksum of the file it was read from', () => {
    for (const t of LIBC_CALLS) expect(createHash('sha256').update(readFileSync(t.file)).digest('hex'), t.file).toBe(t.sha256);
  });
});
