// LineResults in a compact form, for a worker thread to send what it parsed to
// the thread that learns: numbers in typed arrays (transferred, not copied, and
// sent back to be written again) and each string once (comm, exe, host,
// messages are few and repeat). Sending objects would cost a structured clone
// per record (bench: more than parsing them).
//
// One item per line that gave something: INTS 32-bit slots (the kind, the line
// in its range, small numbers, indexes) and FLOATS 64-bit ones (times, serials,
// ids up to 2^32). A null integer travels as NULL, a null float as NaN; strings
// as their index in the range's table (NULL: null), which starts empty with each
// range (Encoder.startRange), so that neither side keeps a string longer than
// the range it came in (a program naming its threads pool-1-thread-N would
// otherwise grow both tables with the input); formats, actions and the like as
// their index in the lists below.
import type { Action, LineResult, SeccompEvent, SkipCode } from './event.js';
import { LOG_FORMATS, type LogFormat } from './envelope.js';
import type { LossReason } from './record.js';
import { ARCHES, type Arch } from '../syscalls/index.js';

export const INTS = 12;
// numbers the input decides (pid, tag pid, sig, ...) go as doubles: any of them can be past 32 bits in a hostile line
export const FLOATS = 11;
const NULL = -0x80000000;

export const enum Kind {
  Seccomp = 1,
  Skip = 2,
  Loss = 3,
  Mark = 4,
  Overlong = 5,
}

const ACTIONS: readonly Action[] = ['KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'ERRNO', 'USER_NOTIF', 'TRACE', 'LOG', 'ALLOW'];
const SKIPS: readonly SkipCode[] = ['bad-number', 'missing-field', 'incomplete', 'unknown-arch', 'malformed', 'bad-json'];
const LOSSES: readonly LossReason[] = ['printk-suppressed', 'backlog', 'lost', 'rate-limit', 'hold-queue', 'journald-suppressed', 'kmsg-overrun'];
const FORMATS = LOG_FORMATS.map((f) => f.name);
const formatIndex = new Map(FORMATS.map((f, i) => [f, i]));
const actionIndex = new Map(ACTIONS.map((a, i) => [a, i]));
const archIndex = new Map(ARCHES.map((a, i) => [a, i]));

/** One batch of items as it crosses threads. */
export interface Batch {
  ints: Int32Array;
  floats: Float64Array;
  count: number;
  /** Strings first used in this batch, in the order of their indexes (after those of the range's earlier batches). */
  strings: string[];
}

const num = (v: number | null) => (v === null ? NaN : v);
const numOrNull = (v: number) => (Number.isNaN(v) ? null : v);

/** A string's slot in the last-string cache of Encoder.str: consecutive records share their comm, exe, call and host. */
const enum S {
  comm,
  exe,
  syscall,
  host,
  other,
}

/**
 * Writes items; the worker's side. Strings are numbered across batches. The
 * arrays of batches already read come back (recycle) and are written again:
 * a fixed set of arrays goes round, instead of new ones waiting for a GC (bench:
 * peak RSS).
 */
export class Encoder {
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];
  private ints: Int32Array;
  private floats: Float64Array;
  private count = 0;
  private readonly free: Array<[Int32Array, Float64Array]> = [];
  private readonly lastString: Array<string | null> = [null, null, null, null, null];
  private readonly lastId: number[] = [NULL, NULL, NULL, NULL, NULL];

  constructor(private readonly capacity = 1024) {
    this.ints = new Int32Array(capacity * INTS);
    this.floats = new Float64Array(capacity * FLOATS);
  }

  /** A new range begins (no item waits to be taken): its strings are numbered from 0 again. */
  startRange(): void {
    this.ids.clear();
    this.fresh = [];
    this.lastString.fill(null);
    this.lastId.fill(NULL);
  }

  /** The arrays of a batch that has been read, to write again. */
  recycle(ints: Int32Array, floats: Float64Array): void {
    if (ints.length === this.capacity * INTS && floats.length === this.capacity * FLOATS) this.free.push([ints, floats]);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  get length(): number {
    return this.count;
  }

  private str(slot: S, s: string | null): number {
    if (s === null) return NULL;
    if (s === this.lastString[slot]) return this.lastId[slot];
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.fresh.push(s);
    }
    this.lastString[slot] = s;
    return (this.lastId[slot] = id);
  }

  /** A LineResult of line `line`; `head`: what headFor kept of the line. */
  add(r: NonNullable<LineResult>, line: number, head: string | null): void {
    const i = this.count * INTS;
    const f = this.count * FLOATS;
    this.count++;
    const n = this.ints;
    const d = this.floats;
    n[i + 1] = line;
    switch (r.kind) {
      case 'seccomp':
        n[i] = Kind.Seccomp;
        n[i + 2] = formatIndex.get(r.format)!;
        n[i + 3] = r.trusted ? 1 : 0;
        d[f + 6] = r.pid;
        n[i + 5] = this.str(S.comm, r.comm);
        n[i + 6] = this.str(S.exe, r.exe);
        n[i + 7] = r.arch === null ? NULL : archIndex.get(r.arch)!;
        n[i + 8] = this.str(S.syscall, r.syscall);
        n[i + 9] = r.action === null ? NULL : actionIndex.get(r.action)!;
        n[i + 10] = this.str(S.host, r.host);
        n[i + 11] = this.str(S.other, head);
        d[f + 7] = num(r.tagPid);
        d[f + 8] = num(r.compat);
        d[f + 9] = num(r.sig);
        d[f + 10] = num(r.logSecond);
        d[f] = num(r.time);
        d[f + 1] = num(r.serial);
        d[f + 2] = num(r.uid);
        d[f + 3] = num(r.auid);
        d[f + 4] = r.nr;
        d[f + 5] = num(r.printk);
        return;
      case 'skip':
        n[i] = Kind.Skip;
        n[i + 2] = SKIPS.indexOf(r.code);
        n[i + 3] = this.str(S.other, r.message);
        return;
      case 'loss':
        n[i] = Kind.Loss;
        n[i + 2] = LOSSES.indexOf(r.reason);
        n[i + 3] = r.trusted ? 1 : 0;
        n[i + 4] = this.str(S.other, head);
        d[f] = num(r.count);
        d[f + 1] = num(r.printk);
        return;
      case 'mark':
        n[i] = Kind.Mark;
        n[i + 2] = formatIndex.get(r.format)!;
        n[i + 3] = r.trusted ? 1 : 0;
        n[i + 4] = this.str(S.host, r.host);
        d[f] = r.serial;
        d[f + 1] = num(r.time);
        d[f + 2] = num(r.printk);
        return;
    }
  }

  /** A line longer than the cap. */
  overlong(line: number, bytes: number): void {
    const i = this.count * INTS;
    this.floats[this.count * FLOATS] = bytes;
    this.count++;
    this.ints[i] = Kind.Overlong;
    this.ints[i + 1] = line;
  }

  /** The items so far, as a batch to transfer; the encoder starts a new one. */
  take(): Batch {
    const b: Batch = { ints: this.ints, floats: this.floats, count: this.count, strings: this.fresh };
    const next = this.free.pop();
    this.ints = next ? next[0] : new Int32Array(this.capacity * INTS);
    this.floats = next ? next[1] : new Float64Array(this.capacity * FLOATS);
    this.count = 0;
    this.fresh = [];
    return b;
  }
}

/** What the learning side does with each item (a Learner). */
export interface ItemSink {
  result(r: NonNullable<LineResult>, file: string, line: number, head: string | null): void;
  /** A line longer than the cap, in a range whose lines are counted apart (RangeSink.passed): not counted again. */
  longLine(file: string, line: number, bytes: number): void;
}

/** Reads items; the learning side. Stateless but for one event object, rewritten for each item. */
export class Decoder {
  private strings: readonly string[] = [];
  private readonly event: SeccompEvent = {
    kind: 'seccomp',
    format: 'unknown',
    trusted: false,
    time: 0.5,
    serial: 0,
    pid: 0,
    uid: 0,
    auid: 0,
    comm: null,
    exe: null,
    arch: null,
    nr: 0,
    syscall: null,
    compat: 0,
    action: null,
    sig: 0,
    file: '',
    line: 0,
    printk: 0.5,
    host: null,
    tagPid: 0,
    logSecond: 0,
  };

  private str(id: number): string | null {
    return id === NULL ? null : this.strings[id];
  }

  /**
   * Hand the batch's items to `sink`, as lines of `file` numbered from
   * `lineOffset` + their line in the range; `strings`: the range's strings so
   * far (every batch's `strings` of the range, in order, up to this one). A seccomp event is one object,
   * rewritten for each item: the sink keeps nothing of it.
   */
  replay(b: Batch, strings: readonly string[], file: string, lineOffset: number, sink: ItemSink): void {
    this.strings = strings;
    const n = b.ints;
    const d = b.floats;
    for (let k = 0; k < b.count; k++) {
      const i = k * INTS;
      const f = k * FLOATS;
      const line = n[i + 1] + lineOffset;
      switch (n[i] as Kind) {
        case Kind.Seccomp: {
          const e = this.event;
          e.format = FORMATS[n[i + 2]];
          e.trusted = n[i + 3] === 1;
          e.pid = d[f + 6];
          e.comm = this.str(n[i + 5]);
          e.exe = this.str(n[i + 6]);
          e.arch = n[i + 7] === NULL ? null : (ARCHES[n[i + 7]] as Arch);
          e.syscall = this.str(n[i + 8]);
          e.action = n[i + 9] === NULL ? null : ACTIONS[n[i + 9]];
          e.host = this.str(n[i + 10]);
          e.tagPid = numOrNull(d[f + 7]);
          e.compat = numOrNull(d[f + 8]);
          e.sig = numOrNull(d[f + 9]);
          e.logSecond = numOrNull(d[f + 10]);
          e.time = numOrNull(d[f]);
          e.serial = numOrNull(d[f + 1]);
          e.uid = numOrNull(d[f + 2]);
          e.auid = numOrNull(d[f + 3]);
          e.nr = d[f + 4];
          e.printk = numOrNull(d[f + 5]);
          e.file = file;
          e.line = line;
          sink.result(e, file, line, this.str(n[i + 11]));
          break;
        }
        case Kind.Skip:
          sink.result({ kind: 'skip', code: SKIPS[n[i + 2]], message: this.str(n[i + 3]) ?? '' }, file, line, null);
          break;
        case Kind.Loss:
          sink.result({ kind: 'loss', reason: LOSSES[n[i + 2]], count: numOrNull(d[f]), trusted: n[i + 3] === 1, printk: numOrNull(d[f + 1]) }, file, line, this.str(n[i + 4]));
          break;
        case Kind.Mark:
          sink.result({ kind: 'mark', serial: d[f], time: numOrNull(d[f + 1]), trusted: n[i + 3] === 1, format: FORMATS[n[i + 2]] as LogFormat, host: this.str(n[i + 4]), printk: numOrNull(d[f + 2]), file, line }, file, line, null);
          break;
        case Kind.Overlong:
          sink.longLine(file, line, d[f]);
          break;
      }
    }
  }
}
