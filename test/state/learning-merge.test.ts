// First seen and settled survive states (issue 22): a real log cut into parts,
// each part learned into its own state, the states merged in any order, say
// what one run over all the parts says: each call's first time, and each
// program's last new call with the records and seconds after it.
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Parser } from '../../src/parse/event.js';
import { cli, fixture, tmpDir } from '../helpers.js';

interface Proc {
  name: string;
  learning: { lastNew: number | null; lastNewName: string | null; records: number; recordsAfter: number; seconds: number; secondsAfter: number; untimed: number };
  syscalls: Array<{ name: string; first: number | null }>;
}

/**
 * The places (line indices) where a cut falls inside a process that execs
 * another program: a pid whose records before the cut and after it do not all
 * name one exe (a merge joins what the two states hold of it: see
 * Learner.joinParts).
 */
function cutsInsideExec(lines: string[]): number[] {
  const p = new Parser();
  const exeAt = lines.map((t, i) => {
    const r = p.parseText(t, 'log', i + 1);
    return r !== null && r.kind === 'seccomp' ? { pid: r.pid, exe: r.exe } : null;
  });
  const out: number[] = [];
  for (let k = 1; k < lines.length; k++) {
    const before = new Map<number, Set<string | null>>();
    for (const x of exeAt.slice(0, k)) if (x) before.set(x.pid, (before.get(x.pid) ?? new Set()).add(x.exe));
    const after = new Map<number, Set<string | null>>();
    for (const x of exeAt.slice(k)) if (x) after.set(x.pid, (after.get(x.pid) ?? new Set()).add(x.exe));
    if ([...before].some(([pid, b]) => after.has(pid) && new Set([...b, ...after.get(pid)!]).size > 1)) out.push(k);
  }
  return out;
}

describe('merge of states: first seen and settled', () => {
  // logs of several programs, a pair rsyslogd rotated while it wrote, records printed out of order
  const logs: Array<[string, string[]]> = [
    ['the rotated pair', ['real/rotated/syslog.1', 'real/rotated/syslog']],
    ['dmesg', ['real/dmesg.log']],
    ['kmsg, reordered', ['real/kmsg-reordered.log']],
  ];
  it('the logs have processes that exec another program, and the test cuts inside them', () => {
    const lines = readFileSync(fixture('real/dmesg.log'), 'latin1').split('\n').filter(Boolean);
    expect(cutsInsideExec(lines).length).toBeGreaterThan(10);
  });
  it.each(logs)('%s: cut into parts, each learned into a state, merged in any order, says what one run over the parts says', (_what, files) => {
    const lines = files.flatMap((f) => readFileSync(fixture(f), 'latin1').split('\n').filter(Boolean));
    const inside = cutsInsideExec(lines);
    // anywhere, and as often inside a process that execs another program, where the log has one
    const place = inside.length > 0 ? fc.oneof(fc.constantFrom(...inside), fc.integer({ min: 1, max: lines.length - 1 })) : fc.integer({ min: 1, max: lines.length - 1 });
    fc.assert(
      fc.property(fc.uniqueArray(place, { minLength: 1, maxLength: 3 }), fc.boolean(), (cuts, reverse) => {
        const dir = tmpDir();
        const bounds = [0, ...cuts.sort((a, b) => a - b), lines.length];
        const parts = bounds.slice(1).map((end, i) => {
          const f = join(dir, `part${i}.log`);
          writeFileSync(f, lines.slice(bounds[i], end).join('\n') + '\n', 'latin1');
          return f;
        });
        const states = parts.map((f, i) => {
          const s = join(dir, `part${i}.json`);
          const r = cli(['learn', '-q', '--state', s, f]);
          expect(r.code, r.stderr).toBe(0);
          return s;
        });
        const merged = cli(['merge', '--report', '--json', ...(reverse ? [...states].reverse() : states)]);
        expect(merged.code, merged.stderr).toBe(0);
        const one = cli(['report', '--json', ...parts]);
        expect(one.code, one.stderr).toBe(0);
        const [m, o] = [merged, one].map((r) => JSON.parse(r.stdout).processes as Proc[]);
        // said field by field first (a clearer failure), then the whole report
        expect(m.map((p) => [p.name, p.learning])).toEqual(o.map((p) => [p.name, p.learning]));
        expect(m.map((p) => p.syscalls.map((c) => [c.name, c.first]))).toEqual(o.map((p) => p.syscalls.map((c) => [c.name, c.first])));
        expect(merged.stdout).toBe(one.stdout);
        // and it is not empty: a program's newest call has a time
        expect(o.some((p) => p.learning.lastNew !== null && p.learning.records > 0)).toBe(true);
      }),
      { numRuns: 2 },
    );
  });
});
