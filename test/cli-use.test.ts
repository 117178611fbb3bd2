// The command line as people use it (issue 14): bad options and inputs never give
// a stack trace, outputs are checked before anything is read, a closed stdout,
// signals and compressed inputs end the way a shell user expects, and mistakes
// get a "did you mean". Every test spawns the built CLI.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli, cliProcess, CLI, fixture, golden, readFixture, tmpDir, waitFor } from './helpers.js';

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

describe('signals', () => {
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

