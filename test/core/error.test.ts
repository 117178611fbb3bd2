// The one error for people (src/core/error.ts): its code says what went wrong,
// source/line/column where, and its message is one line naming both; the
// library's throw sites give the code and place a caller can act on.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProfile, ERROR_CODES, mergeProfiles, mergeStates, openInput, parseProfile, parseState, renderProfile, SeccompLearnError, findArch, type ErrorCode } from '../../src/index.js';
import { STATE_VERSION } from '../../src/state/state.js';
import { tmpDir } from '../helpers.js';

/** What `f` throws (it must throw a SeccompLearnError). */
async function thrown(f: () => unknown): Promise<SeccompLearnError> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(SeccompLearnError);
    return err as SeccompLearnError;
  }
  throw new Error('nothing was thrown');
}

describe('SeccompLearnError', () => {
  it('has a code from ERROR_CODES, each named once, in kebab case', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const c of ERROR_CODES) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('names the place first, as compilers do, and keeps the parts apart', () => {
    const none = new SeccompLearnError('usage', '--jobs takes a number');
    expect([none.code, none.message, none.reason, none.source, none.line, none.column]).toEqual(['usage', '--jobs takes a number', '--jobs takes a number', undefined, undefined, undefined]);
    const file = new SeccompLearnError('input-unreadable', 'no such file', { source: 'a.log' });
    expect([file.message, file.reason, file.source, file.line]).toEqual(['a.log: no such file', 'no such file', 'a.log', undefined]);
    const line = new SeccompLearnError('profile-invalid', 'not a KEY=VALUE line', { source: 'd.conf', line: 4 });
    expect([line.message, line.source, line.line, line.column]).toEqual(['d.conf:4: not a KEY=VALUE line', 'd.conf', 4, undefined]);
    const col = new SeccompLearnError('profile-invalid', 'YAML syntax error: x', { source: 'p.yaml', line: 2, column: 13 });
    expect([col.message, col.line, col.column]).toEqual(['p.yaml:2:13: YAML syntax error: x', 2, 13]);
  });

  it('is an Error named SeccompLearnError, its cause kept', () => {
    const cause = new Error('EACCES');
    const e = new SeccompLearnError('output-unwritable', 'cannot write p.json: permission denied', undefined, { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SeccompLearnError');
    expect(e.stack?.split('\n')[0]).toBe('SeccompLearnError: cannot write p.json: permission denied');
    expect(e.cause).toBe(cause);
  });

  it('says its message in one line, whatever the reason held', () => {
    const e = new SeccompLearnError('state-invalid', 'not JSON (Unexpected token \'g\', "garbage\n" is not valid JSON)');
    expect(e.message).toBe('not JSON (Unexpected token \'g\', "garbage " is not valid JSON)');
    expect(new SeccompLearnError('usage', 'Invalid values:\n  Argument: format\n').message).toBe('Invalid values: Argument: format');
  });

  it('withNote: the same code and place, the note after the reason, the first as cause', () => {
    const first = new SeccompLearnError('profile-is-state', 'a seccomp-learn state, not a profile', { source: 's.json', line: 1 });
    const noted = first.withNote(': check takes profiles');
    expect([noted.code, noted.source, noted.line, noted.message]).toEqual(['profile-is-state', 's.json', 1, 's.json:1: a seccomp-learn state, not a profile: check takes profiles']);
    expect(noted.cause).toBe(first);
    expect(first.message).toBe('s.json:1: a seccomp-learn state, not a profile');
  });
});

describe('what the library throws', () => {
  const check = (e: SeccompLearnError, code: ErrorCode, place: { source?: string; line?: number; column?: number }, message: RegExp) => {
    expect(e.code).toBe(code);
    expect({ source: e.source, line: e.line, column: e.column }).toEqual({ source: place.source, line: place.line, column: place.column });
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  };

  it('a JSON syntax error in a profile: the file, line and column', async () => {
    const e = await thrown(() => parseProfile('{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  nope\n}\n', 'p.json'));
    check(e, 'profile-invalid', { source: 'p.json', line: 3, column: 3 }, /^p\.json:3:3: JSON syntax error: /);
  });

  it('a bad line of a systemd drop-in: the file and line', async () => {
    const e = await thrown(() => parseProfile('[Service]\nSystemCallFilter=read write\nSystemCallErrorNumber=ENOPE\n', 'd.conf'));
    check(e, 'profile-invalid', { source: 'd.conf', line: 3 }, /^d\.conf:3: SystemCallErrorNumber: ENOPE is not an errno name$/);
  });

  it('a profile of the wrong shape, a learn state given as a profile: the file', async () => {
    check(await thrown(() => checkProfile([], 'p.json')), 'profile-invalid', { source: 'p.json' }, /^p\.json: not a JSON object$/);
    check(await thrown(() => parseProfile('{"seccompLearnState": 2}', 's.json')), 'profile-is-state', { source: 's.json' }, /^s\.json: a seccomp-learn state, not a profile$/);
  });

  it('what a format cannot express: no file, the format named', async () => {
    const e = await thrown(() => renderProfile('spo', { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [] }, { program: 'p' }));
    check(e, 'format-cannot-express', {}, /^--format spo cannot express "defaultErrnoRet"/);
  });

  it('profiles that cannot be one filter', async () => {
    const x86 = findArch('x86_64')!;
    const e = await thrown(() => mergeProfiles([{ file: 'a.json', profile: { defaultAction: 'SCMP_ACT_ERRNO', listenerPath: '/a' } }, { file: 'b.json', profile: { defaultAction: 'SCMP_ACT_ERRNO', listenerPath: '/b' } }], x86));
    check(e, 'profiles-unmergeable', {}, /^the profiles name different listenerPaths \(\/a, \/b\)/);
  });

  it('a state this version did not write; no state to merge', async () => {
    check(await thrown(() => parseState('{"seccompLearnState": 1}')), 'state-invalid', {}, new RegExp(`^a state of version 1; this seccomp-learn reads version ${STATE_VERSION} only$`));
    check(await thrown(() => parseState('garbage\n')), 'state-invalid', {}, /^not JSON \(/);
    check(await thrown(() => mergeStates([])), 'states-unmergeable', {}, /^no state to merge$/);
  });

  it('an input that cannot be opened: its name', async () => {
    const missing = join(tmpDir(), 'missing.log');
    const e = await thrown(() => openInput(missing, Readable.from([])));
    check(e, 'input-unreadable', { source: missing }, /: no such file$/);
    expect(e.message).toBe(`${missing}: no such file`);
  });
});
