// Selection, per-process aggregation, duplicate and loss accounting.
//
// A "life" is one process: the records of one pid from its first record to its
// exit_group (or its KILL_PROCESS). Everything a selected process did counts,
// whatever comm its threads had: the OCI runtime's init (`runc:[2:INIT]`, same
// pid, before it execs the workload) and threads that renamed themselves. A pid
// reused by an unrelated later process starts a new life and is not mixed in.
import { isEvent, parseBytes, recordKey, type Action, type AuditMark, type LossNotice, type SeccompEvent, type Skip, type SkipCode } from './event.js';
import type { LineSink } from './source.js';
import type { LossReason } from './record.js';
import { buildProfile, type BuildOptions, type Profile } from './profile.js';
import type { Arch } from './syscalls/index.js';
import { ForgeryCheck, type Suspicion } from './trust.js';
import { runtimeBaseOf, type RuntimeBase } from './runtime.js';
import { PerSource } from './per-source.js';

/** The kernel keeps 15 bytes of a thread's name (TASK_COMM_LEN 16, with the NUL). */
export const COMM_MAX_BYTES = 15;

export interface Selection {
  comms: readonly string[];
  exes: readonly string[];
  pids: readonly number[];
}

export interface LearnOptions {
  selection?: Selection;
  /** Learn records whose envelope does not say the kernel wrote them. */
  trustAnySource?: boolean;
  /** Keep per-call counts, times and pids for each program (for `report`). */
  detail?: boolean;
  /** Leave out what an OCI runtime's init can do after loading the filter (see runtime.ts). */
  noRuntimeBase?: boolean;
  /** Called when a syscall enters the profile for the first time on an ABI. */
  onLearn?: (event: SeccompEvent, name: string, abi: Arch) => void;
}

/** Cut a --comm value to what the kernel can log: its first 15 bytes (never half a UTF-8 character). */
export function truncateComm(comm: string): string {
  const bytes = Buffer.from(comm, 'utf8');
  if (bytes.length <= COMM_MAX_BYTES) return comm;
  let end = COMM_MAX_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

type Calls = Map<Arch, Set<string>>;

function addCall(calls: Calls, abi: Arch, name: string): boolean {
  let set = calls.get(abi);
  if (!set) calls.set(abi, (set = new Set()));
  if (set.has(name)) return false;
  set.add(name);
  return true;
}

class Life {
  matched = false;
  /** Records seen before the process matched the selection. */
  before = 0;
  readonly calls: Calls = new Map();
  /** `abi:nr` of calls whose number has no name. */
  readonly unnamed = new Set<string>();
  lastComm: string | null = null;
  lastExe: string | null = null;
  /** The OCI runtime's init, when this process began as one. */
  runtime: { base: RuntimeBase; abi: Arch; added: boolean } | null = null;
  /** Per-call counts, kept only for `report` (LearnOptions.detail). */
  detail: Detail | null = null;
  /** The ABI of the last call and its set in `calls`. */
  lastAbi: Arch | null = null;
  lastSet: Set<string> | undefined = undefined;
  /** The last comm found not to be an OCI runtime's init. */
  notRuntime: string | null | undefined = undefined;
  constructor(readonly pid: number) {}
}

/** What `report` shows of a process: each call with its count and action, when it ran, which pids. */
export interface Detail {
  comms: Set<string>;
  pids: Set<number>;
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

function newDetail(): Detail {
  return { comms: new Set(), pids: new Set(), first: null, last: null, calls: new Map() };
}

function addDetail(d: Detail, e: SeccompEvent): void {
  if (e.comm !== null) d.comms.add(e.comm);
  d.pids.add(e.pid);
  if (e.time !== null) {
    if (d.first === null || e.time < d.first) d.first = e.time;
    if (d.last === null || e.time > d.last) d.last = e.time;
  }
  const key = `${e.arch?.name} ${e.nr} ${e.action}`;
  const c = d.calls.get(key);
  if (c) c.count++;
  else d.calls.set(key, { abi: e.arch, nr: e.nr, name: e.syscall, action: e.action, sig: e.sig, count: 1, file: e.file, line: e.line });
}

function mergeDetail(into: Detail, from: Detail): void {
  for (const c of from.comms) into.comms.add(c);
  for (const p of from.pids) into.pids.add(p);
  if (from.first !== null && (into.first === null || from.first < into.first)) into.first = from.first;
  if (from.last !== null && (into.last === null || from.last > into.last)) into.last = from.last;
  for (const [k, c] of from.calls) {
    const have = into.calls.get(k);
    if (have) have.count += c.count;
    else into.calls.set(k, { ...c });
  }
}

const SUSPICIONS: Readonly<Record<Suspicion, string>> = {
  'no-printk-stamp': 'no printk stamp, where the kernel\'s lines of this file have one',
  'printk-backwards': 'its printk stamp goes backwards while the audit serial goes on',
  'serial-behind': 'its audit serial is far behind the serials already read from this file',
};

/** Serial gaps of one source: up to `missing` records were not seen. */
export interface Gap {
  gaps: number;
  missing: number;
  from: number | null;
  to: number | null;
  first: Example;
}

export interface Example {
  file: string;
  line: number;
  message: string;
}

export interface Counted {
  count: number;
  examples: Example[];
}

export type SkipReason = SkipCode | 'line-too-long';

const MAX_EXAMPLES = 3;
/** A serial this far below the last one starts the count again (a reboot, another log). */
const SERIAL_RESET = 5000;
/**
 * How far apart (in serials) two reads of one record may be and still be known
 * as one: the same record in syslog and audit.log, or in journald's two
 * transports. Past that, a record is counted twice (the profile is the same).
 */
const DEDUP_WINDOW = 1 << 18;
/**
 * Processes tracked at once. Past that the oldest is let go (retired first if it
 * was selected: its calls are kept), so memory stays bounded on a busy host
 * whose processes never log exit_group.
 */
const MAX_LIVES = 1 << 16;

/**
 * The same record read from two sources (syslog and audit.log, journald's two
 * transports) is one record: `TIME:SERIAL` identifies it. Remembers one record
 * per serial modulo DEDUP_WINDOW, so memory stays bounded on an endless stream.
 */
export class RecordWindow {
  // Direct-mapped on the serial (serials of nearby records are nearby numbers):
  // slot = serial mod DEDUP_WINDOW holds that record's serial + 1 (0: empty), the
  // low 32 bits of its time in milliseconds, and a hash of its content. No
  // allocation, no hashing of strings, a fixed size (3 MiB).
  private readonly serials = new Uint32Array(DEDUP_WINDOW);
  private readonly times = new Uint32Array(DEDUP_WINDOW);
  private readonly sigs = new Uint32Array(DEDUP_WINDOW);

  /**
   * 'new' the first time a record is seen; 'duplicate' when seen with the same
   * content; 'conflict' otherwise. Content is pid, syscall number and ABI: a
   * forged twin that claims another call or another process is a conflict.
   */
  check(e: SeccompEvent): 'new' | 'duplicate' | 'conflict' {
    if (e.serial === null || e.time === null || e.serial < 0 || e.serial >= 0xffffffff) return 'new';
    const sig = (Math.imul(e.pid, 0x9e3779b1) ^ Math.imul(e.nr + 1, 0x85ebca6b) ^ (e.arch ? e.arch.audit + e.arch.base : 0)) >>> 0;
    const ms = Math.round(e.time * 1000) >>> 0;
    const i = e.serial % DEDUP_WINDOW;
    if (this.serials[i] === e.serial + 1 && this.times[i] === ms) return this.sigs[i] === sig ? 'duplicate' : 'conflict';
    this.serials[i] = e.serial + 1;
    this.times[i] = ms;
    this.sigs[i] = sig;
    return 'new';
  }
}

export interface Group {
  /** What the group is named after: the exe's basename, or the comm. */
  name: string;
  exe: string | null;
  comms: Set<string>;
  calls: Calls;
  /** With LearnOptions.detail. */
  detail: Detail | null;
}

export class Learner implements LineSink {
  readonly selection: Selection;
  private readonly comms: Set<string>;
  private readonly exes: Set<string>;
  private readonly pids: Set<number>;
  private readonly selectAll: boolean;

  lines = 0;
  /** Seccomp records read (before selection), duplicates not counted. */
  records = 0;
  /** Records of the selected processes that went into the profile. */
  used = 0;
  duplicates = 0;
  /** Same `TIME:SERIAL` as an earlier record, different content. */
  conflicts: Counted = { count: 0, examples: [] };
  untrusted: Counted = { count: 0, examples: [] };
  /** Records whose envelope claims the kernel, but which the kernel's own lines around them contradict. */
  readonly suspicious = new Map<Suspicion, Counted>();
  readonly skipped = new Map<SkipReason, Counted>();
  readonly loss = new Map<LossReason, { notices: number; count: number; first: Example }>();
  /** Calls of selected processes whose number has no name, by `abi nr`. */
  readonly unnamed = new Map<string, number>();
  /** Calls of selected processes that a profile already in force denied (action other than LOG). */
  readonly denied = new Map<string, { action: Action; count: number }>();
  /** Records without arch= (kernels before 3.16): their number cannot be named. */
  noArch = 0;
  // a counter per comm/exe label; the label's strings are shared (decoded once),
  // so the check against the last one is a pointer compare
  private readonly seenCounts = new Map<string, { n: number }>();
  private seenLabel: string | null = null;
  private seenCounter = { n: 0 };

  /** comm/exe values seen, with their record counts, for the "nothing matched" message. */
  get seen(): Map<string, number> {
    return new Map([...this.seenCounts].map(([k, c]) => [k, c.n]));
  }

  /** OCI runtimes whose init was seen in a selected process, with the ABI it ran on. */
  readonly runtimes = new Map<RuntimeBase, Set<Arch>>();
  /** Serial gaps per source. */
  readonly gaps = new Map<string, Gap>();
  private readonly serials = new PerSource<{ last: number; time: number | null; gap: Gap | null }>();

  /** The union of what every selected process did, by ABI. */
  readonly union: Calls = new Map();
  private readonly lives = new Map<number, Life>();
  private readonly groups = new Map<string, Group>();
  private readonly window = new RecordWindow();
  private readonly forgery = new ForgeryCheck();

  constructor(private readonly opts: LearnOptions = {}) {
    this.selection = opts.selection ?? { comms: [], exes: [], pids: [] };
    this.comms = new Set(this.selection.comms.map(truncateComm));
    this.exes = new Set(this.selection.exes);
    this.pids = new Set(this.selection.pids);
    this.selectAll = this.comms.size === 0 && this.exes.size === 0 && this.pids.size === 0;
  }

  // ---- LineSink ----
  line(buf: Buffer, start: number, end: number, source: string, lineNo: number): void {
    this.lines++;
    const r = parseBytes(buf, start, end, source, lineNo);
    if (r === null) return;
    if (isEvent(r)) this.event(r);
    else if (r.kind === 'skip') this.skip(r, source, lineNo);
    else if (r.kind === 'mark') this.mark(r, source, lineNo);
    else this.lossNotice(r, source, lineNo, buf.toString('utf8', start, end));
  }

  /** One line of text (a convenience for callers with strings). */
  lineText(text: string, source: string, lineNo: number): void {
    const b = Buffer.from(text, 'utf8');
    this.line(b, 0, b.length, source, lineNo);
  }

  passed(count: number): void {
    this.lines += count;
  }

  overlong(source: string, lineNo: number, bytes: number): void {
    this.lines++;
    this.count(this.skipped, 'line-too-long', { file: source, line: lineNo, message: `a line of ${bytes} bytes, longer than the cap` });
  }

  private skip(s: Skip, file: string, line: number): void {
    this.count(this.skipped, s.code, { file, line, message: s.message });
  }

  private count<K>(map: Map<K, Counted>, key: K, ex: Example): void {
    let c = map.get(key);
    if (!c) map.set(key, (c = { count: 0, examples: [] }));
    c.count++;
    if (c.examples.length < MAX_EXAMPLES) c.examples.push(ex);
  }

  private mark(m: AuditMark, file: string, line: number): void {
    if (m.trusted) this.serial(file, m.host, line, m.serial, m.time);
  }

  /**
   * Serials count every audit record the kernel emits, one source at a time: a
   * jump forward means records this source never showed (an upper bound: the
   * kernel also skips serials for records it never prints). A small step back is
   * a record printed out of order; a large one, a reboot or another log.
   */
  private serial(file: string, host: string | null, line: number, serial: number, time: number | null): void {
    const s = this.serials.get(file, host);
    if (!s) {
      this.serials.set(file, host, { last: serial, time, gap: null });
      return;
    }
    if (serial > s.last + 1) {
      const missing = serial - s.last - 1;
      let g = s.gap;
      if (!g) {
        g = s.gap = { gaps: 0, missing: 0, from: s.time, to: time, first: { file, line, message: `serial ${s.last} then ${serial}` } };
        this.gaps.set(PerSource.label(file, host), g);
      }
      g.gaps++;
      g.missing += missing;
      if (time !== null) g.to = time;
    }
    if (serial > s.last || s.last - serial > SERIAL_RESET) {
      s.last = serial;
      s.time = time;
    }
  }

  /** Whether records may be missing: loss notices or serial gaps. */
  get possibleLoss(): boolean {
    return this.loss.size > 0 || this.gaps.size > 0;
  }

  private lossNotice(n: LossNotice, file: string, line: number, text: string): void {
    const l = this.loss.get(n.reason);
    if (l) {
      l.notices++;
      l.count += n.count ?? 0;
    } else {
      this.loss.set(n.reason, { notices: 1, count: n.count ?? 0, first: { file, line, message: text } });
    }
  }

  /** One parsed record. */
  event(e: SeccompEvent): void {
    const suspicion = this.opts.trustAnySource ? null : this.forgery.check(e);
    if (suspicion !== null) {
      this.count(this.suspicious, suspicion, { file: e.file, line: e.line, message: SUSPICIONS[suspicion] });
      return;
    }
    // every source's serials, duplicates included: each source has its own gaps
    if (e.trusted && e.serial !== null) this.serial(e.file, e.host, e.line, e.serial, e.time);
    const seen = this.window.check(e);
    if (seen === 'duplicate') {
      this.duplicates++;
      return;
    }
    if (seen === 'conflict') {
      this.conflicts.count++;
      if (this.conflicts.examples.length < MAX_EXAMPLES) this.conflicts.examples.push({ file: e.file, line: e.line, message: `audit(${recordKey(e)}) was already read with other content` });
      return;
    }
    this.records++;
    if (!e.trusted && !this.opts.trustAnySource) {
      this.untrusted.count++;
      if (this.untrusted.examples.length < MAX_EXAMPLES) this.untrusted.examples.push({ file: e.file, line: e.line, message: `a ${e.format} line not written by the kernel` });
      return;
    }
    const label = e.comm ?? e.exe ?? '(null)';
    if (label !== this.seenLabel) {
      let c = this.seenCounts.get(label);
      if (!c) this.seenCounts.set(label, (c = { n: 0 }));
      this.seenLabel = label;
      this.seenCounter = c;
    }
    this.seenCounter.n++;

    let life = this.lives.get(e.pid);
    if (!life) {
      life = new Life(e.pid);
      this.lives.set(e.pid, life);
      if (this.lives.size > MAX_LIVES) this.evictOldest();
    }
    if (this.opts.detail) addDetail((life.detail ??= newDetail()), e);
    if (e.comm !== null) life.lastComm = e.comm;
    if (e.exe !== null && e.exe !== '/') life.lastExe = e.exe;
    if (!life.matched && this.matches(e)) {
      life.matched = true;
      for (const [abi, names] of life.calls) for (const n of names) this.learn(e, abi, n);
      for (const u of life.unnamed) this.unnamed.set(u, (this.unnamed.get(u) ?? 0) + 1);
      this.used += life.before;
    }
    const abi = e.arch;
    if (abi === null) {
      if (life.matched) this.noArch++;
    } else if (e.syscall === null) {
      const key = `${abi.name} ${e.nr}`;
      if (!life.unnamed.has(key)) {
        life.unnamed.add(key);
        if (life.matched) this.unnamed.set(key, (this.unnamed.get(key) ?? 0) + 1);
      }
    } else {
      // the set of the ABI used last: one process stays on one ABI
      let set = life.lastAbi === abi ? life.lastSet : undefined;
      if (set === undefined) {
        set = life.calls.get(abi);
        if (!set) life.calls.set(abi, (set = new Set()));
        life.lastAbi = abi;
        life.lastSet = set;
      }
      if (!set.has(e.syscall)) {
        set.add(e.syscall);
        if (life.matched) this.learn(e, abi, e.syscall);
      }
    }
    // is this comm an OCI runtime's init? asked again only when the comm changes
    if (abi && life.runtime === null && e.comm !== life.notRuntime) {
      const base = runtimeBaseOf(e.comm);
      if (base) life.runtime = { base, abi, added: false };
      else life.notRuntime = e.comm;
    }
    if (life.matched && life.runtime && !life.runtime.added) {
      life.runtime.added = true;
      if (!this.opts.noRuntimeBase) for (const n of life.runtime.base.names) addCall(life.calls, life.runtime.abi, n);
      this.addRuntime(e, life.runtime.base, life.runtime.abi);
    }
    if (!life.matched) life.before++;
    else {
      this.used++;
      if (e.action !== null && e.action !== 'LOG' && e.action !== 'ALLOW' && e.syscall !== null) {
        const k = `${e.comm ?? e.exe} ${e.syscall}`;
        const d = this.denied.get(k);
        if (d) d.count++;
        else this.denied.set(k, { action: e.action, count: 1 });
      }
    }
    // the end of a process: its pid may be reused by an unrelated one
    if (e.syscall === 'exit_group' || e.action === 'KILL_PROCESS') {
      this.retire(life);
      this.lives.delete(e.pid);
    }
  }

  private matches(e: SeccompEvent): boolean {
    if (this.selectAll) return true;
    return (e.comm !== null && this.comms.has(e.comm)) || (e.exe !== null && this.exes.has(e.exe)) || this.pids.has(e.pid);
  }

  private addRuntime(e: SeccompEvent, base: RuntimeBase, abi: Arch): void {
    if (this.opts.noRuntimeBase) return;
    let set = this.runtimes.get(base);
    if (!set) this.runtimes.set(base, (set = new Set()));
    if (set.has(abi)) return;
    set.add(abi);
    for (const n of base.names) this.learn(e, abi, n);
  }

  private learn(e: SeccompEvent, abi: Arch, name: string): void {
    if (addCall(this.union, abi, name)) this.opts.onLearn?.(e, name, abi);
  }

  /** The first life in the map is the oldest; it is never the one just added. */
  private evictOldest(): void {
    const [pid, life] = this.lives.entries().next().value!;
    this.retire(life);
    this.lives.delete(pid);
  }

  /** Processes being tracked now. */
  get tracked(): number {
    return this.lives.size;
  }

  private retire(life: Life): void {
    if (!life.matched) return;
    const name = life.lastExe ? (life.lastExe.split('/').pop() || life.lastExe) : (life.lastComm ?? `pid-${life.pid}`);
    const key = life.lastExe ?? `comm:${life.lastComm}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { name, exe: life.lastExe, comms: new Set(), calls: new Map(), detail: this.opts.detail ? newDetail() : null }));
    if (life.lastComm) g.comms.add(life.lastComm);
    if (g.detail && life.detail) mergeDetail(g.detail, life.detail);
    for (const [abi, names] of life.calls) for (const n of names) addCall(g.calls, abi, n);
  }

  /** Ends every process still alive; call once, at the end of input. */
  finish(): void {
    for (const life of this.lives.values()) this.retire(life);
    this.lives.clear();
  }

  /** The learned names, by ABI, sorted. */
  names(): string[] {
    const all = new Set<string>();
    for (const set of this.union.values()) for (const n of set) all.add(n);
    return [...all].sort();
  }

  profile(opts: BuildOptions = {}): Profile {
    return buildProfile(this.names(), this.union.keys(), opts);
  }

  /** One group per program (after finish()), for --out-dir. */
  programs(): Group[] {
    return [...this.groups.values()];
  }

  get skippedTotal(): number {
    let n = 0;
    for (const c of this.skipped.values()) n += c.count;
    return n;
  }
}
