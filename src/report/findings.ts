// What the records say beyond the calls: records that may be missing, lines
// not trusted or likely forged, lines that could not be read, calls that could
// not be named, calls a profile in force denied. One list, made from the
// Learner's counts, used by the stderr summary, `report` (text and --json) and
// `--strict`; the README's table of finding kinds is tested against FINDING_KINDS.
import { formatInfo } from '../parse/envelope.js';
import type { Learner } from '../learn/learner.js';
import { SUSPICIONS } from '../learn/forgery.js';
import { TABLE_KERNEL_VERSION } from '../syscalls/index.js';

/** Every kind of finding, in the order they are listed. */
export const FINDING_KINDS = [
  'printk-suppressed',
  'journald-suppressed',
  'audit-loss',
  'kmsg-overrun',
  'serial-gap',
  'skipped',
  'unnamed-syscall',
  'no-arch',
  'untrusted',
  'likely-forged',
  'conflict',
  'state-conflict',
  'unknown-action',
  'process-cap',
  'denied',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];

/**
 * - `loss`: records may be missing from the profile (what `--strict` exits 3 for);
 * - `warning`: lines were read but not learned, or not as they claimed;
 * - `note`: worth knowing, nothing missing.
 */
export type Severity = 'loss' | 'warning' | 'note';

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  /** How many times: notices, gaps, lines or records, as `detail` says. */
  count: number;
  /** Where the first one was read. */
  file: string;
  line: number;
  /** One line for `report`. */
  detail: string;
  /** The sentence the summary prints (without the `seccomp-learn: ` prefix). */
  message: string;
}

export const SEVERITY: Readonly<Record<FindingKind, Severity>> = {
  'printk-suppressed': 'loss',
  'journald-suppressed': 'loss',
  'audit-loss': 'loss',
  'kmsg-overrun': 'loss',
  'serial-gap': 'loss',
  skipped: 'loss',
  'unnamed-syscall': 'loss',
  'no-arch': 'loss',
  untrusted: 'warning',
  'likely-forged': 'warning',
  conflict: 'warning',
  'state-conflict': 'warning',
  'unknown-action': 'warning',
  'process-cap': 'note',
  denied: 'note',
};

const ADVICE = 'Record again with the rate limit off (sysctl -w kernel.printk_ratelimit=0, then put back the old value) or with auditd, and merge (--merge).';

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

/** The findings of a Learner, after finish(): losses first, then warnings, then notes. */
export function findings(l: Learner): Finding[] {
  const out: Finding[] = [];
  const add = (kind: FindingKind, count: number, at: { file: string; line: number }, detail: string, message: string) =>
    out.push({ kind, severity: SEVERITY[kind], count, file: at.file, line: at.line, detail, message });

  const sorted = <K, V>(m: Map<K, V>): Array<[K, V]> => [...m].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
  for (const [reason, x] of sorted(l.loss)) {
    if (reason === 'kmsg-overrun') {
      add(
        'kmsg-overrun',
        x.notices,
        x.first,
        'reading /dev/kmsg fell behind: the kernel overwrote lines before they were read',
        `warning: reading the kernel log fell behind ${plural(x.notices, 'time')} (first after ${x.first.file}:${x.first.line}): the kernel's ring buffer overwrote lines before they were read, and the profile may be incomplete. Follow /dev/kmsg from before the workload starts, give the kernel a larger buffer (boot parameter log_buf_len=), or record with auditd.`,
      );
      continue;
    }
    const kind: FindingKind = reason === 'printk-suppressed' ? 'printk-suppressed' : reason === 'journald-suppressed' ? 'journald-suppressed' : 'audit-loss';
    const what =
      kind === 'printk-suppressed'
        ? `the kernel's printk rate limit dropped about ${plural(x.count, 'log line')}`
        : kind === 'journald-suppressed'
          ? `journald's rate limit dropped ${x.count} messages`
          : `the audit subsystem reported lost records (${reason}${x.count ? `, ${x.count}` : ''})`;
    add(kind, x.notices, x.first, kind === 'audit-loss' ? reason : `about ${plural(x.count, 'line')} dropped`, `warning: ${what} (${plural(x.notices, 'notice')}, first at ${x.first.file}:${x.first.line}): the profile may be incomplete. ${ADVICE}`);
  }
  for (const [source, g] of sorted(l.gaps)) {
    const span = g.from !== null && g.to !== null ? `, between ${iso(g.from)} and ${iso(g.to)}` : '';
    add(
      'serial-gap',
      g.gaps,
      g.first,
      `up to ${plural(g.missing, 'audit record')} may be missing (${g.first.message})`,
      `warning: up to ${plural(g.missing, 'audit record')} may be missing from ${source} (${plural(g.gaps, 'gap')} in the serial numbers${span}; first at ${g.first.file}:${g.first.line}, ${g.first.message}): the profile may be incomplete. ${ADVICE}`,
    );
  }
  for (const [code, c] of sorted(l.skipped)) {
    const ex = c.examples[0];
    const hint = code === 'line-too-long' ? ' (--max-line-length BYTES reads longer lines)' : '';
    add('skipped', c.count, ex, `${code}: ${ex.message}`, `skipped ${plural(c.count, 'line')}: ${code}; ${c.examples.map((e) => `${e.file}:${e.line}: ${e.message}`).join('; ')}${hint}`);
  }
  if (l.unnamed.size > 0) {
    const first = [...l.unnamed.keys()].sort();
    add(
      'unnamed-syscall',
      l.unnamed.size,
      { file: '-', line: 0 },
      `syscall numbers with no name in the Linux ${TABLE_KERNEL_VERSION} table: ${first.slice(0, 10).join(', ')}`,
      `warning: ${plural(l.unnamed.size, 'syscall number')} with no name in the Linux ${TABLE_KERNEL_VERSION} table, not in the profile: ${first.slice(0, 10).join(', ')}`,
    );
  }
  if (l.noArch.count > 0) {
    const ex = l.noArch.examples[0];
    add('no-arch', l.noArch.count, ex, 'records without arch= (kernel before 3.16)', `warning: ${plural(l.noArch.count, 'record')} without arch= (kernel before 3.16, first at ${ex.file}:${ex.line}): their syscalls cannot be named and are not in the profile`);
  }
  for (const [format, c] of sorted(l.untrusted)) {
    const ex = c.examples[0];
    // how to get records from a source that says who wrote them
    const how = formatInfo(format).untrusted ?? "their envelope does not say the kernel wrote them (a program's own message)";
    add(
      'untrusted',
      c.count,
      ex,
      `${ex.message} not written by the kernel`,
      `${plural(c.count, 'record')} in ${format} lines ${c.count === 1 ? 'was' : 'were'} not learned (first: ${ex.file}:${ex.line}, ${ex.message}): ${how}; --trust-any-source learns them`,
    );
  }
  for (const [why, c] of sorted(l.suspicious)) {
    const ex = c.examples[0];
    add(
      'likely-forged',
      c.count,
      ex,
      `${why}: ${SUSPICIONS[why]}`,
      `${plural(c.count, 'line')} claiming the kernel wrote ${c.count === 1 ? 'it' : 'them'} but likely forged ${c.count === 1 ? 'was' : 'were'} not learned (${why}; first: ${ex.file}:${ex.line}: ${ex.message}); --trust-any-source learns them`,
    );
  }
  if (l.conflicts.count > 0) {
    const ex = l.conflicts.examples[0];
    add('conflict', l.conflicts.count, ex, ex.message, `${plural(l.conflicts.count, 'record')} had the audit(TIME:SERIAL) of an earlier record but other content, and ${l.conflicts.count === 1 ? 'was' : 'were'} not learned (first: ${ex.file}:${ex.line}): a forged line?`);
  }
  if (l.stateConflicts.count > 0) {
    const ex = l.stateConflicts.examples[0];
    add(
      'state-conflict',
      l.stateConflicts.count,
      ex,
      ex.message,
      `warning: ${plural(l.stateConflicts.count, 'record')} had the audit(TIME:SERIAL) of a record in another state but other content (first: ${ex.file}: ${ex.message}): a forged line in one of their logs? Both were learned, as a merge of states cannot take back what a state learned; learn the logs in one run, which keeps the first read and leaves out the other`,
    );
  }
  if (l.unknownAction.count > 0) {
    const ex = l.unknownAction.examples[0];
    add('unknown-action', l.unknownAction.count, ex, ex.message, `warning: ${plural(l.unknownAction.count, 'record')} with no readable code= (first at ${ex.file}:${ex.line}): which action the filter took is unknown; their calls are learned`);
  }
  if (l.evicted > 0) {
    add('process-cap', l.evicted, { file: '-', line: 0 }, 'more than 65,536 processes were open at once: the oldest were let go', `note: more than 65,536 processes were open at once; ${plural(l.evicted, 'process', 'processes')} let go early (their calls are kept; a pid they reuse later starts a new process)`);
  }
  if (l.denied.size > 0) {
    let count = 0;
    let first: { file: string; line: number } | null = null;
    const denied = sorted(l.denied).map(([, d]) => d);
    for (const d of denied) {
      count += d.count;
      if (first === null || d.first.file < first.file || (d.first.file === first.file && d.first.line < first.line)) first = d.first;
    }
    const list = denied.slice(0, 10).map((d) => `${d.comm}: ${d.syscall} (${d.strict ? "killed by seccomp's strict mode, SIGKILL, no filter" : d.action}, ${plural(d.count, 'time')})`).join(', ');
    // seccomp's strict mode (SECCOMP_MODE_STRICT) kills without any profile: say so rather than "a profile in force"
    const by = denied.every((d) => d.strict) ? "seccomp's strict mode" : denied.some((d) => d.strict) ? "a profile in force or seccomp's strict mode" : 'a profile in force';
    const already = by === 'a profile in force' ? 'a profile already in force' : by;
    add('denied', count, first!, `calls denied by ${by}: ${list}`, `note: ${plural(l.denied.size, 'call')} denied by ${already} (learned anyway): ${list}`);
  }
  return out;
}

/** Whether any finding says records may be missing from the profile. */
export function mayBeIncomplete(fs: readonly Finding[]): boolean {
  return fs.some((f) => f.severity === 'loss');
}
