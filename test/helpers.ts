// What the test files share: where things are, the built CLI run as a user runs it,
// golden files (UPDATE=1 rewrites them), polling with a deadline, and temporary
// directories that are removed when the test file ends.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { Parser, type LineResult } from '../src/index.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist/cli.js');
export const fixture = (name: string) => join(ROOT, 'fixtures', name);
export const readFixture = (name: string) => readFileSync(fixture(name), 'utf8');
/** The field cases: lines from public reports, with their right reading in their README. */
export const FIELD_CASES = join(ROOT, '..', 'shared', 'field-cases');
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI to its end, as a user would (cwd: the repository, unless told). */
export function cli(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: opts.input ?? '', cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the built CLI with piped standard streams (for following a stream, signals). */
export function cliProcess(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** cli(), without blocking: many runs side by side. Standard input is /dev/null. */
export function cliAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment without CI, NO_COLOR and the like: a person at a terminal. */
export function personEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'TERM']) delete env[k];
  return { ...env, TERM: 'xterm', ...extra };
}

/**
 * Why a test that needs a pseudo-terminal cannot run here, or null: it runs the
 * CLI under `script` (util-linux), which CI installs; in CI a missing `script`
 * fails the test instead of skipping it.
 */
export const NO_PTY: string | null = have('script') ? null : 'needs script(1) from util-linux for a pseudo-terminal (apt-get install util-linux)';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The built CLI under a pseudo-terminal, as a person runs it: its stdin, stdout
 * and stderr are all the terminal (`script -qfec CMD /dev/null`). `write` types
 * into it (\x03 is Ctrl-C, \x04 Ctrl-D); `output()` is all the terminal showed
 * (the terminal turns \n into \r\n, and echoes what is typed).
 */
export function inTerminal(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  if (NO_PTY) throw new Error(NO_PTY);
  // exec: script(1) runs the command with $SHELL -c; dash (CI's /bin/sh) stays as
  // node's parent and, not a shell that waits out a child's Ctrl-C, dies of the
  // SIGINT itself, so script would report 130 whatever the CLI did
  const command = 'exec ' + [process.execPath, CLI, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: opts.cwd ?? ROOT, env: opts.env ?? personEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return {
    child,
    output: () => output,
    write: (s: string) => child.stdin.write(s),
    exited,
  };
}

/** Whether a program is on PATH. */
export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/**
 * Whether a command a test needs is here: false (with a warning naming the
 * Debian package to install) where it is not; in CI, which installs it, a missing
 * one fails the test instead of skipping it.
 */
export function haveOrCi(cmd: string, pkg: string): boolean {
  if (have(cmd)) return true;
  if (IN_CI) throw new Error(`${cmd} is missing: .ci/run installs ${pkg}`);
  console.warn(`skipping: no ${cmd} (apt-get install ${pkg}; CI does, and never skips)`);
  return false;
}

/**
 * Compare `actual` with test/golden/NAME. With UPDATE=1 in the environment the
 * golden file is rewritten instead (then look at `git diff test/golden`).
 */
export function expectGolden(actual: string, name: string): void {
  const path = join(ROOT, 'test/golden', name);
  if (process.env.UPDATE === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** The text of test/golden/NAME. */
export function golden(name: string): string {
  return readFileSync(join(ROOT, 'test/golden', name), 'utf8');
}

/** Poll `pred` every 25 ms until it holds or `timeoutMs` passes; then assert it. */
export async function waitFor(pred: () => boolean, timeoutMs = 5000, what = 'the condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  expect(pred(), `${what} within ${timeoutMs} ms`).toBe(true);
}

const made: string[] = [];
// registered while the importing test file is collected: runs when its tests have ended
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A new temporary directory, removed when the test file's tests have ended
 * (named after the run: test/global-setup.ts fails a run that leaves one).
 */
export function tmpDir(): string {
  const d = mkdtempSync(join(tmpdir(), `seccomp-learn-test-${process.env.SECCOMP_LEARN_TEST_RUN ?? 'x'}-`));
  made.push(d);
  return d;
}

/** The results of each line of real log files, parsed by one Parser (nulls left out), with their file and line. */
export function parseFiles(files: readonly string[]): Array<NonNullable<LineResult>> {
  const p = new Parser();
  return files.flatMap((f) =>
    readFileSync(f, 'latin1')
      .split('\n')
      .flatMap((t, i) => {
        const r = p.parseText(t, f, i + 1);
        return r === null ? [] : [r];
      }),
  );
}

/** Copy the host's file `from` to `inside` a root directory (links followed), making its folders. */
export function place(root: string, inside: string, from: string): void {
  mkdirSync(dirname(join(root, inside)), { recursive: true });
  copyFileSync(realpathSync(from), join(root, inside));
}

/** A root holding this machine's uname with its C library and loader, as a container image would. */
export function unameRoot(): string {
  const root = tmpDir();
  place(root, '/usr/bin/uname', '/usr/bin/uname');
  place(root, '/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libc.so.6');
  place(root, '/lib64/ld-linux-x86-64.so.2', '/lib64/ld-linux-x86-64.so.2');
  return root;
}
