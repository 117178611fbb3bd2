// One line in, one of: a SeccompEvent, a loss notice, a counted reason to skip,
// or nothing (the line is not a seccomp record). Pure: no I/O, no exceptions.
import { detectEnvelope, isFiller, type Envelope, type Format } from './envelope.js';
import { intAt, readFields, readHead, showSafely, type Fields, type LossReason } from './record.js';
import { abiOf, archFromToken, findArch, nameOf, numberOf, type Arch } from './syscalls/index.js';

/**
 * Every line parseLine can return something for holds one of these byte
 * strings: seccomp records (`audit(`, journald's `SECCOMP ...`), other audit
 * records, the kernel's loss notices (`kauditd_printk_skb`, `audit: audit_lost=`)
 * and journald's (`Suppressed N messages`). The line splitter skips the others
 * without decoding them. A test holds every fixture line to this.
 */
export const MARKERS: readonly string[] = ['audit', 'SECCOMP', 'Suppressed'];

export type Action = 'KILL_PROCESS' | 'KILL_THREAD' | 'TRAP' | 'ERRNO' | 'USER_NOTIF' | 'TRACE' | 'LOG' | 'ALLOW';

export interface SeccompEvent {
  format: Format;
  /** The envelope says the kernel wrote it (see the README's trust table). */
  trusted: boolean;
  /** Seconds since the epoch with milliseconds, from `audit(TIME:...)` or the journal. */
  time: number | null;
  /** The audit serial, shared by every record type; null where the format drops it. */
  serial: number | null;
  pid: number;
  uid: number | null;
  auid: number | null;
  /** The calling thread's name, decoded and shown safely; null for `(null)`. */
  comm: string | null;
  exe: string | null;
  /** The ABI of the call (x32 for x86_64 records with the x32 bit); null when the record has no arch=. */
  arch: Arch | null;
  /** The raw syscall number, as the kernel logged it. */
  nr: number;
  /** The syscall's name on `arch`, or null when the number is unknown there. */
  syscall: string | null;
  compat: number | null;
  /** The filter's action (code=), or null when the record has no code=. */
  action: Action | null;
  sig: number | null;
  file: string;
  line: number;
  /** The printk timestamp (seconds since boot) of kernel-log lines. */
  printk: number | null;
  /** The host a syslog or journal line names, or null. */
  host: string | null;
  /** `TIME:SERIAL` as the record wrote it: what identifies one record across sources. */
  key: string | null;
}

export type SkipCode = 'bad-number' | 'missing-field' | 'unknown-arch' | 'malformed' | 'bad-json';

export interface Skip {
  kind: 'skip';
  code: SkipCode;
  message: string;
}

export interface LossNotice {
  kind: 'loss';
  reason: LossReason;
  count: number | null;
  trusted: boolean;
  printk: number | null;
}

/** Another audit record (SYSCALL, CONFIG_CHANGE...): not learned, but its serial counts for gaps. */
export interface AuditMark {
  kind: 'mark';
  serial: number;
  time: number | null;
  trusted: boolean;
  host: string | null;
}

export type LineResult = SeccompEvent | Skip | LossNotice | AuditMark | null;

export function isEvent(r: LineResult): r is SeccompEvent {
  return r !== null && (r as Skip).kind === undefined;
}

const ACTIONS: ReadonlyArray<[number, Action]> = [
  [0x80000000, 'KILL_PROCESS'],
  [0x00000000, 'KILL_THREAD'],
  [0x00030000, 'TRAP'],
  [0x00050000, 'ERRNO'],
  [0x7fc00000, 'USER_NOTIF'],
  [0x7ff00000, 'TRACE'],
  [0x7ffc0000, 'LOG'],
  [0x7fff0000, 'ALLOW'],
];

/**
 * ausearch -i names for code=. auditd 3.0.9 (Debian 12) prints `kill` for
 * KILL_PROCESS (0x80000000, seen here: fixtures/real/ausearch-i.log) as for the
 * old SECCOMP_RET_KILL, so `kill` cannot tell the two apart: it is read as
 * KILL_PROCESS, the action that ends the process.
 */
const INTERPRETED_ACTIONS: Readonly<Record<string, Action>> = {
  'kill-process': 'KILL_PROCESS',
  'kill-thread': 'KILL_THREAD',
  kill: 'KILL_PROCESS',
  trap: 'TRAP',
  errno: 'ERRNO',
  'user-notify': 'USER_NOTIF',
  user_notif: 'USER_NOTIF',
  trace: 'TRACE',
  log: 'LOG',
  allow: 'ALLOW',
};

/**
 * The action of a `code=` value. The kernel logs only the action bits
 * (SECCOMP_RET_ACTION_FULL, 0xffff0000): an ERRNO record never says which errno.
 */
export function decodeAction(code: string): Action | null {
  const cached = actionCache.get(code);
  if (cached !== undefined) return cached;
  const action = decodeActionUncached(code);
  if (actionCache.size < 256) actionCache.set(code, action);
  return action;
}

const actionCache = new Map<string, Action | null>();

function decodeActionUncached(code: string): Action | null {
  const interpreted = INTERPRETED_ACTIONS[code];
  if (interpreted) return interpreted;
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(code)) return null;
  const v = (parseInt(code.slice(2), 16) & 0xffff0000) >>> 0;
  for (const [bits, action] of ACTIONS) if (bits === v) return action;
  return null;
}

/** Parse one line (no newline). `file` and `line` say where it came from. */
export function parseLine(text: string, file: string, line: number): LineResult {
  const env = detectEnvelope(text);
  if (env === null) {
    if (isFiller(text)) return null;
    // Not an envelope we know; a record inside it is still read, but not trusted.
    const at = text.indexOf('type=1326 audit(');
    if (at < 0) return null;
    return fromText(text, { format: 'unknown', trusted: false, body: at, printk: null, tag: null, host: null }, file, line);
  }
  if (env.format === 'journal-json') return fromJournalJson(text, file, line);
  return fromText(text, env, file, line);
}

function fromText(text: string, env: Envelope, file: string, line: number): LineResult {
  const head = readHead(text, env.body);
  switch (head.kind) {
    case 'other':
      return head.stamp === null || env.format === 'ausearch-i' ? null : mark(head.stamp, env.trusted, env.host);
    case 'loss':
      return { kind: 'loss', reason: head.reason, count: head.count, trusted: env.trusted, printk: env.printk };
    case 'malformed':
      return skip('malformed', head.message);
    case 'seccomp': {
      const interpreted = env.format === 'ausearch-i';
      if (!interpreted) {
        const ip = text.indexOf(' ip=', head.fields);
        if (ip > 0) return fromRepeated(text, env, head.stamp, head.fields, ip, file, line);
      }
      const fields = readFields(text, head.fields, interpreted);
      return toEvent(env, head.stamp, fields, interpreted, file, line);
    }
  }
}

function mark(stamp: string, trusted: boolean, host: string | null): AuditMark | null {
  const colon = stamp.lastIndexOf(':');
  const serial = colon > 0 ? intOrNull(stamp.slice(colon + 1)) : null;
  if (serial === null) return null;
  const t = stamp.slice(0, colon);
  return { kind: 'mark', serial, time: stampTime(t), trusted, host };
}

/**
 * A process makes the same calls again and again: everything before ` ip=`
 * (auid ... pid comm exe sig arch syscall compat) repeats from record to record,
 * and only the stamp, ip= and code= change. That text is read once into Fields
 * and kept (FIELDS_CACHE_MAX of them); what follows ` ip=` is read each time,
 * and any field found there takes precedence, so the result is what reading the
 * whole record gives. (bench: readFields was a quarter of the time.)
 */
const fieldsCache = new Map<string, Fields>();
const FIELDS_CACHE_MAX = 4096;

function fromRepeated(text: string, env: Envelope, stamp: string | null, start: number, ip: number, file: string, line: number): SeccompEvent | Skip {
  const prefix = text.slice(start, ip);
  let f = fieldsCache.get(prefix);
  if (f === undefined) {
    f = readFields(prefix, 0, false);
    if (fieldsCache.size >= FIELDS_CACHE_MAX) fieldsCache.clear();
    fieldsCache.set(prefix, f);
  }
  const tail = readFields(text, ip + 1, false);
  if (tail.code !== undefined && tail.pid === undefined && tail.syscall === undefined && tail.arch === undefined && tail.comm === undefined && tail.exe === undefined && tail.auid === undefined && tail.uid === undefined && tail.sig === undefined && tail.compat === undefined) {
    return toEvent(env, stamp, f, false, file, line, undefined, tail.code);
  }
  // something unusual after ip=: read the record whole
  return toEvent(env, stamp, readFields(text, start, false), false, file, line);
}

function skip(code: SkipCode, message: string): Skip {
  return { kind: 'skip', code, message };
}

/** A decimal integer (optionally negative), or null: never a partial parse, never 0 for garbage. */
function intOrNull(s: string | undefined): number | null {
  return s === undefined ? null : intAt(s, 0, s.length);
}

/** `SEC.MSEC` as the kernel writes it, or null. */
function stampTime(t: string): number | null {
  // digits '.' digits, read in place: (whole * 10^d + fraction) / 10^d divides two
  // exact integers, so the result is the double Number(t) would give
  const dot = t.indexOf('.');
  const len = t.length;
  if (dot <= 0 || dot === len - 1 || len > 16) return null; // at most 15 digits: exact in a double
  let n = 0;
  let scale = 1;
  for (let i = 0; i < len; i++) {
    if (i === dot) continue;
    const c = t.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
    if (i > dot) scale *= 10;
  }
  return n / scale;
}

function toEvent(
  env: Envelope,
  stamp: string | null,
  f: Fields,
  interpreted: boolean,
  file: string,
  line: number,
  journal?: { time: number | null; serial: number | null; key: string | null },
  code: string | undefined = f.code,
): SeccompEvent | Skip {
  if (f.syscall === undefined) return skip('missing-field', 'a seccomp record without syscall=');
  if (f.pid === undefined) return skip('missing-field', 'a seccomp record without pid=');
  const pid = f.pid;
  if (pid === null) return skip('bad-number', `pid=${f.pidRaw} is not a number`);

  let time: number | null = null;
  let serial: number | null = null;
  let key: string | null = null;
  if (stamp !== null) {
    const colon = stamp.lastIndexOf(':');
    serial = colon > 0 ? intOrNull(stamp.slice(colon + 1)) : null;
    if (serial === null) return skip('bad-number', `audit(${stamp}) has no serial number`);
    const t = stamp.slice(0, colon);
    time = interpreted ? interpretedTime(t) : stampTime(t);
    if (time === null && !interpreted) return skip('bad-number', `audit(${stamp}) has no time`);
    // the stamp as the kernel wrote it identifies the record; ausearch -i's date is made to match
    key = interpreted ? (time === null ? null : `${time.toFixed(3)}:${serial}`) : stamp;
  } else if (journal) {
    ({ time, serial, key } = journal);
  }

  let arch: Arch | null = null;
  let nr: number;
  let syscall: string | null;
  if (interpreted) {
    // ausearch -i: arch=x86_64 syscall=execve, or unknown-syscall(N)
    const a = f.arch === undefined ? undefined : interpretedArch(f.arch);
    if (a === undefined && f.arch !== undefined) return skip('unknown-arch', `arch=${f.arch} is not an architecture audit knows`);
    arch = a ?? null;
    const m = /^unknown-syscall\((-?\d+)\)$/.exec(f.syscall);
    if (m) {
      nr = Number(m[1]);
      syscall = arch ? nameOf(arch, nr) : null;
    } else {
      const name = (arch && numberOf(arch, f.syscall) === undefined && AUDIT_NAMES[f.syscall]) || f.syscall;
      const n = arch ? numberOf(arch, name) : undefined;
      if (n === undefined) return skip('bad-number', `syscall=${f.syscall} is not a syscall of ${arch?.name ?? 'an unknown architecture'}`);
      nr = n;
      syscall = name;
    }
  } else {
    const n = intOrNull(f.syscall);
    if (n === null) return skip('bad-number', `syscall=${f.syscall} is not a number`);
    nr = n;
    if (f.arch !== undefined) {
      const a = archFromToken(f.arch);
      if (a === undefined) return skip('unknown-arch', `arch=${f.arch} is not an AUDIT_ARCH value this table knows`);
      arch = abiOf(a, nr);
    }
    syscall = arch ? nameOf(arch, nr) : null;
  }

  return {
    format: env.format,
    trusted: env.trusted,
    time,
    serial,
    pid,
    uid: f.uid ?? null,
    auid: f.auid ?? null,
    comm: f.comm?.text ?? null,
    exe: f.exe?.text ?? null,
    arch,
    nr,
    syscall,
    compat: f.compat ?? null,
    action: code === undefined ? null : decodeAction(code),
    sig: f.sig ?? null,
    file,
    line,
    printk: env.printk,
    host: env.host,
    key,
  };
}

/** ausearch -i arch names; ARM of either endianness prints as `armeb`, and little-endian ARM is what runs. */
/** libaudit's syscall names where they differ from the kernel's (and libseccomp's). */
const AUDIT_NAMES: Readonly<Record<string, string>> = { pread: 'pread64', pwrite: 'pwrite64' };

function interpretedArch(name: string): Arch | undefined {
  if (name === 'armeb') return findArch('arm');
  if (name === 'i386' || name === 'i486' || name === 'i586' || name === 'i686') return findArch('i386');
  const m = /^unknown-elf-type\(([0-9a-fA-F]+)\)$/.exec(name);
  if (m) return archFromToken(m[1].toLowerCase());
  return findArch(name);
}

/** ausearch -i dates: `11/29/26 02:43:01.134` in the C locale, local time. Other locales give null. */
function interpretedTime(t: string): number | null {
  const m = /^(\d\d)\/(\d\d)\/(\d\d\d?\d?) (\d\d):(\d\d):(\d\d)\.(\d{3})$/.exec(t);
  if (!m) return null;
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const ms = new Date(year, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
  return ms / 1000 + Number(m[7]) / 1000;
}

/**
 * journalctl -o json: one object per line. MESSAGE may be a string or, when it is
 * not UTF-8, an array of byte numbers. Only _TRANSPORT audit or kernel came from
 * the kernel; the audit transport's MESSAGE has no stamp, so the time comes from
 * _SOURCE_REALTIME_TIMESTAMP (the record's own time, in microseconds) and the
 * serial from _AUDIT_ID.
 */
function fromJournalJson(text: string, file: string, line: number): LineResult {
  // most journal entries are not audit records: look before parsing
  if (text.indexOf('1326') < 0 && text.indexOf('kauditd') < 0 && text.indexOf('audit') < 0) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return skip('bad-json', 'a journal JSON line that does not parse: truncated?');
  }
  if (o === null || typeof o !== 'object') return skip('bad-json', 'a journal JSON line that is not an object');
  const message = journalString(o.MESSAGE);
  if (message === null) return null;
  const transport = journalString(o._TRANSPORT);
  const trusted = transport === 'audit' || transport === 'kernel';
  const env: Envelope = { format: 'journal-json', trusted, body: 0, printk: null, tag: journalString(o.SYSLOG_IDENTIFIER), host: journalString(o._HOSTNAME) };
  const head = readHead(message, 0);
  switch (head.kind) {
    case 'other': {
      if (head.stamp !== null) return mark(head.stamp, trusted, env.host);
      const serial = intOrNull(journalString(o._AUDIT_ID) ?? undefined);
      return serial === null || transport !== 'audit' ? null : { kind: 'mark', serial, time: null, trusted, host: env.host };
    }
    case 'loss':
      return { kind: 'loss', reason: head.reason, count: head.count, trusted, printk: null };
    case 'malformed':
      return skip('malformed', head.message);
    case 'seccomp': {
      const fields = readFields(message, head.fields, false);
      if (head.stamp !== null) return toEvent(env, head.stamp, fields, false, file, line);
      const serial = intOrNull(journalString(o._AUDIT_ID) ?? undefined);
      const usec = intOrNull(journalString(o._SOURCE_REALTIME_TIMESTAMP) ?? undefined);
      const time = usec === null ? null : Math.floor(usec / 1000) / 1000;
      const key = time !== null && serial !== null ? `${time.toFixed(3)}:${serial}` : null;
      return toEvent(env, null, fields, false, file, line, { time, serial, key });
    }
  }
}

function journalString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return showSafely(Buffer.from(v as number[]));
  return null;
}
