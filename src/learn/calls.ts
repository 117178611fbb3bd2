// What a process or a program did: the syscall names it called, by ABI, and
// (for `report`) each call with its count, action and first line. Each saves
// itself as its piece of a learn state and loads back (learn/saved.ts).
import type { Action, SeccompEvent } from '../parse/event.js';
import { ARCHES, type Arch } from '../syscalls/index.js';
import { archName, archNamed, byName } from './saved.js';

/** Learned names by ABI. */
export type Calls = Map<Arch, Set<string>>;

/** Add `name` on `abi`; true when it is new there. */
export function addCall(calls: Calls, abi: Arch, name: string): boolean {
  let set = calls.get(abi);
  if (!set) calls.set(abi, (set = new Set()));
  if (set.has(name)) return false;
  set.add(name);
  return true;
}

/** What `report` shows of a program: each call with its count and action, when it ran, which pids. */
export interface Detail {
  comms: Set<string>;
  pids: Set<number>;
  /** Seconds since the epoch of the first and last record with a time. */
  first: number | null;
  last: number | null;
  /** Keyed by `abi nr action`. */
  calls: Map<string, CallStat>;
}

export interface CallStat {
  abi: Arch | null;
  nr: number;
  name: string | null;
  action: Action | null;
  sig: number | null;
  count: number;
  /** Where the first record of this call was read. */
  file: string;
  line: number;
}

export function newDetail(): Detail {
  return { comms: new Set(), pids: new Set(), first: null, last: null, calls: new Map() };
}

/** Count one record in a detail (`counted`: false for a record already counted from another log of its machine). */
/** A call's key in Detail.calls: ABI, number and action. */
const detailKey = (e: Pick<SeccompEvent, 'arch' | 'nr' | 'action'>): string => `${e.arch?.name} ${e.nr} ${e.action}`;

export function addDetail(d: Detail, e: SeccompEvent, counted: boolean): void {
  if (e.comm !== null) d.comms.add(e.comm);
  d.pids.add(e.pid);
  if (e.time !== null) {
    if (d.first === null || e.time < d.first) d.first = e.time;
    if (d.last === null || e.time > d.last) d.last = e.time;
  }
  const key = detailKey(e);
  const c = d.calls.get(key);
  if (c) {
    if (counted) c.count++;
  } else d.calls.set(key, { abi: e.arch, nr: e.nr, name: e.syscall, action: e.action, sig: e.sig, count: counted ? 1 : 0, file: e.file, line: e.line });
}

/** One record counted by addDetail taken back out (a merge found it counted in an earlier part too); a call left with none goes. */
export function uncountDetail(d: Detail, r: Pick<SeccompEvent, 'arch' | 'nr' | 'action'>): void {
  const key = detailKey(r);
  const c = d.calls.get(key);
  if (!c) return;
  if (--c.count <= 0) d.calls.delete(key);
}

export function mergeDetail(into: Detail, from: Detail): void {
  for (const c of from.comms) into.comms.add(c);
  for (const p of from.pids) into.pids.add(p);
  if (from.first !== null && (into.first === null || from.first < into.first)) into.first = from.first;
  if (from.last !== null && (into.last === null || from.last > into.last)) into.last = from.last;
  for (const [k, c] of from.calls) {
    const have = into.calls.get(k);
    if (!have) into.calls.set(k, { ...c });
    else {
      have.count += c.count;
      if (c.file < have.file || (c.file === have.file && c.line < have.line)) {
        have.file = c.file;
        have.line = c.line;
      }
    }
  }
}

// ---------------------------------------------------------------- saved

// Calls as a state saves them: the names of each ABI (by Arch.name), sorted, ABIs in ARCHES order.
/** @internal */
export type CallsJSON = Record<string, string[]>;

interface CallStatJSON extends Omit<CallStat, 'abi'> {
  abi: string | null;
}

// A Detail as a state saves it: lists sorted.
/** @internal */
export interface DetailJSON {
  comms: string[];
  pids: number[];
  first: number | null;
  last: number | null;
  calls: CallStatJSON[];
}

/** Calls as a state saves them. */
export function saveCalls(c: Calls): CallsJSON {
  const out: CallsJSON = {};
  for (const a of ARCHES) {
    const set = c.get(a);
    if (set && set.size > 0) out[a.name] = [...set].sort();
  }
  return out;
}

/** Add saved calls into `into`; throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
export function loadCalls(into: Calls, saved: CallsJSON): void {
  for (const [name, names] of Object.entries(saved)) {
    const a = archNamed(name, 'calls');
    for (const n of names) addCall(into, a, n);
  }
}

/** A detail as a state saves it (null: none kept). */
export function saveDetail(d: Detail | null): DetailJSON | null {
  if (!d) return null;
  const calls = [...d.calls.values()].map((c) => ({ ...c, abi: archName(c.abi) }));
  calls.sort((x, y) => byName(`${x.abi} ${x.nr} ${x.action}`, `${y.abi} ${y.nr} ${y.action}`));
  return { comms: [...d.comms].sort(), pids: [...d.pids].sort((a, b) => a - b), first: d.first, last: d.last, calls };
}

/** A saved detail, as a new Detail; throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
export function loadDetail(saved: DetailJSON | null): Detail | null {
  if (!saved) return null;
  const d = newDetail();
  for (const c of saved.comms) d.comms.add(c);
  for (const pid of saved.pids) d.pids.add(pid);
  d.first = saved.first;
  d.last = saved.last;
  for (const c of saved.calls) {
    const abi = c.abi === null ? null : archNamed(c.abi, 'detail');
    d.calls.set(`${abi?.name} ${c.nr} ${c.action}`, { ...c, abi });
  }
  return d;
}
