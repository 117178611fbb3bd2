// `seccomp-learn report`: what the records say, for people (a table) and for
// machines (--json, stable field names documented in the README).
import type { Action } from '../parse/event.js';
import { findings, type Finding, type FindingKind, type Severity } from './findings.js';
import type { Learner } from '../learn/learner.js';
import type { Learning } from '../learn/first-seen.js';
import type { Program } from '../learn/lives.js';
import { ARCHES } from '../syscalls/index.js';
import { binaryJSON, judge, libcName, type BinaryJSON, type ProgramBinary } from './unexercised.js';
import type { WitnessCall } from './witness.js';

export interface ReportCall {
  name: string | null;
  nr: number;
  arch: string | null;
  action: Action | null;
  /** A profile in force refused it: any action but LOG (ALLOW is never logged). */
  denied: boolean;
  sig: number | null;
  count: number;
  /** Seconds since the epoch of the first record of this call (its ABI and number, under any action); null when none of its records had a time. */
  first: number | null;
}

export interface ReportProcess {
  name: string;
  exe: string | null;
  comms: string[];
  pids: number[];
  first: number | null;
  last: number | null;
  /** When its newest call was first seen, and how much of the recording came after it (learn/first-seen.ts). */
  learning: Learning;
  architectures: string[];
  syscalls: ReportCall[];
  /** With --root: its executable as read inside the root (or why it was not). */
  binary?: BinaryJSON;
  /** With --root: the calls its files say it can make that the recording never saw, each with the imported functions that make it; null when its files could not say (binary.error). */
  unexercised?: WitnessCall[] | null;
}

export interface ReportFinding {
  kind: FindingKind;
  severity: Severity;
  detail: string;
  count: number;
  file: string;
  line: number;
}

export interface Report {
  /** With --root: the file system the programs' executables were read in. */
  root?: string;
  processes: ReportProcess[];
  findings: ReportFinding[];
  totals: { lines: number; records: number; duplicates: number; used: number; processes: number; syscalls: number; denied: number };
}

const ARCH_ORDER = new Map(ARCHES.map((a, i) => [a.name, i]));

/** The programs' executables read inside a root (--root): the root, and each program's binary. */
export interface RootBinaries {
  readonly root: string;
  /** The binary at a program's exe= path (null: its records gave none). */
  of(exe: string | null): ProgramBinary;
}

/**
 * Build the report of a Learner made with `detail: true`, after finish(); `fs`:
 * its findings, when already made; `binaries` (--root): each program's
 * executable, to name what it can make that the recording never saw.
 */
export function buildReport(l: Learner, deniedOnly = false, fs: readonly Finding[] = findings(l), binaries?: RootBinaries): Report {
  const processes: ReportProcess[] = [];
  for (const g of l.programs()) {
    const d = g.detail;
    if (!d) continue;
    let calls: ReportCall[] = [...d.calls.values()].map((c) => ({
      name: c.name,
      nr: c.nr,
      arch: c.abi?.name ?? null,
      action: c.action,
      denied: c.action !== null && c.action !== 'LOG',
      sig: c.sig,
      count: c.count,
      first: g.firstSeen.firstOf(c.abi, c.nr),
    }));
    // an unreadable code=: the action is unknown, so it may have been a denial
    if (deniedOnly) calls = calls.filter((c) => c.denied || c.action === null);
    if (calls.length === 0) continue;
    // (one call under two actions: by the action, not by the order the records came in, which a merge of states does not keep)
    calls.sort((a, b) => Number(b.denied) - Number(a.denied) || (a.name ?? '~').localeCompare(b.name ?? '~') || a.nr - b.nr || (a.arch ?? '').localeCompare(b.arch ?? '') || (a.action ?? '~').localeCompare(b.action ?? '~'));
    processes.push({
      name: g.name,
      exe: g.exe,
      comms: [...d.comms].sort(),
      pids: [...d.pids].sort((a, b) => a - b),
      first: d.first,
      last: d.last,
      learning: g.firstSeen.learning(),
      architectures: [...new Set(calls.map((c) => c.arch).filter((a): a is string => a !== null))].sort((a, b) => (ARCH_ORDER.get(a) ?? 0) - (ARCH_ORDER.get(b) ?? 0)),
      syscalls: calls,
      ...(binaries && !deniedOnly ? witnessed(binaries.of(g.exe), g) : {}),
    });
  }
  processes.sort((a, b) => Number(b.syscalls.some((c) => c.denied)) - Number(a.syscalls.some((c) => c.denied)) || (a.exe ?? a.name).localeCompare(b.exe ?? b.name));

  const list: ReportFinding[] = fs.map((f) => ({ kind: f.kind, severity: f.severity, detail: f.detail, count: f.count, file: f.file, line: f.line }));

  const names = new Set<string>();
  let denied = 0;
  for (const p of processes)
    for (const c of p.syscalls) {
      names.add(`${c.arch} ${c.name ?? c.nr}`);
      if (c.denied) denied += c.count;
    }
  return {
    ...(binaries && !deniedOnly ? { root: binaries.root } : {}),
    processes,
    findings: list,
    totals: { lines: l.lines, records: l.records, duplicates: l.duplicates, used: l.used, processes: processes.length, syscalls: names.size, denied },
  };
}

/**
 * A duration for people: `4 ms`, `2.5 s`, `42 s`, `12 min 5 s`, `3 h 12 min`,
 * `2 d 5 h` (`s`: seconds, not negative).
 */
export function duration(s: number): string {
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 10) return `${Math.round(s * 10) / 10} s`;
  const t = Math.round(s);
  if (t < 60) return `${t} s`;
  if (t < 3600) return `${Math.floor(t / 60)} min ${t % 60} s`;
  if (t < 86400) return `${Math.floor(t / 3600)} h ${Math.floor((t % 3600) / 60)} min`;
  return `${Math.floor(t / 86400)} d ${Math.floor((t % 86400) / 3600)} h`;
}

/** A time of day in UTC (`14:02:11`), with its date when not on the day of `day` (seconds since the epoch; null: always the date). */
export function clock(t: number, day: number | null): string {
  const d = new Date(Math.round(t * 1000)).toISOString();
  const sameDay = day !== null && d.slice(0, 10) === new Date(Math.round(day * 1000)).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${d.slice(0, 10)} `}${d.slice(11, 19)} UTC`;
}

/**
 * What a program's learning says in one line: `last new call: fsync at
 * 14:02:11 UTC, 3 h 12 min into 5 h 0 min (no new call in the last 36%)`; the
 * records without a time are said after it. `first`: the program's first timed record
 * (seconds since the epoch), to leave the date out when it is the same.
 */
export function settledLine(l: Learning, first: number | null): string {
  const untimed = l.untimed > 0 ? `; ${l.untimed} of ${l.records} ${l.records === 1 ? 'record has' : 'records have'} no time` : '';
  if (l.lastNew === null) return `last new call: unknown (no record with a time)${untimed}`;
  const name = l.lastNewName ?? 'a call with no name';
  const into = l.seconds - l.secondsAfter;
  const share = l.seconds > 0 ? Math.floor((100 * l.secondsAfter) / l.seconds) : 0;
  const rest = l.seconds > 0 ? `, ${duration(into)} into ${duration(l.seconds)} (no new call in the last ${share}%)` : ' (all its records in one ms)';
  return `last new call: ${name} at ${clock(l.lastNew, first)}${rest}${untimed}`;
}

function witnessed(b: ProgramBinary, g: Program): { binary: BinaryJSON; unexercised: WitnessCall[] | null } {
  const j = judge(b, g.calls);
  return { binary: binaryJSON(b, j), unexercised: j.calls };
}

function iso(t: number | null): string {
  return t === null ? '-' : new Date(Math.round(t * 1000)).toISOString().replace('.000Z', 'Z');
}

function fit(s: string, width: number): string {
  return s.length <= width ? s : s.slice(0, Math.max(0, width - 1)) + '~';
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : fit(word, width);
  }
  if (line) out.push(line);
  return out;
}

function listFit(items: ReadonlyArray<string | number>, width: number): string {
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const next = (out ? out + ', ' : '') + String(items[i]);
    const rest = items.length - i - 1;
    if (next.length + (rest ? ` (+${rest} more)`.length : 0) > width) return `${out} (+${items.length - i} more)`;
    out = next;
  }
  return out;
}

/** A process's calls that its binary can make and the recording never saw, each with the functions that make it; or why its binary cannot say. */
function renderUnexercised(b: BinaryJSON, calls: readonly WitnessCall[] | null, w: number): string[] {
  const out: string[] = [''];
  const more = (text: string) => out.push(...wrap(text, w - 4).map((l) => `    ${l}`));
  if (calls === null) {
    out.push(fit('  its binary cannot say what the recording never saw:', w));
    more(b.error ?? 'not read');
    return out;
  }
  const from = `read from ${b.path}${b.libc ? ` with ${libcName(b.libc)}` : ''}`;
  if (calls.length === 0) out.push(fit(`  can make nothing the recording never saw (${from})`, w));
  else {
    out.push(fit(`  can make but the recording never saw: ${calls.length} on ${calls[0].arch}`, w));
    more(`(${from})`);
    const nameW = Math.min(28, Math.max(8, ...calls.map((c) => c.name.length)));
    for (const c of calls) out.push(fit(`    ${c.name.padEnd(nameW)}  via ${listFit(c.via, Math.max(20, w - nameW - 10))}`, w));
  }
  for (const n of b.notes) more(`note: ${n}`);
  for (const p of b.problems) more(`library not loaded (what it imports is not counted): ${p}`);
  if (b.undetermined.length) more(`not counted: calls whose number the table cannot know, made by ${listFit(b.undetermined, Math.max(20, w - 70))}`);
  if (b.throughPointers.length) more(`not counted: what callbacks make, called by ${listFit(b.throughPointers, Math.max(20, w - 50))}`);
  return out;
}

/** The table for a terminal of `width` columns (at least 60). */
export function renderReport(r: Report, width = 80, deniedOnly = false): string {
  const w = Math.max(60, width);
  const lines: string[] = [];
  const t = r.totals;
  // records whose code= could not be read: neither allowed nor denied, said beside the denials
  let unread = 0;
  for (const p of r.processes) for (const c of p.syscalls) if (c.action === null) unread += c.count;
  const unknownText = unread > 0 ? `, ${unread} ${unread === 1 ? 'call' : 'calls'} of unknown action` : '';
  lines.push(fit(`${t.processes} ${t.processes === 1 ? 'process' : 'processes'}, ${t.syscalls} distinct ${t.syscalls === 1 ? 'syscall' : 'syscalls'}, ${t.denied} denied ${t.denied === 1 ? 'call' : 'calls'}${unknownText}`, w));
  lines.push(fit(`${t.records} seccomp ${t.records === 1 ? 'record' : 'records'} (${t.used} of them selected, ${t.duplicates} read twice) in ${t.lines} ${t.lines === 1 ? 'line' : 'lines'}`, w));
  if (deniedOnly && r.processes.length === 0) {
    const unknown = r.findings.find((f) => f.kind === 'unknown-action');
    lines.push(unknown ? `No syscall is known to have been denied, but ${unknown.count} ${unknown.count === 1 ? 'record has' : 'records have'} no readable code= (their action is unknown).` : 'No syscall was denied in the records read.');
  }
  for (const p of r.processes) {
    lines.push('');
    lines.push(fit(`${p.name}  ${p.exe ?? '(no exe)'}`, w));
    lines.push(fit(`  comm: ${listFit(p.comms, w - 8)}`, w));
    lines.push(fit(`  pids: ${listFit(p.pids, w - 8)}`, w));
    lines.push(fit(`  seen: ${iso(p.first)} .. ${iso(p.last)}   arch: ${p.architectures.join(', ') || '-'}`, w));
    lines.push(...wrap(settledLine(p.learning, p.first), w - 4).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`));
    const nameW = Math.min(28, Math.max(8, ...p.syscalls.map((c) => (c.name ?? `#${c.nr}`).length)));
    lines.push(`    ${'SYSCALL'.padEnd(nameW)}  ${'ARCH'.padEnd(11)}  ${'ACTION'.padEnd(12)}  ${'COUNT'.padStart(6)}`);
    for (const c of p.syscalls) {
      const mark = c.denied ? '! ' : '  ';
      const sig = c.denied && c.sig ? `  sig ${c.sig}` : '';
      lines.push(fit(`  ${mark}${fit(c.name ?? `#${c.nr}`, nameW).padEnd(nameW)}  ${(c.arch ?? '?').padEnd(11)}  ${(c.action ?? '?').padEnd(12)}  ${String(c.count).padStart(6)}${sig}`, w));
    }
    if (p.binary) lines.push(...renderUnexercised(p.binary, p.unexercised ?? null, w));
  }
  if (r.root !== undefined) {
    // distinct calls over the programs, as learn's summary counts them
    const n = new Set(r.processes.flatMap((p) => (p.unexercised ?? []).map((c) => `${c.arch} ${c.name}`))).size;
    const unread = r.processes.filter((p) => p.unexercised === null).length;
    lines.push('');
    lines.push(
      ...wrap(
        `--root ${r.root}: the binaries can make ${n} ${n === 1 ? 'syscall' : 'syscalls'} the recording never saw${unread ? `; ${unread} ${unread === 1 ? 'binary' : 'binaries'} could not say (see above)` : ''}. learn --include-unexercised adds them to the profile.`,
        w,
      ),
    );
  }
  if (r.findings.length > 0) {
    lines.push('');
    lines.push('Findings:');
    for (const f of r.findings) {
      lines.push(fit(`  ${f.kind} (${f.count}) at ${f.file}:${f.line}`, w));
      lines.push(...wrap(f.detail, w - 6).map((l) => `      ${l}`));
    }
  }
  return lines.join('\n') + '\n';
}
