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
// written for. The open lives and the programs save themselves as their pieces
// of a learn state, and load back.
//
// Heads (kept for a learn state): the first life of each pid on a machine may
// be the rest of a process an earlier part of the log left open (a state of
// that part holds it, maybe not selected yet, maybe about to exec another
// program). A state keeps its heads whole, apart from the programs, and a
// merge of states joins each to the life the state before left open, as one
// run over both parts would have: see Learner.joinParts.
import { addCall, loadCalls, loadDetail, mergeDetail, newDetail, saveCalls, saveDetail, type Calls, type CallsJSON, type Detail, type DetailJSON } from './calls.js';
import { loadDenied, saveDenied, type Denied } from './denied.js';
import { mergeCounted, loadTallies, saveTallies, type Counted } from './examples.js';
import { FirstSeen, type FirstSeenJSON, type Newest } from './first-seen.js';
import { loadRuntimes, runtimeBaseNamed, saveRuntimes, type RuntimeBase, type RuntimeJSON } from './runtime.js';
import { loadReceipts, saveReceipts, type Receipt, type ReceiptJSON } from './receipts.js';
import { archNamed, byName } from './saved.js';
import type { Arch } from '../syscalls/index.js';

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
  /** When each call was first seen, and the times of its records. */
  readonly firstSeen = new FirstSeen();
  /** The ABI of the last call and its set in `calls`. */
  lastAbi: Arch | null = null;
  lastSet: Set<string> | undefined = undefined;
  /** The last comm found not to be an OCI runtime's init. */
  notRuntime: string | null | undefined = undefined;
  /** The first life of its pid in this input (kept for a state: see Lives). */
  head = false;
  /** The audit time of its first record (seconds), or NaN. */
  firstTime = NaN;
  /** The audit serial of the record that ended it (exit_group, a kill; see Lives.exit), or -1: open, or ended otherwise. */
  endSerial = -1;
  /**
   * A head not selected yet: what its records would have counted had it been
   * (a merge counts it when the life an earlier state left open was selected).
   */
  pending: Pending | null = null;
  /**
   * The comm and exe values its records logged (`comm:NAME`, `exe:PATH`), kept
   * while learning every process for a state (see Groups): a merge selects the
   * lives that logged one, as learn --comm/--exe does. Null: more than
   * MAX_LABELS, not kept.
   */
  labels: Set<string> | null = new Set();
  /** Records counted (kept with `labels`): what `used` would add for it. */
  ownUsed = 0;
  /** Its records without arch= and its denied calls (kept with `labels`): what selecting it adds. */
  own: Pending | null = null;
  /** What its first records counted, for a head among a state's first RECEIPT_RECORDS records (see receipts.ts); null: none. */
  receipts: Receipt[] | null = null;
  /** The highest audit serial among its records counted, or -1 (a merge: a later part's copy of a record can only be of one this life counted up to it). */
  maxSerial = -1;
  constructor(
    readonly host: string | null,
    readonly pid: number,
  ) {}
}

/** A life that ended by its own last call (Lives.exit), as its records read after it need it. */
interface Gone {
  /** The life itself, a head (kept whole until endAll()); null: retired into its program. */
  head: Life | null;
  endSerial: number;
  lastTime: number;
  matched: boolean;
  lastComm: string | null;
  lastExe: string | null;
  labels: string[] | null;
  runtime: Life['runtime'];
  notRuntime: string | null | undefined;
}

/**
 * A piece of a life retired into its program, for a record of it read after
 * its end: the life's selection, program, labels and runtime, and nothing
 * else; the Learner retires it into the same program once the record is in.
 */
function pieceOf(host: string | null, pid: number, g: Gone): Life {
  const p = new Life(host, pid);
  p.matched = g.matched;
  p.lastComm = g.lastComm;
  p.lastExe = g.lastExe;
  p.lastTime = g.lastTime;
  p.labels = g.labels && new Set(g.labels);
  p.runtime = g.runtime;
  p.notRuntime = g.notRuntime;
  p.endSerial = g.endSerial;
  return p;
}

/** What the records of a head not selected yet would have counted, selected: records without arch=, denied calls (Learner.noArch, Learner.denied). */
export interface Pending {
  noArch: Counted;
  denied: Map<string, Denied>;
}

/** A program: the lives of one executable (or comm), retired. */
export interface Program {
  /** What the program is named after: the exe's basename, or the comm. */
  name: string;
  exe: string | null;
  comms: Set<string>;
  calls: Calls;
  /** With LearnOptions.detail. */
  detail: Detail | null;
  /** When each call was first seen, and the times of the records of its lives. */
  firstSeen: FirstSeen;
}

/** The program a life is retired into: its key (the exe's path, or `comm:NAME`) and name (the exe's basename, or the comm). */
export function programOfLife(life: Life): { key: string; name: string } {
  const name = life.lastExe ? life.lastExe.split('/').pop() || life.lastExe : (life.lastComm ?? `pid-${life.pid}`);
  return { key: life.lastExe ?? `comm:${life.lastComm}`, name };
}

/** A program's newest call (Lives.newest), and the time of its latest timed record (seconds since the epoch). */
export interface ProgramNewest {
  name: string;
  newest: Newest;
  last: number;
}

/** Heads kept at most (open and ended): past that, a pid's first life is not a head (a merge cannot join it to the life before). */
export const MAX_HEADS = 1 << 10;

/** Lives that ended by their own last call remembered per machine, for the records of theirs read after (Lives.get). */
const MAX_GONE = 1 << 12;
/** How far (in audit serials) before a life's last record one of its records may still be read after it. */
const LATE_SPAN = 1 << 12;

/**
 * The lives being followed, by machine and pid, bounded: past `max` the oldest
 * is let go (retired first: what it did is kept), so memory stays bounded on a
 * busy host whose processes never log exit_group. A life that ends is retired
 * into `programs`; with `heads`, a head that ends is kept in `ended` instead,
 * and retired by endAll().
 */
export class Lives {
  private readonly byHost = new Map<string | null, Map<number, Life>>();
  /** Per machine, the lives that ended by their own last call (Lives.exit), by pid, the oldest first: at most MAX_GONE. */
  private readonly gone = new Map<string | null, Map<number, Gone>>();
  /** Every open life, oldest first (a Set keeps insertion order). */
  private readonly order = new Set<Life>();
  private lastHost: string | null | undefined = undefined;
  private lastMap: Map<number, Life> | undefined = undefined;
  /** Lives let go because too many were open at once. */
  evicted = 0;
  /** The programs the lives that ended were retired into. */
  readonly programs: Programs;
  /** Heads that ended, in the order they ended (not in `programs` until endAll()). */
  ended: Life[] = [];
  /** The machine and pid of every head, open or ended (null: heads are not kept). */
  private readonly headKeys: Map<string | null, Set<number>> | null;
  private heads = 0;

  /** `detail`: programs keep per-call counts (LearnOptions.detail); `heads`: keep heads (LearnOptions.heads); `grouped`: programs keep groups (Programs.groups). */
  constructor(
    private readonly max: number,
    detail: boolean,
    heads = false,
    grouped = false,
  ) {
    this.programs = new Programs(detail, grouped);
    this.headKeys = heads ? new Map() : null;
  }

  /** Mark `life` a head when it is the first of its pid and there is room. */
  private markHead(life: Life): void {
    if (this.headKeys !== null && this.heads < MAX_HEADS && this.takeHeadKey(this.headKeys, life)) life.head = true;
  }

  /** A head read back from a state: its key is taken. */
  private keyHead(life: Life): void {
    if (life.head && this.headKeys !== null) this.takeHeadKey(this.headKeys, life);
  }

  /** Take `life`'s machine and pid among the heads' keys; false when a head had them already. */
  private takeHeadKey(keys: Map<string | null, Set<number>>, life: Life): boolean {
    let pids = keys.get(life.host);
    if (!pids) keys.set(life.host, (pids = new Set()));
    if (pids.has(life.pid)) return false;
    pids.add(life.pid);
    this.heads++;
    return true;
  }

  private map(host: string | null): Map<number, Life> {
    if (host === this.lastHost && this.lastMap) return this.lastMap;
    let m = this.byHost.get(host);
    if (!m) this.byHost.set(host, (m = new Map<number, Life>()));
    this.lastHost = host;
    this.lastMap = m;
    return m;
  }

  /**
   * The open life of `pid` on `host` for a record of audit time `time` (NaN:
   * none), opened if there is none. A record more than a second older than the
   * life's latest cannot be the same process's (the same log read again, past
   * what the record window remembers): the life is ended and a new one opened.
   */
  get(host: string | null, pid: number, time: number, serial = -1): Life {
    const m = this.map(host);
    let life = m.get(pid);
    if (life && time < life.lastTime - 1) {
      this.end(life);
      life = undefined;
    }
    if (!life && serial >= 0 && this.gone.size > 0) {
      // a record older than the one that ended its pid's last life (printed late, or the copy of journald's
      // other transport in a later part) is that life's: it opens no new process
      const g = this.gone.get(host)?.get(pid);
      if (g !== undefined && serial < g.endSerial && g.endSerial - serial <= LATE_SPAN && !(time > g.lastTime + 1)) return g.head ?? pieceOf(host, pid, g);
    }
    if (!life) {
      life = new Life(host, pid);
      life.firstTime = time;
      this.markHead(life);
      m.set(pid, life);
      this.order.add(life);
      if (this.order.size > this.max) this.evictOldest();
    }
    if (!Number.isNaN(time) && !(time <= life.lastTime)) life.lastTime = time;
    return life;
  }

  /** The life has ended (exit_group, KILL_PROCESS, or let go): it is retired into its program (a head: kept in `ended`), and its pid may be reused. */
  end(life: Life): void {
    if (life.head) this.ended.push(life);
    else this.programs.retire(life);
    this.map(life.host).delete(life.pid);
    this.order.delete(life);
  }

  /**
   * The life has ended by its own last call, the record of audit serial
   * `serial` (-1: none): as end(), and its records read after it that are
   * older (get()) are still its own (Life.endSerial set).
   */
  exit(life: Life, serial: number): void {
    this.end(life);
    if (serial < 0) return;
    life.endSerial = serial;
    let g = this.gone.get(life.host);
    if (!g) this.gone.set(life.host, (g = new Map<number, Gone>()));
    g.delete(life.pid);
    // a head is kept whole (in `ended`): its late records join it; of another life, what its piece needs
    const { matched, lastComm, lastExe, lastTime, runtime, notRuntime } = life;
    g.set(life.pid, { head: life.head ? life : null, endSerial: serial, lastTime, matched, lastComm, lastExe, labels: life.labels && [...life.labels], runtime, notRuntime });
    if (g.size > MAX_GONE) g.delete(g.keys().next().value!);
  }

  private evictOldest(): void {
    const oldest = this.order.values().next().value!;
    this.evicted++;
    this.end(oldest);
  }

  /** Processes being followed now. */
  get size(): number {
    return this.order.size;
  }

  /** Every open life ends, oldest first, after the heads that ended (the end of the input): all are retired into their programs. */
  endAll(): void {
    const { open, ended } = this.takeAll();
    for (const life of ended) this.programs.retire(life);
    for (const life of open) this.programs.retire(life);
  }

  /** The open lives (oldest first) and the heads that ended, taken out (none is retired): the lives are empty after. */
  takeAll(): { open: Life[]; ended: Life[] } {
    const open = [...this.order];
    const ended = this.ended;
    this.ended = [];
    this.order.clear();
    this.byHost.clear();
    this.gone.clear();
    this.headKeys?.clear();
    this.heads = 0;
    this.lastHost = undefined;
    this.lastMap = undefined;
    return { open, ended };
  }

  /**
   * The newest call of each program (the first record of the call first seen
   * last), counting the selected lives still open as the program they will be
   * retired into: by program key, with its name. Programs with no timed call
   * are left out. O(programs + open lives).
   */
  newest(): Map<string, ProgramNewest> {
    const out = new Map<string, ProgramNewest>();
    const take = (key: string, name: string, f: FirstSeen) => {
      const n = f.newest();
      if (n === null) return;
      const had = out.get(key);
      if (!had) out.set(key, { name, newest: n, last: f.last });
      else {
        if (n.time > had.newest.time) had.newest = n;
        if (f.last > had.last) had.last = f.last;
      }
    };
    for (const [key, p] of this.programs.entries()) take(key, p.name, p.firstSeen);
    for (const life of [...this.ended, ...this.order]) {
      if (!life.matched) continue;
      const { key, name } = programOfLife(life);
      take(key, name, life.firstSeen);
    }
    return out;
  }

  /** The selected processes still open, and the heads that ended: the executable each last ran and its calls so far (not yet in `programs`). */
  *open(): Iterable<{ readonly exe: string | null; readonly calls: Calls }> {
    for (const life of this.ended) if (life.matched) yield { exe: life.lastExe, calls: life.calls };
    for (const life of this.order) if (life.matched) yield { exe: life.lastExe, calls: life.calls };
  }

  /** The open lives, oldest first, as a state saves them (LearnState.lives; the count let go is LearnState.totals.evicted). */
  save(): LifeJSON[] {
    return [...this.order].map(saveLife);
  }

  /** Put lives back (Learner.joinParts, keeping a merge's processes for its state): `open` as open lives, `ended` as heads that ended. */
  restore(open: readonly Life[], ended: readonly Life[]): void {
    for (const life of ended) {
      this.keyHead(life);
      this.ended.push(life);
    }
    for (const life of open) {
      this.keyHead(life);
      this.map(life.host).set(life.pid, life);
      this.order.add(life);
    }
  }

  /** The heads that ended, as a state saves them (LearnState.heads), in the order they ended. */
  saveEnded(): LifeJSON[] {
    return this.ended.map(saveLife);
  }

  /** Take saved heads that ended in, after those held; throws a SeccompLearnError 'state-invalid' as load() does. */
  loadEnded(saved: readonly LifeJSON[]): void {
    for (const j of saved) {
      const life = loadLife(j);
      this.keyHead(life);
      this.ended.push(life);
    }
  }

  /**
   * Take saved lives in, as the newest, in their order, and add `evicted` to
   * the count let go; throws a SeccompLearnError 'state-invalid' for an architecture or a runtime this
   * version does not know.
   */
  load(saved: readonly LifeJSON[], evicted: number): void {
    const lives = saved.map(loadLife);
    this.evicted += evicted;
    for (const life of lives) {
      this.keyHead(life);
      this.map(life.host).set(life.pid, life);
      this.order.add(life);
    }
  }
}

// One open process as a state saves it: what Life holds, but its caches.
/** @internal */
export interface LifeJSON {
  host: string | null;
  pid: number;
  matched: boolean;
  before: number;
  calls: CallsJSON;
  unnamed: string[];
  lastComm: string | null;
  lastExe: string | null;
  lastTime: number | null;
  runtime: { comm: string; abi: string; added: boolean } | null;
  detail: DetailJSON | null;
  firstSeen: FirstSeenJSON;
  /** The first life of its pid in the state's input (see Lives). */
  head: boolean;
  firstTime: number | null;
  /** A head not selected yet: what it would have counted, selected. */
  pending: { noArch: Counted; denied: Denied[] } | null;
  /** The comm and exe values it logged (null: too many to keep; see Life.labels). */
  labels: string[] | null;
  ownUsed: number;
  own: { noArch: Counted; denied: Denied[] } | null;
  /** What its first records counted, a head's among the state's first records (see learn/receipts.ts). */
  receipts: ReceiptJSON[];
  /** The highest audit serial among its records counted (-1: none). */
  maxSerial: number;
}

function saveLife(life: Life): LifeJSON {
  return {
    host: life.host,
    pid: life.pid,
    matched: life.matched,
    before: life.before,
    calls: saveCalls(life.calls),
    unnamed: [...life.unnamed].sort(),
    lastComm: life.lastComm,
    lastExe: life.lastExe,
    lastTime: Number.isNaN(life.lastTime) ? null : life.lastTime,
    runtime: life.runtime && { comm: life.runtime.base.comm, abi: life.runtime.abi.name, added: life.runtime.added },
    detail: saveDetail(life.detail),
    firstSeen: life.firstSeen.save(),
    head: life.head,
    firstTime: Number.isNaN(life.firstTime) ? null : life.firstTime,
    pending: life.pending && { noArch: life.pending.noArch, denied: saveDenied(life.pending.denied) },
    labels: life.labels && [...life.labels].sort(),
    ownUsed: life.ownUsed,
    own: life.own && { noArch: life.own.noArch, denied: saveDenied(life.own.denied) },
    receipts: saveReceipts(life.receipts ?? []),
    maxSerial: life.maxSerial,
  };
}

function loadLife(j: LifeJSON): Life {
  const life = new Life(j.host, j.pid);
  life.matched = j.matched;
  life.before = j.before;
  loadCalls(life.calls, j.calls);
  for (const u of j.unnamed) life.unnamed.add(u);
  life.lastComm = j.lastComm;
  life.lastExe = j.lastExe;
  life.lastTime = j.lastTime ?? NaN;
  if (j.runtime) life.runtime = { base: runtimeBaseNamed(j.runtime.comm), abi: archNamed(j.runtime.abi, 'lives'), added: j.runtime.added };
  life.detail = loadDetail(j.detail);
  life.firstSeen.load(j.firstSeen);
  life.head = j.head;
  life.firstTime = j.firstTime ?? NaN;
  life.pending = loadPending(j.pending);
  life.labels = j.labels && new Set(j.labels);
  life.ownUsed = j.ownUsed;
  life.own = loadPending(j.own);
  life.maxSerial = j.maxSerial;
  if (j.receipts.length > 0) life.receipts = loadReceipts(j.receipts);
  return life;
}

function loadPending(j: { noArch: Counted; denied: Denied[] } | null): Pending | null {
  if (!j) return null;
  const denied = new Map<string, Denied>();
  loadDenied(denied, j.denied);
  return { noArch: { count: j.noArch.count, examples: j.noArch.examples.map((x) => ({ ...x })) }, denied };
}

/** `from` added into `into` (made when absent); the result. */
export function joinPending(into: Pending | null, from: Pending | null): Pending | null {
  if (!from) return into;
  if (!into) return loadPending({ noArch: from.noArch, denied: [...from.denied.values()] });
  mergeCounted(into.noArch, from.noArch);
  loadDenied(into.denied, [...from.denied.values()]);
  return into;
}

/**
 * `later`'s records added to `life`, as if they had come to it (one process
 * across two parts of a log): calls, names, times, counts; the comm and exe it
 * ran last are the later's when it logged any. What being selected changes is
 * the Learner's (Learner.joinParts).
 */
export function joinLife(life: Life, later: Life): void {
  for (const [abi, names] of later.calls) for (const n of names) addCall(life.calls, abi, n);
  for (const u of later.unnamed) life.unnamed.add(u);
  if (later.lastComm !== null) life.lastComm = later.lastComm;
  if (later.lastExe !== null) life.lastExe = later.lastExe;
  if (!Number.isNaN(later.lastTime) && !(later.lastTime <= life.lastTime)) life.lastTime = later.lastTime;
  if (later.maxSerial > life.maxSerial) life.maxSerial = later.maxSerial;
  if (later.detail) mergeDetail((life.detail ??= newDetail()), later.detail);
  life.firstSeen.merge(later.firstSeen);
  life.before += later.before;
  life.labels = life.labels && later.labels && new Set([...life.labels, ...later.labels]);
  if (life.labels && life.labels.size > MAX_LABELS) life.labels = null;
  life.ownUsed += later.ownUsed;
  life.own = joinPending(life.own, later.own);
  life.lastAbi = null;
  life.lastSet = undefined;
  life.notRuntime = undefined;
}

/** Comm and exe values a life keeps (Life.labels) at most: past that they are not kept, and a merge cannot select it. */
export const MAX_LABELS = 32;
/** Groups a state keeps apart at most (Programs.groups): past that, lives of a new set of labels are counted in `ungrouped`. */
export const MAX_GROUPS = 1 << 10;

/**
 * What the retired lives that logged one set of comm and exe values add when
 * selected (a learn --comm/--exe that names one of them selects them all, and
 * only such): the records used, their unnamed calls (processes), records
 * without arch=, denied calls, runtimes' inits, and the programs they make.
 */
export interface Group {
  labels: string[];
  used: number;
  unnamed: Map<string, number>;
  noArch: Counted;
  denied: Map<string, Denied>;
  runtimes: Map<RuntimeBase, Set<Arch>>;
  programs: Programs;
}

/** The key of a set of labels in Programs.groups. */
const groupKey = (labels: Iterable<string>): string => JSON.stringify([...labels].sort());

/** Programs made of retired lives, by executable (or comm when no exe was logged). */
export class Programs {
  /** By key: the exe's path, or `comm:NAME`. */
  private readonly byKey = new Map<string, Program>();
  /**
   * With `grouped` (a state of every process): what the retired lives add, by
   * the set of comm and exe values each logged, for a merge that selects
   * (mergeStates with a selection). Null otherwise.
   */
  readonly groups: Map<string, Group> | null;
  /** Lives retired (grouped) whose labels were not kept: too many (MAX_LABELS), or past MAX_GROUPS sets. */
  ungrouped = 0;

  /** `detail`: keep per-call counts (LearnOptions.detail); `grouped`: keep `groups`. */
  constructor(
    private readonly detail: boolean,
    grouped = false,
  ) {
    this.groups = grouped ? new Map() : null;
  }

  /** The group of `labels`, made if absent (null past MAX_GROUPS). */
  private group(labels: readonly string[]): Group | null {
    const key = groupKey(labels);
    let g = this.groups!.get(key);
    if (!g) {
      if (this.groups!.size >= MAX_GROUPS) return null;
      this.groups!.set(key, (g = { labels: [...labels].sort(), used: 0, unnamed: new Map(), noArch: { count: 0, examples: [] }, denied: new Map(), runtimes: new Map(), programs: new Programs(this.detail) }));
    }
    return g;
  }

  /** The groups as a state saves them (LearnState.groups), sorted by their labels. */
  saveGroups(): GroupJSON[] {
    if (!this.groups) return [];
    return [...this.groups]
      .sort((a, b) => byName(a[0], b[0]))
      .map(([, g]) => ({ labels: g.labels, used: g.used, unnamed: saveTallies(g.unnamed), noArch: g.noArch, denied: saveDenied(g.denied), runtimes: saveRuntimes(g.runtimes), programs: g.programs.save() }));
  }

  /** Add saved groups in (when grouped; else they are dropped); throws a SeccompLearnError 'state-invalid' as load() does. */
  loadGroups(saved: readonly GroupJSON[], ungrouped: number): void {
    if (!this.groups) return;
    this.ungrouped += ungrouped;
    for (const j of saved) {
      const g = this.group(j.labels);
      if (!g) {
        this.ungrouped++;
        continue;
      }
      g.used += j.used;
      loadTallies(g.unnamed, j.unnamed);
      mergeCounted(g.noArch, j.noArch);
      loadDenied(g.denied, j.denied);
      loadRuntimes(g.runtimes, j.runtimes);
      g.programs.load(j.programs);
    }
  }

  /** The program keyed `key`, made if absent. */
  private program(key: string, name: string, exe: string | null): Program {
    let p = this.byKey.get(key);
    if (!p) this.byKey.set(key, (p = { name, exe, comms: new Set(), calls: new Map(), detail: this.detail ? newDetail() : null, firstSeen: new FirstSeen() }));
    return p;
  }

  /** Add what a selected life did to its program. */
  retire(life: Life): void {
    if (!life.matched) return;
    const { key, name } = programOfLife(life);
    const p = this.program(key, name, life.lastExe);
    if (life.lastComm) p.comms.add(life.lastComm);
    if (p.detail && life.detail) mergeDetail(p.detail, life.detail);
    p.firstSeen.merge(life.firstSeen);
    for (const [abi, names] of life.calls) for (const n of names) addCall(p.calls, abi, n);
    if (this.groups) this.retireGrouped(life);
  }

  /** Add a selected life (learned among every process) to the group of its labels. */
  private retireGrouped(life: Life): void {
    const g = life.labels && this.group([...life.labels]);
    if (!g) {
      this.ungrouped++;
      return;
    }
    g.used += life.ownUsed;
    for (const u of life.unnamed) g.unnamed.set(u, (g.unnamed.get(u) ?? 0) + 1);
    if (life.own) {
      mergeCounted(g.noArch, life.own.noArch);
      loadDenied(g.denied, [...life.own.denied.values()]);
    }
    if (life.runtime?.added) {
      let set = g.runtimes.get(life.runtime.base);
      if (!set) g.runtimes.set(life.runtime.base, (set = new Set()));
      set.add(life.runtime.abi);
    }
    g.programs.retire(life);
  }

  /** Every program with its key, in the order they were first retired. */
  entries(): IterableIterator<[string, Program]> {
    return this.byKey.entries();
  }

  /** Every program, in the order they were first retired. */
  list(): Program[] {
    return [...this.byKey.values()];
  }

  /** The programs as a state saves them (LearnState.programs), sorted by key. */
  save(): ProgramJSON[] {
    return [...this.byKey]
      .map(([key, p]) => ({ key, name: p.name, exe: p.exe, comms: [...p.comms].sort(), calls: saveCalls(p.calls), detail: saveDetail(p.detail), firstSeen: p.firstSeen.save() }))
      .sort((a, b) => byName(a.key, b.key));
  }

  /** Add saved programs in (a state read on, or merged); throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
  load(saved: readonly ProgramJSON[]): void {
    for (const j of saved) {
      const into = this.program(j.key, j.name, j.exe);
      for (const c of j.comms) into.comms.add(c);
      loadCalls(into.calls, j.calls);
      const d = loadDetail(j.detail);
      if (d && into.detail) mergeDetail(into.detail, d);
      into.firstSeen.load(j.firstSeen);
    }
  }
}

// A group as a state saves it (see Group).
/** @internal */
export interface GroupJSON {
  labels: string[];
  used: number;
  unnamed: Record<string, number>;
  noArch: Counted;
  denied: Denied[];
  runtimes: RuntimeJSON[];
  programs: ProgramJSON[];
}

// A program as a state saves it, with its key (see Programs).
/** @internal */
export interface ProgramJSON {
  key: string;
  name: string;
  exe: string | null;
  comms: string[];
  calls: CallsJSON;
  detail: DetailJSON | null;
  firstSeen: FirstSeenJSON;
}
