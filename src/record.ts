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
// - `ausearch -i` prints names instead of numbers and comm/exe unescaped, so
//   there a value runs up to the next known key.

import { ascii, find, findSeq, has, intIn, lit, text } from './bytes.js';

/**
 * What a line's audit text is. Positions are byte indexes into the line's
 * buffer: `stamp` to `stampEnd` is what stood inside `audit(...)`, -1 when the
 * record has none.
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
    }
  | { kind: 'other'; stamp: number; stampEnd: number }
  | { kind: 'loss'; reason: LossReason; count: number | null }
  | { kind: 'malformed'; message: string };

export type LossReason = 'printk-suppressed' | 'backlog' | 'lost' | 'rate-limit' | 'hold-queue' | 'journald-suppressed';

const GS = 0x1d;

const AUDIT_COLON = lit('audit: ');
const KAUDITD = lit('kauditd_printk_skb: ');
const SECCOMP_SP = lit('SECCOMP ');
const SUPPRESSED = lit('Suppressed ');
const MESSAGES_FROM = lit(' messages from ');
const TYPE = lit('type=');
const MSG = lit('msg=');
const AUDIT_PAREN = lit('audit(');
const MSG_AUDIT_PAREN = lit('msg=audit(');
const DAEMON = lit('DAEMON_');
const T1326 = lit('1326');
const TSECCOMP = lit('SECCOMP');
const TUNKNOWN1326 = lit('UNKNOWN[1326]');
const NONE = -1;

/**
 * Classify the message text of [start, end) of `b`. For a seccomp record,
 * `fields` is where its key=value fields start. A seccomp head is valid until
 * the next call (its object is reused).
 */
export function readHead(b: Buffer, start: number, end: number): Head {
  let i = start;
  const c = b[i];
  if (c === 97 && has(b, i, end, AUDIT_COLON)) {
    i += 7;
  } else if (c === 107 && has(b, i, end, KAUDITD)) {
    return { kind: 'loss', reason: 'printk-suppressed', count: leadingInt(b, i + 20, end) };
  } else if (c === 83 && has(b, i, end, SECCOMP_SP)) {
    return { kind: 'seccomp', stamp: NONE, stampEnd: NONE, fields: i + 8, time: NaN, serial: NONE }; // journald's audit transport
  } else if (c === 83 && has(b, i, end, SUPPRESSED) && findSeq(b, MESSAGES_FROM, i, end) >= 0) {
    return { kind: 'loss', reason: 'journald-suppressed', count: leadingInt(b, i + 11, end) };
  }
  if (!has(b, i, end, TYPE)) return lossHead(b, i, end);
  const typeEnd = find(b, 32, i + 5, end);
  if (typeEnd < 0) return { kind: 'malformed', message: 'a record type and nothing after it' };
  const t = i + 5;
  const tl = typeEnd - t;
  const seccomp = (tl === 4 && has(b, t, typeEnd, T1326)) || (tl === 7 && has(b, t, typeEnd, TSECCOMP)) || (tl === 13 && has(b, t, typeEnd, TUNKNOWN1326));
  i = typeEnd + 1;
  if (!seccomp) {
    // Another audit record: its serial still counts for gaps. auditd's own
    // DAEMON_* records (1200-1299) carry auditd's serials, not the kernel's.
    if (has(b, t, typeEnd, DAEMON) || (b[t] === 49 && b[t + 1] === 50 && tl >= 2)) return { kind: 'other', stamp: NONE, stampEnd: NONE };
    const at = has(b, i, end, MSG_AUDIT_PAREN) ? i + 10 : has(b, i, end, AUDIT_PAREN) ? i + 6 : -1;
    const close = at < 0 ? -1 : find(b, 41, at, end);
    return close < 0 ? { kind: 'other', stamp: NONE, stampEnd: NONE } : { kind: 'other', stamp: at, stampEnd: close };
  }
  if (has(b, i, end, MSG)) i += 4;
  if (!has(b, i, end, AUDIT_PAREN)) return { kind: 'malformed', message: 'a seccomp record without its audit(TIME:SERIAL) stamp' };
  // The stamp is read while its `)` is looked for. In the kernel's form,
  // SEC.MSEC:SERIAL, its numbers are kept (time: both parts as one exact
  // integer, divided once, as decimalIn does); any other form is left to the
  // event to read (ausearch -i's date, garbage).
  const from = i + 6;
  let close = -1;
  let n = 0;
  let digits = 0;
  let scale = 1;
  let dot = -1;
  let colon = -1;
  let serial = 0;
  let serialDigits = 0;
  let kernel = true;
  for (let j = from; j < end; j++) {
    const c = b[j];
    if (c === 41) {
      close = j;
      break;
    }
    if (!kernel) continue;
    if (c >= 48 && c <= 57) {
      if (colon < 0) {
        n = n * 10 + (c - 48);
        digits++;
        if (dot >= 0) scale *= 10;
      } else {
        serial = serial * 10 + (c - 48);
        serialDigits++;
      }
    } else if (c === 46 && dot < 0 && colon < 0) dot = j;
    else if (c === 58 && colon < 0 && dot >= 0) colon = j;
    else kernel = false;
  }
  if (close < 0) return { kind: 'malformed', message: 'the audit( stamp is not closed: truncated record?' };
  kernel = kernel && dot > from && colon > dot + 1 && digits <= 15 && serialDigits > 0 && serialDigits <= 15;
  seccompHead.time = kernel ? n / scale : NaN;
  seccompHead.serial = kernel ? serial : NONE;
  let fields = close + 1;
  if (b[fields] === 58 && b[fields + 1] === 32 && fields + 1 < end) fields += 2;
  else if (b[fields] === 32 && b[fields + 1] === 58 && b[fields + 2] === 32 && fields + 2 < end) fields += 3;
  else return { kind: 'malformed', message: 'no fields after the audit stamp: truncated record?' };
  // the common answer reuses one object (one per record would be garbage: bench)
  seccompHead.stamp = i + 6;
  seccompHead.stampEnd = close;
  seccompHead.fields = fields;
  return seccompHead;
}

const seccompHead: Head & { kind: 'seccomp' } = { kind: 'seccomp', stamp: NONE, stampEnd: NONE, fields: 0, time: NaN, serial: NONE };

const AUDIT_BACKLOG = lit('audit_backlog=');
const AUDIT_LOST = lit('audit_lost=');
const BACKLOG_EXCEEDED = lit('backlog limit exceeded');
const RATE_EXCEEDED = lit('rate limit exceeded');
const HOLD_OVERFLOW = lit('kauditd hold queue overflow');

function lossHead(b: Buffer, i: number, end: number): Head {
  // these follow an `audit: ` already skipped
  if (has(b, i, end, AUDIT_BACKLOG)) return { kind: 'loss', reason: 'backlog', count: null };
  if (has(b, i, end, AUDIT_LOST)) return { kind: 'loss', reason: 'lost', count: leadingInt(b, i + 11, end) };
  if (has(b, i, end, BACKLOG_EXCEEDED)) return { kind: 'loss', reason: 'backlog', count: null };
  if (has(b, i, end, RATE_EXCEEDED)) return { kind: 'loss', reason: 'rate-limit', count: null };
  if (has(b, i, end, HOLD_OVERFLOW)) return { kind: 'loss', reason: 'hold-queue', count: null };
  return { kind: 'other', stamp: NONE, stampEnd: NONE };
}

function leadingInt(b: Buffer, i: number, end: number): number | null {
  let n = 0;
  let j = i;
  for (; j < end; j++) {
    const c = b[j];
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return j > i ? n : null;
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
  /**
   * What arch= and syscall= name, once worked out (event.ts): Fields of a
   * repeated record are shared, so this is worked out once per distinct text.
   */
  resolved: { arch: import('./syscalls/index.js').Arch | null; name: string | null } | undefined = undefined;
}

/** An untrusted string value (comm=, exe=): its bytes shown safely, or null for `(null)`. */
export interface Value {
  text: string | null;
  /** How the kernel wrote it. */
  encoding: 'quoted' | 'hex' | 'null' | 'plain';
}

const KNOWN = new Set(['auid', 'uid', 'gid', 'ses', 'subj', 'pid', 'comm', 'exe', 'sig', 'arch', 'syscall', 'compat', 'ip', 'code', 'ppid']);

/**
 * Read the key=value fields of [start, end) of `b`. The record proper ends at
 * auditd's ENRICHED separator (0x1D). `interpreted` is for `ausearch -i`
 * output, whose comm/exe values are printed raw and may hold spaces.
 */
export function readFields(b: Buffer, start: number, end: number, interpreted: boolean): Fields {
  const f = new Fields();
  unclosed = false;
  const gs = find(b, GS, start, end);
  if (gs >= 0) end = gs;
  let i = start;
  while (i < end) {
    while (b[i] === 32 && i < end) i++;
    const eq = find(b, 61 /* = */, i, end);
    if (eq < 0) break;
    // the key is recognised in place: no string is made for it, nor for values never used
    const key = keyOf(b, i, eq);
    let v = eq + 1;
    let vEnd: number;
    let quoted = false;
    if (key === K.subj || (interpreted && (key === K.comm || key === K.exe))) {
      vEnd = nextKnownKey(b, v, end);
    } else if (b[v] === 34 /* " */ && v < end) {
      const close = find(b, 34, v + 1, end);
      vEnd = close < 0 ? end : close;
      if (close < 0) unclosed = true;
      v++;
      quoted = true;
    } else {
      vEnd = find(b, 32, v, end);
      if (vEnd < 0) vEnd = end;
    }
    i = quoted ? vEnd + 1 : vEnd;
    switch (key) {
      case K.comm:
        f.comm = value(b, v, vEnd, quoted ? QUOTED : interpreted ? INTERPRETED : OTHER);
        break;
      case K.exe:
        f.exe = value(b, v, vEnd, quoted ? QUOTED : interpreted ? INTERPRETED : OTHER);
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
        break;
      case K.arch:
        f.arch = interpreted ? null : auditHex(b, v, vEnd);
        f.archRaw = f.arch === null ? text(b, v, vEnd) : undefined;
        break;
      case K.syscall:
        f.syscall = interpreted ? null : intIn(b, v, vEnd);
        f.syscallRaw = f.syscall === null ? text(b, v, vEnd) : undefined;
        break;
      case K.compat:
        f.compat = intIn(b, v, vEnd);
        break;
      case K.code:
        f.code = b[v] === 48 && b[v + 1] === 120 ? hexIn(b, v + 2, vEnd) : null;
        f.codeRaw = f.code === null ? text(b, v, vEnd) : undefined;
        break;
      default:
        break; // gid, ses, subj, ip: not used; unknown keys (ChromeOS's ppid=, future ones): passed over
    }
  }
  return f;
}

/**
 * A process makes the same calls again and again: everything before ` ip=`
 * (auid ... pid comm exe sig arch syscall compat) repeats from record to
 * record, and only ip= and code= change. So the fields of a seccomp record
 * (not `ausearch -i`'s) are read once per distinct text before ` ip=` and found
 * again by its bytes in a direct-mapped table; what follows is read each time,
 * and a record with anything there but ip= and code= is read whole. The result
 * is what readFields gives on the whole record. Fields returned are shared:
 * never change them. (bench: reading fields was a third of the time per record.)
 */
export function readRecordFields(b: Buffer, start: number, end: number): Fields {
  let ip: number;
  let code: number | null | undefined;
  let codeRaw: string | undefined;
  // The kernel's tail, read backwards in one pass: ` ip=V code=0xHEX` at the end.
  let i = end - 1;
  let hex = 0;
  let mul = 1;
  for (; i > start && mul <= 0x10000000; i--) {
    const d = hexDigit(b[i]);
    if (d < 0) break;
    hex += d * mul;
    mul *= 16;
  }
  if (mul > 1 && b[i] === 120 && has(b, i - 7, end, SP_CODE_EQ_0)) {
    // then the ip= value: no space, quote, '=' or 0x1D in it
    let j = i - 8;
    for (let c = b[j]; j > start && c !== 32 && c !== 61 && c !== 34 && c !== GS; c = b[--j]);
    ip = j - 3;
    if (b[j] !== 61 || !has(b, ip, end, SP_IP_EQ)) return readTail(b, start, end);
    code = hex;
  } else {
    return readTail(b, start, end);
  }
  return readBody(b, start, ip, end, code, codeRaw);
}

/** readRecordFields for any other tail: ` ip=` found from the end, the record cut at the first 0x1D. */
function readTail(b: Buffer, start: number, end: number): Fields {
  let cut = end;
  let ip = -1;
  for (let i = end - 1; i >= start; i--) {
    const c = b[i];
    if (c === GS) cut = i;
    else if (c === 32 && i + 3 < cut && b[i + 1] === 105 && b[i + 2] === 112 && b[i + 3] === 61) {
      ip = i;
      break;
    }
  }
  // the tail: `ip=V` and, optionally, ` code=V`, and nothing else (a quoted value may hold spaces: read whole)
  if (ip < 0 || b[ip + 4] === 34) return readFields(b, start, end, false);
  let code: number | null | undefined;
  let codeRaw: string | undefined;
  const sp = find(b, 32, ip + 4, cut);
  if (sp >= 0) {
    const v = sp + 6;
    if (!has(b, sp + 1, cut, CODE_EQ) || b[v] === 34 || find(b, 32, v, cut) >= 0) return readFields(b, start, end, false);
    code = b[v] === 48 && b[v + 1] === 120 ? hexIn(b, v + 2, cut) : null;
    if (code === null) codeRaw = text(b, v, cut);
  }
  return readBody(b, start, ip, end, code, codeRaw);
}

/** The fields before ` ip=` at `ip`, read once per distinct text, with this record's code=. */
function readBody(b: Buffer, start: number, ip: number, end: number, code: number | null | undefined, codeRaw: string | undefined): Fields {
  // four bytes at a time through a DataView (bench: a quarter of the cost of a byte loop)
  const view = viewOf(b);
  const len = ip - start;
  let h = Math.imul(len, 0x9e3779b1);
  let i = start;
  for (; i + 3 < ip; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193);
  for (; i < ip; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 15) ^ (h >>> 23)) & (BODY_SLOTS - 1);
  let entry = bodies[slot];
  if (entry === undefined || !sameBytes(entry, view, b, start, ip)) {
    const prefix = readFields(b, start, ip, false);
    const bytes = Buffer.from(b.subarray(start, ip));
    // a 0x1D before ip= ends the record there: nothing after it counts;
    // a quote never closed before ip= runs on over it: read such records whole
    entry = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, len), prefix, ended: find(b, GS, start, ip) >= 0, open: unclosed, code: undefined, codeRaw: undefined, fields: prefix };
    bodies[slot] = entry;
  }
  if (entry.ended) return entry.prefix;
  if (entry.open) return readFields(b, start, end, false);
  if (code !== entry.code || codeRaw !== entry.codeRaw) {
    const f = Object.assign(new Fields(), entry.prefix);
    f.code = code;
    f.codeRaw = codeRaw;
    entry.code = code;
    entry.codeRaw = codeRaw;
    entry.fields = f;
  }
  return entry.fields;
}

const CODE_EQ = lit('code=');
const SP_CODE_EQ_0 = lit(' code=0');
const SP_IP_EQ = lit(' ip=');
const BODY_SLOTS = 4096;

interface Body {
  bytes: Buffer;
  view: DataView;
  /** The fields before ip=. */
  prefix: Fields;
  /** The record ended (0x1D) before ip=. */
  ended: boolean;
  /** A quoted value is still open at ip=. */
  open: boolean;
  /** The last code= read after this body, and the fields with it. */
  code: number | null | undefined;
  codeRaw: string | undefined;
  fields: Fields;
}

const bodies: Array<Body | undefined> = new Array(BODY_SLOTS).fill(undefined);

function sameBytes(k: Body, view: DataView, b: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (k.bytes.length !== n) return false;
  const kv = k.view;
  let i = 0;
  for (; i + 3 < n; i += 4) if (kv.getInt32(i, true) !== view.getInt32(s + i, true)) return false;
  for (; i < n; i++) if (k.bytes[i] !== b[s + i]) return false;
  return true;
}

/** A DataView of the buffer being read, made once per buffer. */
let viewed: Buffer | null = null;
let viewedAs: DataView = new DataView(new ArrayBuffer(0));

function viewOf(b: Buffer): DataView {
  if (b !== viewed) {
    viewed = b;
    viewedAs = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  return viewedAs;
}

/** Whether the last readFields ended inside a quoted value that was never closed. */
let unclosed = false;

/** 1 to 8 hex digits, either case, as an unsigned number; or null. */
function hexIn(b: Buffer, s: number, e: number): number | null {
  if (s >= e || e - s > 8) return null;
  let n = 0;
  for (let i = s; i < e; i++) {
    const d = hexDigit(b[i]);
    if (d < 0) return null;
    n = n * 16 + d;
  }
  return n;
}

/** A hex digit's value, either case, or -1. */
function hexDigit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}

/** An AUDIT_ARCH value as the kernel prints it (%x: lowercase, no leading zero), or null. */
function auditHex(b: Buffer, s: number, e: number): number | null {
  if (b[s] === 48 && e - s > 1) return null;
  for (let i = s; i < e; i++) if (b[i] >= 65 && b[i] <= 70) return null;
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

/** The key in [from, eq), told by its length and first bytes. */
function keyOf(b: Buffer, from: number, eq: number): K {
  const len = eq - from;
  if (len < 2 || len > 7) return K.other;
  if (len === 2) return b[from] === 105 && b[from + 1] === 112 ? K.ip : K.other;
  const t = (b[from] << 16) | (b[from + 1] << 8) | b[from + 2];
  switch (len) {
    case 3:
      return t === PID ? K.pid : t === UID ? K.uid : t === SES ? K.ses : t === SIG ? K.sig : t === GID ? K.gid : t === EXE ? K.exe : K.other;
    case 4: {
      const c = b[from + 3];
      if (t === AUI) return c === 100 ? K.auid : K.other;
      if (t === ARC) return c === 104 ? K.arch : K.other;
      if (t === COM) return c === 109 ? K.comm : K.other;
      if (t === COD) return c === 101 ? K.code : K.other;
      if (t === SUB) return c === 106 ? K.subj : K.other;
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

/** In `ausearch -i` text and for subj=, a value runs to the next ` key=` of a known key. */
function nextKnownKey(b: Buffer, from: number, end: number): number {
  let sp = find(b, 32, from, end);
  while (sp >= 0) {
    const eq = find(b, 61, sp + 1, end);
    if (eq < 0) break;
    if (eq - sp - 1 <= 7 && KNOWN.has(ascii(b, sp + 1, eq))) return sp;
    sp = find(b, 32, sp + 1, end);
  }
  return end;
}

// comm= and exe= values repeat from record to record: each is decoded once and
// found again by its bytes, in a direct-mapped table (no string is made to look
// it up).
const QUOTED = 0;
const OTHER = 1;
const INTERPRETED = 2;
const SLOTS = 1024;
const slotBytes: Array<Buffer | undefined> = new Array(SLOTS).fill(undefined);
const slotKind = new Int8Array(SLOTS);
const slotValue: Array<Value | undefined> = new Array(SLOTS).fill(undefined);

function value(b: Buffer, s: number, e: number, kind: number): Value {
  const len = e - s;
  let h = Math.imul(len, 0x9e3779b1) ^ kind;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  const slot = (h ^ (h >>> 16)) & (SLOTS - 1);
  const k = slotBytes[slot];
  if (k !== undefined && k.length === len && slotKind[slot] === kind) {
    let same = true;
    for (let i = 0; i < len; i++) {
      if (k[i] !== b[s + i]) {
        same = false;
        break;
      }
    }
    if (same) return slotValue[slot]!;
  }
  const raw = Buffer.from(b.subarray(s, e));
  const v = decodeValue(raw, kind);
  slotBytes[slot] = raw;
  slotKind[slot] = kind;
  slotValue[slot] = v;
  return v;
}

const NULL_VALUE = lit('(null)');

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
  for (const c of raw) if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return null;
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
      for (const b of input) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
      return out;
    }
  }
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f\ufffd]/.test(text)
    ? text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    : text;
}
