// The end-of-run summary on stderr: what was read, what was skipped and why,
// what may be missing, what was not trusted. Text only; the Learner holds the facts.
import { TABLE_KERNEL_VERSION, type Learner } from './index.js';
import { EXIT, type Say } from './io.js';

/** With --strict, a profile learned from a log that may have lost records is not a success. */
export function strictCode(strict: boolean, l: Learner, say: Say): number {
  if (!strict || !l.possibleLoss) return EXIT.ok;
  say('seccomp-learn: --strict: records may be missing (see the warnings above): exit 3');
  return EXIT.loss;
}

export function nothingLearned(l: Learner): string {
  const sel = l.selection;
  const wanted = [...sel.comms.map((c) => `--comm '${c}'`), ...sel.exes.map((e) => `--exe '${e}'`), ...sel.pids.map((p) => `--pid ${p}`)].join(' ');
  if (l.records === 0) return 'seccomp-learn: no seccomp records (type=1326) in the input: nothing to learn';
  const seen = [...l.seen].sort((x, y) => y[1] - x[1]).slice(0, 20).map(([k, n]) => `  ${k} (${n})`).join('\n');
  return `seccomp-learn: no record matched ${wanted || 'the selection'}; processes seen (comm or exe, records):\n${seen || '  none that the kernel wrote'}`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

function where(e: { file: string; line: number }): string {
  return `${e.file}:${e.line}`;
}

export function summary(l: Learner, say: Say): void {
  const names = l.names();
  const abis = [...l.union.keys()].map((x) => x.name).join(', ');
  say(`seccomp-learn: ${plural(l.lines, 'line')} read, ${plural(l.records, 'seccomp record')}${l.duplicates ? ` (and ${plural(l.duplicates, 'duplicate')} read twice)` : ''}, ${l.used} used; learned ${plural(names.length, 'syscall')}${abis ? ` (${abis})` : ''}`);
  for (const [base, abis] of l.runtimes) {
    say(`seccomp-learn: ${base.runtime}'s init (${base.comm}) was seen: added what it can make after loading the filter on ${[...abis].map((a) => a.name).join(', ')} (${base.names.join(' ')}); --no-runtime-base leaves them out`);
  }
  for (const [code, c] of l.skipped) {
    say(`seccomp-learn: skipped ${plural(c.count, 'line')}: ${code}; ${c.examples.map((e) => `${where(e)}: ${e.message}`).join('; ')}`);
  }
  if (l.untrusted.count > 0) {
    const ex = l.untrusted.examples[0];
    say(`seccomp-learn: ${plural(l.untrusted.count, 'record')} not written by the kernel ${l.untrusted.count === 1 ? 'was' : 'were'} not learned (first: ${where(ex)}, ${ex.message}); --trust-any-source learns them`);
  }
  for (const [why, c] of l.suspicious) {
    const ex = c.examples[0];
    say(`seccomp-learn: ${plural(c.count, 'line')} tagged kernel but likely forged ${c.count === 1 ? 'was' : 'were'} not learned (${why}; first: ${where(ex)}: ${ex.message}); --trust-any-source learns them`);
  }
  if (l.conflicts.count > 0) {
    say(`seccomp-learn: ${plural(l.conflicts.count, 'record')} had the audit(TIME:SERIAL) of an earlier record but other content, and ${l.conflicts.count === 1 ? 'was' : 'were'} not learned (first: ${where(l.conflicts.examples[0])}): a forged line?`);
  }
  const advice = 'Record again with the rate limit off (sysctl -w kernel.printk_ratelimit=0, then put back the old value) or with auditd, and merge (--merge).';
  for (const [reason, x] of l.loss) {
    const what =
      reason === 'printk-suppressed'
        ? `the kernel's printk rate limit dropped about ${x.count} log lines`
        : reason === 'journald-suppressed'
          ? `journald's rate limit dropped ${x.count} messages`
          : `the audit subsystem reported lost records (${reason}${x.count ? `, ${x.count}` : ''})`;
    say(`seccomp-learn: warning: ${what} (${plural(x.notices, 'notice')}, first at ${where(x.first)}): the profile may be incomplete. ${advice}`);
  }
  for (const [file, g] of l.gaps) {
    const span = g.from !== null && g.to !== null ? `, between ${iso(g.from)} and ${iso(g.to)}` : '';
    say(`seccomp-learn: warning: up to ${plural(g.missing, 'audit record')} may be missing from ${file} (${plural(g.gaps, 'gap')} in the serial numbers${span}; first at ${where(g.first)}, ${g.first.message}): the profile may be incomplete. ${advice}`);
  }
  if (l.unnamed.size > 0) {
    say(`seccomp-learn: warning: ${plural(l.unnamed.size, 'syscall number')} with no name in the Linux ${TABLE_KERNEL_VERSION} table, not in the profile: ${[...l.unnamed.keys()].slice(0, 10).join(', ')}`);
  }
  if (l.noArch > 0) say(`seccomp-learn: warning: ${plural(l.noArch, 'record')} without arch= (kernel before 3.16): their syscalls cannot be named and are not in the profile`);
  if (l.denied.size > 0) {
    const list = [...l.denied].slice(0, 10).map(([k, d]) => `${k} (${d.action})`).join(', ');
    say(`seccomp-learn: note: ${plural(l.denied.size, 'call')} denied by a profile already in force (learned anyway): ${list}`);
  }
}
