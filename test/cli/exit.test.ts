// The exit status of each error code (src/cli/exit.ts): every status is one the
// README's "Exit codes" table documents, and the built CLI exits with it, saying
// one line that names the culprit, for a real case of every code.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode } from '../../src/core/error.js';
import { ANSWERING_COMMANDS, ERROR_EXITS, EXIT, exitStatus } from '../../src/cli/exit.js';
import { cli, fixture, ROOT, tmpDir } from '../helpers.js';
import { STATE_VERSION } from '../../src/state/state.js';

/** The first cell of each row of the README's "Exit codes" table. */
function documentedStatuses(): number[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Exit codes\n');
  expect(start).toBeGreaterThan(0);
  const table = readme.slice(start, readme.indexOf('\n## ', start));
  return [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
}

describe('the exit status table', () => {
  it('gives every code a status the README documents, in every command', () => {
    const documented = documentedStatuses();
    expect(documented).toEqual(expect.arrayContaining(Object.values(EXIT)));
    for (const code of ERROR_CODES) {
      expect(ERROR_EXITS, code).toHaveProperty(code);
      for (const command of ['learn', 'report', 'parse', 'resolve', 'arches', ...ANSWERING_COMMANDS]) expect(documented, `${code} in ${command}`).toContain(exitStatus(code, command));
    }
  });

  it('never gives 0, nor in check, diff or merge the 1 that is their answer to an input they cannot use', () => {
    for (const code of ERROR_CODES) {
      expect(exitStatus(code), code).not.toBe(EXIT.ok);
      if (code.startsWith('input-') || code.startsWith('profile')) for (const c of ANSWERING_COMMANDS) expect(exitStatus(code, c), `${code} in ${c}`).toBe(EXIT.usage);
    }
  });

  it('offers --help for a mistake in the command line only', () => {
    expect(ERROR_CODES.filter((c) => ERROR_EXITS[c].help)).toEqual(['usage']);
  });
});

describe('the CLI exits with the table\'s status for a real case of every code', () => {
  const dir = tmpDir();
  const LOG = fixture('published/k8s-tutorial-syslog.log');
  const PROFILE = fixture('published/k8s-fine-grained.json');
  const at = (name: string) => join(dir, name);
  const socket = at('sock');
  const server = createServer();

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(socket, r));
    writeFileSync(at('syntax.json'), '{nope');
    writeFileSync(at('shape.json'), '{"defaultAction": 3}');
    writeFileSync(at('groups.conf'), '[Service]\nSystemCallFilter=@system-service read\n');
    writeFileSync(at('listener-a.json'), '{"defaultAction":"SCMP_ACT_ERRNO","listenerPath":"/run/a.sock","syscalls":[]}');
    writeFileSync(at('listener-b.json'), '{"defaultAction":"SCMP_ACT_ERRNO","listenerPath":"/run/b.sock","syscalls":[]}');
    writeFileSync(at('errno.json'), '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}');
    writeFileSync(at('v1-state.json'), '{"seccompLearnState": 1}');
    writeFileSync(at('not-json'), 'garbage\n');
    for (const [state, args] of [['http-echo.state', ['--comm', 'http-echo']], ['all.state', []]] as const) {
      const r = cli(['learn', '-q', ...args, '--state', at(state), LOG]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  /** `says`: what the line names; `exit`: the status the README gives (the table must agree). */
  const cases: Array<{ code: ErrorCode; args: () => string[]; exit: number; says: () => string }> = [
    { code: 'usage', args: () => ['--no-such-flag', LOG], exit: 2, says: () => 'Unknown option --no-such-flag' },
    { code: 'usage', args: () => ['check', '--jobs', '0', PROFILE, LOG], exit: 2, says: () => '--jobs 0 is not a number of threads' },
    { code: 'input-unreadable', args: () => [at('missing.log')], exit: 1, says: () => `${at('missing.log')}: no such file` },
    { code: 'input-unreadable', args: () => ['report', at('missing.log')], exit: 1, says: () => `${at('missing.log')}: no such file` },
    { code: 'input-unreadable', args: () => ['check', PROFILE, at('missing.log')], exit: 2, says: () => `${at('missing.log')}: no such file` },
    { code: 'output-unwritable', args: () => ['--comm', 'http-echo', '-o', '/proc/seccomp-learn.json', LOG], exit: 1, says: () => '-o /proc/seccomp-learn.json: cannot create a file in /proc' },
    { code: 'output-unwritable', args: () => ['merge', PROFILE, '-o', '/proc/seccomp-learn.json'], exit: 1, says: () => '-o /proc/seccomp-learn.json: cannot create a file in /proc' },
    { code: 'profile-invalid', args: () => ['check', at('syntax.json'), LOG], exit: 2, says: () => `${at('syntax.json')}:1:2: JSON syntax error` },
    { code: 'profile-invalid', args: () => ['--merge', at('shape.json'), LOG], exit: 1, says: () => `--merge ${at('shape.json')}: no "defaultAction" string` },
    { code: 'profile-is-state', args: () => ['diff', at('all.state'), PROFILE], exit: 2, says: () => `${at('all.state')}: a seccomp-learn state, not a profile: diff takes profiles` },
    { code: 'profile-unsupported', args: () => ['check', at('groups.conf'), LOG], exit: 2, says: () => `${at('groups.conf')}: systemd groups (@system-service) can only be expanded by systemd` },
    { code: 'profiles-unmergeable', args: () => ['merge', at('listener-a.json'), at('listener-b.json')], exit: 2, says: () => 'the profiles name different listenerPaths' },
    { code: 'format-cannot-express', args: () => ['--comm', 'http-echo', '--format', 'spo', '--errno-ret', '38', LOG], exit: 1, says: () => '--format spo cannot express "defaultErrnoRet"' },
    { code: 'format-cannot-express', args: () => ['merge', at('errno.json'), '--format', 'spo', '--name', 'x', '-o', at('x.yaml')], exit: 1, says: () => `--format spo cannot express "defaultErrnoRet": the SeccompProfile spec has no such field (leave out --errno-ret) (${at('x.yaml')} not written)` },
    { code: 'state-unreadable', args: () => ['--state', socket, LOG], exit: 2, says: () => `--state ${socket}: no such device or address` },
    { code: 'state-invalid', args: () => ['--state', at('not-json'), LOG], exit: 2, says: () => `--state ${at('not-json')}: not JSON (` },
    { code: 'state-invalid', args: () => ['merge', at('all.state'), at('v1-state.json')], exit: 2, says: () => `${at('v1-state.json')}: a state of version 1; this seccomp-learn reads version ${STATE_VERSION} only; nothing was written` },
    { code: 'states-unmergeable', args: () => ['merge', at('all.state'), at('http-echo.state')], exit: 2, says: () => 'was learned with other options than' },
  ];

  it('has a case for every code', () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(ERROR_CODES));
  });

  it.each(cases.map((c) => [c.code, c.args().join(' '), c] as const))('%s: %s', (code, _, c) => {
    const args = c.args();
    const command = ['report', 'parse', 'resolve', 'check', 'diff', 'merge', 'arches'].includes(args[0]) ? args[0] : 'learn';
    expect(exitStatus(code, command), 'the table').toBe(c.exit);
    const r = cli(args);
    expect(r.code, r.stderr).toBe(c.exit);
    // the error is the last thing said: one line naming the culprit, and --help offered for a usage error only
    const lines = r.stderr.trimEnd().split('\n');
    const hint = code === 'usage';
    if (hint) expect(lines.at(-1)).toBe('Try seccomp-learn --help.');
    const line = lines.at(hint ? -2 : -1)!;
    expect(line.startsWith('seccomp-learn: '), r.stderr).toBe(true);
    expect(line).toContain(c.says());
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
