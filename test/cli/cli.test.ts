// Tests that spawn the built CLI (dist/cli.js, made by `npm run build`).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cli, cliProcess, expectGolden, fixture, golden, readFixture, ROOT, tmpDir as tmp, waitFor } from '../helpers.js';

describe('seccomp-learn learn', () => {
  it('writes the Kubernetes tutorial\'s profile from its syslog lines', () => {
    const r = cli(['--comm', 'http-echo', fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(0);
    expectGolden(r.stdout, 'http-echo.json');
    expect(JSON.parse(r.stdout).syscalls[0].names).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt']);
  });

  it.each([
    ['real/syslog-traditional.log', 'busybox-ls.json'],
    ['real/audit-raw.log', 'busybox-ls.json'],
    ['real/kmsg.log', 'busybox-ls.json'],
  ])('%s --comm busybox gives the golden %s', (input, gold) => {
    // each fixture file comes from its own run of the same workload: the same syscalls
    const r = cli(['learn', '--comm', 'busybox', fixture(input)]);
    expect(r.code).toBe(0);
    expectGolden(r.stdout, gold);
  });

  it('reads stdin, - and gzip files the same as plain files', () => {
    const text = readFixture('real/syslog-traditional.log');
    const dir = tmp();
    writeFileSync(join(dir, 'syslog.2.gz'), gzipSync(text));
    const plain = cli(['--comm', 'busybox', fixture('real/syslog-traditional.log')]).stdout;
    expect(cli(['--comm', 'busybox', join(dir, 'syslog.2.gz')]).stdout).toBe(plain);
    expect(cli(['--comm', 'busybox'], { input: text }).stdout).toBe(plain);
    expect(cli(['--comm', 'busybox', '-'], { input: text }).stdout).toBe(plain);
  });

  it('says each newly learned syscall on stderr when reading a stream', () => {
    const r = cli(['--comm', 'http-echo'], { input: readFixture('published/k8s-tutorial-syslog.log') });
    expect(r.stderr).toContain('+ http-echo getsockname (x86_64)\n');
    expect(r.stderr.match(/^\+ /gm)?.length).toBe(6);
  });

  it('exits 1 and lists what it saw when nothing matched', () => {
    const r = cli(['--comm', 'http-ecko', fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no record matched --comm 'http-ecko'/);
    expect(r.stderr).toMatch(/http-echo \(8\)/);
  });

  it('says once that a --comm longer than 15 bytes matches its prefix', () => {
    const r = cli(['--comm', 'http-echo-server-long', fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.stderr).toMatch(/at most 15 bytes.*'http-echo-serve'/);
  });

  it('names an unreadable file, exits 1 and writes nothing', () => {
    const dir = tmp();
    const out = join(dir, 'p.json');
    const r = cli(['--comm', 'x', fixture('published/k8s-tutorial-syslog.log'), join(dir, 'missing.log'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'missing.log')}: no such file`);
    expect(existsSync(out)).toBe(false);
    const bad = join(dir, 'bad.gz');
    writeFileSync(bad, Buffer.concat([gzipSync(readFixture('published/k8s-tutorial-syslog.log')).subarray(0, 200)]));
    const t = cli(['--comm', 'http-echo', bad, '-o', out]);
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(bad);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on usage errors', () => {
    expect(cli(['--no-such-flag']).code).toBe(2);
    expect(cli(['--pid', 'abc', fixture('published/k8s-tutorial-syslog.log')]).code).toBe(2);
    expect(cli(['--default-action', 'SCMP_ACT_NONSENSE', fixture('published/k8s-tutorial-syslog.log')]).code).toBe(2);
    expect(cli(['-o', 'a', '--out-dir', 'b', fixture('published/k8s-tutorial-syslog.log')]).code).toBe(2);
  });

  it('writes -o atomically and leaves no temporary file', () => {
    const dir = tmp();
    const out = join(dir, 'http-echo.json');
    const r = cli(['--comm', 'http-echo', fixture('published/k8s-tutorial-syslog.log'), '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(golden('http-echo.json'));
    expect(readdirSync(dir)).toEqual(['http-echo.json']);
  });

  it('takes --default-action, --errno-ret and --arch-companions', () => {
    const r = cli(['--comm', 'http-echo', '--default-action', 'SCMP_ACT_LOG', '--errno-ret', '38', '--arch-companions', fixture('published/k8s-tutorial-syslog.log')]);
    const p = JSON.parse(r.stdout);
    expect(Object.keys(p)).toEqual(['defaultAction', 'defaultErrnoRet', 'architectures', 'syscalls']);
    expect(p.defaultAction).toBe('SCMP_ACT_LOG');
    expect(p.defaultErrnoRet).toBe(38);
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_X86']);
  });

  it('merges into an existing profile, keeping its other rules and fields', () => {
    const dir = tmp();
    const base = join(dir, 'base.json');
    writeFileSync(
      base,
      JSON.stringify({
        defaultAction: 'SCMP_ACT_ERRNO',
        architectures: ['SCMP_ARCH_X86_64'],
        flags: ['SECCOMP_FILTER_FLAG_LOG'],
        syscalls: [
          { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
          { names: ['write', 'read'], action: 'SCMP_ACT_ALLOW' },
          { names: ['ptrace'], action: 'SCMP_ACT_KILL' },
        ],
      }),
    );
    const r = cli(['--comm', 'http-echo', '--merge', base, fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG']);
    expect(p.syscalls[0].args).toHaveLength(1);
    expect(p.syscalls[1].names).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt', 'write']);
    expect(p.syscalls[2]).toEqual({ names: ['ptrace'], action: 'SCMP_ACT_KILL' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"syscalls": 3}');
    const b = cli(['--merge', bad, fixture('published/k8s-tutorial-syslog.log')]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain(bad);
  });

  it('writes one profile per program with --out-dir', () => {
    const dir = tmp();
    const r = cli(['--out-dir', dir, fixture('real/audit-raw.log')]);
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(expect.arrayContaining(['busybox.json', 'logrun.json', 'uname.json']));
    expect(JSON.parse(readFileSync(join(dir, 'uname.json'), 'utf8')).syscalls[0].names).toContain('uname');
  });

  it('goes on through garbage, binary data, invalid UTF-8, CRLF, truncated records and long lines', () => {
    const good = readFixture('published/k8s-tutorial-syslog.log').trim().split('\n');
    const input = Buffer.concat([
      Buffer.from(good[0] + '\n'),
      Buffer.from('complete garbage\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x0a]),
      Buffer.from(good[1] + '\r\n'),
      Buffer.from('Jul  6 15:37:40 my-machine kernel: [369128.669452] audit: type=1326 audit(1594067860.484:14542): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29064 comm="http-echo" exe="/http-echo" sig=0 arch=c000003e syscall=\n'),
      Buffer.from('Jul  6 15:37:40 my-machine kernel: [369128.669452] audit: type=1326 audit(1594067860.484:145\n'),
      Buffer.from('x'.repeat(300_000) + '\n'),
      Buffer.from(good[2].replace('comm="http-echo"', 'comm="http-echo"') + '\n'),
      Buffer.from([0xc3, 0x28, 0x0a]),
      Buffer.from(good.slice(3).join('\n')), // no final newline
    ]);
    const r = cli(['--comm', 'http-echo', '-o', join(tmp(), 'p.json')], { input });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/skipped 1 line: incomplete; <stdin>:5: the record stops before ip= and code=/);
    expect(r.stderr).toMatch(/skipped 1 line: malformed; <stdin>:6:/);
    expect(r.stderr).toMatch(/skipped 1 line: line-too-long; <stdin>:7: a line of 300000 bytes/);
    expect(r.stderr).toMatch(/14 lines read, 8 seccomp records/);
    const p = cli(['--comm', 'http-echo'], { input });
    expect(JSON.parse(p.stdout).syscalls[0].names).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt']);
  });

  it('follows a stream: the -o file grows before EOF, and SIGINT writes the final profile', async () => {
    const dir = tmp();
    const out = join(dir, 'p.json');
    const lines = readFixture('published/k8s-tutorial-syslog.log').trim().split('\n');
    const child = cliProcess(['--comm', 'http-echo', '-o', out]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const names = () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names as string[]) : []);
    child.stdin.write(lines[0] + '\n');
    await waitFor(() => names().length === 1);
    expect(names()).toEqual(['getsockname']);
    // said before the file is written, but read here on its own pipe: wait for it too
    await waitFor(() => stderr.includes('+ http-echo getsockname (x86_64)'));
    child.stdin.write(lines.slice(1, 4).join('\n') + '\n');
    await waitFor(() => names().length === 4);
    // a line cut in two by the writer is not learned until its end arrives
    child.stdin.write(lines[4].slice(0, 100));
    await new Promise((r) => setTimeout(r, 150));
    expect(names()).toHaveLength(4);
    child.stdin.write(lines[4].slice(100) + '\n');
    await waitFor(() => names().length === 5);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(names()).toEqual(['accept4', 'futex', 'getsockname', 'read', 'setsockopt']);
    expect(stderr).toMatch(/5 lines read/);
    expect(stderr).toContain(`seccomp-learn: stopped by SIGINT: the profile in ${out} holds what was read until then\n`);
    expect(readdirSync(dir)).toEqual(['p.json']);
  });

  it('follows a FIFO given as a file (`<(tail -f ...)`) as it follows stdin, and SIGINT still works', async () => {
    const dir = tmp();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const out = join(dir, 'p.json');
    const lines = readFixture('published/k8s-tutorial-syslog.log').trim().split('\n');
    const child = cliProcess(['--comm', 'http-echo', '-o', out, fifo]);
    const names = () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names as string[]) : []);
    // the writer keeps the FIFO open: the input never ends
    const writer = await open(fifo, 'w');
    await writer.write(lines[0] + '\n');
    await waitFor(() => names().length > 0);
    expect(names()).toEqual(['getsockname']);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await writer.close();
    expect(names()).toEqual(['getsockname']);
  });

  it('learns a process that named itself `evil "name` with --comm \'evil "name\'', () => {
    const r = cli(['--comm', 'evil "name', fixture('real/kmsg.log')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).syscalls[0].names).toEqual(expect.arrayContaining(['getppid', 'getuid', 'exit_group']));
  });

  it('writes the final profile on SIGTERM too', async () => {
    const dir = tmp();
    const out = join(dir, 'p.json');
    const child = cliProcess(['--comm', 'http-echo', '-o', out, '-q']);
    child.stdin.write(readFixture('published/k8s-tutorial-syslog.log'));
    await waitFor(() => existsSync(out));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(golden('http-echo.json'));
  });

  it('--version and --help work', () => {
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = cli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/--comm/);
  });
});

describe('seccomp-learn parse', () => {
  it('prints one JSON object per record with the documented keys', () => {
    const r = cli(['parse', fixture('published/k8s-tutorial-syslog.log')]);
    expect(r.code).toBe(0);
    const evs = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(evs).toHaveLength(8);
    expect(Object.keys(evs[0])).toEqual(['format', 'trusted', 'time', 'serial', 'pid', 'uid', 'auid', 'comm', 'exe', 'arch', 'nr', 'syscall', 'compat', 'action', 'sig', 'file', 'line', 'host']);
    expect(evs[0]).toMatchObject({ format: 'syslog', trusted: true, time: 1594067860.484, serial: 14536, pid: 29064, uid: 0, comm: 'http-echo', exe: '/http-echo', arch: 'x86_64', nr: 51, syscall: 'getsockname', compat: 0, action: 'LOG', line: 1, host: 'my-machine' });
  });

  it('prints a record read from two sources once, unless --all', () => {
    const a = cli(['parse', fixture('real/dmesg.log'), fixture('real/kmsg.log')]);
    const b = cli(['parse', '--all', fixture('real/dmesg.log'), fixture('real/kmsg.log')]);
    const n = (s: string) => s.trim().split('\n').length;
    expect(n(b.stdout)).toBe(2 * n(a.stdout));
  });

  it('says which line it skipped and why', () => {
    const r = cli(['parse'], { input: 'audit: type=1326 audit(1.000:1): pid=1 comm="a" arch=c000003e syscall=zz code=0x7ffc0000\n' });
    expect(r.stderr).toContain('<stdin>:1: skipped (bad-number): syscall=zz is not a number');
    expect(r.stdout).toBe('');
  });
});

describe('packaging', () => {
  it('the built CLI is executable with a node shebang', () => {
    const text = readFileSync(join(ROOT, 'dist/cli.js'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    // the mode the build gave it (npm's bin link needs it executable)
    expect(statSync(join(ROOT, 'dist/cli.js')).mode & 0o111).toBe(0o111);
  });
});
