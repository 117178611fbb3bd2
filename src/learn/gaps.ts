// Serial gaps: the kernel numbers every audit record it emits (all types share
// one counter), so within one source a jump forward in the serials means
// records this source never showed. That is an upper bound: the kernel also
// skips serials for records it never prints. A small step back is a record
// printed out of order, which fills the hole it left; a large one, a reboot or
// another log. What a source's serials have been saves itself as its piece of
// a learn state, and loads back.
import { earlier, type Example } from './examples.js';

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

/** A jump forward whose holes may still be filled by late records. */
export interface Jump {
  /** The serials before and after the jump (the holes are between them). */
  before: number;
  after: number;
  /** Serials not seen yet. */
  holes: number[];
  /** The time before the jump, and the example line. */
  from: number | null;
  example: Example;
}

/** What observe() did to the source's gaps. */
export const enum GapChange {
  None = 0,
  /** The source's first gap opened: `gap` is new. */
  Opened = 1,
  /** Late records filled every gap the source had: `gap` is null again. */
  Closed = 2,
}

/** Add `from`, gaps of the same source read elsewhere (another state), into `into`. */
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
  gap: Gap | null;
  jumps: Jump[];
}

/** What one source's serials have been so far. */
export class SerialState {
  last = -1;
  time: number | null = null;
  gap: Gap | null = null;
  /** Recent jumps whose holes late records may still fill, oldest first. */
  jumps: Jump[] = [];

  /** A serial read at file:line: opens, grows, shrinks or closes the source's gaps. */
  observe(serial: number, time: number | null, file: string, line: number): GapChange {
    const last = this.last;
    if (serial === last + 1 || last < 0) {
      this.last = serial;
      this.time = time;
      if (this.jumps.length > 0) this.forget();
      return GapChange.None;
    }
    let change = GapChange.None;
    if (serial > last + 1) {
      const missing = serial - last - 1;
      const example = { file, line, message: `serial ${last} then ${serial}` };
      let g = this.gap;
      if (!g) {
        g = this.gap = { gaps: 0, missing: 0, from: this.time, to: time, first: example };
        change = GapChange.Opened;
      }
      g.gaps++;
      g.missing += missing;
      if (time !== null) g.to = time;
      if (missing <= REORDER_HOLES) {
        const holes: number[] = [];
        for (let h = last + 1; h < serial; h++) holes.push(h);
        this.jumps.push({ before: last, after: serial, holes, from: this.time, example });
      }
      this.last = serial;
      this.time = time;
      this.forget();
      return change;
    }
    if (last - serial > SERIAL_RESET) {
      // a reboot or another log: counting starts again
      this.last = serial;
      this.time = time;
      this.jumps.length = 0;
      return GapChange.None;
    }
    // the same serial again (an event's other records), or printed late: it may fill a hole
    return serial === last || this.jumps.length === 0 ? GapChange.None : this.fill(serial);
  }

  private fill(serial: number): GapChange {
    for (let j = this.jumps.length - 1; j >= 0; j--) {
      const jump = this.jumps[j];
      if (serial >= jump.after) return GapChange.None; // (later jumps are above it: no jump holds it)
      if (serial <= jump.before) continue;
      const at = jump.holes.indexOf(serial);
      if (at < 0) return GapChange.None;
      jump.holes.splice(at, 1);
      const g = this.gap!;
      g.missing--;
      if (jump.holes.length > 0) return GapChange.None;
      // the jump was records printed out of order
      this.jumps.splice(j, 1);
      g.gaps--;
      if (g.gaps === 0) {
        this.gap = null;
        return GapChange.Closed;
      }
      if (g.first.file === jump.example.file && g.first.line === jump.example.line) {
        // the example was this jump: the next one still open is (the earlier ones are final, or were filled)
        const next = this.jumps[j] ?? null;
        if (next !== null) {
          g.first = next.example;
          g.from = next.from;
        }
      }
      return GapChange.None;
    }
    return GapChange.None;
  }

  /** What a state saves of it. */
  save(): SerialsJSON {
    return { last: this.last, time: this.time, gap: this.gap, jumps: this.jumps };
  }

  /** Take a saved one's place: the source read on from where it stopped (copies: the piece is not kept). */
  load(saved: SerialsJSON): void {
    this.last = saved.last;
    this.time = saved.time;
    this.gap = saved.gap && { ...saved.gap, first: { ...saved.gap.first } };
    this.jumps = saved.jumps.map((x) => ({ ...x, holes: [...x.holes], example: { ...x.example } }));
  }

  /** Jumps too far behind the last serial are final. */
  private forget(): void {
    const js = this.jumps;
    let n = 0;
    while (n < js.length && (js[n].after + REORDER_SPAN < this.last || js.length - n > MAX_JUMPS)) n++;
    if (n > 0) js.splice(0, n);
  }
}
