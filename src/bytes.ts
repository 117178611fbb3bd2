// Reading ASCII structure in byte buffers, in place. The parser works on the
// bytes the splitter read (a line is a Buffer and two indexes), so a line is
// never decoded to a string, and only the values kept (a comm, a host) are.
// Every search here is bounded by the line's end: Buffer.indexOf would run on
// into the rest of the chunk.

/** A literal's bytes (ASCII). */
export function lit(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

/** Whether `b` holds the bytes of `l` at `i`, before `end`. */
export function has(b: Buffer, i: number, end: number, l: Buffer): boolean {
  const n = l.length;
  if (i < 0 || i + n > end) return false;
  for (let k = 0; k < n; k++) if (b[i + k] !== l[k]) return false;
  return true;
}

/** The first byte `c` in [from, end), or -1. */
export function find(b: Buffer, c: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === c) return i;
  return -1;
}

/** The last byte `c` in [from, before), or -1. */
export function findLast(b: Buffer, c: number, from: number, before: number): number {
  for (let i = before - 1; i >= from; i--) if (b[i] === c) return i;
  return -1;
}

/** The first occurrence of `l` in [from, end), or -1. */
export function findSeq(b: Buffer, l: Buffer, from: number, end: number): number {
  const first = l[0];
  const last = end - l.length;
  for (let i = from; i <= last; i++) if (b[i] === first && has(b, i, end, l)) return i;
  return -1;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A decimal integer (optionally negative) in [s, e), or null: never a partial
 * parse, never 0 for garbage, at most 16 digits and a safe integer.
 */
export function intIn(b: Buffer, s: number, e: number): number | null {
  const neg = b[s] === 45;
  let i = neg ? s + 1 : s;
  if (i >= e || e - i > 16) return null;
  let n = 0;
  for (; i < e; i++) {
    const c = b[i] - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  if (!Number.isSafeInteger(n)) return null;
  return neg ? -n : n;
}

/**
 * `SEC.FRACTION` (or, unless `dotted`, plain `SEC`) in [s, e) as a number, or
 * null. Both parts are read as exact integers and divided once, so the result
 * is the double Number(text) gives.
 */
export function decimalIn(b: Buffer, s: number, e: number, dotted: boolean): number | null {
  let n = 0;
  let scale = 1;
  let dot = -1;
  let digits = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 46 && dot < 0) {
      dot = i;
      continue;
    }
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
    if (dot >= 0) scale *= 10;
    digits++;
  }
  // at most 15 digits: exact in a double; a dot has a digit on each side
  if (digits === 0 || digits > 15) return null;
  if (dot < 0) return dotted ? null : n;
  if (dot === s || dot === e - 1) return null;
  return n / scale;
}

declare global {
  interface Buffer {
    /** Node's own, under toString('latin1'): without its argument checks (bench: a fifth of the cost of a short key). */
    latin1Slice(start: number, end: number): string;
  }
}

/** Text of [s, e) when it is known to be ASCII (a number, a stamp, a key). */
export function ascii(b: Buffer, s: number, e: number): string {
  return b.latin1Slice(s, e);
}

/** Text of [s, e): ASCII as it is, anything else decoded as UTF-8. */
export function text(b: Buffer, s: number, e: number): string {
  for (let i = s; i < e; i++) if (b[i] >= 0x80) return b.toString('utf8', s, e);
  return b.latin1Slice(s, e);
}
