// One line in, one of: a SeccompEvent, a loss notice, a counted reason to skip,
// or nothing (the line is not a seccomp record). Pure: no I/O, no exceptions.
import { decimalIn, findSeq, intIn, lit, text } from './bytes.js';
import { envelopeOf, isFiller, type Envelope, type Format } from './envelope.js';
import { readFields, readHead, readRecordFields, showSafely, type Fields, type LossReason } from './record.js';
import { abiOf, archFromAudit, archFromToken, findArch, nameOf, numberOf, type Arch } from './syscalls/index.js';

/**
 * Every line parseLine can return something for holds one of these byte
 * strings: seccomp records (`audit(`, journald's `SECCOMP ...`), other audit
 * records, the kernel's loss notices (`kauditd_printk_skb`, `audit: audit_lost=`)
 * and journald's (`Suppressed N messages`). The line splitter skips the others
 * without decoding them. A test holds every fixture line to this.
 * `Suppr`, not `Suppressed`: Buffer.indexOf finds the short one at 30 us a MiB
 * and the long one at 450 (V8's search for it is slow on this text; bench).
 */
export const MARKERS: readonly string[] = ['audit', 'SECCOMP', 'Suppr'];

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
}

/**
 * `TIME:SERIAL`, what identifies one record across sources (as the kernel
 * writes it: milliseconds, three digits), or null where the format drops either.
 * Made when asked for: a string per record costs (bench).
 */
export function recordKey(e: SeccompEvent): string | null {
  return e.time === null || e.serial === null ? null : `${e.time.toFixed(3)}:${e.serial}`;
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
  return actionOf(parseInt(code.slice(2), 16));
}

/** The action of a code= number: its action bits (0xffff0000). */
export function actionOf(code: number): Action | null {
  const v = (code & 0xffff0000) >>> 0;
  for (let i = 0; i < ACTIONS.length; i++) if (ACTIONS[i][0] === v) return ACTIONS[i][1];
  return null;
}

/** Parse one line (no newline). `file` and `line` say where it came from. */
export function parseLine(text: string, file: string, line: number): LineResult {
  const b = Buffer.from(text, 'utf8');
  return parseBytes(b, 0, b.length, file, line);
}

const TYPE_1326_AUDIT = lit('type=1326 audit(');

/**
 * Parse the line [s, e) of `b` (no newline), in place: what parseLine does for
 * a string, and what the reader calls on the bytes it read.
 */
export function parseBytes(b: Buffer, s: number, e: number, file: string, line: number): LineResult {
  const env = envelopeOf(b, s, e);
  if (env === null) {
    if (isFiller(b, s, e)) return null;
    // Not an envelope we know; a record inside it is still read, but not trusted.
    const at = findSeq(b, TYPE_1326_AUDIT, s, e);
    if (at < 0) return null;
    return fromText(b, e, { format: 'unknown', trusted: false, body: at, printk: null, tag: null, host: null }, file, line);
  }
  if (env.format === 'journal-json') return fromJournalJson(b.toString('utf8', s, e), file, line);
  return fromText(b, e, env, file, line);
}

function fromText(b: Buffer, end: number, env: Envelope, file: string, line: number): LineResult {
  const head = readHead(b, env.body, end);
  switch (head.kind) {
    case 'other':
      return head.stamp < 0 || env.format === 'ausearch-i' ? null : mark(b, head.stamp, head.stampEnd, env.trusted, env.host);
    case 'loss':
      return { kind: 'loss', reason: head.reason, count: head.count, trusted: env.trusted, printk: env.printk };
    case 'malformed':
      return skip('malformed', head.message);
    case 'seccomp': {
      const interpreted = env.format === 'ausearch-i';
      const fields = interpreted ? readFields(b, head.fields, end, true) : readRecordFields(b, head.fields, end);
      return toEvent(env, b, head.stamp, head.stampEnd, fields, interpreted, file, line, undefined, head.serial, head.time);
    }
  }
}

/** Where `TIME` ends in `TIME:SERIAL`: the last colon, or -1. */
function lastColon(b: Buffer, s: number, e: number): number {
  for (let i = e - 1; i > s; i--) if (b[i] === 58) return i;
  return -1;
}

function mark(b: Buffer, s: number, e: number, trusted: boolean, host: string | null): AuditMark | null {
  const colon = lastColon(b, s, e);
  const serial = colon > 0 ? intIn(b, colon + 1, e) : null;
  if (serial === null) return null;
  return { kind: 'mark', serial, time: decimalIn(b, s, colon, true), trusted, host };
}

function skip(code: SkipCode, message: string): Skip {
  return { kind: 'skip', code, message };
}

/** A decimal integer (optionally negative), or null: never a partial parse, never 0 for garbage. */
function intOrNull(s: string | undefined): number | null {
  if (s === undefined) return null;
  const b = Buffer.from(s, 'utf8');
  return intIn(b, 0, b.length);
}

function toEvent(
  env: Envelope,
  b: Buffer | null,
  stamp: number,
  stampEnd: number,
  f: Fields,
  interpreted: boolean,
  file: string,
  line: number,
  journal?: { time: number | null; serial: number | null },
  stampSerial = -1,
  stampTime = NaN,
): SeccompEvent | Skip {
  if (f.syscall === undefined) return skip('missing-field', 'a seccomp record without syscall=');
  if (f.pid === undefined) return skip('missing-field', 'a seccomp record without pid=');
  const pid = f.pid;
  if (pid === null) return skip('bad-number', `pid=${f.pidRaw} is not a number`);

  let time: number | null = null;
  let serial: number | null = null;
  if (stampSerial >= 0 && !interpreted) {
    // read by readHead in the kernel's form
    serial = stampSerial;
    time = stampTime;
  } else if (b !== null && stamp >= 0) {
    const colon = lastColon(b, stamp, stampEnd);
    serial = colon > 0 ? intIn(b, colon + 1, stampEnd) : null;
    if (serial === null) return skip('bad-number', `audit(${text(b, stamp, stampEnd)}) has no serial number`);
    time = interpreted ? interpretedTime(text(b, stamp, colon)) : decimalIn(b, stamp, colon, true);
    if (time === null && !interpreted) return skip('bad-number', `audit(${text(b, stamp, stampEnd)}) has no time`);
  } else if (journal) {
    ({ time, serial } = journal);
  }

  let arch: Arch | null = null;
  let nr: number;
  let syscall: string | null;
  if (interpreted) {
    // ausearch -i: arch=x86_64 syscall=execve, or unknown-syscall(N)
    const a = f.archRaw === undefined ? undefined : interpretedArch(f.archRaw);
    if (a === undefined && f.archRaw !== undefined) return skip('unknown-arch', `arch=${f.archRaw} is not an architecture audit knows`);
    arch = a ?? null;
    const name0 = f.syscallRaw ?? '';
    const m = /^unknown-syscall\((-?\d+)\)$/.exec(name0);
    if (m) {
      nr = Number(m[1]);
      syscall = arch ? nameOf(arch, nr) : null;
    } else {
      const name = (arch && numberOf(arch, name0) === undefined && AUDIT_NAMES[name0]) || name0;
      const n = arch ? numberOf(arch, name) : undefined;
      if (n === undefined) return skip('bad-number', `syscall=${name0} is not a syscall of ${arch?.name ?? 'an unknown architecture'}`);
      nr = n;
      syscall = name;
    }
  } else {
    if (f.syscall === null) return skip('bad-number', `syscall=${f.syscallRaw} is not a number`);
    nr = f.syscall;
    let r = f.resolved;
    if (r === undefined) {
      let abi: Arch | null = null;
      if (f.arch !== undefined) {
        const a = f.arch === null ? undefined : archFromAudit(f.arch);
        if (a === undefined) return skip('unknown-arch', `arch=${f.archRaw ?? f.arch!.toString(16)} is not an AUDIT_ARCH value this table knows`);
        abi = abiOf(a, nr);
      }
      r = f.resolved = { arch: abi, name: abi ? nameOf(abi, nr) : null };
    }
    arch = r.arch;
    syscall = r.name;
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
    action: f.code === undefined ? null : f.code === null ? decodeAction(f.codeRaw!) : actionOf(f.code),
    sig: f.sig ?? null,
    file,
    line,
    printk: env.printk,
    host: env.host,
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
  const mb = Buffer.from(message, 'utf8');
  const head = readHead(mb, 0, mb.length);
  switch (head.kind) {
    case 'other': {
      if (head.stamp >= 0) return mark(mb, head.stamp, head.stampEnd, trusted, env.host);
      const serial = intOrNull(journalString(o._AUDIT_ID) ?? undefined);
      return serial === null || transport !== 'audit' ? null : { kind: 'mark', serial, time: null, trusted, host: env.host };
    }
    case 'loss':
      return { kind: 'loss', reason: head.reason, count: head.count, trusted, printk: null };
    case 'malformed':
      return skip('malformed', head.message);
    case 'seccomp': {
      const fields = readFields(mb, head.fields, mb.length, false);
      if (head.stamp >= 0) return toEvent(env, mb, head.stamp, head.stampEnd, fields, false, file, line);
      const serial = intOrNull(journalString(o._AUDIT_ID) ?? undefined);
      const usec = intOrNull(journalString(o._SOURCE_REALTIME_TIMESTAMP) ?? undefined);
      const time = usec === null ? null : Math.floor(usec / 1000) / 1000;
      return toEvent(env, null, -1, -1, fields, false, file, line, { time, serial });
    }
  }
}

function journalString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((b) => typeof b === 'number')) return showSafely(Buffer.from(v as number[]));
  return null;
}
