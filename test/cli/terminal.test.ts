// At a terminal, for real: the CLI runs under a pseudo-terminal (script(1)), so
// its stdin, stdout and stderr are a terminal as when a person types the command.
// Outside CI, without script(1), these skip and say why; in CI they never skip.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, golden, IN_CI, inTerminal, NO_PTY, personEnv, readFixture, tmpDir, waitFor } from '../helpers.js';

if (NO_PTY && !IN_CI) console.warn(`skipping the terminal tests: ${NO_PTY}`);
const LINES = readFixture('published/k8s-tutorial-syslog.log').trim().split('\n');

/** A log of `n` copies of the tutorial's records: a few chunks to read. */
function bigLog(dir: string, copies: number): string {
  const path = join(dir, 'syslog');
  writeFileSync(path, readFixture('published/k8s-tutorial-syslog.log').repeat(copies));
  return path;
}

describe.skipIf(NO_PTY !== null && !IN_CI)('at a terminal', () => {
  it('standard input a terminal: one line says what is expected and how to end it; Ctrl-D ends it', async () => {
    const dir = tmpDir();
    const out = join(dir, 'p.json');
    const t = inTerminal(['--comm', 'http-echo', '-o', out]);
    await waitFor(() => t.output().includes('end with Ctrl-D'), 15_000, 'the hint');
    expect(t.output()).toBe(
      'seccomp-learn: reading log lines from the terminal (standard input); end with Ctrl-D. To read a log: seccomp-learn [OPTIONS] FILE..., or tail -n +1 -F /var/log/syslog | seccomp-learn [OPTIONS]\r\n',
    );
    // a person pastes the log, then Ctrl-D at the start of a line
    t.write(LINES.join('\n') + '\n');
    await waitFor(() => t.output().includes('+ http-echo pselect6'), 15_000, 'the pasted lines learned');
    t.write('\x04');
    expect(await t.exited).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(golden('http-echo.json'));
  });

  it('Ctrl-C with nothing typed: nothing to learn, exit 1, and no word of a profile', async () => {
    const t = inTerminal(['--comm', 'http-echo']);
    await waitFor(() => t.output().includes('end with Ctrl-D'), 15_000, 'the hint');
    t.write('\x03');
    expect(await t.exited).toBe(1);
    expect(t.output()).toContain('nothing to learn');
    expect(t.output()).not.toMatch(/holds|profile/);
  });

  it('-q: no hint (a script asked for silence)', async () => {
    const t = inTerminal(['-q', '--comm', 'http-echo']);
    t.write(LINES[0] + '\n');
    await waitFor(() => t.output().includes(LINES[0].slice(0, 40)), 15_000, 'the echo of the line typed');
    t.write('\x04');
    expect(await t.exited).toBe(0);
    expect(t.output()).not.toContain('Ctrl-D');
  });

  it('a batch run draws a progress bar on stderr (bytes of total, records), redrawn with \\r and erased before the summary', async () => {
    const dir = tmpDir();
    const log = bigLog(dir, 2000); // 2 MB: several chunks
    const out = join(dir, 'p.json');
    const t = inTerminal(['--comm', 'http-echo', '-o', out, log]);
    expect(await t.exited).toBe(0);
    const o = t.output();
    const bars = [...o.matchAll(/\r(\[[#.]{20}\] +\d+% [\d.]+\/[\d.]+ MB, \d+k? records[^\r\n\x1b]*)\x1b\[K/g)].map((m) => m[1]);
    expect(bars.length, o).toBeGreaterThan(0);
    // erased, then the summary on a clean line
    expect(o).toMatch(/\r\x1b\[Kseccomp-learn: 16000 lines read/);
    expect(JSON.parse(readFileSync(out, 'utf8')).syscalls[0].names).toHaveLength(6);
  });

  it('with worker threads (--jobs 2, a file of 17 MB): the bar too', async () => {
    const dir = tmpDir();
    const log = bigLog(dir, 8500);
    const t = inTerminal(['--jobs', '2', '--comm', 'http-echo', '-o', join(dir, 'p.json'), log]);
    expect(await t.exited).toBe(0);
    const o = t.output();
    expect(o).toMatch(/\r\[[#.]{20}\] +\d+% [\d.]+\/17 MB, \d+k? records[^\r\n\x1b]*\x1b\[K/);
    expect(o).toMatch(/\r\x1b\[Kseccomp-learn: 68000 lines read/);
  });

  it('NO_COLOR: the bar without any escape sequence, erased with spaces', async () => {
    const dir = tmpDir();
    const log = bigLog(dir, 2000);
    const t = inTerminal(['--comm', 'http-echo', '-o', join(dir, 'p.json'), log], { env: personEnv({ NO_COLOR: '1' }) });
    expect(await t.exited).toBe(0);
    const o = t.output();
    expect(o).toMatch(/\r\[[#.]{20}\] +\d+% /);
    expect(o).not.toContain('\x1b');
    expect(o).toMatch(/\r +\rseccomp-learn: 16000 lines read/);
  });

  it.each([
    ['CI=true', personEnv({ CI: 'true' }), []],
    ['-q', personEnv(), ['-q']],
    ['--no-progress', personEnv(), ['--no-progress']],
  ])('no bar with %s', async (_, env, flags) => {
    const dir = tmpDir();
    const log = bigLog(dir, 2000);
    const t = inTerminal([...flags, '--comm', 'http-echo', '-o', join(dir, 'p.json'), log], { env });
    expect(await t.exited).toBe(0);
    expect(t.output()).not.toMatch(/\[[#.]{20}\]/);
    expect(t.output()).not.toContain('\r\x1b');
  });

  it('no bar when stderr is not a terminal', () => {
    const dir = tmpDir();
    const r = cli(['--comm', 'http-echo', bigLog(dir, 2000)], { env: personEnv() });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\r|\[[#.]{20}\]/);
  });

  it('parse to the terminal: no bar among the records', async () => {
    const t = inTerminal(['parse', fixture('published/k8s-tutorial-syslog.log')]);
    expect(await t.exited).toBe(0);
    expect(t.output()).not.toMatch(/\[[#.]{20}\]/);
    expect(t.output().trim().split('\r\n')).toHaveLength(8);
  });
});
