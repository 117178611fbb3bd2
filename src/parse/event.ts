// One line in, one of: a seccomp record, a loss notice, another audit record's
// serial, a counted reason to skip, or nothing (the line holds no record).
//
// Record first, envelope second: a line is read where a known envelope says its
// message starts; failing that, after what tools put before log lines (white
// space, grep's numbers and file names); failing that, wherever in the line a
// record starts. Only the envelope decides trust, so a record behind an envelope
// this parser does not know is still read, and reported as not trusted.
// Pure: no I/O, no exceptions; its caches live in the Parser that reads.
import { Ch, decimalIn, findSeq, has, intIn, lit, text } from './bytes.js';
import { goUnquote } from './go-quote.js';
import { EnvelopeReader, type Envelope, type LogFormat } from './envelope.js';
import { isPrettyAuditbeatSeccomp, readJsonLine, readJsonString, startsJson, type JsonMessage, type JsonRead } from './json.js';
import { auditdStamp, Fields, RecordReader, showSafely, type AuditdStamp, type Head } from './record.js';
import { ACTIONS, blankEvent, blankMark, type Action, type AuditMark, type LineResult, type SeccompEvent, type Skip, type SkipCode } from './results.js';
import { signalNumber } from './signals.js';
import { abiOf, archFromAudit, archFromToken, findArch, nameOf, numberOf, type Arch } from '../syscalls/index.js';

// what a Parser gives, for its callers (the shapes: parse/results.ts)
export { blankEvent, type Action, type AuditMark, type LineResult, type LossNotice, type SeccompEvent, type Skip, type SkipCode } from './results.js';

/**
 * Every line a Parser can return something for holds one of these byte
 * strings: seccomp records (`audit(`, journald's `SECCOMP ...`), other audit
 * records, the kernel's loss notices (`kauditd_printk_skb`, `audit: audit_lost=`),
 * journald's (`Suppressed N messages`) and the line of a pretty-printed auditbeat
 * document that says it is a seccomp record (`"message_type": "seccomp"`, counted
 * as skipped: isPrettyAuditbeatSeccomp; `_type"` is what of it Buffer.indexOf finds
 * fast: 0.07 ms a MiB of busy syslog, `"secc` 0.17). The line splitter skips the others
 * without decoding them. A test holds every fixture line to this.
 * `Suppr`, not `Suppressed`: Buffer.indexOf finds the short one at 30 us a MiB
 * and the long one at 450 (V8's search for it is slow on this text; bench).
 */
export const MARKERS: readonly string[] = ['audit', 'SECCOMP', 'Suppr', 'Log: a', 'time->', '_type"'];

/** Each action's SECCOMP_RET_* value (linux/seccomp.h): its action bits. */
const ACTION_VALUES: Readonly<Record<Action, number>> = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
};
const BY_VALUE: ReadonlyArray<[number, Action]> = ACTIONS.map((a) => [ACTION_VALUES[a], a]);

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

/** The action of a code= number: its action bits (0xffff0000); the kernel logs no errno. */
export function actionOf(code: number): Action | null {
  // the kernel logs the action without its data (seccomp_log gets
  // filter_ret & SECCOMP_RET_ACTION_FULL): low 16 bits set mean a cut or
  // mangled value (`code=0x7ffc0000` cut to `0x7ffc` is not KILL_THREAD)
  if ((code & 0xffff) !== 0) return null;
  const v = (code & 0xffff0000) >>> 0;
  for (let i = 0; i < BY_VALUE.length; i++) if (BY_VALUE[i][0] === v) return BY_VALUE[i][1];
  return null;
}

/**
 * The action of a `code=` value as text: `0x7ffc0000`, or an `ausearch -i` name
 * (`kill`, `errno`, ...); null when it is neither. An ERRNO record never says
 * which errno.
 */
export function decodeAction(code: string): Action | null {
  const interpreted = INTERPRETED_ACTIONS[code];
  if (interpreted) return interpreted;
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(code)) return null;
  return actionOf(parseInt(code.slice(2), 16));
}

/** libaudit's syscall names where they differ from the kernel's (and libseccomp's). */
const AUDIT_NAMES: Readonly<Record<string, string>> = { pread: 'pread64', pwrite: 'pwrite64' };
const UNKNOWN_SYSCALL = /^unknown-syscall\((-?\d+)\)$/;
/**
 * How many documents deep JSON inside JSON strings is read (a container's line
 * that is a shipper's document: Loki > Vector > Docker > journald is 4, under
 * an Elasticsearch hit 5). Each level doubles the backslashes before a quote,
 * so the line's cap (--max-line-length) mostly comes first; past this depth the
 * line is counted as skipped, with the depth.
 */
const MAX_DEPTH = 8;

/** The messages of one JSON document of a line, `i` the next to read; `depth` the document's (0: the line's own). */
interface Frame {
  messages: readonly JsonMessage[];
  i: number;
  depth: number;
}
/** snappy-debug's record line, and its syscall as NUMBER(NAME) after arch=. */
const SNAPPY_LOG = lit('Log: auid=');
const TIME_ARROW = lit('time->');
const SNAPPY_SYSCALL = / (-?\d{1,10})\([a-z0-9_]{1,40}\)(?= )/;
const ENRICHER = lit('log-enricher');
/** The enricher's record type, in either klog form: `"type"="seccomp"` (older), `type="seccomp"` (current). */
const ENRICHER_SECCOMP = lit('="seccomp"');
/**
 * klog's key=value pairs: `"key"=value` (klog before v2.80's structured form) or
 * `key=value` (current: the enricher's `pid=3723190 syscallID=39`); a value
 * quoted with JSON's escapes, or a bare word.
 */
const KLOG_PAIR = /(?<![\w"])"?(\w+)"?=("(?:[^"\\]|\\.)*"|[^ "]+)/g;
const STAMP = /^(\d{1,12}\.\d{1,6}):(\d{1,15})$/;

function skip(code: SkipCode, message: string): Skip {
  return { kind: 'skip', code, message };
}

/** Where `TIME` ends in `TIME:SERIAL`: the last colon, or -1. */
function lastColon(b: Buffer, s: number, e: number): number {
  for (let i = e - 1; i > s; i--) if (b[i] === Ch.Colon) return i;
  return -1;
}

/**
 * Reads lines into LineResults. One per reader of a stream: it keeps the
 * caches that make reading fast (the envelope reader's last host, the record
 * reader's tables of repeated record texts and names). Every result of parse
 * and parseText is a new object the caller may keep.
 */
export class Parser {
  private readonly envelopes = new EnvelopeReader();
  private readonly records = new RecordReader();
  private readonly actions = new Map<string, Action | null>();

  /** Parse the line [s, e) of `b` (no newline), in place. `file` and `line` say where it came from. */
  parse(b: Buffer, s: number, e: number, file: string, line: number): LineResult {
    this.frames.length = 0;
    this.pending = null;
    // NUL bytes before a line: what a file system leaves in a log where a crash lost the writes before it
    // (the line after them is whole; what was lost, the serials say)
    while (b[s] === 0 && s < e) s++;
    if (b[s] === TIME_ARROW[0] && has(b, s, e, TIME_ARROW)) {
      // plain ausearch's header of each event: the records of this file are ausearch's, of the types it was asked for
      this.ausearchFile = file;
      return null;
    }
    return this.read(b, s, e, file, line, 0);
  }

  /** The file whose lines showed plain ausearch's `time->` headers (the last such file). */
  private ausearchFile: string | null = null;
  /** A result the line gave after the one returned (the serial of a record skipped): more() gives it. */
  private pending: AuditMark | null = null;

  /**
   * The next result of the line last parsed, for a line that holds several
   * records (a Loki push body, a JSON array of documents), or null when there
   * is none. After parseInto, into the same target (the caller has used the
   * last one).
   */
  more(): LineResult {
    if (this.pending !== null) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    if (this.frames.length === 0) return null;
    this.into = this.qInto;
    try {
      return this.drain(this.qFile, this.qLine);
    } finally {
      this.into = null;
    }
  }

  /** A line, or a message inside a JSON string (depth > 0). */
  private read(b: Buffer, s: number, e: number, file: string, line: number, depth: number): LineResult {
    if (e > s && b[e - 1] === Ch.CR) e--;
    if (s >= e) return null;
    // a line of an audit.log, read at its fixed place (what the envelope and head
    // below would read of it): of another record type (most lines), its stamp alone
    const st = this.stamp;
    if (auditdStamp(b, s, e, st)) {
      if (!st.seccomp) return this.newMark(st.serial, st.time, true, file === this.ausearchFile ? 'ausearch' : 'auditd', null, null, file, line);
      return this.fromHead(b, e, this.envelopes.auditdAt(s), this.records.auditdHead(st), file, line);
    }
    if (startsJson(b, s, e)) return this.json(readJsonLine(b, s, e, depth === 0), file, line, depth);
    const env = this.envelopes.read(b, s, e);
    if (env !== null) {
      const head = this.records.readHead(b, env.body, e);
      if (head.kind !== 'none') return this.fromHead(b, e, env, head, file, line);
    }
    // Not where a known envelope says: past what tools put before log lines.
    let w = s;
    for (let k = 0; k < 8; k++) {
      const next = this.envelopes.skipWrapper(b, w, e);
      if (next === w) break;
      w = next;
      if (startsJson(b, w, e)) return this.json(readJsonLine(b, w, e, depth === 0), file, line, depth);
      const inner = this.envelopes.read(b, w, e);
      if (inner === null) continue;
      const head = this.records.readHead(b, inner.body, e);
      if (head.kind !== 'none') return this.fromHead(b, e, inner, head, file, line);
    }
    // Anywhere in the line: the record is read, the envelope is not one we know.
    const found = this.records.findRecord(b, w, e);
    if (found === null) return this.toolLine(b, w, e, file, line);
    // inside a JSON string: of a document after another log's envelope (all its records), a document pretty-printed over lines, Fluent Bit's print
    const inString = readJsonString(b, w, found.at, e);
    if (inString !== null) return this.json(inString, file, line, depth);
    const known = this.envelopes.read(b, w, e);
    let prefix: Envelope;
    if (known !== null) {
      // a log line whose message holds a record: whoever wrote the message did, not the kernel
      known.trusted = false;
      known.body = found.at;
      prefix = known;
    } else {
      prefix = this.envelopes.classifyPrefix(b, w, found.at);
    }
    // findRecord's head is the reader's reusable one: read it again for this envelope
    return this.fromHead(b, e, prefix, this.records.readHead(b, found.at, e), file, line);
  }

  /**
   * The messages of a JSON document (json.ts). The line's own (depth 0): its
   * first result, the others wait for more(). One inside a message (JSON in a
   * JSON string, depth > 0): its messages are read next by drain, each given
   * the envelopes of the messages that hold it; null here.
   */
  private json(r: JsonRead | null, file: string, line: number, depth: number): LineResult {
    if (r === null) return null;
    if (r.kind === 'bad') return skip('bad-json', r.message);
    if (depth >= MAX_DEPTH) return skip('bad-json', `JSON inside JSON strings more than ${MAX_DEPTH} documents deep: its records are not looked for`);
    this.frames.push({ messages: r.messages, i: 0, depth });
    if (depth > 0) return null;
    this.qFile = file;
    this.qLine = line;
    this.qInto = this.into;
    return this.drain(file, line);
  }

  /**
   * The next result of the documents of the line: depth first, a document
   * inside a message read whole before the message after it; a result is given
   * the envelope of each message that holds it, innermost first.
   */
  private drain(file: string, line: number): LineResult {
    const fr = this.frames;
    while (fr.length > 0) {
      const k = fr.length - 1;
      const f = fr[k];
      if (f.i >= f.messages.length) {
        fr.pop();
        continue;
      }
      let r = this.message(f.messages[f.i++], file, line, f.depth);
      // a document inside the message: its messages come next
      if (fr.length > k + 1) continue;
      for (let j = k - 1; r !== null && j >= 0; j--) r = this.envelop(r, fr[j].messages[fr[j].i - 1], false);
      if (r !== null) return r;
    }
    return null;
  }

  /**
   * One string of a JSON document, read as a line of its own, then given the
   * document's envelope (envelop). A string that is itself JSON pushes its
   * document's frame, and gives null: drain reads it.
   */
  private message(m: JsonMessage, file: string, line: number, depth: number): LineResult {
    if (m.skip !== null) return skip('bad-json', m.skip);
    if (m.fields !== null) return this.auditbeat(m, file, line);
    const mb = Buffer.from(m.text, 'utf8');
    // the record at the string's head (what journald and Fluent Bit write): read there, as a bare message; else as a line of its own
    const head = this.records.readHead(mb, 0, mb.length);
    const atHead = head.kind !== 'none';
    const frames = this.frames.length;
    const r = atHead ? this.fromHead(mb, mb.length, this.envelopes.other('message', 0, null, null), head, file, line) : this.read(mb, 0, mb.length, file, line, depth + 1);
    this.pending = null;
    if (r === null) {
      if (this.frames.length > frames) return null;
      // journald's audit transport: another record type (`SYSCALL arch=...`): its serial counts for gaps
      if (!m.auditTransport || m.serial === null) return null;
      return this.newMark(m.serial, null, m.vouched, m.format, m.host, null, file, line);
    }
    return this.envelop(r, m, atHead);
  }

  /**
   * A result read from the string of message `m`, given m's envelope: its
   * format, its trust (m vouches, and the record begins the string:
   * journald and Fluent Bit write no other), and the time, serial, printk
   * stamp and host m gives where the text has none.
   */
  private envelop(r: NonNullable<LineResult>, m: JsonMessage, atHead: boolean): LineResult {
    const trusted = m.vouched && atHead;
    switch (r.kind) {
      case 'seccomp':
        if (r.serial === null) {
          r.serial = m.serial;
          r.time = r.time ?? m.time;
        } else if (r.time === null) r.time = m.time;
        r.format = m.format;
        r.trusted = trusted;
        r.printk = r.printk ?? m.printk;
        if (m.host !== null) r.host = m.host;
        return r;
      case 'mark':
        r.format = m.format;
        r.trusted = trusted;
        r.printk = r.printk ?? m.printk;
        if (m.host !== null) r.host = m.host;
        return r;
      case 'loss':
        r.trusted = trusted;
        r.printk = r.printk ?? m.printk;
        return r;
      case 'skip':
        return r;
    }
  }

  /** The documents of the line last parsed whose messages more() has still to read (innermost last), and where they came from. */
  private readonly frames: Frame[] = [];
  private qFile = '';
  private qLine = 0;
  private qInto: SeccompEvent | null = null;

  /** The event parseInto fills, while it runs. */
  private into: SeccompEvent | null = null;

  /**
   * parse, for a sink that keeps nothing of the result: a seccomp record is
   * written into `target` (and `target` returned), another record's serial into
   * an AuditMark of the parser's, both rewritten by the next call; any other
   * result is a new object. (npm run bench, busy syslog: no object per record: the young
   * generation, and so the resident size, stays small.)
   */
  parseInto(b: Buffer, s: number, e: number, file: string, line: number, target: SeccompEvent): LineResult {
    this.into = target;
    try {
      return this.parse(b, s, e, file, line);
    } finally {
      this.into = null;
    }
  }

  /** Parse one line of text (no newline), as its UTF-8 bytes. */
  parseText(text: string, file: string, line: number): LineResult {
    const b = Buffer.from(text, 'utf8');
    return this.parse(b, 0, b.length, file, line);
  }

  private fromHead(b: Buffer, end: number, env: Envelope, head: Head, file: string, line: number): LineResult {
    if (env.format === 'auditd' && file === this.ausearchFile) env.format = 'ausearch';
    switch (head.kind) {
      case 'none':
        return null;
      case 'other':
        return head.stamp < 0 || env.format === 'ausearch-i' ? null : this.mark(b, head.stamp, head.stampEnd, env, file, line);
      case 'loss':
        return { kind: 'loss', reason: head.reason, count: head.count, trusted: env.trusted, printk: env.printk };
      case 'malformed':
        return skip('malformed', head.message);
      case 'seccomp': {
        const interpreted = head.interpreted;
        if (interpreted && env.format === 'auditd') env.format = 'ausearch-i';
        const { stamp, stampEnd } = head;
        const fields = interpreted ? this.records.readFields(b, head.fields, end, true) : this.records.readRecordFields(b, head.fields, end);
        const r = this.toEvent(env, b, stamp, stampEnd, fields, interpreted, file, line, head.serial, head.time);
        // a record skipped (a field unreadable) still took its serial: no gap where it stands
        if (r.kind === 'skip' && env.trusted && stamp >= 0) this.pending = this.mark(b, stamp, stampEnd, env, file, line);
        return r;
      }
    }
  }

  private mark(b: Buffer, s: number, e: number, env: Envelope, file: string, line: number): AuditMark | null {
    const colon = lastColon(b, s, e);
    const serial = colon > 0 ? intIn(b, colon + 1, e) : null;
    if (serial === null) return null;
    return this.newMark(serial, decimalIn(b, s, colon, true), env.trusted, env.format, env.host, env.printk, file, line);
  }

  /** A mark: under parseInto, the parser's own, rewritten (most lines of an audit.log are other records; bench: one object each). */
  private newMark(serial: number, time: number | null, trusted: boolean, format: LogFormat, host: string | null, printk: number | null, file: string, line: number): AuditMark {
    const m = this.into === null ? blankMark() : this.intoMark;
    m.serial = serial;
    m.time = time;
    m.trusted = trusted;
    m.format = format;
    m.host = host;
    m.printk = printk;
    m.file = file;
    m.line = line;
    return m;
  }

  private readonly intoMark = blankMark();
  /** What auditdStamp read of the line. */
  private readonly stamp: AuditdStamp = { seccomp: false, time: NaN, serial: -1, stamp: -1, stampEnd: -1, fields: -1 };

  private action(f: Fields): Action | null {
    if (f.code !== undefined && f.code !== null) return actionOf(f.code);
    if (f.codeRaw === undefined) return null;
    let a = this.actions.get(f.codeRaw);
    if (a === undefined) {
      a = decodeAction(f.codeRaw);
      if (this.actions.size < 256) this.actions.set(f.codeRaw, a);
    }
    return a;
  }

  private toEvent(
    env: Envelope,
    b: Buffer | null,
    stamp: number,
    stampEnd: number,
    f: Fields,
    interpreted: boolean,
    file: string,
    line: number,
    stampSerial = -1,
    stampTime = NaN,
    journal?: { time: number | null; serial: number | null },
  ): SeccompEvent | Skip {
    // the kernel writes ip= and code= last (every kernel with type=1326 records):
    // a record without either stops early, and its last value may be cut too
    // (`syscall=231` cut to `syscall=23` names another call): never learned
    const cut = !f.ip && f.code === undefined && f.codeRaw === undefined;
    if (f.twice) return skip('several-records', 'two seccomp records on one line (syscall= or code= given twice): neither is read, as their fields cannot be told apart');
    if (f.syscall === undefined || f.pid === undefined) {
      const missing = f.syscall === undefined ? (f.pid === undefined ? 'pid= and syscall=' : 'syscall=') : 'pid=';
      if (cut) return skip('incomplete', `the record stops before ${missing}: cut short, or wrapped over several lines?`);
      return skip('missing-field', `a seccomp record without ${missing}`);
    }
    if (cut) return skip('incomplete', 'the record stops before ip= and code=: cut short, or wrapped over several lines? (its last value may be cut too)');
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
    } else if (env.logTimeAbsolute) {
      time = Math.round(env.logTime * 1000) / 1000;
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
      const m = UNKNOWN_SYSCALL.exec(name0) ?? /^()(-?\d{1,10})$/.exec(name0);
      if (m) {
        // unknown-syscall(N), or a number where a raw record was written as ausearch -i writes its stamp
        nr = Number(m[1] || m[2]);
        // auparse names x86_64 for an x32 call (its number has __X32_SYSCALL_BIT) and has no name for it: the ABI is the number's
        if (arch) arch = abiOf(arch, nr);
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
      if (f.arch !== undefined) {
        const a = f.arch === null ? undefined : archFromAudit(f.arch);
        if (a === undefined) return skip('unknown-arch', `arch=${f.archRaw ?? f.arch!.toString(16)} is not an AUDIT_ARCH value this table knows`);
        arch = abiOf(a, nr);
      }
      syscall = arch ? nameOf(arch, nr) : null;
    }
    const sig = f.sig !== undefined && f.sig !== null ? f.sig : f.sigRaw !== undefined ? signalNumber(f.sigRaw, arch) : null;
    const logSecond = Number.isNaN(env.logTime) ? null : Math.floor(env.logTime);

    // parse: a new event; parseInto: the caller's, rewritten (every field of it: test/parse/results.test.ts)
    const ev = this.into ?? blankEvent();
    ev.format = env.format;
    ev.trusted = env.trusted;
    ev.time = time;
    ev.serial = serial;
    ev.pid = pid;
    ev.uid = f.uid ?? null;
    ev.auid = f.auid ?? null;
    ev.comm = f.comm?.text ?? null;
    ev.exe = f.exe?.text ?? null;
    ev.arch = arch;
    ev.nr = nr;
    ev.syscall = syscall;
    ev.compat = f.compat ?? null;
    ev.action = this.action(f);
    ev.sig = sig;
    ev.file = file;
    ev.line = line;
    ev.printk = env.printk;
    ev.host = env.host;
    ev.tagPid = env.tagPid;
    ev.logSecond = logSecond;
    return ev;
  }

  /**
   * An auditbeat document's record: its fields, some as auditbeat interpreted
   * them (`arch` x86_64, `syscall` stat), read as `ausearch -i`'s are; the
   * serial is `auditd.sequence`, the time `@timestamp`.
   */
  private auditbeat(m: JsonMessage, file: string, line: number): LineResult {
    const d = m.fields!;
    const f = new Fields();
    if (d.pid !== null) f.pid = d.pid;
    f.uid = d.uid ?? undefined;
    f.auid = d.auid ?? undefined;
    if (d.comm !== null) f.comm = { text: showSafely(d.comm), encoding: 'plain' };
    if (d.exe !== null) f.exe = { text: showSafely(d.exe), encoding: 'plain' };
    if (d.arch !== null) {
      f.arch = null;
      f.archRaw = /^[0-9a-f]{1,8}$/.test(d.arch) && findArch(d.arch) === undefined ? `unknown-elf-type(${d.arch})` : d.arch;
    }
    if (d.syscall !== null) {
      f.syscall = null;
      f.syscallRaw = d.syscall;
    }
    if (d.code !== null) f.codeRaw = d.code;
    if (d.sig !== null) {
      f.sig = /^\d{1,3}$/.test(d.sig) ? Number(d.sig) : null;
      f.sigRaw = f.sig === null ? d.sig : undefined;
    }
    if (d.compat !== null && /^[01]$/.test(d.compat)) f.compat = Number(d.compat);
    f.ip = true;
    if (d.pid === null && d.syscall !== null) return skip('missing-field', 'an auditbeat seccomp document without process.pid');
    const env = this.envelopes.other('auditbeat', 0, null, null);
    env.host = m.host;
    return this.toEvent(env, null, -1, -1, f, true, file, line, -1, NaN, { time: m.time, serial: d.serial });
  }

  /**
   * Lines of tools that print a record in their own form, where no record
   * starts (`type=`, `audit: `): snappy-debug's `Log: auid=... arch=c000003e
   * 330(pkey_alloc) compat=0 ...` (the syscall as NUMBER(NAME), the stamp left
   * out), and the Security Profiles Operator's log-enricher (klog, `"key"=value`
   * pairs: `"syscallID"=39 "syscallName"="getpid" "timestamp"="T:SERIAL"`, no
   * arch, no action). Both untrusted: programs' output.
   */
  private toolLine(b: Buffer, s: number, e: number, file: string, line: number): LineResult {
    if (isPrettyAuditbeatSeccomp(b, s, e)) {
      return skip('bad-json', 'an auditbeat seccomp document pretty-printed over several lines: its fields stand on other lines; give one document per line (jq -c, Elasticsearch without ?pretty)');
    }
    if (has(b, s, e, SNAPPY_LOG)) {
      const t = b.toString('utf8', s + SNAPPY_LOG.length - 5, e);
      const m = SNAPPY_SYSCALL.exec(t);
      // the line stops before its NUMBER(NAME) and ip= and code=: a terminal wrapped it (the rest, on the next row, holds no marker and is not read)
      if (m === null) return skip('incomplete', 'a snappy-debug Log: line that stops before its syscall (NUMBER(NAME)): cut short, or wrapped by a terminal? (snappy-debug > FILE keeps lines whole)');
      // the kernel's syscall=N, where snappy-debug printed N(NAME); the number is the kernel's
      const mb = Buffer.from(`SECCOMP ${t.slice(0, m.index)} syscall=${m[1]}${t.slice(m.index + m[0].length)}`, 'utf8');
      const head = this.records.readHead(mb, 0, mb.length);
      if (head.kind !== 'seccomp') return null;
      return this.toEvent(this.envelopes.other('snappy-debug', 0, null, null), mb, -1, -1, this.records.readRecordFields(mb, head.fields, mb.length), false, file, line);
    }
    if (findSeq(b, ENRICHER, s, e) >= 0 && findSeq(b, ENRICHER_SECCOMP, s, e) >= 0) return this.enricher(b.toString('utf8', s, e), file, line);
    return null;
  }

  /** A Security Profiles Operator log-enricher line (klog's `"key"=value` pairs). */
  private enricher(t: string, file: string, line: number): LineResult {
    const kv = new Map<string, string>();
    // a quoted value is Go's (strconv.Quote: `\x1b`, `\a`), not JSON's; one Go cannot have written is kept as it stands
    for (const m of t.matchAll(KLOG_PAIR)) kv.set(m[1], m[2].startsWith('"') ? (goUnquote(m[2]) ?? m[2].slice(1, -1)) : m[2]);
    if (kv.get('type') !== 'seccomp') return null;
    const f = new Fields();
    const pid = kv.get('pid');
    const nr = kv.get('syscallID');
    if (pid === undefined || nr === undefined) return skip('missing-field', `a log-enricher seccomp line without ${pid === undefined ? '"pid"' : '"syscallID"'}`);
    const num = (v: string | undefined) => (v !== undefined && /^-?\d{1,10}$/.test(v) ? Number(v) : null);
    f.pid = num(pid);
    f.pidRaw = f.pid === null ? pid : undefined;
    f.syscall = num(nr);
    f.syscallRaw = f.syscall === null ? nr : undefined;
    const exe = kv.get('executable');
    if (exe !== undefined) f.exe = { text: showSafely(exe), encoding: 'plain' };
    // the enricher names no arch and no action: the record has neither (never guessed)
    f.ip = true;
    const stamp = STAMP.exec(kv.get('timestamp') ?? '');
    const ev = this.toEvent(this.envelopes.other('spo-enricher', 0, null, null), null, -1, -1, f, false, file, line, -1, NaN, {
      time: stamp ? Number(stamp[1]) : null,
      serial: stamp ? Number(stamp[2]) : null,
    });
    // its name for the number, from the node's own table, where the record itself has no arch to name it on
    if (ev.kind === 'seccomp') {
      const name = kv.get('syscallName');
      if (name !== undefined && /^[a-z0-9_]{1,40}$/.test(name)) ev.syscall = name;
    }
    return ev;
  }
}

/** Parse one line of text (no newline), with a Parser of its own. `file` and `line` say where it came from. */
export function parseLine(text: string, file: string, line: number): LineResult {
  return new Parser().parseText(text, file, line);
}

/** ausearch -i arch names; ARM of either endianness prints as `armeb`, and little-endian ARM is what runs. */
function interpretedArch(name: string): Arch | undefined {
  if (name === 'armeb') return findArch('arm');
  if (name === 'i386' || name === 'i486' || name === 'i586' || name === 'i686') return findArch('i386');
  const m = /^unknown-elf-type\(([0-9a-fA-F]+)\)$/.exec(name);
  if (m) return archFromToken(m[1].toLowerCase());
  return findArch(name);
}

/** ausearch -i dates: `11/29/26 02:43:01.134` (or a four-digit year) in the C locale, local time. Other locales give null. */
function interpretedTime(t: string): number | null {
  const m = /^(\d\d)\/(\d\d)\/(\d\d\d?\d?) (\d\d):(\d\d):(\d\d)\.(\d{3})$/.exec(t);
  if (!m) return null;
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const ms = new Date(year, Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])).getTime();
  return ms / 1000 + Number(m[7]) / 1000;
}

