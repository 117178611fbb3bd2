// When each call was first seen, and how long the recording went on after the
// newest one: is the recording enough? Kept per process life and per program
// (learn/lives.ts), for every record, in bounded memory: the first time of each
// call (an ABI and a number), the record counts, the first and last times, and
// the timed records counted in at most MAX_BUCKETS time buckets.
//
// The buckets are aligned to their width, a power of two seconds (1 s, 2 s, 4 s,
// ...): the narrowest that holds every timed record in MAX_BUCKETS of them. A
// wider bucket is two narrower ones exactly, so the width and the counts depend
// only on the records, never on the order they came in or on how the input was
// cut: one run, a state read on, and a merge of states (each part loads and
// merges itself, learn/saved.ts) give the same answer. A record without a time
// (a form that drops it) is counted as untimed, never as time 0; a call seen only
// in such records has no first time.
import type { SeccompEvent } from '../parse/event.js';
import { ARCHES, type Arch } from '../syscalls/index.js';
import { archNamed, byName } from './saved.js';
import { SeccompLearnError } from '../core/error.js';

/** Call numbers below this are known by a bit (x86_64, aarch64 and i386 numbers are; x32's and MIPS's are looked up). */
const KNOWN_NRS = 512;

/** Most time buckets one FirstSeen keeps (8 KB of counts): past that the buckets double in width. */
export const MAX_BUCKETS = 1024;

/** The first record of one call. */
interface CallFirst {
  /** The call's name on its ABI, or null (a number no table names, or no arch=). */
  name: string | null;
  /** Seconds since the epoch, or NaN: seen only in records without a time. */
  time: number;
  /** Its audit serial, or -1: orders the records of one millisecond (a program's first run often fits in one). */
  serial: number;
}

/** How settled a program's learning is (`report --json`: `processes[].learning`). */
export interface Learning {
  /** Seconds since the epoch: the first record of the newest call (the one first seen last); null when no call has a time. */
  lastNew: number | null;
  /** That call's name; null when there is none, or the number has no name on its ABI. */
  lastNewName: string | null;
  /** Records (each counted once), with a time or not. */
  records: number;
  /** Timed records after lastNew, counted by time bucket: those in lastNew's bucket (1 s wide, wider past 1024 s) are not after it. */
  recordsAfter: number;
  /** Seconds from the first timed record to the last (to the ms); 0 when there are none. */
  seconds: number;
  /** Seconds from lastNew to the last timed record (to the ms); 0 when lastNew is null. */
  secondsAfter: number;
  /** Records without a time (a form that drops it): in `records`, in no bucket. */
  untimed: number;
}

/** The newest call of a FirstSeen: the one whose first record is the latest. */
export interface Newest {
  abi: Arch | null;
  nr: number;
  name: string | null;
  /** Seconds since the epoch. */
  time: number;
  /** The audit serial of that record, or -1. */
  serial: number;
}

const ABI_ORDER = new Map<Arch | null, number>([[null, -1], ...ARCHES.map((a, i): [Arch, number] => [a, i])]);

/** A record of call `c` at `time` (NaN: none) with audit serial `serial` (-1: none): its first record if earlier (by time, then serial). */
function seeAt(c: CallFirst, time: number, serial: number): void {
  if (time < c.time || (time === c.time && serial < c.serial) || (c.time !== c.time && time === time)) {
    c.time = time;
    c.serial = serial;
  }
}

/** Seconds to the ms (a difference of two audit times is otherwise 4.043999910354614). */
const ms = (s: number): number => Math.round(s * 1000) / 1000;

/** What the first records of calls and the times of records say, for one process or program. */
export class FirstSeen {
  /** The first record of each call, by ABI (null: a record without arch=) and number. */
  private readonly calls = new Map<Arch | null, Map<number, CallFirst>>();
  /** Records (counted once), and those without a time. */
  records = 0;
  untimed = 0;
  /** Seconds since the epoch of the first and last timed record, or NaN. */
  first = NaN;
  last = NaN;
  // the buckets: width 2^shift s; counts[i] holds the timed records in
  // [(lo + i) * width, (lo + i + 1) * width); counts[0] and the last are never 0
  private shift = 0;
  /** 2^-shift: a time times it is its bucket's index before the floor (exact: a power of two). */
  private perSecond = 1;
  private lo = 0;
  private counts: number[] = [];
  // records of one process keep to one ABI, and often repeat a call: the last ones are kept
  private lastAbi: Arch | null | undefined = undefined;
  private lastMap: Map<number, CallFirst> | undefined = undefined;
  private lastCall: CallFirst | undefined = undefined;
  private lastNr = -1;
  /**
   * The calls of lastAbi below KNOWN_NRS already held, one bit each, and a
   * time no earlier than any call's first (the latest record's): a record of a
   * call held, later than that (the common case), cannot be its first, and is
   * not looked up.
   */
  private readonly known = new Uint32Array(KNOWN_NRS / 32);
  private latest = NaN;

  /** One record (`counted`: false for one already counted from another log of its machine: its call is seen, it is not counted again). */
  add(e: SeccompEvent, counted: boolean): void {
    const t = e.time;
    const nr = e.nr;
    if (!(t !== null && t > this.latest && e.arch === this.lastAbi && nr >= 0 && nr < KNOWN_NRS && (this.known[nr >>> 5] & (1 << (nr & 31))) !== 0)) {
      const c = e.arch === this.lastAbi && nr === this.lastNr ? this.lastCall! : this.call(e.arch, nr, e.syscall);
      if (t !== null) seeAt(c, t, e.serial ?? -1);
    }
    if (t !== null && !(t <= this.latest)) this.latest = t;
    if (!counted) return;
    this.records++;
    if (t === null) {
      this.untimed++;
      return;
    }
    if (!(t >= this.first)) this.first = t;
    if (!(t <= this.last)) this.last = t;
    const index = Math.floor(t * this.perSecond);
    const i = index - this.lo;
    if (i >= 0 && i < this.counts.length) this.counts[i]++;
    else this.put(index, this.shift, 1);
  }

  /** The call `nr` on `abi` (made, never seen at a time, if new), kept as the last one. */
  private call(abi: Arch | null, nr: number, name: string | null): CallFirst {
    let m = this.lastAbi === abi ? this.lastMap : undefined;
    if (m === undefined) {
      m = this.calls.get(abi);
      if (!m) this.calls.set(abi, (m = new Map<number, CallFirst>()));
      this.lastAbi = abi;
      this.lastMap = m;
      this.known.fill(0);
      for (const k of m.keys()) if (k >= 0 && k < KNOWN_NRS) this.known[k >>> 5] |= 1 << (k & 31);
    }
    let c = m.get(nr);
    if (!c) {
      m.set(nr, (c = { name, time: NaN, serial: -1 }));
      if (nr >= 0 && nr < KNOWN_NRS) this.known[nr >>> 5] |= 1 << (nr & 31);
    }
    this.lastNr = nr;
    this.lastCall = c;
    return c;
  }

  /**
   * Add `n` records to bucket `index` of width 2^`shift` s: into the bucket of
   * this one's width that holds it, this one widened first to `shift` when
   * narrower, and as often as needed to keep within MAX_BUCKETS.
   */
  private put(index: number, shift: number, n: number): void {
    while (this.shift < shift) this.widen();
    while (shift < this.shift) {
      index = Math.floor(index / 2);
      shift++;
    }
    if (this.counts.length === 0) {
      this.lo = index;
      this.counts.push(n);
      return;
    }
    while (Math.max(this.hi, index) - Math.min(this.lo, index) + 1 > MAX_BUCKETS) {
      this.widen();
      index = Math.floor(index / 2);
    }
    if (index < this.lo) {
      this.counts.unshift(...new Array<number>(this.lo - index).fill(0));
      this.lo = index;
    } else if (index > this.hi) {
      for (let i = this.hi; i < index; i++) this.counts.push(0);
    }
    this.counts[index - this.lo] += n;
  }

  /** The index of the last bucket. */
  private get hi(): number {
    return this.lo + this.counts.length - 1;
  }

  /** The buckets twice as wide: each pair of aligned buckets becomes one. */
  private widen(): void {
    this.shift++;
    this.perSecond = 2 ** -this.shift;
    if (this.counts.length === 0) return;
    const lo = Math.floor(this.lo / 2);
    const out = new Array<number>(Math.floor(this.hi / 2) - lo + 1).fill(0);
    for (let i = 0; i < this.counts.length; i++) out[Math.floor((this.lo + i) / 2) - lo] += this.counts[i];
    this.lo = lo;
    this.counts = out;
  }

  /**
   * One counted record at `time` (null: untimed) taken back out (a merge found
   * it counted in an earlier part too, at the same time): its count, not its
   * call's first record or the first and last times, which the earlier part's
   * copy holds as well.
   */
  uncount(time: number | null): void {
    if (this.records === 0) return;
    this.records--;
    if (time === null) {
      if (this.untimed > 0) this.untimed--;
      return;
    }
    const i = Math.floor(time * this.perSecond) - this.lo;
    if (i >= 0 && i < this.counts.length && this.counts[i] > 0) this.counts[i]--;
    // counts[0] and the last are never 0
    while (this.counts.length > 0 && this.counts[0] === 0) {
      this.counts.shift();
      this.lo++;
    }
    while (this.counts.length > 0 && this.counts[this.counts.length - 1] === 0) this.counts.pop();
  }

  /** Add what `from` holds (a life retired into its program, or a saved piece): the same as if its records had come here. */
  merge(from: FirstSeen): void {
    for (const [abi, m] of from.calls) for (const [nr, c] of m) seeAt(this.call(abi, nr, c.name), c.time, c.serial);
    if (!(from.latest <= this.latest)) this.latest = from.latest;
    this.records += from.records;
    this.untimed += from.untimed;
    if (!Number.isNaN(from.first) && !(from.first >= this.first)) this.first = from.first;
    if (!Number.isNaN(from.last) && !(from.last <= this.last)) this.last = from.last;
    for (let i = 0; i < from.counts.length; i++) if (from.counts[i] > 0) this.put(from.lo + i, from.shift, from.counts[i]);
  }

  /** Seconds since the epoch of the first record of the call `nr` on `abi`; null when none of its records had a time, or it was never seen. */
  firstOf(abi: Arch | null, nr: number): number | null {
    const t = this.calls.get(abi)?.get(nr)?.time;
    return t === undefined || Number.isNaN(t) ? null : t;
  }

  /**
   * The call first seen last: the latest first record by time, then by audit
   * serial (records of one millisecond); a tie beyond that (two machines, or no
   * serial) goes to the later ABI in ARCHES order, then the higher number, so that
   * the answer never depends on the order records came in. Null when no call has a time.
   */
  newest(): Newest | null {
    let best: Newest | null = null;
    for (const [abi, m] of this.calls)
      for (const [nr, c] of m) {
        if (Number.isNaN(c.time)) continue;
        if (best !== null && !(c.time > best.time)) {
          if (c.time < best.time || c.serial < best.serial) continue;
          if (c.serial === best.serial && !(ABI_ORDER.get(abi)! > ABI_ORDER.get(best.abi)! || (abi === best.abi && nr > best.nr))) continue;
        }
        best = { abi, nr, name: c.name, time: c.time, serial: c.serial };
      }
    return best;
  }

  /** Timed records in buckets wholly after the one that holds `time`. */
  private after(time: number): number {
    const b = Math.floor(time * this.perSecond);
    let n = 0;
    for (let i = Math.max(0, b - this.lo + 1); i < this.counts.length; i++) n += this.counts[i];
    return n;
  }

  /** How settled the learning is (see Learning). */
  learning(): Learning {
    const newest = this.newest();
    const timed = !Number.isNaN(this.first);
    return {
      lastNew: newest?.time ?? null,
      lastNewName: newest?.name ?? null,
      records: this.records,
      recordsAfter: newest ? this.after(newest.time) : 0,
      seconds: timed ? ms(this.last - this.first) : 0,
      secondsAfter: newest && timed ? ms(Math.max(0, this.last - newest.time)) : 0,
      untimed: this.untimed,
    };
  }

  /** The width of a bucket now, in seconds (1, 2, 4, ...). */
  get bucketSeconds(): number {
    return 2 ** this.shift;
  }

  /** As a state saves it (lists sorted: ABIs in ARCHES order, numbers ascending). */
  save(): FirstSeenJSON {
    const calls: FirstSeenJSON['calls'] = [];
    const abis = [...this.calls.keys()].sort((a, b) => ABI_ORDER.get(a)! - ABI_ORDER.get(b)!);
    for (const abi of abis) {
      const m = this.calls.get(abi)!;
      for (const nr of [...m.keys()].sort((a, b) => a - b)) {
        const c = m.get(nr)!;
        calls.push({ abi: abi?.name ?? null, nr, name: c.name, first: Number.isNaN(c.time) ? null : c.time, serial: c.serial < 0 ? null : c.serial });
      }
    }
    const num = (t: number) => (Number.isNaN(t) ? null : t);
    return { calls, records: this.records, untimed: this.untimed, first: num(this.first), last: num(this.last), buckets: { shift: this.shift, start: this.lo, counts: [...this.counts] } };
  }

  /** A saved piece, added to what this one holds (a state read on, or merged); throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
  load(saved: FirstSeenJSON): void {
    const b = saved.buckets;
    const whole = (n: number) => Number.isSafeInteger(n) && n >= 0;
    if (!whole(b.shift) || b.shift > 64 || !Number.isSafeInteger(b.start) || !b.counts.every(whole) || !whole(saved.records) || !whole(saved.untimed)) throw new SeccompLearnError('state-invalid', 'firstSeen: counts that are not whole numbers, or a bucket width that is not a power of two seconds');
    const from = new FirstSeen();
    for (const c of saved.calls) seeAt(from.call(c.abi === null ? null : archNamed(c.abi, 'firstSeen'), c.nr, c.name), c.first ?? NaN, c.serial ?? -1);
    for (const c of saved.calls) if (c.first !== null && !(c.first <= from.latest)) from.latest = c.first;
    from.records = saved.records;
    from.untimed = saved.untimed;
    from.first = saved.first ?? NaN;
    from.last = saved.last ?? NaN;
    from.shift = b.shift;
    from.perSecond = 2 ** -b.shift;
    from.lo = b.start;
    from.counts = [...b.counts];
    this.merge(from);
  }
}

// A FirstSeen as a state saves it.
/** @internal */
export interface FirstSeenJSON {
  /** The first record of each call: its ABI (Arch.name, or null: no arch=), number, name, time (seconds since the epoch, or null: untimed) and audit serial (or null). */
  calls: Array<{ abi: string | null; nr: number; name: string | null; first: number | null; serial: number | null }>;
  records: number;
  untimed: number;
  /** Seconds since the epoch of the first and last timed record. */
  first: number | null;
  last: number | null;
  /** Timed records by bucket: bucket `start + i`, of width 2^shift seconds, holds counts[i]. */
  buckets: { shift: number; start: number; counts: number[] };
}

/** Which of the programs' learnings is the least settled: the smallest share of its recording after its newest call (then the fewest seconds, then the name). */
export function leastSettled<T extends { name: string; learning: Learning }>(items: readonly T[]): T | null {
  let best: T | null = null;
  const share = (l: Learning) => (l.seconds > 0 ? l.secondsAfter / l.seconds : 0);
  for (const x of items) {
    if (x.learning.lastNew === null) continue;
    if (best === null) {
      best = x;
      continue;
    }
    const d = share(x.learning) - share(best.learning) || x.learning.secondsAfter - best.learning.secondsAfter || byName(x.name, best.name);
    if (d < 0) best = x;
  }
  return best;
}
