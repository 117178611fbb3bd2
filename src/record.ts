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

export type Head =
  | { kind: 'seccomp'; stamp: string | null; fields: number }
  | { kind: 'other'; stamp: string | null }
  | { kind: 'loss'; reason: LossReason; count: number | null }
  | { kind: 'malformed'; message: string };

export type LossReason = 'printk-suppressed' | 'backlog' | 'lost' | 'rate-limit' | 'hold-queue' | 'journald-suppressed';

const GS = '\x1d';

/**
 * Classify the message text starting at `start`. For a seccomp record, `fields`
 * is where its key=value fields start and `stamp` is what stood inside `audit(...)`.
 */
export function readHead(line: string, start: number): Head {
  let i = start;
  if (line.startsWith('audit: ', i)) {
    i += 7;
  } else if (line.startsWith('kauditd_printk_skb: ', i)) {
    return { kind: 'loss', reason: 'printk-suppressed', count: leadingInt(line, i + 20) };
  } else if (line.startsWith('SECCOMP ', i)) {
    return { kind: 'seccomp', stamp: null, fields: i + 8 }; // journald's audit transport
  } else if (line.startsWith('Suppressed ', i) && line.includes(' messages from ', i)) {
    return { kind: 'loss', reason: 'journald-suppressed', count: leadingInt(line, i + 11) };
  }
  if (!line.startsWith('type=', i)) return lossHead(line, i);
  const typeEnd = line.indexOf(' ', i + 5);
  if (typeEnd < 0) return { kind: 'malformed', message: 'a record type and nothing after it' };
  const type = line.slice(i + 5, typeEnd);
  const seccomp = type === '1326' || type === 'SECCOMP' || type === 'UNKNOWN[1326]';
  i = typeEnd + 1;
  if (!seccomp) {
    // Another audit record: its serial still counts for gaps. auditd's own
    // DAEMON_* records (1200-1299) carry auditd's serials, not the kernel's.
    if (type.startsWith('DAEMON_') || type.startsWith('12')) return { kind: 'other', stamp: null };
    const at = line.startsWith('msg=audit(', i) ? i + 10 : line.startsWith('audit(', i) ? i + 6 : -1;
    const close = at < 0 ? -1 : line.indexOf(')', at);
    return { kind: 'other', stamp: close < 0 ? null : line.slice(at, close) };
  }
  if (line.startsWith('msg=', i)) i += 4;
  if (!line.startsWith('audit(', i)) return { kind: 'malformed', message: 'a seccomp record without its audit(TIME:SERIAL) stamp' };
  const close = line.indexOf(')', i + 6);
  if (close < 0) return { kind: 'malformed', message: 'the audit( stamp is not closed: truncated record?' };
  const stamp = line.slice(i + 6, close);
  let fields = close + 1;
  if (line.startsWith(': ', fields)) fields += 2;
  else if (line.startsWith(' : ', fields)) fields += 3;
  else return { kind: 'malformed', message: 'no fields after the audit stamp: truncated record?' };
  return { kind: 'seccomp', stamp, fields };
}

function lossHead(line: string, i: number): Head {
  // these follow an `audit: ` already skipped
  if (line.startsWith('audit_backlog=', i)) return { kind: 'loss', reason: 'backlog', count: null };
  if (line.startsWith('audit_lost=', i)) return { kind: 'loss', reason: 'lost', count: leadingInt(line, i + 11) };
  if (line.startsWith('backlog limit exceeded', i)) return { kind: 'loss', reason: 'backlog', count: null };
  if (line.startsWith('rate limit exceeded', i)) return { kind: 'loss', reason: 'rate-limit', count: null };
  if (line.startsWith('kauditd hold queue overflow', i)) return { kind: 'loss', reason: 'hold-queue', count: null };
  return { kind: 'other', stamp: null };
}

function leadingInt(line: string, i: number): number | null {
  let n = 0;
  let j = i;
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return j > i ? n : null;
}

/**
 * The fields of a seccomp record that seccomp-learn uses; any other key is
 * passed over. Numeric fields are read in place: undefined when absent, null
 * when present but not a decimal integer (never 0 for garbage), `raw` keeps the
 * text of a bad pid for the message.
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
  arch: string | undefined = undefined;
  syscall: string | undefined = undefined;
  code: string | undefined = undefined;
}

/** A decimal integer (optionally negative) between `s` and `e` of `line`, or null. */
export function intAt(line: string, s: number, e: number): number | null {
  const neg = line.charCodeAt(s) === 45;
  let i = neg ? s + 1 : s;
  if (i >= e || e - i > 16) return null;
  let n = 0;
  for (; i < e; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  if (!Number.isSafeInteger(n)) return null;
  return neg ? -n : n;
}

/** An untrusted string value (comm=, exe=): its bytes shown safely, or null for `(null)`. */
export interface Value {
  text: string | null;
  /** How the kernel wrote it. */
  encoding: 'quoted' | 'hex' | 'null' | 'plain';
}

const KNOWN = new Set(['auid', 'uid', 'gid', 'ses', 'subj', 'pid', 'comm', 'exe', 'sig', 'arch', 'syscall', 'compat', 'ip', 'code', 'ppid']);

/**
 * Read key=value fields from `start`. `interpreted` is for `ausearch -i`
 * output, whose comm/exe values are printed raw and may hold spaces.
 */
export function readFields(line: string, start: number, interpreted: boolean): Fields {
  const f = new Fields();
  let end = line.indexOf(GS, start);
  if (end < 0) end = line.length;
  let i = start;
  while (i < end) {
    while (line.charCodeAt(i) === 32) i++;
    const eq = line.indexOf('=', i);
    if (eq < 0 || eq >= end) break;
    // the key is recognised in place: no string is made for it, nor for values never used
    const key = keyOf(line, i, eq);
    let v = eq + 1;
    let vEnd: number;
    let quoted = false;
    if (key === K.subj || (interpreted && (key === K.comm || key === K.exe))) {
      vEnd = nextKnownKey(line, v, end);
    } else if (line.charCodeAt(v) === 34 /* " */) {
      const close = line.indexOf('"', v + 1);
      vEnd = close < 0 || close > end ? end : close;
      v++;
      quoted = true;
    } else {
      vEnd = line.indexOf(' ', v);
      if (vEnd < 0 || vEnd > end) vEnd = end;
    }
    i = quoted ? vEnd + 1 : vEnd;
    switch (key) {
      case K.comm:
        f.comm = value(line.slice(v, vEnd), quoted, interpreted);
        break;
      case K.exe:
        f.exe = value(line.slice(v, vEnd), quoted, interpreted);
        break;
      case K.auid:
        f.auid = intAt(line, v, vEnd);
        break;
      case K.uid:
        f.uid = intAt(line, v, vEnd);
        break;
      case K.pid:
        f.pid = intAt(line, v, vEnd);
        if (f.pid === null) f.pidRaw = line.slice(v, vEnd);
        break;
      case K.sig:
        f.sig = intAt(line, v, vEnd);
        break;
      case K.arch:
        f.arch = line.slice(v, vEnd);
        break;
      case K.syscall:
        f.syscall = line.slice(v, vEnd);
        break;
      case K.compat:
        f.compat = intAt(line, v, vEnd);
        break;
      case K.code:
        f.code = line.slice(v, vEnd);
        break;
      default:
        break; // gid, ses, subj, ip: not used; unknown keys (ChromeOS's ppid=, future ones): passed over
    }
  }
  return f;
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

/** The key between `from` and `eq`, told by its length and first letter before one compare. */
function keyOf(line: string, from: number, eq: number): K {
  const c = line.charCodeAt(from);
  switch (eq - from) {
    case 2:
      return c === 105 && line.charCodeAt(from + 1) === 112 ? K.ip : K.other;
    case 3:
      if (c === 112) return line.startsWith('pid', from) ? K.pid : K.other;
      if (c === 117) return line.startsWith('uid', from) ? K.uid : K.other;
      if (c === 115) return line.startsWith('ses', from) ? K.ses : line.startsWith('sig', from) ? K.sig : K.other;
      if (c === 103) return line.startsWith('gid', from) ? K.gid : K.other;
      if (c === 101) return line.startsWith('exe', from) ? K.exe : K.other;
      return K.other;
    case 4:
      if (c === 97) return line.startsWith('auid', from) ? K.auid : line.startsWith('arch', from) ? K.arch : K.other;
      if (c === 99) return line.startsWith('comm', from) ? K.comm : line.startsWith('code', from) ? K.code : K.other;
      if (c === 115) return line.startsWith('subj', from) ? K.subj : K.other;
      return K.other;
    case 6:
      return c === 99 && line.startsWith('compat', from) ? K.compat : K.other;
    case 7:
      return c === 115 && line.startsWith('syscall', from) ? K.syscall : K.other;
    default:
      return K.other;
  }
}

/** In `ausearch -i` text and for subj=, a value runs to the next ` key=` of a known key. */
function nextKnownKey(line: string, from: number, end: number): number {
  let sp = line.indexOf(' ', from);
  while (sp >= 0 && sp < end) {
    const eq = line.indexOf('=', sp + 1);
    if (eq < 0 || eq >= end) break;
    if (KNOWN.has(line.slice(sp + 1, eq))) return sp;
    sp = line.indexOf(' ', sp + 1);
  }
  return end;
}

// comm= and exe= values repeat from record to record: decode each once.
const quotedValues = new Map<string, Value>();
const otherValues = new Map<string, Value>();
const interpretedValues = new Map<string, Value>();
const VALUE_CACHE_MAX = 4096;

function value(raw: string, quoted: boolean, interpreted: boolean): Value {
  const cache = quoted ? quotedValues : interpreted ? interpretedValues : otherValues;
  let v = cache.get(raw);
  if (v === undefined) {
    v = decodeValue(raw, quoted, interpreted);
    if (cache.size >= VALUE_CACHE_MAX) cache.clear();
    cache.set(raw, v);
  }
  return v;
}

function decodeValue(raw: string, quoted: boolean, interpreted: boolean): Value {
  if (quoted) return { text: showSafely(raw), encoding: 'quoted' };
  if (raw === '(null)') return { text: null, encoding: 'null' };
  if (interpreted) return { text: showSafely(raw), encoding: 'plain' };
  const bytes = hexBytes(raw);
  if (bytes === null) return { text: showSafely(raw), encoding: 'plain' };
  return { text: showSafely(bytes), encoding: 'hex' };
}

function hexBytes(s: string): Buffer | null {
  if (s.length === 0 || s.length % 2 !== 0) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) return null;
  }
  return Buffer.from(s, 'hex');
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
