// The end-of-run summary on stderr: what was read and learned, then each
// finding (report/findings.ts) as a sentence. Text only; the Learner holds the facts.
import { mayBeIncomplete, type Finding } from '../report/findings.js';
import { importersOf, libcName, type ProgramUnexercised } from '../report/unexercised.js';
import type { Calls } from '../learn/calls.js';
import type { Learner } from '../learn/learner.js';
import { RUNTIME_BASES } from '../learn/runtime.js';
import { leastSettled } from '../learn/first-seen.js';
import { settledLine } from '../report/report.js';
import { ARCHES } from '../syscalls/index.js';
import { EXIT } from './exit.js';
import { type Say } from '../io/read.js';

/** With --strict, a profile learned from a log that may have lost records is not a success. */
export function strictCode(strict: boolean, fs: readonly Finding[], say: Say, quiet = false): number {
  if (!strict || !mayBeIncomplete(fs)) return EXIT.ok;
  // -q: the exit code says it
  if (!quiet) say('seccomp-learn: --strict: records may be missing (see the warnings above): exit 3');
  return EXIT.loss;
}

/** Why nothing was learned: no record at all, none that could be learned, or none of the selected processes. */
export function nothingLearned(l: Learner): string {
  const sel = l.selection;
  const wanted = [...sel.comms.map((c) => `--comm '${c}'`), ...sel.exes.map((e) => `--exe '${e}'`), ...sel.pids.map((p) => `--pid ${p}`)].join(' ');
  if (l.records === 0) {
    const why: string[] = [];
    const sum = (m: Map<unknown, { count: number }>) => [...m.values()].reduce((n, c) => n + c.count, 0);
    if (l.untrusted.size > 0) why.push(`${sum(l.untrusted)} in lines not written by the kernel`);
    if (l.suspicious.size > 0) why.push(`${sum(l.suspicious)} likely forged`);
    if (l.skipped.size > 0) why.push(`${sum(l.skipped)} that could not be read`);
    if (l.conflicts.count > 0) why.push(`${l.conflicts.count} in conflict with others`);
    if (why.length === 0) return 'seccomp-learn: no seccomp records (type=1326) in the input: nothing to learn';
    return `seccomp-learn: nothing learned: the input holds seccomp records, but none that could be learned (${why.join(', ')}; see above)`;
  }
  const seen = [...l.seen].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).slice(0, 20).map(([k, n]) => `  ${k} (${n})`).join('\n');
  return `seccomp-learn: no record matched ${wanted || 'the selection'}; processes seen (comm or exe, records):\n${seen || '  none that the kernel wrote'}`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary: lines and records read, what was learned (the union of every selected process), then the findings. */
export function summary(l: Learner, fs: readonly Finding[], say: Say): void {
  const written: Calls = l.union;
  const all = new Set<string>();
  for (const set of written.values()) for (const n of set) all.add(n);
  const names = [...all];
  const abis = ARCHES.filter((a) => (written.get(a)?.size ?? 0) > 0).map((x) => x.name).join(', ');
  // records read but not learned (untrusted, likely forged, unreadable, in conflict): said here too, so that "0 seccomp records" never stands before "1 record ... was not learned"
  const sum = (m: Map<unknown, { count: number }>) => [...m.values()].reduce((n, c) => n + c.count, 0);
  const notLearned = sum(l.untrusted) + sum(l.suspicious) + sum(l.skipped) - (l.skipped.get('line-too-long')?.count ?? 0) + l.conflicts.count;
  say(
    `seccomp-learn: ${plural(l.lines, 'line')} read, ${plural(l.records, 'seccomp record')}${l.duplicates ? ` (and ${plural(l.duplicates, 'duplicate')} read twice)` : ''}${notLearned ? ` and ${notLearned} more not learned (see below)` : ''}, ${l.used} used; learned ${plural(names.length, 'syscall')}${abis ? ` (${abis})` : ''}`,
  );
  const settled = settling(l);
  if (settled) say(`seccomp-learn: ${settled}`);
  for (const base of RUNTIME_BASES) {
    const abis = l.runtimes.get(base);
    if (!abis) continue;
    say(`seccomp-learn: ${base.runtime}'s init (${base.comm}) was seen: added what it can make after loading the filter on ${ARCHES.filter((a) => abis.has(a)).map((a) => a.name).join(', ')} (${base.names.join(' ')}); --no-runtime-base leaves them out`);
  }
  for (const f of fs) say(`seccomp-learn: ${f.message}`);
}

/**
 * The least settled program, in one line (after finish()): the one with the
 * smallest share of its recording after its newest call; null when no program
 * has a call with a time.
 */
export function settling(l: Learner): string | null {
  const programs = l.programs().map((p) => ({ name: p.name, first: p.firstSeen.first, learning: p.firstSeen.learning() }));
  const p = leastSettled(programs);
  if (p === null) return null;
  const which = programs.length === 1 ? p.name : `least settled of ${programs.length} programs: ${p.name}`;
  return `${which}: ${settledLine(p.learning, Number.isNaN(p.first) ? null : p.first)}`;
}

/** The first `n` items, and how many more. */
function some(items: readonly string[], n: number, sep = ', '): string {
  return items.length <= n ? items.join(sep) : `${items.slice(0, n).join(sep)}${sep}... (+${items.length - n} more)`;
}

/** Without --root, said once: a recording holds only what ran, and --root would name the rest. */
export function noRootNote(say: Say): void {
  say('seccomp-learn: the profile holds only the calls the recording saw; --root DIR (the file system the programs ran in: /, an exported container root, /proc/PID/root) names those their binaries can make that it never saw');
}

/**
 * What --root found: how many calls the binaries can make that the recording
 * never saw, per program, and where report names them; with `included`
 * (--include-unexercised), how many were added to the profile and from which
 * files; each binary that cannot say, with why.
 * @param union the single profile's learned calls, whose names are not "added" again (undefined: one profile per program)
 */
export function rootSummary(list: readonly ProgramUnexercised[], root: string, included: boolean, say: Say, union?: Calls): void {
  const read = list.filter((p) => p.calls !== null && p.calls.length > 0);
  const had = new Set<string>();
  // what the one profile already allows is not added again (another program was seen to make it)
  if (included) for (const [abi, names] of union ?? []) for (const n of names) had.add(`${abi.name} ${n}`);
  const keys = new Set<string>();
  for (const p of read) for (const c of p.calls!) if (!had.has(`${c.arch} ${c.name}`)) keys.add(`${c.arch} ${c.name}`);
  const perProgram = read.map((p) => `${p.name} ${p.calls!.length}`);
  if (included) {
    const names = [...new Set([...keys].map((k) => k.split(' ')[1]))].sort();
    const files = [...new Set(read.flatMap((p) => importersOf(p.binary.witness!, p.calls!)))];
    const libcs = [...new Set(read.map((p) => `${libcName(p.binary.witness!.libc!)} (${p.binary.witness!.libc!.path})`))];
    say(
      names.length === 0
        ? `seccomp-learn: --include-unexercised: the binaries can make nothing the recording never saw: nothing added`
        : `seccomp-learn: --include-unexercised: added ${plural(keys.size, 'syscall')} the binaries can make but the recording never saw (${some(names, 12)}), imported by ${some(files, 6)} from ${libcs.join(', ')}: the profile holds what ran and what the binaries can make; \`seccomp-learn report --root ${root}\` names each with the functions that make it`,
    );
  } else if (read.length > 0) {
    say(`seccomp-learn: --root ${root}: the binaries can make ${plural(keys.size, 'syscall')} the recording never saw (${some(perProgram, 6)}): \`seccomp-learn report --root ${root}\` names each with the functions that make it; --include-unexercised adds them to the profile`);
  } else if (list.some((p) => p.calls !== null)) {
    say(`seccomp-learn: --root ${root}: the binaries can make nothing the recording never saw`);
  }
  const unread = list.filter((p) => p.calls === null);
  if (unread.length > 0) say(`seccomp-learn: --root ${root}: ${unread.length === 1 ? 'one binary cannot' : `${unread.length} binaries cannot`} say what the recording never saw: ${some(unread.map((p) => p.why!), 3, '; ')}`);
}
