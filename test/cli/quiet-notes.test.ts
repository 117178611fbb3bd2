// Following a stream with --progress: a program that has had no new call for
// 1 min, 10 min, 1 h is said once per step, on the records' clock (issue 22).
// Real records; where a later time is needed, real lines re-stamped later (their
// calls unchanged, so nothing new is learned).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Learner } from '../../src/learn/learner.js';
import { QuietNotes } from '../../src/cli/quiet-notes.js';
import { cliProcess, fixture, waitFor } from '../helpers.js';

const lines = (name: string) => readFileSync(fixture(name), 'latin1').split('\n').filter(Boolean);

/** Real audit.log lines moved `seconds` later, with serials past the originals' (another record each, the same call). */
const later = (ls: string[], seconds: number, serials: number) => ls.map((l) => l.replace(/audit\((\d+)\.(\d+):(\d+)\)/, (_m, t, ms, s) => `audit(${Number(t) + seconds}.${ms}:${Number(s) + serials})`));

describe('QuietNotes', () => {
  it('says 1 min, 10 min and 1 h once each per program, on the clock of the records and then the wall clock; a new call starts over', () => {
    const l = new Learner();
    for (const [i, t] of [...lines('real/rotated/syslog.1'), ...lines('real/rotated/syslog')].entries()) l.lineText(t, 'syslog', i + 1);
    l.settle();
    const programs = l.lives.newest();
    const busybox = [...programs.values()].find((p) => p.name === 'busybox')!;
    const logrun = [...programs.values()].find((p) => p.name === 'logrun')!;
    const latest = Math.max(busybox.last, logrun.last);
    const n = new QuietNotes();
    const wall = 1_000_000;
    // the records' own clock: busybox's last new call 4 s before the latest record
    expect(n.check(programs, wall)).toEqual([]);
    // then the wall clock: the records' latest time plus the time since it was read
    const at = (s: number) => wall + Math.ceil((s - latest) * 1000);
    expect(n.check(programs, at(busybox.newest.time + 59.9))).toEqual([]);
    expect(n.check(programs, at(busybox.newest.time + 60))).toEqual([`~ busybox: no new call for 1 min (last new: ${busybox.newest.name} at 08:21:59 UTC)`]);
    expect(n.check(programs, at(busybox.newest.time + 61))).toEqual([]);
    expect(n.check(programs, at(logrun.newest.time + 60))).toEqual([`~ logrun: no new call for 1 min (last new: uname at 08:22:01 UTC)`]);
    // past two steps at once: the longest only
    expect(n.check(programs, at(busybox.newest.time + 3600))).toEqual([`~ busybox: no new call for 1 h (last new: ${busybox.newest.name} at 08:21:59 UTC)`, `~ logrun: no new call for 10 min (last new: uname at 08:22:01 UTC)`]);
    expect(n.check(programs, at(logrun.newest.time + 3600))).toEqual([`~ logrun: no new call for 1 h (last new: uname at 08:22:01 UTC)`]);
    expect(n.check(programs, at(busybox.newest.time + 7200))).toEqual([]);
    // a new call (its first record later) starts busybox over
    const moved = new Map(programs);
    moved.set([...programs].find(([, p]) => p.name === 'busybox')![0], { ...busybox, newest: { ...busybox.newest, name: 'fsync', time: busybox.newest.time + 7100 } });
    expect(n.check(moved, at(busybox.newest.time + 7200))).toEqual([`~ busybox: no new call for 1 min (last new: fsync at 10:20:19 UTC)`]);
  });

  it('learn, following standard input: says it as later records come, and ends with the least settled program', async () => {
    const audit = lines('real/audit-raw.log');
    const busybox = audit.filter((t) => t.includes('exe="/usr/bin/busybox"'));
    const child = cliProcess(['--exe', '/usr/bin/busybox', '--progress']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    child.stdin.write(audit.join('\n') + '\n');
    await waitFor(() => /\+ busybox /.test(stderr), 10_000, 'the calls learned');
    expect(stderr).not.toMatch(/no new call/);
    // the same calls 70 s later: nothing new, and the records' clock says 1 min
    await new Promise((r) => setTimeout(r, 1100));
    child.stdin.write(later(busybox, 70, 100_000).join('\n') + '\n');
    await waitFor(() => /~ busybox: no new call for 1 min \(last new: \w+ at \d\d:\d\d:\d\d UTC\)/.test(stderr), 10_000, 'the 1 min note');
    await new Promise((r) => setTimeout(r, 1100));
    child.stdin.write(later(busybox, 700, 200_000).join('\n') + '\n');
    await waitFor(() => /~ busybox: no new call for 10 min/.test(stderr), 10_000, 'the 10 min note');
    child.stdin.end();
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(0);
    expect(stderr.match(/~ busybox: no new call for 1 min/g)).toHaveLength(1);
    expect(stderr).not.toMatch(/no new call for 1 h/);
    // learned nothing after the first copy
    expect(stderr.split(/~ busybox: no new call for 1 min/)[1]).not.toMatch(/^\+ /m);
    expect(stderr).toMatch(/seccomp-learn: busybox: last new call: \w+ at \d\d:\d\d:\d\d UTC, \d+ ms into 11 min 4\d s \(no new call in the last 100%\)/);
  });
});
