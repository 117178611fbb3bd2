import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'dist/cli.js');
export const fixture = (name: string) => join(ROOT, 'fixtures', name);
export const readFixture = (name: string) => readFileSync(fixture(name), 'utf8');
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI to its end. */
export function cli(args: string[], opts: { input?: string | Buffer; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: opts.input ?? '', cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliProcess(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Whether a program is on PATH. */
export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
