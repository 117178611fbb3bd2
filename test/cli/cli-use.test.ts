// The command line as people use it (issue 14): bad options and inputs never give
// a stack trace, outputs are checked before anything is read, a closed stdout,
// signals and compressed inputs end the way a shell user expects, and mistakes
// get a "did you mean". Every test spawns the built CLI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { STATE_VERSION } from '../../src/state/state.js';
import { cli, cliAsync, cliProcess, CLI, fixture, golden, IN_CI, readFixture, ROOT, tmpDir, waitFor } from '../helpers.js';

const LOG = fixture('published/k8s-tutorial-syslog.log');
const LINES = readFixture('published/k8s-tutorial-syslog.log').trim().split('\n');
/** A stack frame, as Node prints them. */
const FRAME = /^\s+at .+[(:]/m;

/** `n` records of http-echo, each with its own serial: lines parse prints one by one. */
function manyRecords(n: number): string {
  const first = LINES[0];
  let s = '';
  for (let i = 0; i < n; i++) s += first.replace(/audit\(1594067860\.484:14536\)/, `audit(1594067860.484:${100000 + i})`).replace('syscall=51', `syscall=${i % 300}`) + '\n';
  return s;
}

/** The commands `--help` lists: every command, those added later too. */
function commands(): string[] {
  const help = cli(['--help']).stdout;
  return [...help.matchAll(/^ {2}seccomp-learn (\w[\w-]*)/gm)].map((m) => m[1]);
}

/** Run each case at most `limit` at a time. */
async function runAll<T>(items: T[], limit: number, each: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let t = queue.shift(); t !== undefined; t = queue.shift()) await each(t);
    }),
  );
}

describe('no stack trace from any input or option, ever', () => {
  const dir = tmpDir();
  const garbage = join(dir, 'garbage.bin');
  writeFileSync(garbage, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  const truncated = join(dir, 'truncated.gz');
  writeFileSync(truncated, gzipSync(readFixture('published/k8s-tutorial-syslog.log')).subarray(0, 200));
  const xz = join(dir, 'syslog.xz');
  writeFileSync(xz, Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64, 1)]));
  const missing = join(dir, 'missing.log');
  const asDir = join(dir, 'a-directory');
  mkdirSync(asDir);
  const badProfile = join(dir, 'bad-profile.json');
  writeFileSync(badProfile, '{"syscalls": 3');
  // a socket: open() fails with ENXIO, even for root
  const socket = join(dir, 'sock');
  const server = createServer();
  const listening = new Promise<void>((r) => server.listen(socket, r));

  /** `where`: the commands the case is meant for (learn, the commands that read logs, or all); `names`: what their message names */
  type Case = { name: string; args: string[]; code: number; names: string; where: 'learn' | 'with -o' | 'readers' | 'all' };
  const cases: Case[] = [
    { name: 'a missing file', args: [missing], code: 1, names: missing, where: 'readers' },
    { name: 'a directory as input', args: [asDir], code: 1, names: asDir, where: 'readers' },
    { name: 'a truncated gzip file', args: [truncated], code: 1, names: truncated, where: 'readers' },
    { name: 'an xz file', args: [xz], code: 1, names: xz, where: 'readers' },
    { name: 'a file root cannot read (/proc/self/mem: EIO)', args: ['/proc/self/mem'], code: 1, names: '/proc/self/mem', where: 'readers' },
    { name: 'a socket', args: [socket], code: 1, names: socket, where: 'readers' },
    { name: 'a good file after a missing one', args: [LOG, missing], code: 1, names: missing, where: 'readers' },
    { name: '-o into /proc', args: ['-o', '/proc/seccomp-learn.json', LOG], code: 1, names: '/proc/seccomp-learn.json', where: 'with -o' },
    { name: '-o under a directory /proc cannot have', args: ['-o', '/proc/no/such/p.json', LOG], code: 1, names: '/proc/no', where: 'with -o' },
    { name: '-o a directory', args: ['-o', asDir, LOG], code: 1, names: asDir, where: 'with -o' },
    { name: '--out-dir a file', args: ['--out-dir', LOG, LOG], code: 1, names: LOG, where: 'learn' },
    { name: '--merge a missing file', args: ['--merge', missing, LOG], code: 1, names: missing, where: 'learn' },
    { name: '--merge a directory', args: ['--merge', asDir, LOG], code: 1, names: asDir, where: 'learn' },
    { name: '--merge a broken profile', args: ['--merge', badProfile, LOG], code: 1, names: badProfile, where: 'learn' },
    { name: '--max-line-length 0', args: ['--max-line-length', '0', LOG], code: 2, names: '--max-line-length', where: 'readers' },
    { name: '--max-line-length abc', args: ['--max-line-length', 'abc', LOG], code: 2, names: '--max-line-length', where: 'readers' },
    { name: '--pid abc', args: ['--pid', 'abc', LOG], code: 2, names: '--pid', where: 'all' },
    { name: '--errno-ret past MAX_ERRNO', args: ['--errno-ret', '99999', LOG], code: 2, names: '--errno-ret 99999 is not an errno number (0 to 4095', where: 'learn' },
    { name: '--jobs abc', args: ['--jobs', 'abc', LOG], code: 2, names: '--jobs takes a number of threads', where: 'learn' },
    { name: '--node without --state', args: ['--node', 'n1', LOG], code: 2, names: '--node goes with --state FILE', where: 'learn' },
    { name: 'an unknown flag', args: ['--no-such-flag', LOG], code: 2, names: '--no-such-flag', where: 'all' },
  ];

  it('every command, every bad option and input: a documented exit code, one line naming the culprit, no stack frame', async () => {
    await listening;
    const all = commands();
    expect(all).toEqual(expect.arrayContaining(['learn', 'report', 'parse', 'resolve', 'arches']));
    const readers = new Set(['learn', 'report', 'parse']);
    // -o is checked before anything is read, whatever the command reads
    const withOutput = new Set(['learn', 'merge'].filter((c) => all.includes(c)));
    const runs: Array<{ command: string; c: Case }> = all.flatMap((command) => cases.map((c) => ({ command, c })));
    const failures: string[] = [];
    try {
      await runAll(runs, 4, async ({ command, c }) => {
        const r = await cliAsync([command, ...c.args]);
        const what = `${command} ${c.args.join(' ')} (${c.name}): exit ${r.code}\n${r.stderr}`;
        // whatever the command: never a stack trace, never an undocumented code, always a word on stderr
        if (FRAME.test(r.stderr) || /node:internal|Error: /.test(r.stderr)) failures.push(`stack trace: ${what}`);
        if (![0, 1, 2, 3].includes(r.code ?? -1)) failures.push(`exit code: ${what}`);
        if (r.code !== 0 && !r.stderr.startsWith('seccomp-learn: ')) failures.push(`no message: ${what}`);
        // where the case is meant for the command: its code; for a command that reads logs, one line that names the culprit
        const meant = c.where === 'all' || (c.where === 'learn' ? command === 'learn' : c.where === 'with -o' ? withOutput.has(command) : readers.has(command));
        if (!meant) return;
        if (r.code !== c.code) failures.push(`expected exit ${c.code}: ${what}`);
        if (!readers.has(command) && !(c.where === 'with -o')) return;
        const lines = r.stderr.trimEnd().split('\n');
        if (!lines[0].includes(c.names)) failures.push(`the first line should name ${c.names}: ${what}`);
        // a usage error may add "Try seccomp-learn --help."; nothing else follows
        if (lines.length > (c.code === 2 ? 2 : 1)) failures.push(`more than one line: ${what}`);
      });
    } finally {
      server.close();
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('says what the input is and exits 1 on binary garbage, with no stack frame', () => {
    for (const command of ['learn', 'report']) {
      const r = cli([command, garbage]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(FRAME);
    }
    const p = cli(['parse', garbage]);
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('');
    expect(p.stderr).not.toMatch(FRAME);
  });

  it('a bug is one line, "internal error ... (please report)", exit 70; SECCOMP_LEARN_DEBUG=1 shows the stack', () => {
    // a fault put in from outside: JSON.stringify throws inside the profile's serialiser
    const inject = ['--import', 'data:text/javascript,JSON.stringify = () => { throw new TypeError("injected fault") }'];
    const run = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [...inject, CLI, '--comm', 'http-echo', LOG], { cwd: ROOT, env, encoding: 'utf8' });
    const r = run({ ...process.env, SECCOMP_LEARN_DEBUG: '' });
    expect(r.status).toBe(70);
    expect(r.stderr).toContain('seccomp-learn: internal error: injected fault (please report)\n');
    expect(r.stderr).not.toMatch(FRAME);
    const d = run({ ...process.env, SECCOMP_LEARN_DEBUG: '1' });
    expect(d.status).toBe(70);
    expect(d.stderr).toMatch(FRAME);
  });
});

describe('-o and --out-dir', () => {
  it('creates the parent directories -o names (the tutorial\'s profiles/), following stdin', () => {
    const dir = tmpDir();
    const r = cli(['--comm', 'http-echo', '-o', 'profiles/http-echo.json'], { cwd: dir, input: readFixture('published/k8s-tutorial-syslog.log') });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'profiles/http-echo.json'), 'utf8')).toBe(golden('http-echo.json'));
    expect(readdirSync(join(dir, 'profiles'))).toEqual(['http-echo.json']);
    const d = cli(['--out-dir', join(dir, 'a/b/c'), fixture('real/audit-raw.log')]);
    expect(d.code, d.stderr).toBe(0);
    expect(readdirSync(join(dir, 'a/b/c'))).toEqual(expect.arrayContaining(['busybox.json']));
  });

  it('an -o that cannot be written stops the run before any input is read: stdin left open is never waited for', async () => {
    const dir = tmpDir();
    for (const out of [dir, '/proc/p.json']) {
      const child = cliProcess(['--comm', 'http-echo', '-o', out]);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      // stdin stays open: a CLI that read it first would wait for ever
      const code = await new Promise<number | null>((r) => child.on('close', r));
      expect(code).toBe(1);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`-o ${out}: `);
      expect(stderr).not.toMatch(/lines read/);
      child.stdin.destroy();
    }
  });

  it('a dangling symbolic link on the way is named, not followed for ever', () => {
    const dir = tmpDir();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'profiles'));
    const r = cli(['--comm', 'http-echo', '-o', join(dir, 'profiles/p.json'), LOG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`seccomp-learn: -o ${join(dir, 'profiles/p.json')}: cannot create the directory ${join(dir, 'profiles')}: exists and is not a directory (a dangling symbolic link?)\n`);
  });

  it('a write that fails later (the directory replaced by a file while following) is one line and exit 1', async () => {
    const dir = tmpDir();
    const out = join(dir, 'profiles/p.json');
    const child = cliProcess(['--comm', 'http-echo', '-o', out]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.write(LINES[0] + '\n');
    await waitFor(() => existsSync(out), 10_000, 'the first profile');
    rmSync(join(dir, 'profiles'), { recursive: true });
    writeFileSync(join(dir, 'profiles'), '');
    child.stdin.write(LINES[1] + '\n');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(stderr).toContain(`seccomp-learn: cannot write ${out}: a part of the path is not a directory\n`);
    expect(stderr).not.toMatch(FRAME);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root && !IN_CI)('a full disk: one line, exit 1, and no temporary file left (needs root to mount a small tmpfs; CI is root)', () => {
    expect(root, 'CI runs the tests as root').toBe(true);
    const dir = tmpDir();
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]);
    try {
      // fill it: an empty file can still be made (the check passes), no byte can be written
      const fill = spawnSync('sh', ['-c', `head -c 100000 /dev/zero > ${mnt}/fill`]);
      expect(fill.status).not.toBe(0);
      const r = cli(['--comm', 'http-echo', '-o', join(mnt, 'p.json'), LOG]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`seccomp-learn: cannot write ${join(mnt, 'p.json')}: no space left on device\n`);
      expect(r.stderr).not.toMatch(FRAME);
      expect(readdirSync(mnt)).toEqual(['fill']);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('--state, and merge of states, check their outputs before reading', () => {
    const dir = tmpDir();
    const st = cli(['--comm', 'http-echo', '--state', '/proc/s.json', LOG]);
    expect(st.code).toBe(1);
    expect(st.stderr).toBe('seccomp-learn: --state /proc/s.json: cannot create a file in /proc: files cannot be created there\n');
    const state = join(dir, 'states/node-1.json');
    expect(cli(['-q', '--comm', 'http-echo', '--state', state, LOG]).code).toBe(0);
    const r = cli(['merge', state, '--out-dir', '/proc/no/profiles']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('seccomp-learn: --out-dir /proc/no/profiles: cannot create a file in /proc: files cannot be created there\n');
    const ok = cli(['merge', '-q', state, '--out-dir', join(dir, 'a/b')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['http-echo.json']);
  });

  it('an output that is an input, or the other output, is refused before reading: nothing replaced, no directory left', () => {
    const dir = tmpDir();
    const log = join(dir, 's.log');
    writeFileSync(log, readFixture('published/k8s-tutorial-syslog.log'));
    const before = readFileSync(log, 'utf8');
    symlinkSync(log, join(dir, 'link.log'));
    for (const args of [
      ['-o', log, log],
      ['-o', join(dir, 'link.log'), log],
      ['--state', log, log],
      ['-o', join(dir, 'st.json'), '--state', join(dir, 'st.json'), log],
    ]) {
      const r = cli(['--comm', 'http-echo', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^seccomp-learn: (-o|--state) \S+ (is also an input \(\S+\): writing it would replace what is read|and --state \S+ are one file)/);
      expect(r.stderr).not.toMatch(/lines read/);
    }
    expect(readFileSync(log, 'utf8')).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['link.log', 's.log']);
    // a run that ends without writing leaves no directory made for -o
    const r = cli(['--comm', 'http-echo', '-o', join(dir, 'new/x/p.json'), join(dir, 'missing.log')]);
    expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });

  it('--out-dir beside the logs never replaces a log or the state; -o through a symbolic link writes its target; merge -o a state read, unless --format state', () => {
    const dir = tmpDir();
    // a log named as the profile of the program in it would be
    const log = join(dir, 'busybox.json');
    writeFileSync(log, readFixture('real/syslog-traditional.log'));
    const before = readFileSync(log, 'utf8');
    const r = cli(['--comm', 'busybox', '--out-dir', dir, log]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--out-dir: ${log} is an input or the state: not written`);
    expect(readFileSync(log, 'utf8')).toBe(before);
    // standard input that is a file, written as /dev/stdin
    const s = spawnSync('sh', ['-c', `node ${join(ROOT, 'dist/cli.js')} --comm busybox -o /dev/stdin < ${log}`], { encoding: 'utf8' });
    expect(s.status).toBe(2);
    expect(s.stderr).toMatch(/-o \/dev\/stdin is also an input \(standard input\)/);
    expect(readFileSync(log, 'utf8')).toBe(before);
    expect(lstatSync('/dev/stdin').isSymbolicLink()).toBe(true);
    // a symbolic link to a profile: the profile is rewritten, the link stays
    const target = join(dir, 'real.json');
    writeFileSync(target, '{}');
    symlinkSync(target, join(dir, 'link.json'));
    expect(cli(['-q', '--comm', 'busybox', '-o', join(dir, 'link.json'), fixture('real/syslog-traditional.log')]).code).toBe(0);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).defaultAction).toBe('SCMP_ACT_ERRNO');
    // merge: a state read is replaced by the merged state only
    const st = join(dir, 'st.json');
    expect(cli(['-q', '--state', st, fixture('real/dmesg.log')]).code).toBe(0);
    const m = cli(['merge', st, '-o', st]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain(`-o ${st} is also an input (${st})`);
    expect(cli(['merge', '-q', '--format', 'state', st, '-o', st]).code).toBe(0);
    expect(JSON.parse(readFileSync(st, 'utf8')).seccompLearnState).toBe(STATE_VERSION);
  });

  it('-o /dev/full (written in place): one line, exit 1', () => {
    const r = cli(['-q', '--comm', 'http-echo', '-o', '/dev/full', LOG]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('seccomp-learn: cannot write /dev/full: no space left on device\n');
  });
});

describe('a closed standard output (EPIPE)', () => {
  it('`parse FILE | head -1`: one record, nothing on stderr, exit 141 as cat or grep would give', () => {
    const dir = tmpDir();
    const big = join(dir, 'many.log');
    writeFileSync(big, manyRecords(20_000));
    const node = `'${process.execPath}' '${CLI}'`;
    for (const command of [`parse ${big}`, `parse < ${big}`]) {
      const r = spawnSync('bash', ['-c', `${node} ${command} | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
      expect(r.stdout.split('\n').filter(Boolean), command).toHaveLength(1);
      expect(r.stderr, command).toBe('status 141\n');
    }
    // stderr's reader gone: nothing more can be said, and the profile is still written
    const out = join(dir, 'p.json');
    const e = spawnSync('bash', ['-c', `${node} --comm http-echo --progress ${big} -o ${out} 2>&1 >/dev/null | head -1; echo "status \${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(e.stdout).toMatch(/^\+ http-echo \w+ \(x86_64\)\n$/);
    expect(e.stderr).toBe('status 0\n');
    expect(JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names).toHaveLength(300);
    // for comparison, what cat gives in the same place
    const cat = spawnSync('bash', ['-c', `cat ${big} ${big} | head -1 >/dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(cat.stdout.trim()).toBe('141');
  });

  it('while following: the reader goes away, the next write ends the run with 141', async () => {
    const child = cliProcess(['parse']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stdin.write(LINES[0] + '\n');
    await waitFor(() => stdout.includes('\n'), 10_000, 'the first record');
    child.stdout.destroy(); // the reader goes away
    const closed = new Promise<number | null>((r) => child.on('close', r));
    // our side of its stdin breaks when it exits: EPIPE there is expected, not an error of the test
    child.stdin.on('error', () => undefined);
    // keep writing until it notices (each write of parse's output is the first to fail)
    const feed = setInterval(() => child.stdin.writable && child.stdin.write(LINES[1] + '\n'), 25);
    const code = await closed;
    clearInterval(feed);
    expect(code).toBe(141);
    expect(stderr).toBe('');
  });
});

describe('signals', () => {
  // a log whose end is far away: its records, then a 16 GB sparse hole (zeros, with a
  // newline every 16 MB, so that lines end) that takes long to read; --progress says
  // when the records were read
  function endless(dir: string): string {
    const path = join(dir, 'endless.log');
    writeFileSync(path, readFixture('published/k8s-tutorial-syslog.log'));
    const size = 16 * 2 ** 30;
    execFileSync('truncate', ['-s', String(size), path]);
    const fd = openSync(path, 'r+');
    for (let at = 16 << 20; at < size; at += 16 << 20) writeSync(fd, '\n', at);
    closeSync(fd);
    return path;
  }

  it.each([
    ['SIGINT', 130, 1],
    ['SIGINT', 130, 2],
    ['SIGTERM', 143, 1],
    ['SIGTERM', 143, 2],
  ] as const)('%s during a run over files: the profile of what was read is written and said to be partial, exit %i (--jobs %i)', async (signal, code, jobs) => {
    const dir = tmpDir();
    const out = join(dir, 'p.json');
    const child = spawn(process.execPath, [CLI, '--comm', 'http-echo', '--progress', '--jobs', String(jobs), '-o', out, endless(dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // the first call said: the records are read (a kernel line is learned once the lines after it are read: learn/forgery.ts)
    await waitFor(() => stderr.includes('+ http-echo '), 10_000, 'the records read');
    const closed = new Promise<number | null>((r) => child.on('close', r));
    child.kill(signal);
    expect(await closed).toBe(code);
    expect(JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt']);
    expect(stderr).toContain(`seccomp-learn: interrupted by ${signal} before the end of the input: the profile in ${out} holds only what was read until then (exit ${code})\n`);
    expect(readdirSync(dir).sort()).toEqual(['endless.log', 'p.json']);
  });

  it('check, SIGINT during a run over files: its answer is about a part, exit 130', async () => {
    const dir = tmpDir();
    const log = endless(dir);
    const profile = join(dir, 'profile.json');
    writeFileSync(profile, golden('http-echo.json'));
    const child = spawn(process.execPath, [CLI, 'check', profile, '--comm', 'http-echo', log], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // every input is opened (once its signal handlers are in place) before one is read
    const opened = () => {
      try {
        return readdirSync(`/proc/${child.pid}/fd`).some((fd) => readlinkSync(`/proc/${child.pid}/fd/${fd}`) === log);
      } catch {
        return false;
      }
    };
    await waitFor(opened, 10_000, 'the log opened');
    const closed = new Promise<number | null>((r) => child.on('close', r));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toContain('seccomp-learn: interrupted by SIGINT before the end of the input: the check covers only what was read until then (exit 130)\n');
  });

  it('following stdin or a FIFO, SIGINT and SIGTERM end the run normally: exit 0', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const dir = tmpDir();
      const out = join(dir, 'p.json');
      const child = cliProcess(['--comm', 'http-echo', '-o', out]);
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.stdin.write(LINES.join('\n') + '\n');
      await waitFor(() => stderr.includes('+ http-echo pselect6'), 10_000, 'the records read');
      const closed = new Promise<number | null>((r) => child.on('close', r));
      child.kill(signal);
      expect(await closed).toBe(0);
      expect(stderr).toContain(`seccomp-learn: stopped by ${signal}: the profile in ${out} holds what was read until then\n`);
      expect(stderr).not.toMatch(/interrupted/);
    }
  });

  it('a stop never reads the line it cut as a truncated record', async () => {
    const child = cliProcess(['parse']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stdin.write(LINES[0] + '\n' + LINES[1].slice(0, 120));
    await waitFor(() => stdout.includes('\n'), 10_000, 'the first record');
    const closed = new Promise<number | null>((r) => child.on('close', r));
    child.kill('SIGINT');
    expect(await closed).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toBe('');
  });
});

describe('compressed inputs, known by their first bytes', () => {
  const text = readFixture('published/k8s-tutorial-syslog.log');
  const plain = () => cli(['--comm', 'http-echo', LOG]).stdout;

  it('gzip on standard input, under any name, and plain text named .gz', () => {
    const dir = tmpDir();
    const gz = gzipSync(text);
    const fromStdin = cli(['--comm', 'http-echo'], { input: gz });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toBe(plain());
    writeFileSync(join(dir, 'syslog.2'), gz); // renamed
    expect(cli(['--comm', 'http-echo', join(dir, 'syslog.2')]).stdout).toBe(plain());
    writeFileSync(join(dir, 'not-really.gz'), text);
    expect(cli(['--comm', 'http-echo', join(dir, 'not-really.gz')]).stdout).toBe(plain());
    // two members one after the other, as `cat a.gz b.gz` makes
    const lines = text.trim().split('\n');
    const two = Buffer.concat([gzipSync(lines.slice(0, 4).join('\n') + '\n'), gzipSync(lines.slice(4).join('\n') + '\n')]);
    expect(cli(['--comm', 'http-echo'], { input: two }).stdout).toBe(plain());
  });

  it('gzip through a FIFO', async () => {
    const dir = tmpDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const out = join(dir, 'p.json');
    const child = spawn(process.execPath, [CLI, '-q', '--comm', 'http-echo', '-o', out, fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    writeFileSync(fifo, gzipSync(text)); // opens, writes, closes: the end of the input
    expect(await closed).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(golden('http-echo.json'));
  });

  it.each([
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'zstd -dc'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz -dc'],
    ['bzip2', [0x42, 0x5a, 0x68, 0x39], 'bzip2 -dc'],
    ['lz4', [0x04, 0x22, 0x4d, 0x18], 'lz4 -dc'],
  ])('%s: one line naming the tool to decompress with, exit 1, from a file or stdin', (kind, magic, tool) => {
    const dir = tmpDir();
    const data = Buffer.concat([Buffer.from(magic), Buffer.alloc(100, 0x41)]);
    const file = join(dir, 'syslog.1');
    writeFileSync(file, data);
    const f = cli(['--comm', 'http-echo', file]);
    expect(f.code).toBe(1);
    expect(f.stderr).toBe(`seccomp-learn: ${file}: ${kind}-compressed, which seccomp-learn does not read: decompress it first (${tool} ${file} | seccomp-learn ...)\n`);
    const s = cli(['parse'], { input: data });
    expect(s.code).toBe(1);
    expect(s.stderr).toBe(`seccomp-learn: <stdin>: ${kind}-compressed, which seccomp-learn does not read: decompress it first (${tool} FILE | seccomp-learn ...)\n`);
  });

  it('a log line that begins like a magic number is still text', () => {
    const r = cli(['parse'], { input: 'BZh is not bzip2 without its block size\n' + LINES[0] + '\n' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(cli(['parse'], { input: 'B' }).code).toBe(0);
  });
});

describe('help and mistakes', () => {
  it('every command\'s --help has examples', () => {
    for (const command of commands()) {
      const h = cli([command, '--help']);
      expect(h.code).toBe(0);
      // what it does as a comment, the command below it
      expect(h.stdout, command).toMatch(/\nExamples:\n {2}# .+\n {2}.*seccomp-learn /);
    }
    expect(cli(['--help']).stdout).toContain('tail -n +1 -F /var/log/syslog | seccomp-learn --comm http-echo -o profiles/http-echo.json');
  });

  it('a misspelled command is not taken for a file name', () => {
    for (const [word, near] of [
      ['lern', 'learn'],
      ['reprot', 'report'],
      ['prase', 'parse'],
      ['resolv', 'resolve'],
      ['arch', 'arches'],
    ]) {
      const r = cli([word, 'x.log']);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`seccomp-learn: Unknown command '${word}'. Did you mean '${near}'?`);
    }
    // a word far from every command is a file name that does not exist
    expect(cli(['syslog', '--comm', 'x']).stderr).toBe('seccomp-learn: syslog: no such file\n');
  });

  it('a file named like a misspelled command is read: learn is the default command', () => {
    const dir = tmpDir();
    writeFileSync(join(dir, 'lern'), readFixture('published/k8s-tutorial-syslog.log'));
    const r = cli(['lern', '--comm', 'http-echo'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(golden('http-echo.json'));
  });

  it('a misspelled option gets the closest valid one, for the command given', () => {
    expect(cli(['--comn', 'http-echo', LOG]).stderr.split('\n')[0]).toBe('seccomp-learn: Unknown option --comn. Did you mean --comm?');
    expect(cli(['--ouptut', 'p.json', LOG]).stderr.split('\n')[0]).toBe('seccomp-learn: Unknown option --ouptut. Did you mean --output?');
    expect(cli(['report', '--jsn', LOG]).stderr.split('\n')[0]).toBe('seccomp-learn: Unknown option --jsn. Did you mean --json?');
    expect(cli(['parse', '--json', LOG]).stderr.split('\n')[0]).toBe('seccomp-learn: Unknown option --json');
    const r = cli(['--max-line-lenght', '10', LOG]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('seccomp-learn: Unknown option --max-line-lenght. Did you mean --max-line-length?\nTry seccomp-learn --help.\n');
  });
});

describe('following', () => {
  it('a FIFO says each newly learned syscall, as stdin does', async () => {
    const dir = tmpDir();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [CLI, '--comm', 'http-echo', '-o', join(dir, 'p.json'), fifo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    writeFileSync(fifo, LINES.join('\n') + '\n');
    expect(await closed).toBe(0);
    expect(stderr.match(/^\+ http-echo \w+ \(x86_64\)$/gm)).toHaveLength(6);
    // and a batch run over files does not, unless asked
    expect(cli(['--comm', 'http-echo', LOG]).stderr).not.toMatch(/^\+ /m);
  });

  it('the README\'s first example, as written, learns the lines written before it started and follows rotation', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = /^(tail -n \+1 -F \/var\/log\/syslog \| seccomp-learn --comm http-echo -o profiles\/http-echo\.json)$/m.exec(readme)?.[1];
    expect(example, 'the README shows tail -n +1 -F').toBeDefined();
    expect(readme).not.toMatch(/^tail -f /m);
    const dir = tmpDir();
    const log = join(dir, 'syslog');
    // three records, then more than the 10 lines plain `tail -f` would start with
    const chatter = Array.from({ length: 20 }, (_, i) => `Jul  6 15:37:41 my-machine systemd[1]: Started session ${i}.`);
    writeFileSync(log, [...LINES.slice(0, 3), ...chatter].join('\n') + '\n');
    const command = example!.replace('| seccomp-learn ', `| '${process.execPath}' '${CLI}' `).replace('/var/log/syslog', log);
    const child = spawn('bash', ['-c', command], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const closed = new Promise<number | null>((r) => child.on('close', r));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const out = join(dir, 'profiles/http-echo.json');
    const names = () => (existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names as string[]) : []);
    try {
      await waitFor(() => names().length === 3, 10_000, `the lines written before the pipe started (stderr: ${stderr})`);
      // rotation: the log moved away, a new one started
      writeFileSync(join(dir, 'syslog.1'), readFileSync(log));
      rmSync(log);
      writeFileSync(log, LINES.slice(3).join('\n') + '\n');
      await waitFor(() => names().length === 6, 15_000, 'the lines of the new log');
    } finally {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // the pipeline has ended already
      }
      await closed;
    }
    expect(names()).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt']);
  });
});
