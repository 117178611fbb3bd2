// Which log format a line is, where the audit text starts, and whether the
// kernel (or a log writer that only the kernel can feed) wrote it.
//
// One pass of byte tests at the head of the line, in place (bytes.ts); no
// regular expression runs over the whole line, and no string is made for it. Formats are told apart by their first bytes:
//   '{'                       journald -o json
//   '['                       dmesg ([uptime] or dmesg -T [localized date])
//   '<'                       syslog with a raw <PRI> prefix
//   digit ',' ...';'          /dev/kmsg (PRI,SEQ,USEC,FLAGS;TEXT)
//   YYYY-MM-DDT               RFC 3339 syslog, journalctl -o short-iso
//   Mmm dd hh:mm:ss           traditional syslog, journalctl -o short
//   type= / node=             auditd's log, ausearch (raw or -i)
// anything else              not a log envelope we know: untrusted if it holds a record

export type Format =
  | 'syslog'
  | 'syslog-rfc3339'
  | 'dmesg'
  | 'dmesg-T'
  | 'kmsg'
  | 'journal'
  | 'journal-json'
  | 'auditd'
  | 'ausearch-i'
  | 'unknown';

import { ascii, find, findLast, findSeq, has, intIn, isDigit, lit, text } from './bytes.js';

export interface Envelope {
  format: Format;
  /** Whether the envelope says the kernel wrote the record (see the README's trust table). */
  trusted: boolean;
  /** Where the message text starts: a byte index into the line's buffer. */
  body: number;
  /** The printk timestamp in seconds ([  270.853767]), where the line has one. */
  printk: number | null;
  /** The syslog tag, where there is one (kernel, audit[566404], root...). */
  tag: string | null;
  /** The host a syslog line names: one file of a log server holds many hosts, each with its own serials and printk clock. */
  host: string | null;
}

const scratch: Envelope = { format: 'unknown', trusted: false, body: 0, printk: null, tag: null, host: null };

function env(format: Format, trusted: boolean, body: number, printk: number | null, tag: string | null, host: string | null): Envelope {
  scratch.format = format;
  scratch.trusted = trusted;
  scratch.body = body;
  scratch.printk = printk;
  scratch.tag = tag;
  scratch.host = host;
  return scratch;
}

/** The months' abbreviations, as three bytes in one number. */
const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)));

function isMonth(b: Buffer, at: number): boolean {
  return MONTHS.has((b[at] << 16) | (b[at + 1] << 8) | b[at + 2]);
}

/** The last host name read: log lines of one host follow each other, so the string is made once. */
let lastHost = '';
let lastHostBytes: Buffer = Buffer.alloc(0);

function hostAt(b: Buffer, start: number, end: number): string {
  if (has(b, start, end, lastHostBytes) && end - start === lastHostBytes.length) return lastHost;
  lastHostBytes = Buffer.from(b.subarray(start, end));
  return (lastHost = text(b, start, end));
}

const DASHES = lit('----');
const TIME_ARROW = lit('time->');
const NODE = lit('node=');
const TYPE = lit('type=');
const MSG_AUDIT = lit(' msg=audit(');
const KERN = lit('kern');
const KERNEL = lit('kernel');
const AUDIT_TAG = lit('audit');

/** Lines that are part of a format but never hold a record: ausearch separators, kmsg continuations. */
export function isFiller(b: Buffer, s: number, e: number): boolean {
  const c = b[s];
  return (c === 45 && has(b, s, e, DASHES)) || (c === 116 && has(b, s, e, TIME_ARROW)) || (c === 32 && s < e);
}

/**
 * The envelope of the line [s, e) of `b` (no newline or carriage return), or
 * null when it has none we know. A string is read as its UTF-8 bytes.
 */
export function detectEnvelope(line: Buffer | string, s = 0, e = -1): Envelope | null {
  if (typeof line === 'string') line = Buffer.from(line, 'utf8');
  const found = envelopeOf(line, s, e < 0 ? line.length : e);
  return found && { ...found };
}

/**
 * The envelope of [s, e) of `b`. The object returned is reused by the next
 * call (one per line would be garbage: bench); detectEnvelope gives a copy.
 */
export function envelopeOf(b: Buffer, s: number, e: number): Envelope | null {
  if (s >= e) return null;
  const c0 = b[s];
  if (c0 === 116 /* t */ || c0 === 110 /* n */) return auditdEnvelope(b, s, e);
  if (c0 === 91 /* [ */) return dmesgEnvelope(b, s, e, 'dmesg', true, null, null);
  if (c0 === 60 /* < */) {
    const close = find(b, 62 /* > */, s, e);
    if (close < s + 2 || close > s + 4) return null;
    let pri = 0;
    for (let i = s + 1; i < close; i++) {
      const c = b[i];
      if (!isDigit(c)) return null;
      pri = pri * 10 + (c - 48);
    }
    const env = syslogEnvelope(b, close + 1, e);
    // facility 0 is the kernel's alone: a `kernel` tag with another facility was written by a user
    if (env && env.trusted && env.tag === 'kernel' && pri >= 8) env.trusted = false;
    return env;
  }
  if (isDigit(c0)) {
    if (b[s + 4] === 45 /* - */ && b[s + 10] === 84 /* T */ && s + 10 < e) return syslogEnvelope(b, s, e);
    return kmsgEnvelope(b, s, e);
  }
  if (c0 === 123 /* { */) return env('journal-json', false, s, null, null, null);
  return syslogEnvelope(b, s, e);
}

function auditdEnvelope(b: Buffer, s: number, e: number): Envelope | null {
  let start = s;
  if (has(b, s, e, NODE)) {
    const sp = find(b, 32, s, e);
    if (sp < 0) return null;
    start = sp + 1;
  }
  if (!has(b, start, e, TYPE)) return null;
  // ausearch -i writes `msg=audit(11/29/26 02:43:01.134:2094) : ` (a date, and " : ")
  const msg = findSeq(b, MSG_AUDIT, start, e);
  if (msg < 0) return null;
  const close = find(b, 41 /* ) */, msg, e);
  const interpreted = close > 0 && b[close + 1] === 32 && b[close + 2] === 58 && close + 2 < e;
  return env(interpreted ? 'ausearch-i' : 'auditd', true, start, null, null, null);
}

/** /dev/kmsg: `PRI,SEQ,USEC,FLAGS[,more];TEXT`. Facility 0 (PRI < 8) is the kernel's alone: user space writing to /dev/kmsg gets LOG_USER. */
function kmsgEnvelope(b: Buffer, s: number, e: number): Envelope | null {
  const semi = find(b, 59 /* ; */, s, Math.min(e, s + 97));
  if (semi < 0) return null;
  let commas = 0;
  let pri = 0;
  let usecStart = -1;
  let usecEnd = -1;
  for (let i = s; i < semi; i++) {
    const c = b[i];
    if (c === 44) {
      commas++;
      if (commas === 2) usecStart = i + 1;
      if (commas === 3) usecEnd = i;
    } else if (commas === 0) {
      if (!isDigit(c)) return null;
      pri = pri * 10 + (c - 48);
    }
  }
  if (commas < 3) return null;
  const usec = intIn(b, usecStart, usecEnd);
  return env('kmsg', pri < 8, semi + 1, usec === null ? null : usec / 1e6, null, null);
}

/**
 * `[  270.853767] ` or `[26083697.172104][   T55] ` (CONFIG_PRINTK_CALLER) or the
 * localized `[Fr Mai 31 22:47:08 2024] ` of dmesg -T, at `at`. Also used for the
 * printk stamp that imklog leaves inside a syslog message.
 */
function dmesgEnvelope(b: Buffer, at: number, e: number, format: Format, trusted: boolean, tag: string | null, host: string | null): Envelope | null {
  const lim = Math.min(e, at + 65);
  let i = at + 1;
  while (b[i] === 32 && i < lim) i++;
  let printk: number | null = null;
  let close: number;
  if (isDigit(b[i])) {
    // digits and dots up to the `]`, read as they are passed (SEC.USEC: as decimalIn reads it)
    close = i;
    let n = 0;
    let digits = 0;
    let scale = 1;
    let dots = 0;
    for (let c = b[close]; close < lim; c = b[++close]) {
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
        digits++;
        if (dots > 0) scale *= 10;
      } else if (c === 46) dots++;
      else break;
    }
    if (close >= lim || b[close] !== 93) return null;
    if (dots <= 1 && digits <= 15 && b[close - 1] !== 46) printk = n / scale;
    else {
      // the rare other forms, as Number reads them (more than 15 digits, `12.`), never NaN
      const v = Number(ascii(b, i, close));
      printk = Number.isNaN(v) ? null : v;
    }
  } else {
    close = find(b, 93 /* ] */, at, lim);
    if (close < 0) return null;
    if (format !== 'dmesg') return null; // a bracket inside a syslog message that is not a printk stamp
    format = 'dmesg-T';
  }
  let body = close + 1;
  // CONFIG_PRINTK_CALLER: [   T55] or [    C1]
  if (b[body] === 91 && body < e) {
    const c2 = find(b, 93, body, Math.min(e, body + 16));
    if (c2 > 0) {
      let k = body + 1;
      while (b[k] === 32 && k < c2) k++;
      const t = b[k];
      if (t === 84 || t === 67) body = c2 + 1;
    }
  }
  if (b[body] === 32 && body < e) body++;
  return env(format, trusted, body, printk, tag, host);
}

/** Traditional (`Jul  8 10:31:23 host TAG: msg`) or RFC 3339 syslog, from `at` (after any <PRI>). */
function syslogEnvelope(b: Buffer, at: number, e: number): Envelope | null {
  let format: Format;
  let afterTime: number;
  if (e - at < 16) return null;
  if (isDigit(b[at])) {
    // 2024-05-01T10:00:00.123456+00:00 (rsyslog) or 2026-11-29T02:43:05+0000 (journalctl -o short-iso)
    if (b[at + 4] !== 45 || b[at + 10] !== 84) return null;
    afterTime = find(b, 32, at, Math.min(e, at + 41));
    if (afterTime < 0) return null;
    format = 'syslog-rfc3339';
  } else {
    if (b[at + 3] !== 32 || !isMonth(b, at)) return null;
    if (b[at + 9] !== 58 || b[at + 12] !== 58 || b[at + 15] !== 32) return null;
    afterTime = at + 15;
    format = 'syslog';
  }
  const hostEnd = find(b, 32, afterTime + 1, e);
  if (hostEnd < 0) return null;
  const host = hostAt(b, afterTime + 1, hostEnd);
  // the kernel's own lines, most of those read: `host kernel: ` (bench: a tenth of the time per record went to finding the tag)
  if (b[hostEnd + 7] === 58 && has(b, hostEnd + 1, e, KERNEL_COLON)) return kernelTagged(b, hostEnd + 9, e, format, host);
  let colon = hostEnd;
  do colon = find(b, 58 /* : */, colon + 1, e);
  while (colon >= 0 && b[colon + 1] !== 32);
  if (colon < 0 || colon + 1 >= e) return null;
  // the tag is the last word before ": "; busybox syslogd puts the facility and
  // priority before it (`kern.notice kernel:`), and a user's `logger -t kernel`
  // there says `user.notice kernel:`
  let tagStart = hostEnd + 1;
  let kernFacility = true;
  const space = findLast(b, 32, hostEnd + 1, colon);
  if (space > hostEnd) {
    const dot = find(b, 46 /* . */, tagStart, e);
    if (space !== find(b, 32, tagStart, e) || dot > space || dot < 0) {
      return env(format, false, colon + 2, null, text(b, tagStart, colon), host);
    }
    kernFacility = dot - tagStart === 4 && has(b, tagStart, e, KERN);
    tagStart = space + 1;
  }
  const body = colon + 2;
  const isKernel = colon - tagStart === 6 && has(b, tagStart, colon, KERNEL);
  if (isKernel && !kernFacility) return env(format, false, body, null, 'kernel', host);
  if (isKernel) return kernelTagged(b, body, e, format, host);
  const tag = text(b, tagStart, colon);
  // journald's audit transport, as journalctl -o short prints it: `audit[566404]: SECCOMP ...`
  if (has(b, tagStart, colon, AUDIT_TAG) && (colon - tagStart === 5 || b[tagStart + 5] === 91)) {
    return env('journal', true, body, null, tag, host);
  }
  return env(format, false, body, null, tag, host);
}

const KERNEL_COLON = lit('kernel: ');

/** A syslog line tagged `kernel` by the kernel's facility, its message at `body`. */
function kernelTagged(b: Buffer, body: number, e: number, format: Format, host: string): Envelope {
  // imklog keeps the printk stamp: `kernel: [  901.514284] audit: ...`
  if (b[body] === 91 && body < e) {
    const inner = dmesgEnvelope(b, body, e, format, true, 'kernel', host);
    if (inner) return inner;
  }
  return env(format, true, body, null, 'kernel', host);
}
