// The envelope of a line: what a log writer put before the record's text (a
// syslog date, host and tag; a dmesg stamp; a /dev/kmsg header; journalctl's
// forms), and so who could have written the line, when, and on which host.
//
// The record is found first (parse/record.ts, parse/event.ts); the envelope is then read
// only to decide trust and to read time, host and the printk stamp. Known
// envelopes are read at the line's head in one pass of byte tests, no regular
// expression and no string per line (npm run bench, classic syslog). Before giving up on a head, the
// reader looks through what tools and people put in front of a log line:
// leading white space (pasted from docs and mail), `grep -n` line numbers,
// `grep -H`/`zgrep` file names, journalctl's json-seq separator and json-sse's
// `data: `. Anything else before a record is an unknown envelope: the record
// is still read, but not trusted.
//
//   '{'                          journalctl -o json (json-seq, json-sse after their prefix)
//   '['                          dmesg ([uptime], [uptime][T55], dmesg -T/-H localized),
//                                journalctl -o short-monotonic / short-delta
//   '<'                          syslog with a raw <PRI> prefix
//   digits ','                   /dev/kmsg (PRI,SEQ,USEC,FLAGS;TEXT)
//   digits '.'                   journalctl -o short-unix
//   YYYY-MM-DDT                  RFC 3339 syslog, journalctl -o short-iso(-precise)
//   WORD dd hh:mm:ss             traditional syslog, journalctl -o short(-precise), any locale's month
//   WORD YYYY-MM-DD hh:mm:ss TZ  journalctl -o short-full, any locale's weekday
//   type= / node=                auditd's log, ausearch (raw or -i)
// Syslog-shaped lines may have no host (ChromeOS, GNOME Logs) and busybox's
// `kern.notice` before the tag.

import { markupTo } from './record.js';
import { Ch, ascii, decimalValue, digitsEnd, find, has, intIn, isDigit, lit, scanDecimal, text, type Decimal } from './bytes.js';

/**
 * Who can write the lines of a log format, and so which of its records are learned:
 * - `kernel`: the kernel alone, or root (the kernel log, auditd's log): trusted as
 *   the envelope says (the kernel facility, where the line shows it);
 * - `checked`: any local user can write lines shaped like the kernel's (syslog(3),
 *   logger): a `kernel` tag, or journald's `audit[PID]`, is trusted once the
 *   kernel lines around it agree (learn/forgery.ts);
 * - `transport`: journald says who wrote each line (`_TRANSPORT` audit or kernel);
 * - `never`: the line cannot say who wrote it: not trusted.
 */
export type Trust = 'kernel' | 'checked' | 'transport' | 'never';

/**
 * Every log format (the kind of envelope a line has), in the order of the
 * README's Formats table, with its trust and, where it has one, how to get its
 * records from a source that says who wrote them (said of its untrusted lines;
 * null: the line's own tag says another program wrote it); `someTypes`: its
 * lines show only some record types, so its serials' gaps are not judged.
 */
export const LOG_FORMATS = [
  { name: 'syslog', trust: 'checked', untrusted: null },
  { name: 'syslog-rfc3339', trust: 'checked', untrusted: null },
  { name: 'journal-full', trust: 'checked', untrusted: null },
  { name: 'journal-unix', trust: 'checked', untrusted: null },
  { name: 'journal-monotonic', trust: 'checked', untrusted: null },
  { name: 'journal', trust: 'checked', untrusted: null },
  { name: 'journal-json', trust: 'transport', untrusted: "journald's _TRANSPORT is not audit or kernel: a user's message" },
  { name: 'journal-export', trust: 'never', untrusted: 'journalctl -o export, verbose and json-pretty put _TRANSPORT on another line: read journalctl -o json' },
  {
    name: 'fluent-bit-kmsg',
    trust: 'checked',
    untrusted: "Fluent Bit's kmsg input keeps no facility (its priority is the level alone), so its message must begin with the record: read /dev/kmsg, journalctl -o json or audit.log",
  },
  { name: 'docker-json', trust: 'never', untrusted: "Docker's json-file log holds whatever a container printed: read the node's /dev/kmsg, journalctl -o json or audit.log" },
  { name: 'loki', trust: 'never', untrusted: 'a Loki stream holds whatever its pushers sent, under labels they chose: read the node\'s /dev/kmsg, journalctl -o json or audit.log' },
  { name: 'json', trust: 'never', untrusted: "a log shipper's JSON (or a document pretty-printed over several lines) cannot say who wrote the line it carries: read the node's /dev/kmsg, journalctl -o json or audit.log" },
  {
    name: 'auditbeat',
    trust: 'never',
    untrusted: "an auditbeat document says what auditbeat read, but anyone who can write to its output or index can write one: read the node's audit.log, or --trust-any-source when the documents are auditbeat's own",
  },
  {
    name: 'spo-enricher',
    trust: 'never',
    untrusted: "the Security Profiles Operator's log-enricher prints what it read from the node's log, and its line gives no arch= and no action: read the node's audit.log or /dev/kmsg",
  },
  { name: 'snappy-debug', trust: 'never', untrusted: "snappy-debug prints what it read from the kernel's log, without its stamp: read the log itself (journalctl -o json, /dev/kmsg, audit.log)" },
  { name: 'dmesg', trust: 'kernel', untrusted: null },
  { name: 'dmesg-T', trust: 'kernel', untrusted: null },
  { name: 'kmsg', trust: 'kernel', untrusted: 'written to /dev/kmsg by user space (not the kernel facility)' },
  { name: 'auditd', trust: 'kernel', untrusted: null },
  // ausearch prints only the record types it was asked for (`-m seccomp`): the others' serials leave gaps that lose nothing
  { name: 'ausearch', trust: 'kernel', untrusted: null, someTypes: true },
  { name: 'ausearch-i', trust: 'kernel', untrusted: null, someTypes: true },
  { name: 'audisp-syslog', trust: 'never', untrusted: "auditd's syslog plugin writes under a tag any local user can write: read /var/log/audit/audit.log (or ausearch)" },
  { name: 'message', trust: 'never', untrusted: 'lines without their log envelope (journalctl -o cat, a paste) cannot say who wrote them: read the log itself (/var/log/audit/audit.log, journalctl -o json, dmesg)' },
  { name: 'unknown', trust: 'never', untrusted: 'seccomp-learn does not know this kind of line: read /var/log/audit/audit.log, journalctl -o json or dmesg' },
] as const satisfies ReadonlyArray<{ name: string; trust: Trust; untrusted: string | null; someTypes?: true }>;

/** A log format's name (`parse` prints it as `format`). */
export type LogFormat = (typeof LOG_FORMATS)[number]['name'];

const BY_NAME = new Map<LogFormat, (typeof LOG_FORMATS)[number]>(LOG_FORMATS.map((f) => [f.name, f]));
const CHECKED = new Set<LogFormat>(LOG_FORMATS.filter((f) => f.trust === 'checked').map((f) => f.name));
const SOME_TYPES = new Set<LogFormat>(LOG_FORMATS.filter((f) => 'someTypes' in f).map((f) => f.name));

/** Whether a format's lines show every audit record type (a log), so that a jump in their serials means records went missing; not ausearch's output (LOG_FORMATS' `someTypes`). */
export function showsEveryType(format: LogFormat): boolean {
  return !SOME_TYPES.has(format);
}

/** What LOG_FORMATS says of a format. */
export function formatInfo(name: LogFormat): (typeof LOG_FORMATS)[number] {
  return BY_NAME.get(name)!;
}

/** Whether a format's trusted lines are trusted only once the kernel lines around them agree (trust `checked`). */
export function checked(format: LogFormat): boolean {
  return CHECKED.has(format);
}

/** What a line's envelope says. Positions are byte indexes into the line's buffer. */
export interface Envelope {
  format: LogFormat;
  /** Whether the envelope says the kernel wrote the record (see the README's trust table). */
  trusted: boolean;
  /** Where the message text starts. */
  body: number;
  /** The printk timestamp in seconds ([  270.853767]), where the line has one (journalctl's monotonic time too). */
  printk: number | null;
  /** The syslog tag, where there is one (kernel, audit[566404], root...). */
  tag: string | null;
  /** The pid in a `TAG[PID]` tag, or null. */
  tagPid: number | null;
  /** The host a syslog or journal line names: one file of a log server holds many hosts, each with its own serials and printk clock. */
  host: string | null;
  /**
   * The time the envelope gives, in seconds: since the epoch where it has a
   * full date (RFC 3339, short-full, short-unix), otherwise only comparable
   * with other lines of the same source (a year-less syslog date). NaN: none.
   */
  logTime: number;
  /** Whether logTime is an absolute time (seconds since the epoch). */
  logTimeAbsolute: boolean;
}

const NODE = lit('node=');
const TYPE = lit('type=');
const MSG_AUDIT = lit(' msg=audit(');
const KERN = lit('kern');
const KERN_SP = lit('kern ');
const KERNEL = lit('kernel');
const KERNEL_COLON = lit('kernel: ');
const AUDIT_TAG = lit('audit');
const AUDIT_COLON = lit('audit: ');
const KAUDITD = lit('kauditd');
const AUDISP = lit('audisp');
const DATA_SSE = lit('data: ');
const MESSAGE_EQ = lit('MESSAGE=');
const MESSAGE_JSON = lit('"MESSAGE"');

/** Where the name of a tag [s, tagEnd) ends: at the `[` of `NAME[PID]`, or its end. */
function tagNameEnd(b: Buffer, s: number, tagEnd: number): number {
  if (b[tagEnd - 1] !== Ch.CloseBracket) return tagEnd;
  const open = find(b, Ch.OpenBracket, s, tagEnd);
  return open > s ? open : tagEnd;
}

/** A month or weekday word: 1 to 24 bytes, no space, no ':' (any locale: `Mär`, `févr.`, `11月`). */
function wordEnd(b: Buffer, at: number, e: number): number {
  const lim = Math.min(e, at + 25);
  let i = at;
  for (; i < lim; i++) {
    const c = b[i];
    if (c === Ch.Space || c === Ch.Colon || c === Ch.Tab || c < 0x20) break;
  }
  return i === at || i >= lim ? -1 : i;
}

/** `hh:mm:ss` at `at`: seconds since midnight, or -1. */
function clockAt(b: Buffer, at: number, e: number): number {
  if (at + 8 > e || b[at + 2] !== Ch.Colon || b[at + 5] !== Ch.Colon) return -1;
  const h = two(b, at);
  const m = two(b, at + 3);
  const s = two(b, at + 6);
  return h < 0 || m < 0 || s < 0 ? -1 : h * 3600 + m * 60 + s;
}

function two(b: Buffer, at: number): number {
  const x = b[at] - Ch.Zero;
  const y = b[at + 1] - Ch.Zero;
  return x < 0 || x > 9 || y < 0 || y > 9 ? -1 : x * 10 + y;
}

/** `.ffffff` at `at` (digits after a dot, or a comma where `comma`), as a fraction of a second; sets `out.end`. */
function fraction(b: Buffer, at: number, e: number, out: { end: number }, comma = false): number {
  out.end = at;
  if ((b[at] !== Ch.Dot && !(comma && b[at] === Ch.Comma)) || at + 1 >= e) return 0;
  const end = digitsEnd(b, at + 1, Math.min(e, at + 10));
  if (end === at + 1) return 0;
  out.end = end;
  let n = 0;
  for (let i = at + 1; i < end; i++) n = n * 10 + (b[i] - Ch.Zero);
  return n / 10 ** (end - at - 1);
}

/** Days since the epoch of a proleptic Gregorian date (no Date object: bench). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `YYYY-MM-DD` at `at`: days since the epoch, or NaN. */
function isoDate(b: Buffer, at: number, e: number): number {
  if (at + 10 > e || b[at + 4] !== Ch.Minus || b[at + 7] !== Ch.Minus) return NaN;
  const y = intIn(b, at, at + 4);
  const mo = two(b, at + 5);
  const d = two(b, at + 8);
  if (y === null || y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31) return NaN;
  return daysFromCivil(y, mo, d);
}

/**
 * Reads envelopes. Holds the little state that makes reading fast: the last host
 * name (lines of one host follow each other, so its string is made once) and a
 * scratch Envelope that each read overwrites (one object per line would be
 * garbage: bench). Owned by a Parser; never shared.
 */
export class EnvelopeReader {
  private lastHost = '';
  private lastHostBytes: Buffer = Buffer.alloc(0);
  private readonly out: Envelope = { format: 'unknown', trusted: false, body: 0, printk: null, tag: null, tagPid: null, host: null, logTime: NaN, logTimeAbsolute: false };
  private readonly frac = { end: 0 };
  private readonly decimal: Decimal = { n: 0, scale: 1, intDigits: 0, fracDigits: -1 };

  private set(format: LogFormat, trusted: boolean, body: number, printk: number | null, tag: string | null, tagPid: number | null, host: string | null, logTime: number, absolute: boolean): Envelope {
    const o = this.out;
    o.format = format;
    o.trusted = trusted;
    o.body = body;
    o.printk = printk;
    o.tag = tag;
    o.tagPid = tagPid;
    o.host = host;
    o.logTime = logTime;
    o.logTimeAbsolute = absolute;
    return o;
  }

  /** auditd's log, the record at `body` (what read() gives for a line record.ts's auditdStamp read). */
  auditdAt(body: number): Envelope {
    return this.set('auditd', true, body, null, null, null, null, NaN, false);
  }

  /** A bare message or an unknown prefix: untrusted, the record at `body`. */
  other(format: LogFormat, body: number, tag: string | null, tagPid: number | null): Envelope {
    return this.set(format, false, body, null, tag, tagPid, null, NaN, false);
  }

  private hostAt(b: Buffer, start: number, end: number): string {
    if (end - start === this.lastHostBytes.length && has(b, start, end, this.lastHostBytes)) return this.lastHost;
    this.lastHostBytes = Buffer.from(b.subarray(start, end));
    return (this.lastHost = text(b, start, end));
  }

  /**
   * The envelope at the head of [s, e), or null when the line does not begin
   * with one this reader knows. The object returned is overwritten by the next
   * call on this reader.
   */
  read(b: Buffer, s: number, e: number): Envelope | null {
    if (s >= e) return null;
    const c0 = b[s];
    if (c0 === TYPE[0] || c0 === NODE[0]) {
      const a = this.auditd(b, s, e);
      if (a) return a;
    }
    if (c0 === Ch.OpenBracket) return this.bracketed(b, s, e);
    if (c0 === Ch.Lt) {
      const close = find(b, Ch.Gt, s, Math.min(e, s + 5));
      if (close < s + 2) return null;
      const pri = intIn(b, s + 1, close);
      if (pri === null || pri < 0) return null;
      // dmesg -r: `<5>[ 1143.592574] audit: ...`; facility 0 is the kernel's alone
      if (b[close + 1] === Ch.OpenBracket) {
        const d = this.bracketed(b, close + 1, e);
        if (d && pri >= 8) d.trusted = false;
        return d;
      }
      const env = this.syslogShaped(b, close + 1, e);
      // facility 0 is the kernel's alone: a `kernel` tag with another facility was written by a user
      if (env && env.trusted && env.tag === 'kernel' && pri >= 8) env.trusted = false;
      return env;
    }
    if (c0 === Ch.OpenBrace) return this.set('journal-json', false, s, null, null, null, null, NaN, false);
    if (isDigit(c0)) {
      const d = digitsEnd(b, s, Math.min(e, s + 24));
      const c = b[d];
      if (c === Ch.Comma) return this.kmsg(b, s, e);
      if (c === Ch.Minus && d === s + 4 && b[s + 10] === Ch.UpperT) return this.syslogShaped(b, s, e);
      if (c === Ch.Dot) return this.unixStamped(b, s, d, e);
      // a month that begins with a digit (`11月 29 07:01:56`)
      return this.clockShaped(b, s, e);
    }
    return this.syslogShaped(b, s, e) ?? this.dmesgDecoded(b, s, e);
  }

  /**
   * dmesg -x: `kern  :notice: [ 1143.592574] audit: ...`, the facility and level
   * spelled out; the kernel's facility alone is trusted.
   */
  private dmesgDecoded(b: Buffer, s: number, e: number): Envelope | null {
    if (b[s] < Ch.LowerA || b[s] > Ch.LowerZ) return null;
    const c1 = find(b, Ch.Colon, s, Math.min(e, s + 10));
    if (c1 < 0) return null;
    const c2 = find(b, Ch.Colon, c1 + 1, Math.min(e, c1 + 10));
    if (c2 < 0 || b[c2 + 1] !== Ch.Space) return null;
    let i = c2 + 2;
    while (b[i] === Ch.Space && i < e) i++;
    if (b[i] !== Ch.OpenBracket) return null;
    const d = this.bracketed(b, i, e);
    if (d && !has(b, s, c1, KERN_SP) && !(c1 - s === 4 && has(b, s, c1, KERN))) d.trusted = false;
    return d;
  }

  /**
   * What tools and people put before a log line, at `s`: white space, `grep -n`
   * numbers, `grep -H`/`zgrep` file names (a word ending in ':' or '-' that a
   * known envelope follows), json-seq's RS, json-sse's `data: `. Returns where
   * the line proper starts, or `s` when nothing was there to skip.
   */
  skipWrapper(b: Buffer, s: number, e: number, depth = 2): number {
    let i = s;
    while (i < e && (b[i] === Ch.Space || b[i] === Ch.Tab)) i++;
    if (i > s) return i;
    if (b[i] === Ch.RS) return i + 1;
    if (has(b, i, e, DATA_SSE)) return i + DATA_SSE.length;
    // NUMBER: or NUMBER- (grep -n; -A/-B context lines)
    const d = digitsEnd(b, i, Math.min(e, i + 12));
    if (d > i && (b[d] === Ch.Colon || b[d] === Ch.Minus) && !(b[d] === Ch.Minus && b[d + 3] === Ch.Minus)) return d + 1;
    // FILE: (grep -H, zgrep): a word with no space before the first ':' that is followed by a line we know
    const lim = Math.min(e, i + 4096);
    for (let k = i; k < lim; k++) {
      const c = b[k];
      if (c === Ch.Space || c === Ch.Tab) break;
      if (c === Ch.Colon && k > i) {
        const next = b[k + 1];
        if (next !== Ch.Space && k + 1 < e && this.startsLine(b, k + 1, e, depth)) return k + 1;
        break;
      }
    }
    return s;
  }

  /** Whether a known envelope, a grep -n number or another file name (`a.log:/var/log/syslog:`) starts at `i`. */
  private startsLine(b: Buffer, i: number, e: number, depth: number): boolean {
    return isDigit(b[i]) || b[i] === Ch.Slash || this.read(b, i, e) !== null || (depth > 0 && this.skipWrapper(b, i, e, depth - 1) !== i);
  }

  private auditd(b: Buffer, s: number, e: number): Envelope | null {
    let start = s;
    if (has(b, s, e, NODE)) {
      const sp = find(b, Ch.Space, s, e);
      if (sp < 0) return null;
      start = sp + 1;
    }
    if (!has(b, start, e, TYPE)) return null;
    // ausearch -i writes `msg=audit(11/29/26 02:43:01.134:2094) : ` (a date, and " : ")
    const msg = findSeqBounded(b, MSG_AUDIT, start, Math.min(e, start + 48));
    if (msg < 0) return null;
    const close = find(b, Ch.CloseParen, msg, e);
    const interpreted = close > 0 && b[close + 1] === Ch.Space && b[close + 2] === Ch.Colon && close + 2 < e;
    return this.set(interpreted ? 'ausearch-i' : 'auditd', true, s, null, null, null, null, NaN, false);
  }

  /** /dev/kmsg: `PRI,SEQ,USEC,FLAGS[,more];TEXT`. Facility 0 (PRI < 8) is the kernel's alone: user space writing to /dev/kmsg gets LOG_USER. */
  private kmsg(b: Buffer, s: number, e: number): Envelope | null {
    const semi = find(b, Ch.Semicolon, s, Math.min(e, s + 97));
    if (semi < 0) return null;
    let commas = 0;
    let usecStart = -1;
    let usecEnd = -1;
    const priEnd = digitsEnd(b, s, semi);
    for (let i = priEnd; i < semi; i++) {
      if (b[i] !== Ch.Comma) continue;
      commas++;
      if (commas === 2) usecStart = i + 1;
      if (commas === 3) usecEnd = i;
    }
    if (commas < 3 || b[priEnd] !== Ch.Comma) return null;
    const pri = intIn(b, s, priEnd) ?? 99;
    const usec = intIn(b, usecStart, usecEnd);
    return this.set('kmsg', pri < 8, semi + 1, usec === null ? null : usec / 1e6, null, null, null, NaN, false);
  }

  /**
   * `[  270.853767] ` or `[26083697.172104][   T55] ` (CONFIG_PRINTK_CALLER), the
   * localized `[Fr Mai 31 22:47:08 2024] ` of dmesg -T and `[févr.27 07:17] ` /
   * `[  +0,000006] ` of dmesg -H, at `at`; or journalctl's short-monotonic
   * `[  270.853767] host tag: ` and short-delta `[  270.853767 <    0.000123>] host tag: `.
   */
  private bracketed(b: Buffer, at: number, e: number): Envelope | null {
    const stamp = this.printkStamp(b, at, e);
    if (stamp === null) {
      // dmesg -T / -H: a localized date in brackets (a weekday, a month or `+` first: never a digit)
      let k = at + 1;
      while (b[k] === Ch.Space && k < e) k++;
      // (a localized weekday and month can take 60 bytes each: Myanmar, Tamil...)
      const close = find(b, Ch.CloseBracket, at, Math.min(e, at + 200));
      if (close < 0) return null;
      // a digit first: only a date with a clock in it (`[11-р сар29 07:02]`), not a broken stamp
      if (isDigit(b[k]) && !hasClock(b, k, close)) return null;
      let body = close + 1;
      if (b[body] === Ch.Space && body < e) body++;
      return this.set('dmesg-T', true, body, null, null, null, null, NaN, false);
    }
    let body = this.bracketEnd;
    // CONFIG_PRINTK_CALLER: [   T55] or [    C1]
    if (b[body] === Ch.OpenBracket && body < e) {
      const c2 = find(b, Ch.CloseBracket, body, Math.min(e, body + 16));
      if (c2 > 0) {
        let k = body + 1;
        while (b[k] === Ch.Space && k < c2) k++;
        const t = b[k];
        if (t === Ch.UpperT || t === Ch.UpperC) body = c2 + 1;
      }
    }
    if (b[body] === Ch.Space && body < e) body++;
    // journalctl -o short-monotonic: a host and a tag follow (dmesg: the message itself)
    if (!this.delta && !startsMessage(b, body, e)) {
      const t = this.hostAndTag(b, body - 1, e, 'journal-monotonic', stamp, stamp, false);
      if (t) return t;
    } else if (this.delta) {
      return this.hostAndTag(b, body - 1, e, 'journal-monotonic', stamp, stamp, false);
    }
    return this.set('dmesg', true, body, stamp, null, null, null, NaN, false);
  }

  /** Where the bracket read by printkStamp ended (after its `]`), and whether it held a short-delta `<...>`. */
  private bracketEnd = 0;
  private delta = false;

  /** The seconds in `[  270.853767]` at `at` (also `[ 12.3 <  0.1>]`), or null; sets bracketEnd. */
  private printkStamp(b: Buffer, at: number, e: number): number | null {
    const lim = Math.min(e, at + 65);
    let i = at + 1;
    while (b[i] === Ch.Space && i < lim) i++;
    if (!isDigit(b[i])) return null;
    const end = scanDecimal(b, i, lim, this.decimal);
    this.delta = false;
    let close = end;
    if (b[end] === Ch.Space && b[end + 1] === Ch.Lt) {
      // short-delta: [  270.853767 <    0.000123>]
      const gt = find(b, Ch.Gt, end, lim);
      if (gt < 0 || b[gt + 1] !== Ch.CloseBracket) return null;
      this.delta = true;
      close = gt + 1;
    }
    if (close >= lim || b[close] !== Ch.CloseBracket) return null;
    this.bracketEnd = close + 1;
    const exact = decimalValue(this.decimal, false);
    if (exact !== null) return exact;
    // the rare other forms, as Number reads them (more than 15 digits, `12.`), never NaN
    const v = Number(ascii(b, i, end));
    return Number.isNaN(v) ? null : v;
  }

  /** journalctl -o short-unix: `1716816272.180000 host tag: `. */
  private unixStamped(b: Buffer, s: number, dot: number, e: number): Envelope | null {
    const end = digitsEnd(b, dot + 1, Math.min(e, dot + 12));
    if (end === dot + 1 || b[end] !== Ch.Space) return null;
    const secs = intIn(b, s, dot);
    if (secs === null) return null;
    const t = secs + fraction(b, dot, end, this.frac);
    return this.hostAndTag(b, end, e, 'journal-unix', null, t, true);
  }

  /**
   * Syslog-shaped lines, from `at` (after any <PRI>): a date, an optional host, a
   * tag. Traditional (`Jul  8 10:31:23[.123456] host TAG: `, in any locale's
   * month names), RFC 3339 (`2024-05-01T10:00:00.123456+00:00 host TAG: `) and
   * journalctl's short-full (`Tue 2024-05-28 15:24:32 CEST host TAG: `).
   */
  private syslogShaped(b: Buffer, at: number, e: number): Envelope | null {
    if (e - at < 16) return null;
    if (isDigit(b[at])) return this.rfc3339(b, at, e) ?? this.clockShaped(b, at, e);
    // most months have three letters: no need to look for the word's end
    const w = b[at + 3] === Ch.Space && b[at] > Ch.Space ? at + 3 : wordEnd(b, at, e);
    if (w >= 0 && b[w] === Ch.Space) {
      const i = w + 1;
      if (isDigit(b[i]) && b[i + 4] === Ch.Minus) return this.shortFull(b, i, e);
      // traditional: `Nov 29 02:11:05` or `Jul  8 10:31:23`
      const t = this.afterMonth(b, w, e);
      if (t) return t;
    }
    return this.clockShaped(b, at, e);
  }

  /**
   * Any locale's month: whatever stands before ` DD hh:mm:ss` in the first 64
   * bytes (`de nov. 29 07:01:56`, ` 1月 29 ...`, `Thg 11 29 ...`, `nov   29 ...`).
   */
  private clockShaped(b: Buffer, at: number, e: number): Envelope | null {
    const lim = Math.min(e, at + 64);
    for (let p = at + 4; p + 6 <= lim; p++) {
      // a month's text may hold a ':' of its own: look on for the clock
      if (b[p] !== Ch.Colon) continue;
      const c = p - 2;
      if (clockAt(b, c, e) < 0 || b[c - 1] !== Ch.Space) continue;
      // the day: 1 or 2 digits, then the month's text and its padding
      let d = c - 1;
      while (d > at && isDigit(b[d - 1]) && c - 1 - d < 2) d--;
      if (d === c - 1 || b[d - 1] !== Ch.Space) return null;
      let m = d - 1;
      while (m > at && b[m - 1] === Ch.Space) m--;
      if (m === at || !monthText(b, at, m)) return null;
      return this.afterMonth(b, m, e, d);
    }
    return null;
  }

  /** The rest of `MONTH DD hh:mm:ss[.frac] ` after a month's text, which ends at monthEnd; `dayAt` when already found. */
  private afterMonth(b: Buffer, monthEnd: number, e: number, dayAt = -1): Envelope | null {
    let i = dayAt;
    if (i < 0) {
      i = monthEnd + 1;
      if (b[i] === Ch.Space) i++;
    }
    const dayEnd = digitsEnd(b, i, Math.min(e, i + 3));
    if (dayEnd === i || dayEnd - i > 2 || b[dayEnd] !== Ch.Space) return null;
    const day = intIn(b, i, dayEnd)!;
    const clock = clockAt(b, dayEnd + 1, e);
    if (clock < 0) return null;
    const frac = fraction(b, dayEnd + 9, e, this.frac);
    const afterTime = this.frac.end;
    if (b[afterTime] !== Ch.Space) return null;
    // comparable within a source (not across a month's end): the day and the clock
    const logTime = day * 86400 + clock + frac;
    return this.hostAndTag(b, afterTime, e, 'syslog', null, logTime, false);
  }

  private rfc3339(b: Buffer, at: number, e: number): Envelope | null {
    const days = isoDate(b, at, e);
    if (Number.isNaN(days) || b[at + 10] !== Ch.UpperT) return null;
    const clock = clockAt(b, at + 11, e);
    if (clock < 0) return null;
    // dmesg --time-format iso writes a decimal comma
    const frac = fraction(b, at + 19, e, this.frac, true);
    let i = this.frac.end;
    let offset = 0;
    if (b[i] === Ch.UpperZ) i++;
    else if (b[i] === Ch.Plus || b[i] === Ch.Minus) {
      const sign = b[i] === Ch.Minus ? -1 : 1;
      const hh = two(b, i + 1);
      const colon = b[i + 3] === Ch.Colon ? 1 : 0;
      const mm = two(b, i + 3 + colon);
      if (hh < 0 || mm < 0) return null;
      offset = sign * (hh * 3600 + mm * 60);
      i += 5 + colon;
    }
    if (b[i] !== Ch.Space) return null;
    const logTime = days * 86400 + clock + frac - offset;
    // dmesg --time-format iso: the kernel's message right after the time
    if (startsMessage(b, i + 1, e)) return this.set('dmesg', true, i + 1, null, null, null, null, logTime, true);
    return this.hostAndTag(b, i, e, 'syslog-rfc3339', null, logTime, true);
  }

  /** journalctl -o short-full, from the date: `2024-05-28 15:24:32 CEST host TAG: `. */
  private shortFull(b: Buffer, at: number, e: number): Envelope | null {
    const days = isoDate(b, at, e);
    if (Number.isNaN(days) || b[at + 10] !== Ch.Space) return null;
    const clock = clockAt(b, at + 11, e);
    if (clock < 0 || b[at + 19] !== Ch.Space) return null;
    // the zone: a word (UTC, CEST, +03)
    const zEnd = wordEnd(b, at + 20, e);
    if (zEnd < 0 || b[zEnd] !== Ch.Space) return null;
    return this.hostAndTag(b, zEnd, e, 'journal-full', null, days * 86400 + clock, false);
  }

  /**
   * ` [host ][fac.pri ]TAG: ` from the space at `sp`. The tag is the word that
   * ends in ": "; a host is the word before it, if any (ChromeOS and GNOME Logs
   * write none); busybox syslogd puts the facility and priority before the tag
   * (`kern.notice kernel:`), and a user's `logger -t kernel` there says
   * `user.notice kernel:`.
   */
  private hostAndTag(b: Buffer, sp: number, e: number, format: LogFormat, printk: number | null, logTime: number, absolute: boolean): Envelope | null {
    const w1 = sp + 1;
    const w1End = find(b, Ch.Space, w1, e);
    if (w1End < 0 || w1End === w1) return null;
    // the kernel's own lines, most of those read: `host kernel: ` (npm run bench, classic syslog: a tenth of the time per record went to finding the tag)
    if (b[w1End + 7] === Ch.Colon && has(b, w1End + 1, e, KERNEL_COLON)) {
      return this.kernelTagged(b, w1End + 9, e, format, this.hostAt(b, w1, w1End), printk, logTime, absolute);
    }
    let host: string | null = null;
    let tagStart: number;
    let tagEnd: number; // the ':'
    let kernFacility = true;
    if (isSeverity(b, w1, w1End) && b[find(b, Ch.Space, w1End + 1, e) - 1] === Ch.Colon) {
      // ChromeOS: `2026-11-29T07:02:04.748979Z NOTICE kernel: ...`, a severity and no host
      const w2End = find(b, Ch.Space, w1End + 1, e);
      tagStart = w1End + 1;
      tagEnd = w2End - 1;
    } else if (b[w1End - 1] === Ch.Colon) {
      // no host: `kernel: ...`
      tagStart = w1;
      tagEnd = w1End - 1;
    } else {
      const w2 = w1End + 1;
      const w2End = find(b, Ch.Space, w2, e);
      if (w2End < 0) return null;
      if (b[w2End - 1] === Ch.Colon) {
        host = this.hostAt(b, w1, w1End);
        tagStart = w2;
        tagEnd = w2End - 1;
      } else {
        // busybox: host FAC.PRI TAG:
        const dot = find(b, Ch.Dot, w2, w2End);
        const w3End = find(b, Ch.Space, w2End + 1, e);
        if (dot < 0 || w3End < 0 || b[w3End - 1] !== Ch.Colon) return null;
        host = this.hostAt(b, w1, w1End);
        kernFacility = dot - w2 === 4 && has(b, w2, dot, KERN);
        tagStart = w2End + 1;
        tagEnd = w3End - 1;
      }
    }
    if (tagEnd <= tagStart) return null;
    const body = tagEnd + 2;
    const isKernel = tagEnd - tagStart === 6 && has(b, tagStart, tagEnd, KERNEL);
    if (isKernel && kernFacility) return this.kernelTagged(b, body, e, format, host, printk, logTime, absolute);
    const tag = text(b, tagStart, tagEnd);
    const nameEnd = tagNameEnd(b, tagStart, tagEnd);
    const tagPid = tagPidIn(b, nameEnd, tagEnd);
    if (isKernel) return this.set(format, false, body, printk, 'kernel', null, host, logTime, absolute);
    // journald's audit transport: `audit[566404]: SECCOMP ...`
    if (nameEnd - tagStart === 5 && has(b, tagStart, nameEnd, AUDIT_TAG)) return this.set('journal', true, body, printk, tag, tagPid, host, logTime, absolute);
    // auditd's syslog plugin (audispd, audisp-syslog): any local user can write that tag
    if (has(b, tagStart, nameEnd, AUDISP)) return this.set('audisp-syslog', false, body, printk, tag, tagPid, host, logTime, absolute);
    return this.set(format, false, body, printk, tag, tagPid, host, logTime, absolute);
  }

  /** A line tagged `kernel` by the kernel's facility, its message at `body`. */
  private kernelTagged(b: Buffer, body: number, e: number, format: LogFormat, host: string | null, printk: number | null, logTime: number, absolute: boolean): Envelope {
    // imklog keeps the printk stamp: `kernel: [  901.514284] audit: ...`
    if (b[body] === Ch.OpenBracket && body < e) {
      const stamp = this.printkStamp(b, body, e);
      if (stamp !== null && !this.delta) {
        let i = this.bracketEnd;
        if (b[i] === Ch.OpenBracket) {
          const c2 = find(b, Ch.CloseBracket, i, Math.min(e, i + 16));
          if (c2 > 0) i = c2 + 1;
        }
        if (b[i] === Ch.Space && i < e) i++;
        return this.set(format, true, i, stamp, 'kernel', null, host, logTime, absolute);
      }
    }
    return this.set(format, true, body, printk, 'kernel', null, host, logTime, absolute);
  }

  /**
   * Classify what stands before a record found inside a line, [s, at): nothing
   * (a bare message: journalctl -o cat, a paste), only a tag (`audit[7053]: `,
   * `audispd[568]: `), journalctl's export/verbose `MESSAGE=`, or something
   * unknown. None of these can tell who wrote the line: all untrusted.
   */
  classifyPrefix(b: Buffer, s: number, at: number): Envelope {
    // nothing, or only markdown markup (`**audit: ...**`, a backtick): a pasted message
    if (at === s || markupTo(b, s, at)) return this.other('message', at, null, null);
    if (has(b, s, at, MESSAGE_EQ) || has(b, s, at, MESSAGE_JSON)) return this.other('journal-export', at, null, null);
    // TAG: or TAG[PID]: and nothing else
    if (b[at - 1] === Ch.Space && b[at - 2] === Ch.Colon && find(b, Ch.Space, s, at - 1) < 0 && at - 2 > s) {
      const tagEnd = at - 2;
      const tag = text(b, s, tagEnd);
      const nameEnd = tagNameEnd(b, s, tagEnd);
      const tagPid = tagPidIn(b, nameEnd, tagEnd);
      return this.other(has(b, s, nameEnd, AUDISP) ? 'audisp-syslog' : 'message', at, tag, tagPid);
    }
    return this.other('unknown', at, null, null);
  }
}

const SEVERITIES = new Set(['EMERG', 'ALERT', 'CRIT', 'ERR', 'ERROR', 'WARNING', 'WARN', 'NOTICE', 'INFO', 'DEBUG']);

/** An uppercase syslog severity word in [s, e) (ChromeOS writes one where a host would be). */
function isSeverity(b: Buffer, s: number, e: number): boolean {
  return e - s >= 3 && e - s <= 7 && b[s] >= Ch.UpperA && b[s] <= Ch.UpperZ && SEVERITIES.has(ascii(b, s, e));
}

/**
 * Whether [s, e) can be a month's name in some locale (fixtures/locales/time-names.tsv):
 * letters, digits, any non-ASCII byte, at most three inner spaces, and of ASCII
 * punctuation only ' - . / (`d'abr.`, `11-р сар`, `Thg 11`, `lî wainhka kati`; a
 * ':' is in no locale's month, only in sa_IN's weekdays, which dmesg -T brackets).
 * So `>> `, `# `, `tag: ` or `key="` before a date make the line someone else's.
 */
function monthText(b: Buffer, s: number, e: number): boolean {
  if (e - s > 48) return false;
  let spaces = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c >= 0x80 || (c >= Ch.Zero && c <= Ch.Nine) || (c >= Ch.UpperA && c <= Ch.UpperZ) || (c >= Ch.LowerA && c <= Ch.LowerZ)) continue;
    if (c === Ch.Space) {
      if (++spaces > 3 && b[i - 1] !== Ch.Space) return false;
      continue;
    }
    if (c !== 39 /* ' */ && c !== Ch.Minus && c !== Ch.Dot && c !== Ch.Slash) return false;
  }
  return true;
}

/** Whether `i` starts a kernel message (what dmesg prints right after its stamp): `audit: `, `type=` (old kernels), `kauditd_printk_skb`. */
function startsMessage(b: Buffer, i: number, e: number): boolean {
  const c = b[i];
  return (c === AUDIT_COLON[0] && has(b, i, e, AUDIT_COLON)) || (c === TYPE[0] && has(b, i, e, TYPE)) || (c === KAUDITD[0] && has(b, i, e, KAUDITD));
}

/** Whether [s, e) holds `dd:dd` (a clock). */
function hasClock(b: Buffer, s: number, e: number): boolean {
  for (let i = s + 2; i + 2 < e; i++) if (b[i] === Ch.Colon && isDigit(b[i - 1]) && isDigit(b[i - 2]) && isDigit(b[i + 1]) && isDigit(b[i + 2])) return true;
  return false;
}

function findSeqBounded(b: Buffer, l: Buffer, from: number, end: number): number {
  const first = l[0];
  const last = end - l.length;
  for (let i = from; i <= last; i++) if (b[i] === first && has(b, i, end, l)) return i;
  return -1;
}

/**
 * The PID of a syslog tag `NAME[PID]` whose `[` is at `open` and whose `:` is at
 * `colon`, as syslog(3) and journald write it (%d: no sign, no leading zero, and
 * `]` right before the colon); null for no PID or any other text.
 */
function tagPidIn(b: Buffer, open: number, colon: number): number | null {
  if (open >= colon || b[open] !== Ch.OpenBracket || b[colon - 1] !== Ch.CloseBracket) return null;
  if (b[open + 1] === Ch.Zero) return null;
  const pid = intIn(b, open + 1, colon - 1);
  return pid !== null && pid > 0 ? pid : null;
}
