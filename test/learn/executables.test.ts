// Learner.executables(): every selected process's executable and calls so far,
// the processes still open too (what --include-unexercised reads while a stream
// is followed, before finish() retires them into programs).
import { describe, expect, it } from 'vitest';
import { Learner } from '../../src/learn/learner.js';
import { readFixture } from '../helpers.js';

describe('the executables of the selected processes', () => {
  it('holds a process still open, which programs() does not yet; after finish() the same calls, as its program', () => {
    const lines = readFixture('real/audit-raw.log').split('\n');
    const l = new Learner({ selection: { comms: [], exes: ['/usr/bin/uname'], pids: [] } });
    // up to the middle of uname's run: its KILL_PROCESS (line 177) has not been read
    lines.slice(0, 100).forEach((t, i) => l.lineText(t, 'audit-raw.log', i + 1));
    expect(l.programs()).toEqual([]);
    const open = l.executables();
    expect(open.map((x) => x.exe)).toEqual(['/usr/bin/uname']);
    const names = (calls: ReadonlyMap<{ name: string }, ReadonlySet<string>>) => [...calls].map(([abi, set]) => [abi.name, [...set].sort()]);
    const before = names(open[0].calls);
    expect(before[0][1]).toContain('openat');
    lines.slice(100).forEach((t, i) => l.lineText(t, 'audit-raw.log', i + 101));
    l.finish();
    expect(l.executables().map((x) => x.exe)).toEqual(['/usr/bin/uname']);
    expect(names(l.programs()[0].calls)[0][1]).toEqual(expect.arrayContaining(before[0][1] as string[]));
    expect(names(l.programs()[0].calls)[0][1]).toContain('uname');
  });
});
