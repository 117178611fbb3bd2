// Process lives, and the programs they add up to.
//
// A "life" is one process: the records of one pid on one machine from its first
// record to its exit_group (or its KILL_PROCESS). Everything a selected process
// did counts, whatever comm its threads had: the OCI runtime's init
// (`runc:[2:INIT]`, same pid, before it execs the workload) and threads that
// renamed themselves. A pid reused by an unrelated later process starts a new
// life and is not mixed in. The machine is the host a line names (null for the
// kernel log and audit.log read here): pids of two hosts in one log server's
// file are different processes. When a life ends it is retired into its
// program (grouped by executable, or by comm), which is what a profile is
// written for.
import type { Action, SeccompEvent } from '../parse/event.js';
import type { RuntimeBase } from './runtime.js';
import type { Arch } from '../syscalls/index.js';

/** Learned names by ABI. */
export type Calls = Map<Arch, Set<string>>;

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
export function addDetail(d: Detail, e: SeccompEvent, counted: boolean): void {
  if (e.comm !== null) d.comms.add(e.comm);
  d.pids.add(e.pid);
  if (e.time !== null) {
    if (d.first === null || e.time < d.first) d.first = e.time;
    if (d.last === null || e.time > d.last) d.last = e.time;
  }
  const key = `${e.arch?.name} ${e.nr} ${e.action}`;
  const c = d.calls.get(key);
  if (c) {
    if (counted) c.count++;
  } else d.calls.set(key, { abi: e.arch, nr: e.nr, name: e.syscall, action: e.action, sig: e.sig, count: counted ? 1 : 0, file: e.file, line: e.line });
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

export class Life {
  matched = false;
  /** Records seen before the process matched the selection. */
  before = 0;
  readonly calls: Calls = new Map();
  /** `abi nr` of calls whose number has no name. */
  readonly unnamed = new Set<string>();
  lastComm: string | null = null;
  lastExe: string | null = null;
  /** The audit time of its latest record (seconds), or NaN. */
  lastTime = NaN;
  /** The OCI runtime's init, when this process began as one. */
  runtime: { base: RuntimeBase; abi: Arch; added: boolean } | null = null;
  /** Per-call counts, kept only for `report` (LearnOptions.detail). */
  detail: Detail | null = null;
  /** The ABI of the last call and its set in `calls`. */
  lastAbi: Arch | null = null;
  lastSet: Set<string> | undefined = undefined;
  /** The last comm found not to be an OCI runtime's init. */
  notRuntime: string | null | undefined = undefined;
  constructor(
    readonly host: string | null,
    readonly pid: number,
  ) {}
}

/** A program: the lives of one executable (or comm), retired. */
export interface Group {
  /** What the group is named after: the exe's basename, or the comm. */
  name: string;
  exe: string | null;
  comms: Set<string>;
  calls: Calls;
  /** With LearnOptions.detail. */
  detail: Detail | null;
}

/**
 * The lives being followed, by machine and pid, bounded: past `max` the oldest
 * is let go (`onEvict` retires it first: what it did is kept), so memory stays
 * bounded on a busy host whose processes never log exit_group.
 */
export class Lives {
  private readonly byHost = new Map<string | null, Map<number, Life>>();
  /** Every open life, oldest first (a Set keeps insertion order). */
  private readonly order = new Set<Life>();
  private lastHost: string | null | undefined = undefined;
  private lastMap: Map<number, Life> | undefined = undefined;
  /** Lives let go because too many were open at once. */
  evicted = 0;

  /** `onEvict` retires a life let go before its end (too many open, or one older record read again). */
  constructor(
    private readonly max: number,
    private readonly onEvict: (life: Life) => void,
  ) {}

  private map(host: string | null): Map<number, Life> {
    if (host === this.lastHost && this.lastMap) return this.lastMap;
    let m = this.byHost.get(host);
    if (!m) this.byHost.set(host, (m = new Map()));
    this.lastHost = host;
    this.lastMap = m;
    return m;
  }

  /**
   * The open life of `pid` on `host` for a record of audit time `time` (NaN:
   * none), opened if there is none. A record more than a second older than the
   * life's latest cannot be the same process's (the same log read again, past
   * what the record window remembers): the life is ended (`onEnd`) and a new one
   * opened.
   */
  get(host: string | null, pid: number, time: number): Life {
    const m = this.map(host);
    let life = m.get(pid);
    if (life && time < life.lastTime - 1) {
      this.onEvict(life);
      this.end(life);
      life = undefined;
    }
    if (!life) {
      life = new Life(host, pid);
      m.set(pid, life);
      this.order.add(life);
      if (this.order.size > this.max) this.evictOldest();
    }
    if (!Number.isNaN(time) && !(time <= life.lastTime)) life.lastTime = time;
    return life;
  }

  /** The life has ended (exit_group, KILL_PROCESS): its pid may be reused. */
  end(life: Life): void {
    this.map(life.host).delete(life.pid);
    this.order.delete(life);
  }

  private evictOldest(): void {
    const oldest = this.order.values().next().value!;
    this.evicted++;
    this.onEvict(oldest);
    this.end(oldest);
  }

  /** Processes being followed now. */
  get size(): number {
    return this.order.size;
  }

  /** Every open life, oldest first; then none is left. */
  drain(): Life[] {
    const all = [...this.order];
    this.order.clear();
    this.byHost.clear();
    this.lastHost = undefined;
    this.lastMap = undefined;
    return all;
  }

  /** Every open life, oldest first (for saving a state). */
  open(): Iterable<Life> {
    return this.order;
  }

  /** Put back an open life (loading a state), as the newest. */
  restore(life: Life): void {
    this.map(life.host).set(life.pid, life);
    this.order.add(life);
  }
}

/** Programs made of retired lives, by executable (or comm when no exe was logged). */
export class Programs {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly detail: boolean) {}

  /** Add what a selected life did to its program. */
  retire(life: Life): void {
    if (!life.matched) return;
    const name = life.lastExe ? life.lastExe.split('/').pop() || life.lastExe : (life.lastComm ?? `pid-${life.pid}`);
    const key = life.lastExe ?? `comm:${life.lastComm}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { name, exe: life.lastExe, comms: new Set(), calls: new Map(), detail: this.detail ? newDetail() : null }));
    if (life.lastComm) g.comms.add(life.lastComm);
    if (g.detail && life.detail) mergeDetail(g.detail, life.detail);
    for (const [abi, names] of life.calls) for (const n of names) addCall(g.calls, abi, n);
  }

  /** Every program, in the order they were first retired. */
  list(): Group[] {
    return [...this.groups.values()];
  }

  /** The program keyed `key` (an exe path, or `comm:NAME`), made if absent; for loading saved states. */
  group(key: string, make: () => Group): Group {
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = make()));
    return g;
  }

  entries(): IterableIterator<[string, Group]> {
    return this.groups.entries();
  }
}
