// Bytes -> lines: the line splitter every input goes through (files, gzip,
// stdin, /dev/kmsg, a worker's byte range), and the sink it hands lines to.
// Pure: no file system here; src/io/input.ts feeds it.
//
// A small line splitter over Buffers rather than split2: split2 fails the whole
// stream when a line passes its maxLength, and we must instead count the long
// line, skip it, and go on. Memory stays bounded by maxLength plus one chunk.

export const DEFAULT_MAX_LINE = 64 * 1024;

export interface LineSink {
  /**
   * One line: bytes [start, end) of `buf`, without its newline and without a
   * trailing carriage return. `buf` is reused once this returns: copy what you keep.
   */
  line(buf: Buffer, start: number, end: number, source: string, lineNo: number): void;
  /** A line longer than the cap, which was skipped (its bytes were never buffered whole). */
  overlong(source: string, lineNo: number, bytes: number): void;
  /** Lines that held none of the markers, passed over without being decoded. */
  passed?(count: number): void;
  /**
   * The kernel's log buffer overwrote lines before they were read: a read of
   * /dev/kmsg failed with EPIPE (the reader fell behind), after `lineNo` lines
   * of `source`. Reading goes on from the oldest line still in the buffer.
   */
  overrun?(source: string, lineNo: number): void;
}

/** Splits a byte stream into lines; feed it chunks, then end(). */
export class LineSplitter {
  /**
   * A line cut across chunks: its bytes so far, in a buffer kept for the next
   * one (grown up to the cap), so that no chunk allocates (npm run bench, classic syslog read 4x: small
   * copies from Node's Buffer pool left 1.2 MB of pool slabs per GB read
   * waiting for a major GC, and the resident size grew with the input).
   */
  private carry: Buffer = Buffer.allocUnsafeSlow(1024);
  private pendingBytes = 0;
  private skipping = false;
  private skippedBytes = 0;
  private lineNo = 0;
  private pushed = 0;

  private readonly markers: Buffer[];
  /** Per marker, where it next occurs in the current chunk (chunk length: nowhere). */
  private readonly next: number[];

  /**
   * `markers`: only lines holding one of these byte strings are decoded and
   * handed on; the rest are counted (sink.passed). A line cut across chunks is
   * always handed on. No markers: every line is.
   */
  constructor(
    private readonly source: string,
    private readonly sink: LineSink,
    private readonly maxLength = DEFAULT_MAX_LINE,
    markers: readonly string[] = [],
    /** Lines before the first one pushed (a range of a file read in pieces): numbers go on from there. */
    linesBefore = 0,
  ) {
    this.markers = markers.map((m) => Buffer.from(m));
    this.next = this.markers.map(() => -1);
    this.lineNo = linesBefore;
  }

  /** The nearest marker at or after `from`, or the chunk's length. */
  private nearest(chunk: Buffer, from: number): number {
    let best = chunk.length;
    for (let i = 0; i < this.next.length; i++) {
      let p = this.next[i];
      if (p < from) {
        p = chunk.indexOf(this.markers[i], from);
        this.next[i] = p = p < 0 ? chunk.length : p;
      }
      if (p < best) best = p;
    }
    return best;
  }

  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    let start = 0;
    // a line begun in an earlier chunk: it ends here, or goes on
    if (this.pendingBytes > 0 || this.skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.hold(chunk);
        return;
      }
      this.lineNo++;
      this.endHeld(chunk.subarray(0, nl));
      start = nl + 1;
    }
    // The hot loop: one indexOf per line, locals only (npm run bench, classic syslog: half the time of
    // the same loop on fields). `hit` is the nearest marker at or after `start`;
    // a line ending before it is counted and passed over.
    const filter = this.markers.length > 0;
    if (filter) this.next.fill(-1);
    const sink = this.sink;
    const source = this.source;
    const max = this.maxLength;
    let lineNo = this.lineNo;
    let passed = 0;
    let hit = filter ? this.nearest(chunk, start) : -1;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      lineNo++;
      // a line over the cap is counted as one whether or not a marker is in it,
      // as when it is cut between chunks (where its bytes are not kept to look)
      if (hit >= nl && nl - start <= max) {
        passed++;
        start = nl + 1;
        continue;
      }
      this.lineNo = lineNo;
      if (nl - start > max) {
        sink.overlong(source, lineNo, nl - start);
      } else {
        sink.line(chunk, start, nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl, source, lineNo);
      }
      start = nl + 1;
      if (filter) hit = this.nearest(chunk, start);
    }
    this.lineNo = lineNo;
    if (passed > 0) this.sink.passed?.(passed);
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** The end of a line held from earlier chunks: `part` is its last bytes. */
  private endHeld(part: Buffer): void {
    if (this.skipping) {
      this.sink.overlong(this.source, this.lineNo, this.skippedBytes + part.length);
      this.skipping = false;
      this.skippedBytes = 0;
      return;
    }
    const n = this.pendingBytes + part.length;
    this.pendingBytes = 0;
    if (n > this.maxLength) {
      this.sink.overlong(this.source, this.lineNo, n);
      return;
    }
    this.append(part, n - part.length);
    this.emitRange(this.carry, 0, n);
  }

  /** Bytes pushed so far. */
  get pushedBytes(): number {
    return this.pushed;
  }

  /** Bytes pushed so far up to the end of the last whole line (the rest is a line not yet ended). */
  get consumed(): number {
    return this.pushed - (this.skipping ? this.skippedBytes : this.pendingBytes);
  }

  /**
   * The input has ended: a last line with no newline is read as a line, unless
   * `holdPartial` (a file still being written, read again from `consumed` later).
   */
  end(holdPartial = false): void {
    if (holdPartial) {
      this.pendingBytes = 0;
      this.skipping = false;
      this.skippedBytes = 0;
      return;
    }
    if (this.skipping) {
      this.lineNo++;
      this.sink.overlong(this.source, this.lineNo, this.skippedBytes);
    } else if (this.pendingBytes > 0) {
      this.lineNo++;
      const n = this.pendingBytes;
      this.pendingBytes = 0;
      this.emitRange(this.carry, 0, n);
    }
    this.pendingBytes = 0;
    this.skipping = false;
  }

  get lines(): number {
    return this.lineNo;
  }

  /** Whether a line begun in an earlier chunk is still waiting for its end. */
  get holding(): boolean {
    return this.pendingBytes > 0 || this.skipping;
  }

  private hold(part: Buffer): void {
    if (this.skipping) {
      this.skippedBytes += part.length;
      return;
    }
    if (this.pendingBytes + part.length > this.maxLength) {
      this.skipping = true;
      this.skippedBytes = this.pendingBytes + part.length;
      this.pendingBytes = 0;
      return;
    }
    // copy: the caller may reuse its chunk
    this.append(part, this.pendingBytes);
    this.pendingBytes += part.length;
  }

  /** Copy `part` into the carry buffer at `at`, growing it (at most to the cap) as needed. */
  private append(part: Buffer, at: number): void {
    const need = at + part.length;
    if (need > this.carry.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, Math.min(2 * this.carry.length, this.maxLength)));
      this.carry.copy(grown, 0, 0, at);
      this.carry = grown;
    }
    part.copy(this.carry, at);
  }

  private emitRange(buf: Buffer, start: number, end: number): void {
    if (end > start && buf[end - 1] === 13) end--;
    this.sink.line(buf, start, end, this.source, this.lineNo);
  }
}
