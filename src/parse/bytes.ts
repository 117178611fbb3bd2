// Reading ASCII structure in byte buffers, in place. The parser works on the
// bytes the splitter read (a line is a Buffer and two indexes), so a line is
// never decoded to a string, and only the values kept (a comm, a host) are.
// Every search here is bounded by the line's end: Buffer.indexOf would run on
// into the rest of the chunk. The byte values the parser looks for are named
// in `Ch`; literals are made with `lit` and their lengths taken from them.

/** The characters the parser looks for, by name (ASCII codes). */
export const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  GS = 0x1d, // auditd's ENRICHED separator
  RS = 0x1e, // journalctl -o json-seq's record separator
  Space = 32,
  Quote = 34, // "
  Star = 42,
  Backtick = 96,
  Tilde = 126,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Semicolon = 59,
  Lt = 60,
  Eq = 61,
  Gt = 62,
  UpperA = 65,
  UpperC = 67,
  UpperF = 70,
  UpperT = 84,
  UpperZ = 90,
  OpenBracket = 91,
  Backslash = 92,
  CloseBracket = 93,
  Underscore = 95,
  LowerA = 97,
  LowerI = 105,
  LowerP = 112,
  LowerF = 102,
  LowerX = 120,
  LowerZ = 122,
  OpenBrace = 123,
  CloseBrace = 125,
  OpenParen = 40,
  CloseParen = 41,
}

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

/** The first occurrence of `l` in [from, end), or -1. */
export function findSeq(b: Buffer, l: Buffer, from: number, end: number): number {
  const first = l[0];
  const last = end - l.length;
  for (let i = from; i <= last; i++) if (b[i] === first && has(b, i, end, l)) return i;
  return -1;
}

export function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

/** A hex digit's value, either case, or -1. */
export function hexDigit(c: number): number {
  return c >= Ch.Zero && c <= Ch.Nine ? c - Ch.Zero : c >= Ch.LowerA && c <= Ch.LowerF ? c - 87 : c >= Ch.UpperA && c <= Ch.UpperF ? c - 55 : -1;
}

/** The index of the first byte in [from, end) that is not a decimal digit (end if all are). */
export function digitsEnd(b: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && b[i] >= Ch.Zero && b[i] <= Ch.Nine) i++;
  return i;
}

/** The index of the first byte in [from, end) that is not a hex digit (end if all are). */
export function hexEnd(b: Buffer, from: number, end: number): number {
  let i = from;
  while (i < end && hexDigit(b[i]) >= 0) i++;
  return i;
}

/**
 * A decimal integer (optionally negative) in [s, e), or null: never a partial
 * parse, never 0 for garbage, at most 16 digits and a safe integer. What
 * Number() gives for the same text when it is such an integer.
 */
export function intIn(b: Buffer, s: number, e: number): number | null {
  const neg = b[s] === Ch.Minus;
  let i = neg ? s + 1 : s;
  if (i >= e || e - i > 16) return null;
  let n = 0;
  for (; i < e; i++) {
    const c = b[i] - Ch.Zero;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  if (!Number.isSafeInteger(n)) return null;
  return neg ? -n : n;
}

/** What scanDecimal read: the value of `DIGITS[.DIGITS]` and its shape. */
export interface Decimal {
  /** The digits as one integer (exact up to 15 digits); value = n / scale. */
  n: number;
  scale: number;
  /** Digits before and after the dot; -1 after: no dot. */
  intDigits: number;
  fracDigits: number;
}

/**
 * Read `DIGITS[.DIGITS]` from `s` while it lasts (before `end`), in one pass;
 * the parts go into `out`. Returns the index of the first byte not read. The
 * one decimal reader: the audit stamp, the printk stamp and decimalIn use it.
 */
export function scanDecimal(b: Buffer, s: number, end: number, out: Decimal): number {
  let n = 0;
  let i = s;
  for (; i < end; i++) {
    const c = b[i] - Ch.Zero;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  out.intDigits = i - s;
  out.fracDigits = -1;
  let scale = 1;
  if (b[i] === Ch.Dot && i < end) {
    const f = ++i;
    for (; i < end; i++) {
      const c = b[i] - Ch.Zero;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
      scale *= 10;
    }
    out.fracDigits = i - f;
  }
  out.n = n;
  out.scale = scale;
  return i;
}

/** The double Number() gives for what scanDecimal read, when it is exact (at most 15 digits) and dotted as asked; else null. */
export function decimalValue(d: Decimal, dotted: boolean): number | null {
  const digits = d.intDigits + (d.fracDigits > 0 ? d.fracDigits : 0);
  if (d.intDigits === 0 || digits > 15 || d.fracDigits === 0) return null;
  if (d.fracDigits < 0) return dotted ? null : d.n;
  return d.n / d.scale;
}

const scratch: Decimal = { n: 0, scale: 1, intDigits: 0, fracDigits: -1 };

/**
 * `SEC.FRACTION` (or, unless `dotted`, plain `SEC`) in [s, e) as a number, or
 * null. Both parts are read as one exact integer and divided once, so the
 * result is the double Number(text) gives; at most 15 digits (exact in a double),
 * a digit on each side of the dot.
 */
export function decimalIn(b: Buffer, s: number, e: number, dotted: boolean): number | null {
  if (scanDecimal(b, s, e, scratch) !== e) return null;
  return decimalValue(scratch, dotted);
}

/** 1 to 8 hex digits in [s, e), either case, as an unsigned 32-bit number; or null. What parseInt(text, 16) gives for such text. */
export function hexIn(b: Buffer, s: number, e: number): number | null {
  if (s >= e || e - s > 8) return null;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = hexDigit(b[i]);
    if (d < 0) return null;
    n = n * 16 + d;
  }
  return n;
}

declare global {
  interface Buffer {
    /** Node's own, under toString('latin1'): without its argument checks (npm run bench, classic syslog: a fifth of the cost of a short key). */
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

