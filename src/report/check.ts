// `seccomp-learn check PROFILE [FILE...]`: would this profile break what the
// records show? For each selected process, every call it made is put to the
// profile on the record's own ABI (src/policy.ts says how the filter decides);
// the calls it would not let run are listed with their count, the action they
// would meet and the first file:line where the call was read.
import type { Learner } from '../learn/learner.js';
import { Policy, showEffect, type Outcome, type Verdict } from '../profile/policy.js';
import { ARCHES, findArch, numberOf } from '../syscalls/index.js';
import type { RootBinaries } from './report.js';
import { binaryJSON, judge, libcName, type BinaryJSON } from './unexercised.js';

export interface CheckCall {
  name: string | null;
  nr: number;
  arch: string | null;
  count: number;
  verdict: Verdict;
  /** The action the call would meet (`SCMP_ACT_ERRNO`), null when it cannot be known. */
  action: string | null;
  /** The errno an ERRNO or TRACE action returns. */
  errno: number | null;
  why: string;
  /** Where the call was first read. */
  file: string;
  line: number;
}

export interface CheckProcess {
  name: string;
  exe: string | null;
  comms: string[];
  pids: number[];
  /** Distinct calls (name or number, ABI) the process made. */
  calls: number;
  /** The calls the profile would not let run (denied, only for some arguments, unknown); all with `all`. */
  syscalls: CheckCall[];
  /** With --root: its executable as read inside the root (or why it was not). */
  binary?: BinaryJSON;
  /**
   * With --root: the calls its binary can make that the records never showed,
   * which the profile would not let run (all with `all`), each with the imported
   * functions that make it; null when its files cannot say (binary.error).
   */
  unexercised?: CheckUnexercised[] | null;
}

/** A call the binary can make that the records never showed, put to the profile. */
export interface CheckUnexercised {
  name: string;
  arch: string;
  via: string[];
  verdict: Verdict;
  action: string | null;
  errno: number | null;
}

export interface CheckReport {
  /** With --root: the file system the programs' executables were read in. */
  root?: string;
  profile: { file: string; kind: string; defaultAction: string; architectures: string[]; assumptions: string[] };
  processes: CheckProcess[];
  totals: { processes: number; calls: number; denied: number; conditional: number; unknown: number };
}

const ORDER: Readonly<Record<Verdict, number>> = { denied: 0, conditional: 1, unknown: 2, allowed: 3 };
const ARCH_ORDER = new Map(ARCHES.map((a, i) => [a.name, i]));

/**
 * Put every call of every selected process (a Learner made with `detail: true`,
 * after finish()) to the policy. `all` keeps the allowed calls in the lists too.
 */
export function buildCheck(l: Learner, policy: Policy, profile: { file: string; kind: string; assumptions: string[] }, all = false, binaries?: RootBinaries): CheckReport {
  const processes: CheckProcess[] = [];
  const totals = { processes: 0, calls: 0, denied: 0, conditional: 0, unknown: 0 };
  let nativeMattered = false;
  for (const g of l.programs()) {
    const d = g.detail;
    if (!d) continue;
    // one entry per call (ABI, number), whatever action its records carried
    const byCall = new Map<string, CheckCall>();
    for (const c of d.calls.values()) {
      const key = `${c.abi?.name ?? '?'} ${c.nr}`;
      const have = byCall.get(key);
      if (have) {
        have.count += c.count;
        continue;
      }
      const o: Outcome = policy.evaluate(c.abi, c.nr, c.name);
      if (c.abi && c.abi === policy.native && !(policy.profile.architectures ?? []).includes(c.abi.scmp ?? '')) nativeMattered = true;
      byCall.set(key, {
        name: c.name,
        nr: c.nr,
        arch: c.abi?.name ?? null,
        count: c.count,
        verdict: o.verdict,
        action: o.effect?.action ?? null,
        errno: o.effect?.errno ?? null,
        why: o.why,
        file: c.file,
        line: c.line,
      });
    }
    const calls = [...byCall.values()];
    if (calls.length === 0) continue;
    for (const c of calls) if (c.verdict !== 'allowed') totals[c.verdict]++;
    totals.calls += calls.length;
    const shown = (all ? calls : calls.filter((c) => c.verdict !== 'allowed')).sort(
      (a, b) => ORDER[a.verdict] - ORDER[b.verdict] || (a.name ?? '~').localeCompare(b.name ?? '~') || a.nr - b.nr || (ARCH_ORDER.get(a.arch ?? '') ?? 99) - (ARCH_ORDER.get(b.arch ?? '') ?? 99),
    );
    const proc: CheckProcess = { name: g.name, exe: g.exe, comms: [...d.comms].sort(), pids: [...d.pids].sort((a, b) => a - b), calls: calls.length, syscalls: shown };
    if (binaries) {
      const b = binaries.of(g.exe);
      const j = judge(b, g.calls);
      proc.binary = binaryJSON(b, j);
      proc.unexercised =
        j.calls === null
          ? null
          : j.calls
              .map((c): CheckUnexercised => {
                const abi = findArch(c.arch)!;
                const o = policy.evaluate(abi, numberOf(abi, c.name) ?? -1, c.name);
                return { name: c.name, arch: c.arch, via: [...c.via], verdict: o.verdict, action: o.effect?.action ?? null, errno: o.effect?.errno ?? null };
              })
              .filter((c) => all || c.verdict !== 'allowed')
              .sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict] || a.name.localeCompare(b.name));
    }
    processes.push(proc);
  }
  processes.sort((a, b) => Number(b.syscalls.some((c) => c.verdict !== 'allowed')) - Number(a.syscalls.some((c) => c.verdict !== 'allowed')) || (a.exe ?? a.name).localeCompare(b.exe ?? b.name));
  totals.processes = processes.length;
  const assumptions = [...profile.assumptions];
  if (nativeMattered) assumptions.push(`the host is assumed to be ${policy.native.name}: runc's filter always holds the native architecture, listed or not (--native-arch to change)`);
  if (policy.unknownNames.size > 0) assumptions.push(`names no syscall table knows, which runc ignores: ${[...policy.unknownNames].sort().join(', ')}`);
  return {
    ...(binaries ? { root: binaries.root } : {}),
    profile: { file: profile.file, kind: profile.kind, defaultAction: showEffect(policy.defaultEffect), architectures: policy.profile.architectures ?? [], assumptions },
    processes,
    totals,
  };
}

/** Whether everything the records show would run: exit 0, else 1. */
export function checkPassed(r: CheckReport): boolean {
  return r.totals.denied + r.totals.conditional + r.totals.unknown === 0;
}

const MARK: Readonly<Record<Verdict, string>> = { denied: '!', conditional: '?', unknown: '?', allowed: ' ' };

/** The calls a process's binary can make that the records never showed and the profile would not let run; or why its binary cannot say. */
function renderUnexercised(b: BinaryJSON, calls: readonly CheckUnexercised[] | null): string[] {
  if (calls === null) return [`  its binary cannot say what the records never showed: ${b.error}`];
  const from = `read from ${b.path}${b.libc ? ` with ${libcName(b.libc)}` : ''}`;
  const bad = calls.filter((c) => c.verdict !== 'allowed');
  const out = [bad.length === 0 ? `  its binary can make nothing more that the profile would deny (${from})` : `  its binary can make ${bad.length} more ${bad.length === 1 ? 'call' : 'calls'} that the records never showed and the profile would not allow (${from}):`];
  if (calls.length === 0) return out;
  const nameW = Math.max(7, ...calls.map((c) => c.name.length));
  const actions = calls.map((c) => (c.verdict === 'unknown' ? 'unknown' : c.verdict === 'conditional' ? 'only for some arguments' : showEffect({ action: c.action!, errno: c.errno })));
  const actW = Math.max(10, ...actions.map((a) => a.length));
  calls.forEach((c, i) => out.push(`  ${MARK[c.verdict]} ${c.name.padEnd(nameW)}  ${c.arch}  ${actions[i].padEnd(actW)}  via ${c.via.length <= 4 ? c.via.join(', ') : `${c.via.slice(0, 3).join(', ')} (+${c.via.length - 3} more)`}`));
  return out;
}

/** The text for people: per process, the calls the profile would not let run, then the totals. */
export function renderCheck(r: CheckReport): string {
  const out: string[] = [];
  const p = r.profile;
  out.push(`profile ${p.file} (${p.kind}): default ${p.defaultAction}; architectures ${p.architectures.join(', ') || '(none listed: the native one only)'}`);
  for (const a of p.assumptions) out.push(`  assumed: ${a}`);
  for (const proc of r.processes) {
    out.push('');
    const bad = proc.syscalls.filter((c) => c.verdict !== 'allowed').length;
    out.push(`${proc.name}  ${proc.exe ?? '(no exe)'}  pids ${proc.pids.join(', ')}  comm ${proc.comms.join(', ')}`);
    out.push(bad === 0 ? `  all ${proc.calls} syscalls would be allowed` : `  ${bad} of ${proc.calls} syscalls would not be allowed:`);
    if (proc.syscalls.length === 0) {
      if (proc.binary) out.push(...renderUnexercised(proc.binary, proc.unexercised ?? null));
      continue;
    }
    const nameW = Math.max(7, ...proc.syscalls.map((c) => (c.name ?? `#${c.nr}`).length));
    const archW = Math.max(4, ...proc.syscalls.map((c) => (c.arch ?? '?').length));
    const actions = proc.syscalls.map((c) => (c.verdict === 'unknown' ? 'unknown' : c.verdict === 'conditional' ? `only for some arguments` : showEffect({ action: c.action!, errno: c.errno })));
    const actW = Math.max(10, ...actions.map((a) => a.length));
    out.push(`    ${'SYSCALL'.padEnd(nameW)}  ${'ARCH'.padEnd(archW)}  ${'COUNT'.padStart(6)}  ${'WOULD MEET'.padEnd(actW)}  FIRST SEEN`);
    proc.syscalls.forEach((c, i) => {
      out.push(`  ${MARK[c.verdict]} ${(c.name ?? `#${c.nr}`).padEnd(nameW)}  ${(c.arch ?? '?').padEnd(archW)}  ${String(c.count).padStart(6)}  ${actions[i].padEnd(actW)}  ${c.file}:${c.line}`);
    });
    const notes = [...new Set(proc.syscalls.filter((c) => c.verdict !== 'allowed' && c.why !== 'default action' && !c.why.startsWith('rule ')).map((c) => `${c.name ?? `#${c.nr}`} (${c.arch ?? '?'}): ${c.why}`))];
    for (const n of notes) out.push(`    ${n}`);
    if (proc.binary) out.push(...renderUnexercised(proc.binary, proc.unexercised ?? null));
  }
  const t = r.totals;
  out.push('');
  if (t.processes === 0) out.push('No selected process in the records.');
  else if (checkPassed(r)) out.push(`Everything ${t.processes === 1 ? 'the process' : `the ${t.processes} processes`} did would be allowed (${t.calls} syscalls).`);
  else out.push(`${t.denied} denied, ${t.conditional} allowed only for some arguments, ${t.unknown} unknown, of ${t.calls} syscalls in ${t.processes} ${t.processes === 1 ? 'process' : 'processes'}.`);
  return out.join('\n') + '\n';
}
