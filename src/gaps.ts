// Serial gaps: the kernel numbers every audit record it emits (all types share
// one counter), so within one source a jump forward in the serials means
// records this source never showed. That is an upper bound: the kernel also
// skips serials for records it never prints. A small step back is a record
// printed out of order; a large one, a reboot or another log.
import type { Example } from './examples.js';

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

/** What one source's serials have been so far. */
export class SerialState {
  last = -1;
  time: number | null = null;
  gap: Gap | null = null;

  /** A serial read at file:line; returns the Gap when this read opened the source's first one. */
  observe(serial: number, time: number | null, file: string, line: number): Gap | null {
    let opened: Gap | null = null;
    if (this.last >= 0 && serial > this.last + 1) {
      const missing = serial - this.last - 1;
      let g = this.gap;
      if (!g) g = this.gap = opened = { gaps: 0, missing: 0, from: this.time, to: time, first: { file, line, message: `serial ${this.last} then ${serial}` } };
      g.gaps++;
      g.missing += missing;
      if (time !== null) g.to = time;
    }
    if (this.last < 0 || serial > this.last || this.last - serial > SERIAL_RESET) {
      this.last = serial;
      this.time = time;
    }
    return opened;
  }
}
