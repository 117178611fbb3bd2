// The audit text of one line: its record type, its `audit(TIME:SERIAL)` stamp and
// its key=value fields, read by key and never by position.
//
// Values (kernel/audit.c):
// - comm= and exe= are "quoted" when every byte is printable ASCII and not a
//   double quote; otherwise unquoted uppercase hex (audit_log_untrustedstring);
//   `(null)` stands for no value.
// - subj= (an LSM label) is not escaped at all: it may hold spaces and '=', and
//   runs up to ` pid=`.
// - auditd's ENRICHED format appends byte 0x1D and interpreted fields; the
//   record proper ends there. (auditd 3.0.9 interprets SECCOMP's syscall as
//   `SYSCALL=unknown-syscall(-1)`: the tail is never used for the syscall.)
//   Where the 0x1D was lost on the way (a paste, a grep), `code=0x80000000AUID=...`
//   is read as the kernel's hex digits up to the glued key.
// - `ausearch -i` prints names instead of numbers and comm/exe unescaped, so
//   there a value runs up to the next known key.

import { Ch, ascii, decimalValue, digitsEnd, find, findSeq, has, hexDigit, hexEnd, hexIn, intIn, lit, scanDecimal, text, type Decimal } from './bytes.js';

/**
 * What a line's audit text is, at a given position. Positions are byte indexes
 * into the line's buffer: `stamp` to `stampEnd` is what stood inside `audit(...)`,
 * -1 when the record has none.
 */
export type Head =
  | {
      kind: 'seccomp';
      stamp: number;
      stampEnd: number;
      fields: number;
      /** The stamp's numbers when it is in the kernel's form (SEC.MSEC:SERIAL); NaN and -1 otherwise. */
      time: number;
      serial: number;
      /** `audit(...) : ` with a space before the colon: what `ausearch -i` writes (names, not numbers). */
      interpreted: boolean;
      /** Scratch for reading the stamp. */
      decimal: Decimal;
    }
  | { kind: 'other'; stamp: number; stampEnd: number }
  | { kind: 'loss'; reason: LossReason; count: number | null }
  | { kind: 'malformed'; message: string }
  | { kind: 'none' };

/** Why records may be missing, as a line or the reading of a source says. `kmsg-overrun`: a read of /dev/kmsg failed with EPIPE (io/input.ts), no line says it. */
export const LOSS_REASONS = ['printk-suppressed', 'backlog', 'lost', 'rate-limit', 'hold-queue', 'journald-suppressed', 'kmsg-overrun'] as const;
export type LossReason = (typeof LOSS_REASONS)[number];

const AUDIT_COLON = lit('audit: ');
const KAUDITD = lit('kauditd_printk_skb: ');
const SECCOMP_SP = lit('SECCOMP ');
const SUPPRESSED = lit('Suppressed ');
const MESSAGES_FROM = lit(' messages from ');
const NODE = lit('node=');
const TYPE = lit('type=');
const AUDIT_PAREN = lit('audit(');
const MSG_AUDIT_PAREN = lit('msg=audit(');
const DAEMON = lit('DAEMON_');
/** auditd's own record types, 1200-1299. */
const T12 = lit('12');
const T1326 = lit('1326');
const TSECCOMP = lit('SECCOMP');
const TUNKNOWN1326 = lit('UNKNOWN[1326]');
const AUDIT_BACKLOG = lit('audit_backlog=');
const AUDIT_LOST = lit('audit_lost=');
const BACKLOG_EXCEEDED = lit('backlog limit exceeded');
const RATE_EXCEEDED = lit('rate limit exceeded');
const HOLD_OVERFLOW = lit('kauditd hold queue overflow');
const NULL_VALUE = lit('(null)');
const NONE = -1;

const NO_HEAD: Head = { kind: 'none' };
const OTHER_NO_STAMP: Head = { kind: 'other', stamp: NONE, stampEnd: NONE };

/** An untrusted string value (comm=, exe=): its bytes shown safely, or null for `(null)`. */
export interface Value {
  text: string | null;
  /** How the kernel wrote it. */
  encoding: 'quoted' | 'hex' | 'null' | 'plain';
}

/**
 * The fields of a seccomp record that seccomp-learn uses; any other key is
 * passed over. Numbers are read in place: undefined when absent, null when
 * present but not a number (never 0 for garbage); the `...Raw` text is kept
 * then, for the message, and for every value `ausearch -i` printed as a name.
 */
export class Fields {
  auid: number | null | undefined = undefined;
  uid: number | null | undefined = undefined;
  pid: number | null | undefined = undefined;
  pidRaw: string | undefined = undefined;
  sig: number | null | undefined = undefined;
  sigRaw: string | undefined = undefined;
  compat: number | null | undefined = undefined;
  comm: Value | undefined = undefined;
  exe: Value | undefined = undefined;
  /** arch= as the kernel prints it (lowercase hex, no leading zero), or null. */
  arch: number | null | undefined = undefined;
  archRaw: string | undefined = undefined;
  syscall: number | null | undefined = undefined;
  syscallRaw: string | undefined = undefined;
  /** code= as hex (0x...), or null; codeRaw keeps other text (ausearch -i's `log`). */
  code: number | null | undefined = undefined;
  codeRaw: string | undefined = undefined;
  /** Whether ip= was there (a record cut before its end has neither ip= nor code=). */
  ip = false;
  /** Whether syscall= or code= came twice: two records on one line (pasted, or a shipper's message joined), never one record of both. */
  twice = false;
}


/**
 * Classify the message text at `start` (up to `end`) of `b`. For a seccomp
 * record, `fields` is where its key=value fields start. `kind: 'none'`: no
 * record or notice starts there. A seccomp head is valid until the next call
 * on the same RecordReader (its object is reused).
 */
function readHeadInto(b: Buffer, start: number, end: number, out: Head & { kind: 'seccomp' }): Head {
  let i = start;
  const c = b[i];
  let audit = false;
  if (c === AUDIT_COLON[0] && has(b, i, end, AUDIT_COLON)) {
    i += AUDIT_COLON.length;
    audit = true;
  } else if (c === KAUDITD[0] && has(b, i, end, KAUDITD)) {
    return { kind: 'loss', reason: 'printk-suppressed', count: leadingInt(b, i + KAUDITD.length, end) };
  } else if (c === SECCOMP_SP[0] && has(b, i, end, SECCOMP_SP)) {
    // journald's audit transport: the record's text without its type and stamp
    return { kind: 'seccomp', stamp: NONE, stampEnd: NONE, fields: i + SECCOMP_SP.length, time: NaN, serial: NONE, interpreted: false, decimal: out.decimal };
  } else if (c === SUPPRESSED[0] && has(b, i, end, SUPPRESSED) && findSeq(b, MESSAGES_FROM, i, end) >= 0) {
    return { kind: 'loss', reason: 'journald-suppressed', count: leadingInt(b, i + SUPPRESSED.length, end) };
  }
  // auditd's node= (name_format), as the audisp syslog plugin passes it on
  if (!audit && b[i] === NODE[0] && has(b, i, end, NODE)) {
    const sp = find(b, Ch.Space, i, end);
    if (sp > 0) i = sp + 1;
  }
  if (!has(b, i, end, TYPE)) return audit ? lossHead(b, i, end) : NO_HEAD;
  const t = i + TYPE.length;
  const typeEnd = find(b, Ch.Space, t, end);
  if (typeEnd < 0) return audit ? { kind: 'malformed', message: 'a record type and nothing after it' } : NO_HEAD;
  const tl = typeEnd - t;
  const seccomp = (tl === 4 && has(b, t, typeEnd, T1326)) || (tl === 7 && has(b, t, typeEnd, TSECCOMP)) || (tl === 13 && has(b, t, typeEnd, TUNKNOWN1326));
  i = typeEnd + 1;
  const at = has(b, i, end, MSG_AUDIT_PAREN) ? i + MSG_AUDIT_PAREN.length : has(b, i, end, AUDIT_PAREN) ? i + AUDIT_PAREN.length : -1;
  if (!seccomp) {
    // the kernel's `audit: type=l326`: a damaged type on a seccomp record's fields is said, not taken for another
    // record (auditd's lines keep their fixed-place reading: parse/record.ts auditdStamp)
    if (audit && !typeReadable(b, t, typeEnd) && seccompFields(b, typeEnd, end)) return UNREADABLE_TYPE;
    if (at < 0) return audit ? OTHER_NO_STAMP : NO_HEAD;
    // Another audit record: its serial still counts for gaps. auditd's own
    // DAEMON_* records (1200-1299) carry auditd's serials, not the kernel's.
    if (has(b, t, typeEnd, DAEMON) || (tl === 4 && has(b, t, typeEnd, T12))) return OTHER_NO_STAMP;
    const close = find(b, Ch.CloseParen, at, end);
    return close < 0 ? OTHER_NO_STAMP : { kind: 'other', stamp: at, stampEnd: close };
  }
  if (at < 0) return { kind: 'malformed', message: 'a seccomp record without its audit(TIME:SERIAL) stamp' };
  // The kernel's form, SEC.MSEC:SERIAL, is read here in one pass; any other
  // (ausearch -i's date, garbage) is left to the event to read.
  const colon = scanDecimal(b, at, end, out.decimal);
  const time = b[colon] === Ch.Colon ? decimalValue(out.decimal, true) : null;
  let serial = -1;
  let serialEnd = colon;
  if (time !== null) {
    // the serial's digits, read as they are passed (at most 15: exact)
    serial = 0;
    for (serialEnd = colon + 1; serialEnd < end && serialEnd - colon <= 15; serialEnd++) {
      const d = b[serialEnd] - Ch.Zero;
      if (d < 0 || d > 9) break;
      serial = serial * 10 + d;
    }
    if (serialEnd === colon + 1) serial = -1;
  }
  const close = b[serialEnd] === Ch.CloseParen && serialEnd < end ? serialEnd : find(b, Ch.CloseParen, serialEnd, end);
  if (close < 0) return { kind: 'malformed', message: 'the audit( stamp is not closed: truncated record?' };
  if (close !== serialEnd) serial = -1;
  out.time = serial < 0 ? NaN : time!;
  out.serial = serial < 0 ? NONE : serial;
  let fields = close + 1;
  let interpreted = false;
  if (b[fields] === Ch.Colon && b[fields + 1] === Ch.Space && fields + 1 < end) fields += 2;
  else if (b[fields] === Ch.Space && b[fields + 1] === Ch.Colon && b[fields + 2] === Ch.Space && fields + 2 < end) {
    fields += 3;
    interpreted = true;
  } else return { kind: 'malformed', message: 'no fields after the audit stamp: truncated record?' };
  out.interpreted = interpreted;
  out.stamp = at;
  out.stampEnd = close;
  out.fields = fields;
  return out;
}

/** What auditdStamp read of a line (an object of the caller's, rewritten by each read). Positions are byte indexes into the line's buffer, as in Head. */
export interface AuditdStamp {
  /** A seccomp record (type SECCOMP or 1326); otherwise another record type. */
  seccomp: boolean;
  /** SEC.FRAC as a number: the double Number() gives for its text. */
  time: number;
  serial: number;
  /** What stood inside `audit(...)`. */
  stamp: number;
  stampEnd: number;
  /** Where the record's key=value fields start (after `): `). */
  fields: number;
}

const MSG_AUDIT_SP = lit(' msg=audit(');
/** How far into a line (from `type=`) the envelope reader looks for ` msg=audit(` (parse/envelope.ts). */
const AUDITD_MSG_WITHIN = 48;

/**
 * A line of auditd's log read at its fixed place: `[node=NAME ]type=TYPE
 * msg=audit(SEC.FRAC:SERIAL): `, TYPE of `A-Z 0-9 _` (not auditd's own
 * DAEMON_* and 12xx), at most 15 digits in the time and in the serial. True
 * with what it read in `out`: then the general path (the envelope reader and
 * readHead) reads the line as a trusted `auditd` line whose head has the same
 * stamp, time, serial and fields (test/parse/parse.test.ts compares them on
 * every real line and on mutated ones). False for any other line, which is
 * left to the general path: nothing here decides what it is. Every line of an
 * audit.log is such a record, two thirds of them another type than seccomp's,
 * of which the learner needs the serial alone (issue 23).
 */
export function auditdStamp(b: Buffer, s: number, e: number, out: AuditdStamp): boolean {
  let i = s;
  if (b[i] === NODE[0]) {
    if (!has(b, i, e, NODE)) return false;
    const sp = find(b, Ch.Space, i, e);
    if (sp < 0) return false;
    i = sp + 1;
  }
  if (!has(b, i, e, TYPE)) return false;
  const t = i + TYPE.length;
  // the envelope reader finds ` msg=audit(` only within its first bytes
  const lim = Math.min(e, i + AUDITD_MSG_WITHIN);
  let k = t;
  for (; k < lim; k++) {
    const c = b[k];
    if (!((c >= Ch.UpperA && c <= Ch.UpperZ) || (c >= Ch.Zero && c <= Ch.Nine) || c === Ch.Underscore)) break;
  }
  const tl = k - t;
  if (tl === 0 || !has(b, k, lim, MSG_AUDIT_SP)) return false;
  const seccomp = (tl === 4 && has(b, t, k, T1326)) || (tl === 7 && has(b, t, k, TSECCOMP));
  if (!seccomp && ((tl === 4 && has(b, t, k, T12)) || has(b, t, k, DAEMON))) return false;
  // SEC.FRAC:SERIAL): in one pass, as decimalIn and intIn would read them
  let j = k + MSG_AUDIT_SP.length;
  const d0 = j;
  let n = 0;
  for (; j < e; j++) {
    const c = b[j] - Ch.Zero;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  const intDigits = j - d0;
  if (intDigits === 0 || b[j] !== Ch.Dot || j >= e) return false;
  const f0 = ++j;
  let scale = 1;
  for (; j < e; j++) {
    const c = b[j] - Ch.Zero;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
    scale *= 10;
  }
  const fracDigits = j - f0;
  if (fracDigits === 0 || intDigits + fracDigits > 15 || b[j] !== Ch.Colon || j >= e) return false;
  const s0 = ++j;
  let serial = 0;
  for (; j < e; j++) {
    const c = b[j] - Ch.Zero;
    if (c < 0 || c > 9) break;
    serial = serial * 10 + c;
  }
  // `): ` after it (not ausearch -i's `) : `); another record's fields are not read, and may be none
  if (j === s0 || j - s0 > 15 || b[j] !== Ch.CloseParen || b[j + 1] !== Ch.Colon || j + 1 >= e) return false;
  if (seccomp && (b[j + 2] !== Ch.Space || j + 2 >= e)) return false;
  out.seccomp = seccomp;
  out.time = n / scale;
  out.serial = serial;
  out.stamp = d0;
  out.stampEnd = j;
  out.fields = j + 3;
  return true;
}

function lossHead(b: Buffer, i: number, end: number): Head {
  // these follow an `audit: ` already skipped
  if (has(b, i, end, AUDIT_BACKLOG)) return { kind: 'loss', reason: 'backlog', count: null };
  if (has(b, i, end, AUDIT_LOST)) return { kind: 'loss', reason: 'lost', count: leadingInt(b, i + AUDIT_LOST.length, end) };
  if (has(b, i, end, BACKLOG_EXCEEDED)) return { kind: 'loss', reason: 'backlog', count: null };
  if (has(b, i, end, RATE_EXCEEDED)) return { kind: 'loss', reason: 'rate-limit', count: null };
  if (has(b, i, end, HOLD_OVERFLOW)) return { kind: 'loss', reason: 'hold-queue', count: null };
  // `type-1326`, `tyqe=1326`: a seccomp record whose type= is damaged (OCR, a retyped paste) is said, not passed over
  return seccompFields(b, i, end) ? UNREADABLE_TYPE : OTHER_NO_STAMP;
}

const UNREADABLE_TYPE: Head = { kind: 'malformed', message: "a record whose type= is not readable, with a seccomp record's fields (sig=, syscall=, code=): damaged (OCR, retyped)?" };

/** Whether [i, end) holds the fields only a seccomp record has together: sig=, syscall= and code=. */
function seccompFields(b: Buffer, i: number, end: number): boolean {
  // (the kernel-order reader's keys, below)
  return findSeq(b, KO_SYSCALL, i, end) >= 0 && findSeq(b, KO_CODE, i, end) >= 0 && findSeq(b, KO_SIG, i, end) >= 0;
}

/** Whether the type token [t, e) is one the kernel or auditd writes: digits (the kernel's), or A-Z and _ with UNKNOWN[N]'s number (auditd's names). */
function typeReadable(b: Buffer, t: number, e: number): boolean {
  let digits = 0;
  let k = t;
  for (; k < e && b[k] !== 0x5b; k++) {
    const c = b[k];
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (!((c >= 0x41 && c <= 0x5a) || c === 0x5f)) return false;
  }
  if (digits > 0 && digits !== k - t) return false;
  if (k === e) return true;
  // [N]
  for (k++; k < e - 1; k++) if (b[k] < 0x30 || b[k] > 0x39) return false;
  return b[e - 1] === 0x5d;
}

function leadingInt(b: Buffer, i: number, end: number): number | null {
  return intIn(b, i, digitsEnd(b, i, Math.min(end, i + 16)));
}

/**
 * code= as the kernel writes it (`0x%x`, an unsigned 32-bit action), or null.
 * The hex digits are read up to the first byte that is not one; what may
 * follow them: the value's end; ASCII punctuation or markup that closes the
 * quote the record sat in (a JSON string's `"` or `,`, `)`, `.`, `'`, `]`,
 * `</pre>`, `**.`: the kernel writes nothing but the digits there); or an
 * uppercase KEY= glued on where auditd's ENRICHED separator (0x1D) was lost
 * (`0x80000000AUID="unset"`: the A is AUID's, since the kernel writes lowercase).
 * Not after a value cut short: `..` or a byte past ASCII (`…`) after the
 * digits, or a lowercase letter (the digits may go on), give null.
 */
export function codeIn(b: Buffer, v: number, vEnd: number): number | null {
  if (b[v] !== Ch.Zero || b[v + 1] !== Ch.LowerX) return null;
  const s = v + 2;
  let h = hexEnd(b, s, vEnd);
  if (h < vEnd) {
    const c = b[h];
    if (c === Ch.Quote || c === Ch.Comma) {
      // the end of a JSON string value
    } else if (markupTo(b, h, vEnd)) {
      // markup closed right after the record (`code=0x0**`, a backtick): the value ends before it
    } else if (closesQuote(c)) {
      // punctuation or a tag after the record (`code=0x0)`, `code=0x0.`, `code=0x0</pre>`), not an ellipsis (`0x0...`: cut short)
      if (c === Ch.Dot && h + 1 < vEnd && b[h + 1] === Ch.Dot) return null;
    } else if ((c >= Ch.UpperA && c <= Ch.UpperZ) || c === Ch.Underscore) {
      let k = h;
      while (k > s && b[k - 1] >= Ch.UpperA && b[k - 1] <= Ch.UpperF) k--;
      let j = h;
      while (j < vEnd && ((b[j] >= Ch.UpperA && b[j] <= Ch.UpperZ) || (b[j] >= Ch.Zero && b[j] <= Ch.Nine) || b[j] === Ch.Underscore)) j++;
      if (b[j] !== Ch.Eq || j >= vEnd) return null;
      h = k;
    } else {
      return null;
    }
  }
  return hexIn(b, s, h);
}

/** Whether `c` is ASCII punctuation (not a letter, digit, `_`, space or control byte): what closes a quote around a record. */
function closesQuote(c: number): boolean {
  return c > Ch.Space && c < 0x7f && !(c >= Ch.Zero && c <= Ch.Nine) && !(c >= Ch.UpperA && c <= Ch.UpperZ) && !(c >= Ch.LowerA && c <= Ch.LowerZ) && c !== Ch.Underscore;
}

/** Whether [s, e) is only markdown markup (`*`, `` ` ``, `_`, `~`): what a page wraps a pasted record in. */
export function markupTo(b: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== Ch.Star && c !== Ch.Backtick && c !== Ch.Underscore && c !== Ch.Tilde) return false;
  }
  return true;
}

/** An AUDIT_ARCH value as the kernel prints it (%x: lowercase, no leading zero), or null. */
function auditHex(b: Buffer, s: number, e: number): number | null {
  if (b[s] === Ch.Zero && e - s > 1) return null;
  for (let i = s; i < e; i++) if (b[i] >= Ch.UpperA && b[i] <= Ch.UpperF) return null;
  return hexIn(b, s, e);
}

const enum K {
  other,
  auid,
  uid,
  gid,
  ses,
  subj,
  pid,
  comm,
  exe,
  sig,
  arch,
  syscall,
  compat,
  ip,
  code,
}

/** Two or three ASCII letters as one number, for comparing a key in place. */
function tri(s: string): number {
  let n = 0;
  for (let i = 0; i < 3 && i < s.length; i++) n = (n << 8) | s.charCodeAt(i);
  return n;
}
const PID = tri('pid');
const UID = tri('uid');
const SES = tri('ses');
const SIG = tri('sig');
const GID = tri('gid');
const EXE = tri('exe');
const AUI = tri('aui');
const ARC = tri('arc');
const COM = tri('com');
const COD = tri('cod');
const SUB = tri('sub');
const COMPAT = lit('compat');
const SYSCALL = lit('syscall');
const IP = lit('ip');
const AUID = lit('auid');
const ARCH = lit('arch');
const COMM = lit('comm');
const CODE = lit('code');
const SUBJ = lit('subj');
const PPID = lit('ppid');

/** The key in [from, eq), told by its length and first bytes. */
function keyOf(b: Buffer, from: number, eq: number): K {
  const len = eq - from;
  if (len < 2 || len > 7) return K.other;
  if (len === 2) return has(b, from, eq, IP) ? K.ip : K.other;
  const t = (b[from] << 16) | (b[from + 1] << 8) | b[from + 2];
  switch (len) {
    case 3:
      return t === PID ? K.pid : t === UID ? K.uid : t === SES ? K.ses : t === SIG ? K.sig : t === GID ? K.gid : t === EXE ? K.exe : K.other;
    case 4: {
      const c = b[from + 3];
      if (t === AUI) return c === AUID[3] ? K.auid : K.other;
      if (t === ARC) return c === ARCH[3] ? K.arch : K.other;
      if (t === COM) return c === COMM[3] ? K.comm : K.other;
      if (t === COD) return c === CODE[3] ? K.code : K.other;
      if (t === SUB) return c === SUBJ[3] ? K.subj : K.other;
      return K.other;
    }
    case 6:
      return has(b, from, eq, COMPAT) ? K.compat : K.other;
    case 7:
      return has(b, from, eq, SYSCALL) ? K.syscall : K.other;
    default:
      return K.other;
  }
}

/** In `ausearch -i` text and for subj=, a value runs to the next ` key=` of a known key (told in place: no string per key). */
function nextKnownKey(b: Buffer, from: number, end: number): number {
  let sp = find(b, Ch.Space, from, end);
  while (sp >= 0) {
    const eq = find(b, Ch.Eq, sp + 1, end);
    if (eq < 0) break;
    if (eq - sp - 1 <= 7 && (keyOf(b, sp + 1, eq) !== K.other || (eq - sp - 1 === PPID.length && has(b, sp + 1, eq, PPID)))) return sp;
    sp = find(b, Ch.Space, sp + 1, end);
  }
  return end;
}

// How a comm=/exe= value was written: its decoding depends on it.
const QUOTED = 0;
const OTHER = 1;
const INTERPRETED = 2;
const VALUE_SLOTS = 1024;

/**
 * Reads record heads and fields. Holds what makes that fast, all of it private:
 * decoded comm/exe values found again by their bytes (a process logs the same
 * names again and again), and the reused head and Fields objects. Owned by one
 * Parser; never shared. A head and the Fields of readRecordFields are rewritten
 * by the next call.
 */
export class RecordReader {
  private readonly head: Head & { kind: 'seccomp' } = { kind: 'seccomp', stamp: NONE, stampEnd: NONE, fields: 0, time: NaN, serial: NONE, interpreted: false, decimal: { n: 0, scale: 1, intDigits: 0, fracDigits: -1 } };
  private readonly slotBytes: Array<Buffer | undefined> = new Array<Buffer | undefined>(VALUE_SLOTS).fill(undefined);
  private readonly slotKind = new Int8Array(VALUE_SLOTS);
  private readonly slotValue: Array<Value | undefined> = new Array<Value | undefined>(VALUE_SLOTS).fill(undefined);
  private readonly scratch = new Fields();
  /** Where the last readFieldsInto stopped: `end` when every value in it was whole. */
  private stoppedAt = 0;
  /** How many records readRecordFields read in the kernel's order (kernelOrder), not the general way: for tests and the bench. */
  kernelOrderReads = 0;
  /** Records' fields before ` ip=`, found again by their bytes (see readRecordFields). */
  private readonly prefixes = new PrefixCache();

  /** The head at `start` (see Head). A seccomp head is valid until the next call. */
  readHead(b: Buffer, start: number, end: number): Head {
    return readHeadInto(b, start, end, this.head);
  }

  /** The head of a seccomp record auditdStamp read (what readHead gives for the same line), valid until the next call. */
  auditdHead(st: AuditdStamp): Head {
    const h = this.head;
    h.stamp = st.stamp;
    h.stampEnd = st.stampEnd;
    h.fields = st.fields;
    h.time = st.time;
    h.serial = st.serial;
    h.interpreted = false;
    return h;
  }

  /**
   * The first place in [s, e) where a record or a notice starts (`audit: `,
   * `type=`, `node=`, journald's `SECCOMP `, `kauditd_printk_skb`,
   * `Suppressed N messages`), with its head; or null. For lines whose envelope
   * is unknown: slow, and only on lines that hold a marker.
   */
  findRecord(b: Buffer, s: number, e: number): { at: number; head: Head } | null {
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (c !== AUDIT_COLON[0] && c !== TYPE[0] && c !== NODE[0] && c !== SECCOMP_SP[0] && c !== KAUDITD[0]) continue;
      if (c === SECCOMP_SP[0] && has(b, i, e, SECCOMP_SP) && !looksLikeFields(b, i + SECCOMP_SP.length, e)) continue;
      const head = this.readHead(b, i, e);
      if (head.kind !== 'none' && !(head.kind === 'other' && head.stamp < 0 && !has(b, i, e, AUDIT_COLON))) return { at: i, head };
    }
    return null;
  }

  /**
   * Read the key=value fields of [start, end) of `b`. The record proper ends at
   * auditd's ENRICHED separator (0x1D). `interpreted` is for `ausearch -i`
   * output, whose comm/exe values are printed raw and may hold spaces.
   */
  readFields(b: Buffer, start: number, end: number, interpreted: boolean): Fields {
    return this.readFieldsInto(new Fields(), b, start, end, interpreted);
  }

  private readFieldsInto(f: Fields, b: Buffer, start: number, end: number, interpreted: boolean): Fields {
    const gs = find(b, Ch.GS, start, end);
    if (gs >= 0) end = gs;
    let i = start;
    while (i < end) {
      while (b[i] === Ch.Space && i < end) i++;
      const eq = find(b, Ch.Eq, i, end);
      if (eq < 0) break;
      // the key is recognised in place: no string is made for it, nor for values never used
      const key = keyOf(b, i, eq);
      let v = eq + 1;
      let vEnd: number;
      let quoted = false;
      if (key === K.subj || (interpreted && (key === K.comm || key === K.exe) && b[v] !== Ch.Quote)) {
        vEnd = nextKnownKey(b, v, end);
      } else if (b[v] === Ch.Quote && v < end) {
        const close = find(b, Ch.Quote, v + 1, end);
        vEnd = close < 0 ? end : close;
        v++;
        quoted = true;
      } else {
        vEnd = find(b, Ch.Space, v, end);
        if (vEnd < 0) vEnd = end;
      }
      i = quoted ? vEnd + 1 : vEnd;
      switch (key) {
        case K.comm:
          f.comm = this.value(b, v, vEnd, quoted ? QUOTED : interpreted ? INTERPRETED : OTHER);
          break;
        case K.exe:
          f.exe = this.value(b, v, vEnd, quoted ? QUOTED : interpreted ? INTERPRETED : OTHER);
          break;
        case K.auid:
          f.auid = intIn(b, v, vEnd);
          break;
        case K.uid:
          f.uid = intIn(b, v, vEnd);
          break;
        case K.pid:
          f.pid = intIn(b, v, vEnd);
          f.pidRaw = f.pid === null ? text(b, v, vEnd) : undefined;
          break;
        case K.sig:
          f.sig = intIn(b, v, vEnd);
          f.sigRaw = f.sig === null ? text(b, v, vEnd) : undefined;
          break;
        case K.arch:
          f.arch = interpreted ? null : auditHex(b, v, vEnd);
          f.archRaw = f.arch === null ? text(b, v, vEnd) : undefined;
          break;
        case K.syscall:
          if (f.syscall !== undefined) f.twice = true;
          // the kernel prints %d: a leading zero (`syscall=00`) is not its, and is not read as 0 (`read`)
          f.syscall = interpreted || (b[v] === Ch.Zero && vEnd - v > 1) ? null : intIn(b, v, vEnd);
          f.syscallRaw = f.syscall === null ? text(b, v, vEnd) : undefined;
          break;
        case K.compat:
          f.compat = intIn(b, v, vEnd);
          break;
        case K.ip:
          f.ip = true;
          break;
        case K.code:
          if (f.code !== undefined || f.codeRaw !== undefined) f.twice = true;
          f.code = codeIn(b, v, vEnd);
          f.codeRaw = f.code === null ? text(b, v, vEnd) : undefined;
          break;
        default:
          break; // gid, ses, subj: not used; unknown keys (ChromeOS's ppid=, future ones): passed over
      }
    }
    this.stoppedAt = i;
    return f;
  }

  /**
   * The fields of a seccomp record (not `ausearch -i`'s), read into one Fields
   * this reader owns and rewrites on the next call: nothing is allocated per
   * record (npm run bench, busy syslog: a cache of whole records' fields, keyed on everything before
   * ip=, missed half the time on a busy node, and what it allocated on each miss
   * survived into the old generation, which grew with the input).
   */
  readRecordFields(b: Buffer, start: number, end: number): Fields {
    const f = this.scratch;
    // The kernel's own order first, in one forward pass (npm run bench, busy syslog: see kernelOrder)
    if (this.kernelOrder(f, b, start, end)) {
      this.kernelOrderReads++;
      return f;
    }
    f.auid = f.uid = f.pid = f.sig = f.compat = f.arch = f.syscall = f.code = undefined;
    f.pidRaw = f.sigRaw = f.archRaw = f.syscallRaw = f.codeRaw = undefined;
    f.comm = f.exe = undefined;
    f.ip = f.twice = false;
    // The fields before the kernel's ` ip=` repeat while a process makes the
    // same call (npm run bench, classic syslog, 4 processes: most records): they are read once per
    // distinct text and found again in a fixed table, which neither allocates
    // nor grows (a miss costs a hash and a copy of the bytes). The split is
    // exact: the part before ip= is read as it would be in one pass (checked:
    // the pass must stop right at ip=, no quote left open), then the rest on
    // top of it, as the one pass would go on.
    const ip = lastIpKey(b, start, end);
    if (ip < 0) return this.readFieldsInto(f, b, start, end, false);
    const cache = this.prefixes;
    const slot = cache.find(b, start, ip);
    if (slot >= 0) {
      cache.restore(slot, f);
      return this.readFieldsInto(f, b, ip, end, false);
    }
    this.readFieldsInto(f, b, start, ip, false);
    if (this.stoppedAt !== ip || f.twice) {
      // ip= is not where a key starts in one pass (inside a value, after an unmatched quote): one pass
      f.auid = f.uid = f.pid = f.sig = f.compat = f.arch = f.syscall = f.code = undefined;
      f.pidRaw = f.sigRaw = f.archRaw = f.syscallRaw = f.codeRaw = undefined;
      f.comm = f.exe = undefined;
      f.ip = f.twice = false;
      return this.readFieldsInto(f, b, start, end, false);
    }
    cache.store(b, start, ip, f);
    return this.readFieldsInto(f, b, ip, end, false);
  }

  /**
   * A record's fields as the kernel writes them (kernel/auditsc.c
   * audit_log_task then audit_seccomp: `auid= uid= gid= ses= [subj=] pid=
   * comm="" exe="" sig= arch= syscall= compat= ip= code=`), read in one
   * forward pass that checks each key in place, into `f`. False at the first
   * surprise (another key, two spaces, a quote where the kernel writes none, a
   * control byte, anything after code=): then `f` is left
   * half-written and the caller reads the line the general way. Where it
   * returns true, `f` is exactly what readFieldsInto gives for the same bytes:
   * each value ends where that reader ends it and is read by the same function
   * (test/parse/parse.test.ts compares the two on every real and published record, and on records mutated anywhere).
   * npm run bench's busy syslog (200 MB, --jobs 1, a CPU profile): records'
   * fields took 345 ms of 1223 through the general reader and its prefix
   * cache, 236 ms this way; CPU time of the run, best of 5: 1.35 s, 1.27 s.
   */
  private kernelOrder(f: Fields, b: Buffer, start: number, end: number): boolean {
    if (!has(b, start, end, KO_AUID)) return false;
    let v = start + KO_AUID.length;
    let e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.auid = intIn(b, v, e);
    if (!has(b, e, end, KO_UID)) return false;
    v = e + KO_UID.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.uid = intIn(b, v, e);
    if (!has(b, e, end, KO_GID)) return false;
    e = plainEnd(b, e + KO_GID.length, end);
    if (e < 0 || !has(b, e, end, KO_SES)) return false;
    e = plainEnd(b, e + KO_SES.length, end);
    if (e < 0) return false;
    if (has(b, e, end, KO_SUBJ)) {
      // an LSM label, unescaped: up to ` pid=`, holding no '=' (else the general reader decides where it ends)
      let i = e + KO_SUBJ.length;
      for (; i < end; i++) {
        const c = b[i];
        if (c === Ch.Eq || c === Ch.GS) return false;
        if (c === Ch.Space && has(b, i, end, KO_PID)) break;
      }
      e = i;
    }
    if (!has(b, e, end, KO_PID)) return false;
    v = e + KO_PID.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.pid = intIn(b, v, e);
    f.pidRaw = f.pid === null ? text(b, v, e) : undefined;
    if (!has(b, e, end, KO_COMM)) return false;
    e = this.untrusted(b, e + KO_COMM.length, end);
    if (e < 0) return false;
    f.comm = this.lastValue;
    if (!has(b, e, end, KO_EXE)) return false;
    e = this.untrusted(b, e + KO_EXE.length, end);
    if (e < 0) return false;
    f.exe = this.lastValue;
    if (!has(b, e, end, KO_SIG)) return false;
    v = e + KO_SIG.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.sig = intIn(b, v, e);
    f.sigRaw = f.sig === null ? text(b, v, e) : undefined;
    if (!has(b, e, end, KO_ARCH)) return false;
    v = e + KO_ARCH.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.arch = auditHex(b, v, e);
    f.archRaw = f.arch === null ? text(b, v, e) : undefined;
    if (!has(b, e, end, KO_SYSCALL)) return false;
    v = e + KO_SYSCALL.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    // as readFieldsInto: the kernel prints %d, so a leading zero is not its
    f.syscall = b[v] === Ch.Zero && e - v > 1 ? null : intIn(b, v, e);
    f.syscallRaw = f.syscall === null ? text(b, v, e) : undefined;
    if (!has(b, e, end, KO_COMPAT)) return false;
    v = e + KO_COMPAT.length;
    e = plainEnd(b, v, end);
    if (e < 0) return false;
    f.compat = intIn(b, v, e);
    if (!has(b, e, end, KO_IP)) return false;
    e = plainEnd(b, e + KO_IP.length, end);
    if (e < 0 || !has(b, e, end, KO_CODE)) return false;
    v = e + KO_CODE.length;
    e = plainEnd(b, v, end);
    // the record ends with code=, at the line's end or at auditd's ENRICHED separator
    if (e < 0 || (e < end && b[e] !== Ch.GS)) return false;
    f.code = codeIn(b, v, e);
    f.codeRaw = f.code === null ? text(b, v, e) : undefined;
    f.ip = true;
    f.twice = false;
    return true;
  }

  /** The Value of the last untrusted() read. */
  private lastValue: Value | undefined = undefined;

  /**
   * A comm= or exe= value at `v` as audit_log_untrustedstring writes it:
   * "quoted", or uppercase hex when it holds a byte it may not quote (a space, a
   * quote, a control byte). Its Value goes to lastValue; returned, where the
   * value's text ends (after a closing quote), or -1 (see kernelOrder).
   */
  private untrusted(b: Buffer, v: number, end: number): number {
    if (b[v] === Ch.Quote && v < end) {
      const close = quotedEnd(b, v + 1, end);
      if (close < 0) return -1;
      this.lastValue = this.value(b, v + 1, close, QUOTED);
      return close + 1;
    }
    const e = plainEnd(b, v, end);
    if (e < 0) return -1;
    this.lastValue = this.value(b, v, e, OTHER);
    return e;
  }

  /** comm= and exe= values repeat from record to record: each is decoded once and found again by its bytes (no string is made to look it up). */
  private value(b: Buffer, s: number, e: number, kind: number): Value {
    const len = e - s;
    let h = Math.imul(len, 0x9e3779b1) ^ kind;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const slot = (h ^ (h >>> 16)) & (VALUE_SLOTS - 1);
    const k = this.slotBytes[slot];
    if (k !== undefined && k.length === len && this.slotKind[slot] === kind) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (k[i] !== b[s + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.slotValue[slot]!;
    }
    const raw = Buffer.from(b.subarray(s, e));
    const v = decodeValue(raw, kind);
    this.slotBytes[slot] = raw;
    this.slotKind[slot] = kind;
    this.slotValue[slot] = v;
    return v;
  }
}

// The kernel's keys in its order, each with the space before it (kernelOrder).
const KO_AUID = lit('auid=');
const KO_UID = lit(' uid=');
const KO_GID = lit(' gid=');
const KO_SES = lit(' ses=');
const KO_SUBJ = lit(' subj=');
const KO_PID = lit(' pid=');
const KO_COMM = lit(' comm=');
const KO_EXE = lit(' exe=');
const KO_SIG = lit(' sig=');
const KO_ARCH = lit(' arch=');
const KO_SYSCALL = lit(' syscall=');
const KO_COMPAT = lit(' compat=');
const KO_IP = lit(' ip=');
const KO_CODE = lit(' code=');

/**
 * Where an unquoted value at `v` ends (the next space, or `end`), as
 * readFieldsInto ends it; -1 where that reader would read it otherwise or cut
 * the record before it: a value that opens with a quote, or a 0x1D inside it.
 */
function plainEnd(b: Buffer, v: number, end: number): number {
  if (b[v] === Ch.Quote && v < end) return -1;
  for (let i = v; i < end; i++) {
    const c = b[i];
    if (c === Ch.Space) return i;
    if (c === Ch.GS) return i === v ? -1 : i;
  }
  return end;
}

/** Where a quoted value whose first byte is at `v` closes (its quote); -1 if it does not, or holds a byte the kernel would have hex-encoded. */
function quotedEnd(b: Buffer, v: number, end: number): number {
  for (let i = v; i < end; i++) {
    const c = b[i];
    if (c === Ch.Quote) return i;
    if (c < 0x21 || c === 0x7f) return -1;
  }
  return -1;
}

/** The last ` ip=` of [start, end), as the position of its `i`; -1 if none (a record cut short). Read backwards: the kernel writes it near the end. */
function lastIpKey(b: Buffer, start: number, end: number): number {
  for (let i = end - 3; i > start; i--) {
    if (b[i] === Ch.LowerI && b[i + 1] === Ch.LowerP && b[i + 2] === Ch.Eq && b[i - 1] === Ch.Space) return i;
  }
  return -1;
}

/** Slots of the prefix cache (a power of two), and the longest prefix kept. */
const PREFIX_SLOTS = 512;
const PREFIX_BYTES = 256;
/** The numbers of Fields a prefix sets, in this order. */
const NUMBERS = 8;
const enum Has {
  Absent = 0,
  Null = 1,
  Number = 2,
}

/**
 * The fields a record's text before ` ip=` gave, kept by that text in a
 * direct-mapped table of fixed size: the bytes in one arena, the numbers in
 * typed arrays, comm and exe as the Values the reader already made. Nothing is
 * allocated per record, hit or miss, and nothing grows with the input.
 * Prefixes whose fields kept raw text (a number that was not one) are not kept.
 */
class PrefixCache {
  private readonly bytes = Buffer.alloc(PREFIX_SLOTS * PREFIX_BYTES);
  private readonly lengths = new Int32Array(PREFIX_SLOTS).fill(-1);
  private readonly hashes = new Int32Array(PREFIX_SLOTS);
  private readonly numbers = new Float64Array(PREFIX_SLOTS * NUMBERS);
  private readonly has = new Uint8Array(PREFIX_SLOTS * NUMBERS);
  private readonly ips = new Uint8Array(PREFIX_SLOTS);
  private readonly comms: Array<Value | undefined> = new Array<Value | undefined>(PREFIX_SLOTS).fill(undefined);
  private readonly exes: Array<Value | undefined> = new Array<Value | undefined>(PREFIX_SLOTS).fill(undefined);
  private hash = 0;

  /** The slot holding the fields of [s, e), or -1 (its hash is kept for store()). */
  find(b: Buffer, s: number, e: number): number {
    const len = e - s;
    // a hash of some of the bytes (the compare below checks them all): the last
    // 24 (syscall=, compat=, arch=) and every 7th before (pid=, comm=, exe=)
    let h = Math.imul(len, 0x9e3779b1);
    const tail = Math.max(s, e - 24);
    for (let i = s; i < tail; i += 7) h = Math.imul(h ^ b[i], 0x01000193);
    for (let i = tail; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    h ^= h >>> 15;
    this.hash = h;
    const slot = h & (PREFIX_SLOTS - 1);
    if (this.lengths[slot] !== len || this.hashes[slot] !== h) return -1;
    const at = slot * PREFIX_BYTES;
    return b.compare(this.bytes, at, at + len, s, e) === 0 ? slot : -1;
  }

  /** Keep the fields `f` read from [s, e) (after a find() of the same bytes that missed). */
  store(b: Buffer, s: number, e: number, f: Fields): void {
    const len = e - s;
    if (len > PREFIX_BYTES || f.pidRaw !== undefined || f.sigRaw !== undefined || f.archRaw !== undefined || f.syscallRaw !== undefined || f.codeRaw !== undefined) return;
    const slot = this.hash & (PREFIX_SLOTS - 1);
    b.copy(this.bytes, slot * PREFIX_BYTES, s, e);
    this.lengths[slot] = len;
    this.hashes[slot] = this.hash;
    const n = slot * NUMBERS;
    this.put(n, f.auid);
    this.put(n + 1, f.uid);
    this.put(n + 2, f.pid);
    this.put(n + 3, f.sig);
    this.put(n + 4, f.compat);
    this.put(n + 5, f.arch);
    this.put(n + 6, f.syscall);
    this.put(n + 7, f.code);
    this.ips[slot] = f.ip ? 1 : 0;
    this.comms[slot] = f.comm;
    this.exes[slot] = f.exe;
  }

  /** Set `f` to what the prefix in `slot` gave; the rest of the line is read on top of it. */
  restore(slot: number, f: Fields): void {
    const n = slot * NUMBERS;
    f.auid = this.get(n);
    f.uid = this.get(n + 1);
    f.pid = this.get(n + 2);
    f.sig = this.get(n + 3);
    f.compat = this.get(n + 4);
    f.arch = this.get(n + 5);
    f.syscall = this.get(n + 6);
    f.code = this.get(n + 7);
    f.ip = this.ips[slot] === 1;
    f.comm = this.comms[slot];
    f.exe = this.exes[slot];
  }

  private put(i: number, v: number | null | undefined): void {
    this.has[i] = v === undefined ? Has.Absent : v === null ? Has.Null : Has.Number;
    this.numbers[i] = v ?? 0;
  }

  private get(i: number): number | null | undefined {
    const h = this.has[i];
    return h === Has.Number ? this.numbers[i] : h === Has.Null ? null : undefined;
  }
}

/** Whether `i` starts `key=` (a lowercase word and '='): what follows journald's `SECCOMP `. */
function looksLikeFields(b: Buffer, i: number, e: number): boolean {
  const lim = Math.min(e, i + 9);
  let k = i;
  while (k < lim && b[k] >= Ch.LowerA && b[k] <= Ch.LowerZ) k++;
  return k > i && b[k] === Ch.Eq;
}

function decodeValue(raw: Buffer, kind: number): Value {
  if (kind === QUOTED) return { text: showSafely(raw), encoding: 'quoted' };
  if (raw.length === NULL_VALUE.length && raw.equals(NULL_VALUE)) return { text: null, encoding: 'null' };
  if (kind === INTERPRETED) return { text: showSafely(raw), encoding: 'plain' };
  const bytes = hexBytes(raw);
  if (bytes === null) return { text: showSafely(raw), encoding: 'plain' };
  return { text: showSafely(bytes), encoding: 'hex' };
}

function hexBytes(raw: Buffer): Buffer | null {
  if (raw.length === 0 || raw.length % 2 !== 0) return null;
  for (const c of raw) if (hexDigit(c) < 0) return null;
  return Buffer.from(ascii(raw, 0, raw.length), 'hex');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes (or a string) shown safely: valid UTF-8 stays as it is, except control
 * characters and invalid bytes, which become \xNN. A name a process chose for
 * itself can then be printed, put in JSON and matched without surprises.
 */
export function showSafely(input: string | Buffer): string {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = utf8.decode(input);
    } catch {
      let out = '';
      for (const b of input) out += b >= 0x20 && b < 0x7f && b !== Ch.Backslash ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
      return out;
    }
  }
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f\ufffd]/.test(text)
    ? // control characters are what is escaped here
      // eslint-disable-next-line no-control-regex
      text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    : text;
}
