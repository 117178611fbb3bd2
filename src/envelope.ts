// Which log format a line is, where the audit text starts, and whether the
// kernel (or a log writer that only the kernel can feed) wrote it.
//
// One pass of character tests at the head of the line; no regular expression
// runs over the whole line. Formats are told apart by their first bytes:
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

export interface Envelope {
  format: Format;
  /** Whether the envelope says the kernel wrote the record (see the README's trust table). */
  trusted: boolean;
  /** Index in the line where the message text starts. */
  body: number;
  /** The printk timestamp in seconds ([  270.853767]), where the line has one. */
  printk: number | null;
  /** The syslog tag, where there is one (kernel, audit[566404], root...). */
  tag: string | null;
  /** The host a syslog line names: one file of a log server holds many hosts, each with its own serials and printk clock. */
  host: string | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A month's abbreviation at `at`, compared in place (no string is made per line). */
function isMonth(line: string, at: number): boolean {
  for (let i = 0; i < 12; i++) if (line.startsWith(MONTHS[i], at)) return true;
  return false;
}

/** The last host name read: log lines of one host follow each other, so the string is made once. */
let lastHost = '';

function hostAt(line: string, start: number, end: number): string {
  if (end - start === lastHost.length && line.startsWith(lastHost, start)) return lastHost;
  return (lastHost = line.slice(start, end));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Lines that are part of a format but never hold a record: ausearch separators, kmsg continuations. */
export function isFiller(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c === 45 && line.startsWith('----')) || (c === 116 && line.startsWith('time->')) || c === 32;
}

/**
 * The envelope of a line, or null when the line has none we know. `line` has no
 * trailing newline or carriage return.
 */
export function detectEnvelope(line: string): Envelope | null {
  const c0 = line.charCodeAt(0);
  if (c0 === 116 /* t */ || c0 === 110 /* n */) return auditdEnvelope(line);
  if (c0 === 91 /* [ */) return dmesgEnvelope(line, 0, 'dmesg', true, null, null);
  if (c0 === 60 /* < */) {
    const close = line.indexOf('>');
    if (close < 2 || close > 4) return null;
    let pri = 0;
    for (let i = 1; i < close; i++) {
      const c = line.charCodeAt(i);
      if (!isDigit(c)) return null;
      pri = pri * 10 + (c - 48);
    }
    const env = syslogEnvelope(line, close + 1);
    // facility 0 is the kernel's alone: a `kernel` tag with another facility was written by a user
    if (env && env.trusted && env.tag === 'kernel' && pri >= 8) env.trusted = false;
    return env;
  }
  if (isDigit(c0)) {
    if (line.charCodeAt(4) === 45 /* - */ && line.charCodeAt(10) === 84 /* T */) return syslogEnvelope(line, 0);
    return kmsgEnvelope(line);
  }
  if (c0 === 123 /* { */) return { format: 'journal-json', trusted: false, body: 0, printk: null, tag: null, host: null };
  return syslogEnvelope(line, 0);
}

function auditdEnvelope(line: string): Envelope | null {
  let start = 0;
  if (line.startsWith('node=')) {
    const sp = line.indexOf(' ');
    if (sp < 0) return null;
    start = sp + 1;
  }
  if (!line.startsWith('type=', start)) return null;
  // ausearch -i writes `msg=audit(11/29/26 02:43:01.134:2094) : ` (a date, and " : ")
  const msg = line.indexOf(' msg=audit(', start);
  if (msg < 0) return null;
  const close = line.indexOf(')', msg);
  const interpreted = close > 0 && line.charCodeAt(close + 1) === 32 && line.charCodeAt(close + 2) === 58;
  return { format: interpreted ? 'ausearch-i' : 'auditd', trusted: true, body: start, printk: null, tag: null, host: null };
}

/** /dev/kmsg: `PRI,SEQ,USEC,FLAGS[,more];TEXT`. Facility 0 (PRI < 8) is the kernel's alone: user space writing to /dev/kmsg gets LOG_USER. */
function kmsgEnvelope(line: string): Envelope | null {
  const semi = line.indexOf(';');
  if (semi < 0 || semi > 96) return null;
  let commas = 0;
  let pri = 0;
  let usecStart = -1;
  let usecEnd = -1;
  for (let i = 0; i < semi; i++) {
    const c = line.charCodeAt(i);
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
  const usec = Number(line.slice(usecStart, usecEnd));
  return { format: 'kmsg', trusted: pri < 8, body: semi + 1, printk: Number.isFinite(usec) ? usec / 1e6 : null, tag: null, host: null };
}

/**
 * `[  270.853767] ` or `[26083697.172104][   T55] ` (CONFIG_PRINTK_CALLER) or the
 * localized `[Fr Mai 31 22:47:08 2024] ` of dmesg -T, at `at`. Also used for the
 * printk stamp that imklog leaves inside a syslog message.
 */
function dmesgEnvelope(line: string, at: number, format: Format, trusted: boolean, tag: string | null, host: string | null): Envelope | null {
  const close = line.indexOf(']', at);
  if (close < 0 || close - at > 64) return null;
  let i = at + 1;
  while (line.charCodeAt(i) === 32) i++;
  let printk: number | null = null;
  if (isDigit(line.charCodeAt(i))) {
    for (let j = i; j < close; j++) {
      const c = line.charCodeAt(j);
      if (!isDigit(c) && c !== 46) return null;
    }
    printk = Number(line.slice(i, close));
  } else if (format === 'dmesg') {
    format = 'dmesg-T';
  } else {
    return null; // a bracket inside a syslog message that is not a printk stamp
  }
  let body = close + 1;
  // CONFIG_PRINTK_CALLER: [   T55] or [    C1]
  if (line.charCodeAt(body) === 91) {
    const c2 = line.indexOf(']', body);
    if (c2 > 0 && c2 - body < 16) {
      let k = body + 1;
      while (line.charCodeAt(k) === 32) k++;
      const t = line.charCodeAt(k);
      if (t === 84 || t === 67) body = c2 + 1;
    }
  }
  if (line.charCodeAt(body) === 32) body++;
  return { format, trusted, body, printk, tag, host };
}

/** Traditional (`Jul  8 10:31:23 host TAG: msg`) or RFC 3339 syslog, from `at` (after any <PRI>). */
function syslogEnvelope(line: string, at: number): Envelope | null {
  let format: Format;
  let afterTime: number;
  if (isDigit(line.charCodeAt(at))) {
    // 2024-05-01T10:00:00.123456+00:00 (rsyslog) or 2026-11-29T02:43:05+0000 (journalctl -o short-iso)
    if (line.charCodeAt(at + 4) !== 45 || line.charCodeAt(at + 10) !== 84) return null;
    afterTime = line.indexOf(' ', at);
    if (afterTime < 0 || afterTime - at > 40) return null;
    format = 'syslog-rfc3339';
  } else {
    if (line.charCodeAt(at + 3) !== 32 || !isMonth(line, at)) return null;
    if (line.charCodeAt(at + 9) !== 58 || line.charCodeAt(at + 12) !== 58 || line.charCodeAt(at + 15) !== 32) return null;
    afterTime = at + 15;
    format = 'syslog';
  }
  const hostEnd = line.indexOf(' ', afterTime + 1);
  if (hostEnd < 0) return null;
  const host = hostAt(line, afterTime + 1, hostEnd);
  const colon = line.indexOf(': ', hostEnd);
  if (colon < 0) return null;
  // the tag is the last word before ": "; busybox syslogd puts the facility and
  // priority before it (`kern.notice kernel:`), and a user's `logger -t kernel`
  // there says `user.notice kernel:`
  let tagStart = hostEnd + 1;
  let kernFacility = true;
  const space = line.lastIndexOf(' ', colon);
  if (space > hostEnd) {
    const dot = line.indexOf('.', tagStart);
    if (space !== line.indexOf(' ', tagStart) || dot > space || dot < 0) {
      return { format, trusted: false, body: colon + 2, printk: null, tag: line.slice(tagStart, colon), host };
    }
    kernFacility = dot - tagStart === 4 && line.startsWith('kern', tagStart);
    tagStart = space + 1;
  }
  const tag = line.slice(tagStart, colon);
  const body = colon + 2;
  if (tag === 'kernel' && !kernFacility) return { format, trusted: false, body, printk: null, tag, host };
  if (tag === 'kernel') {
    // imklog keeps the printk stamp: `kernel: [  901.514284] audit: ...`
    if (line.charCodeAt(body) === 91) {
      const inner = dmesgEnvelope(line, body, format, true, tag, host);
      if (inner) return inner;
    }
    return { format, trusted: true, body, printk: null, tag, host };
  }
  // journald's audit transport, as journalctl -o short prints it: `audit[566404]: SECCOMP ...`
  if (tag.startsWith('audit[') || tag === 'audit') {
    return { format: 'journal', trusted: true, body, printk: null, tag, host };
  }
  return { format, trusted: false, body, printk: null, tag, host };
}
