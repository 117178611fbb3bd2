// Serial gaps: the kernel numbers every audit record it emits (all types share
// one counter), so within one source a jump forward in the serials means
// records this source never showed. That is an upper bound: the kernel also
// skips serials for records it never prints. A small step back is a record
// printed out of order, which fills the hole it left; a large one, a reboot or
// another log. What a source's serials have been saves itself as its piece of
// a learn state, and loads back.
import { earlier, type Example } from './examples.js';
import { SeccompLearnError } from '../core/error.js';

/** A serial this far below the last one starts the count again (a reboot, another log). */
export const SERIAL_RESET = 5000;

/** Serial gaps of one source: up to `missing` records were not seen. */
export interface Gap {
  gaps: number;
  missing: number;
  /** The audit times around the gaps (seconds since the epoch), where known. */
  from: number | null;
  to: number | null;
  first: Example;
}

/**
 * How far back a late record may still fill a hole: a jump forward whose holes
 * are all filled by records printed late (within this many serials of the
 * jump) was the kernel printing out of order, not a loss. With two CPUs, audit
 * records are routinely printed a serial or two out of order (serial N+1 before
 * N); measured here under crun, 409346 before 409345.
 */
export const REORDER_SPAN = 256;
/** A jump over more serials than this is a loss at once (its holes are not tracked one by one). */
export const REORDER_HOLES = 32;
/** At most this many jumps are tracked; older ones are final. */
const MAX_JUMPS = 64;
/**
 * The serials after a source's first over which what came before it can still
 * matter: a log read after another (a rotated pair, the parts of a log cut in
 * two) may fill the holes the other left, or leave one at the border. Every jump
 * either could make is final or filled once the serials are this far on
 * (a late record fills a hole at most REORDER_SPAN after it; the border jump
 * is at most REORDER_SPAN + REORDER_HOLES + 1 after the first serial). A state
 * keeps the serials read before it (SerialState.early), and a merge reads them
 * again after the state of the part before (SerialState.continueWith).
 */
export const SERIAL_WINDOW = 2 * (REORDER_SPAN + REORDER_HOLES + 1);
/**
 * The kernel takes a record's time and serial together, so a log that goes on
 * from another starts no earlier than the other ended: its first record may be
 * this many seconds earlier at most (a clock set back a little), else it is
 * another machine's log whose serials happen to be close.
 */
export const CONTINUE_SLACK = 60;
/** At most this many serials are kept of a source's first SERIAL_WINDOW (repeats are not kept). */
const MAX_EARLY = 4096;
/** A gap's place in reading order: epoch (counting restarts) * 2^32 + the serial before it. */
const EPOCH = 2 ** 32;

/** A jump forward whose holes may still be filled by late records. */
export interface Jump {
  /** The serials before and after the jump (the holes are between them). */
  before: number;
  after: number;
  /** Serials not seen yet. */
  holes: number[];
  /** The times before and after the jump, and the example line. */
  from: number | null;
  to: number | null;
  example: Example;
  /** Its place in reading order (epoch * 2^32 + before). */
  key: number;
}

/** Gaps that can no longer be filled, summed: how many, the records missing, the first and last in reading order. */
export interface Finals {
  gaps: number;
  missing: number;
  firstKey: number;
  first: Example;
  from: number | null;
  lastKey: number;
  to: number | null;
}

/** One gap into `f` (null: none yet); returns the sum. */
function addFinal(f: Finals | null, gaps: number, missing: number, key: number, example: Example, from: number | null, to: number | null): Finals {
  if (f === null) return { gaps, missing, firstKey: key, first: example, from, lastKey: key, to };
  f.gaps += gaps;
  f.missing += missing;
  if (key < f.firstKey) {
    f.firstKey = key;
    f.first = example;
    f.from = from;
  }
  if (key >= f.lastKey) {
    f.lastKey = key;
    f.to = to;
  }
  return f;
}

/** `b` added into `a` (either may be null), its keys moved `shift` on; `a` is changed. */
function joinFinals(a: Finals | null, b: Finals | null, shift = 0): Finals | null {
  if (b === null) return a;
  let out = addFinal(a, b.gaps, b.missing, b.firstKey + shift, { ...b.first }, b.from, b.to);
  if (b.lastKey !== b.firstKey) out = addFinal(out, 0, 0, b.lastKey + shift, out.first, null, b.to);
  return out;
}

/** Add `from`, gaps of the same source read elsewhere (another state, or the same log read twice), into `into`. */
export function joinGap(into: Gap, from: Gap): void {
  into.gaps += from.gaps;
  into.missing += from.missing;
  if (from.from !== null && (into.from === null || from.from < into.from)) into.from = from.from;
  if (from.to !== null && (into.to === null || from.to > into.to)) into.to = from.to;
  into.first = earlier(into.first, from.first);
}

// One source's serials as a state saves them: SerialState's fields.
/** @internal */
export interface SerialsJSON {
  last: number;
  time: number | null;
  epoch: number;
  jumps: Jump[];
  /** Gaps final while the first SERIAL_WINDOW serials were read, and after. */
  head: Finals | null;
  tail: Finals | null;
  /** The first serial, and each serial read (with its time, its file's place in `files`, and line) until SERIAL_WINDOW after it (null: not all kept). */
  first: number;
  early: Array<[number, number | null, number, number]> | null;
  /** Whether the serials went past the window (or started again) */
  settled: boolean;
  /** The files these serials were read from, in reading order (a log and the one it goes on in). */
  files: string[];
  /**
   * Whether every serial was a SECCOMP record in auditd's own form (no other record type, no other log form):
   * `ausearch -m SECCOMP --raw` or grep output, whose holes are the types left out (absent in states before it: false).
   */
  onlySeccomp?: boolean;
}

/**
 * What one source's serials have been so far: its open jumps, and the gaps
 * that are final. A source read after another of the same machine, whose
 * first serial goes on from the other's last (a log rotated, a log cut in
 * parts), goes on in the other's SerialState: a record printed late across the
 * border fills the hole it left, and the border is no gap.
 */
export class SerialState {
  last = -1;
  time: number | null = null;
  /** Times the counting started again (a reboot, another log). */
  epoch = 0;
  /** Recent jumps whose holes late records may still fill, oldest first. */
  jumps: Jump[] = [];
  /** Final gaps, while the window is read and after (SERIAL_WINDOW). */
  head: Finals | null = null;
  tail: Finals | null = null;
  first = -1;
  /** The serials read in the window, as observe() took them; null once past it (or when too many, or not kept). */
  early: Array<[number, number | null, string, number]> | null;
  /** The window's serials were all kept (`early` holds them all). */
  private earlyWhole: boolean;
  private earlyKept: Array<[number, number | null, string, number]> = [];
  settled: boolean;
  /** The files read, in reading order. */
  files: string[] = [];
  /**
   * Every serial so far was a SECCOMP record in auditd's own form: the output of
   * `ausearch -m SECCOMP --raw` (audit.log's lines, no header) or of a grep of
   * audit.log, never a log as auditd writes it, which holds other record types
   * (DAEMON_START, CONFIG_CHANGE, SYSCALL, USER_* ...). Its holes are those types'
   * serials, left out: no gap, as for ausearch's other forms.
   */
  onlySeccomp = true;

  /** `keepWindow`: keep the first SERIAL_WINDOW serials (for a state: a merge reads them again, continueWith); without, none is kept. */
  constructor(keepWindow = true) {
    this.early = keepWindow ? [] : null;
    this.earlyWhole = keepWindow;
    this.settled = !keepWindow;
  }

  /** The gaps so far (null: none, or serials of SECCOMP records alone: see onlySeccomp): the final ones and the jumps still open. */
  get gap(): Gap | null {
    if (this.onlySeccomp) return null;
    let f = joinFinals(joinFinals(null, this.head), this.tail);
    for (const j of this.jumps) f = addFinal(f, 1, j.holes.length, j.key, j.example, j.from, j.to);
    return f && { gaps: f.gaps, missing: f.missing, from: f.from, to: f.to, first: f.first };
  }

  /**
   * Whether a source whose first serial is `serial`, of audit time `time`
   * (seconds since the epoch; null: unknown), goes on from this one: the next
   * serials, or a hole this one left, at a time no more than CONTINUE_SLACK
   * before the serials around it (a log of another machine whose serials
   * happen to be close, from another time, does not).
   */
  continues(serial: number, time: number | null = null): boolean {
    if (this.last < 0) return false;
    const after = (t: number | null) => time === null || t === null || time >= t - CONTINUE_SLACK;
    if (serial >= this.last) return serial <= this.last + REORDER_HOLES + 1 && after(this.time);
    if (this.last - serial >= REORDER_SPAN) return false;
    for (const j of this.jumps) if (j.holes.includes(serial)) return after(j.from) && (time === null || j.to === null || time <= j.to + CONTINUE_SLACK);
    return false;
  }

  /** The audit time of the first serial (null: unknown, or its window not kept). */
  get firstTime(): number | null {
    return this.window()[0]?.[1] ?? null;
  }

  /**
   * A serial read at file:line: opens, grows, shrinks or closes the source's gaps.
   * `seccompLine`: it is a SECCOMP record in auditd's own form (see onlySeccomp); any other serial is not.
   */
  observe(serial: number, time: number | null, file: string, line: number, seccompLine = false): void {
    if (!seccompLine) this.onlySeccomp = false;
    const files = this.files;
    if (files.length === 0 || files[files.length - 1] !== file) this.noteFile(file);
    const early = this.early;
    if (early === null) return this.apply(serial, time, file, line);
    if (serial === this.last) return; // (the same serial again: nothing changes)
    if (this.first < 0) this.first = serial;
    const ends = serial >= this.first + SERIAL_WINDOW || (this.last >= 0 && this.last - serial > SERIAL_RESET) || early.length >= MAX_EARLY;
    if (early.length < MAX_EARLY) early.push([serial, time, file, line]);
    else this.earlyWhole = false;
    this.apply(serial, time, file, line);
    if (ends) {
      this.earlyKept = early;
      this.early = null;
      this.settled = true;
    }
  }

  private noteFile(file: string): void {
    if (!this.files.includes(file)) this.files.push(file);
  }

  private apply(serial: number, time: number | null, file: string, line: number): void {
    const last = this.last;
    if (serial === last + 1 || last < 0) {
      this.last = serial;
      this.time = time;
      if (this.jumps.length > 0) this.forget();
      return;
    }
    if (serial > last + 1) {
      const missing = serial - last - 1;
      const example = { file, line, message: `serial ${last} then ${serial}` };
      const key = this.epoch * EPOCH + last;
      if (missing <= REORDER_HOLES) {
        const holes: number[] = [];
        for (let h = last + 1; h < serial; h++) holes.push(h);
        this.jumps.push({ before: last, after: serial, holes, from: this.time, to: time, example, key });
      } else this.final(1, missing, key, example, this.time, time);
      this.last = serial;
      this.time = time;
      this.forget();
      return;
    }
    if (last - serial > SERIAL_RESET) {
      // a reboot or another log: counting starts again (the holes left are final)
      for (const j of this.jumps) this.final(1, j.holes.length, j.key, j.example, j.from, j.to);
      this.jumps.length = 0;
      this.epoch++;
      this.last = serial;
      this.time = time;
      return;
    }
    // the same serial again (an event's other records), or printed late: it may fill a hole
    if (serial !== last && this.jumps.length > 0) this.fill(serial);
  }

  private final(gaps: number, missing: number, key: number, example: Example, from: number | null, to: number | null): void {
    if (this.early !== null) this.head = addFinal(this.head, gaps, missing, key, example, from, to);
    else this.tail = addFinal(this.tail, gaps, missing, key, example, from, to);
  }

  private fill(serial: number): void {
    for (let j = this.jumps.length - 1; j >= 0; j--) {
      const jump = this.jumps[j];
      if (serial >= jump.after) return; // (later jumps are above it: no jump holds it)
      if (serial <= jump.before) continue;
      const at = jump.holes.indexOf(serial);
      if (at < 0) return;
      jump.holes.splice(at, 1);
      // every hole filled: the jump was records printed out of order
      if (jump.holes.length === 0) this.jumps.splice(j, 1);
      return;
    }
  }

  /**
   * Go on with `next`, the serials of the source read after this one (another
   * state's, which continues(next.first)): its first SERIAL_WINDOW serials are
   * read again here, and past them it is as `next` was (every difference this
   * one's serials made is over by then). Throws nothing; `next` is not changed.
   */
  continueWith(next: SerialState): void {
    const epoch = this.epoch;
    const shift = epoch * EPOCH;
    const only = this.onlySeccomp && next.onlySeccomp;
    for (const [serial, time, file, line] of next.window()) this.observe(serial, time, file, line, true);
    this.onlySeccomp = only;
    for (const f of next.files) if (!this.files.includes(f)) this.files.push(f);
    if (!next.settled) return;
    if (this.early !== null) {
      // (only when the window's serials were not all kept: this one's window ends here)
      this.earlyKept = this.early;
      this.early = null;
      this.settled = true;
      this.earlyWhole = false;
    }
    this.last = next.last;
    this.time = next.time;
    this.epoch = epoch + next.epoch;
    this.jumps = next.jumps.map((j) => ({ ...j, holes: [...j.holes], example: { ...j.example }, key: j.key + shift }));
    this.tail = joinFinals(this.tail, next.tail, shift);
  }

  /** The serials of the window, as they were read. */
  private window(): ReadonlyArray<[number, number | null, string, number]> {
    return this.early ?? this.earlyKept;
  }

  /** Whether continueWith(this) can be exact: every serial of the window was kept. */
  get replayable(): boolean {
    return this.earlyWhole;
  }

  /** What a state saves of it. */
  save(): SerialsJSON {
    return {
      last: this.last,
      time: this.time,
      epoch: this.epoch,
      jumps: this.jumps,
      head: this.head,
      tail: this.tail,
      first: this.first,
      early: this.earlyWhole ? this.window().map(([serial, time, file, line]): [number, number | null, number, number] => [serial, time, this.files.indexOf(file), line]) : null,
      settled: this.settled,
      files: [...this.files],
      onlySeccomp: this.onlySeccomp,
    };
  }

  /** Take a saved one's place: the source read on from where it stopped (copies: the piece is not kept). */
  load(saved: SerialsJSON): void {
    this.last = saved.last;
    this.time = saved.time;
    this.epoch = saved.epoch;
    this.jumps = saved.jumps.map((x) => ({ ...x, holes: [...x.holes], example: { ...x.example } }));
    this.head = saved.head && { ...saved.head, first: { ...saved.head.first } };
    this.tail = saved.tail && { ...saved.tail, first: { ...saved.tail.first } };
    this.first = saved.first;
    const early = (saved.early ?? []).map(([serial, time, file, line]): [number, number | null, string, number] => {
      if (saved.files[file] === undefined) throw new SeccompLearnError('state-invalid', `not a state this version wrote: a serial read from file ${file} of ${saved.files.length}`);
      return [serial, time, saved.files[file], line];
    });
    this.earlyWhole = saved.early !== null;
    this.settled = saved.settled;
    this.early = saved.settled ? null : early;
    this.earlyKept = saved.settled ? early : [];
    this.files = [...saved.files];
    this.onlySeccomp = saved.onlySeccomp ?? false;
  }

  /** Jumps too far behind the last serial are final. */
  private forget(): void {
    const js = this.jumps;
    let n = 0;
    while (n < js.length && (js[n].after + REORDER_SPAN < this.last || js.length - n > MAX_JUMPS)) n++;
    for (let i = 0; i < n; i++) this.final(1, js[i].holes.length, js[i].key, js[i].example, js[i].from, js[i].to);
    if (n > 0) js.splice(0, n);
  }
}
