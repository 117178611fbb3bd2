// Records inside JSON documents and log shippers' prints of them: what the
// shipper's envelope is (which tool, which fields), and the strings in it that
// hold a record, with their escapes undone (`comm=\"sh\"` is comm `sh`).
//
// Pure: no I/O, no exceptions out. Only lines that hold a marker reach here
// (the splitter passes over the rest), and a line is tested for a record's
// bytes before any JSON.parse (hasRecordBytes): a journal or container log of
// other messages costs no decoding.
//
// The forms, each a row of LOG_FORMATS with its trust:
//   {"MESSAGE":..,"_TRANSPORT":..}                journalctl -o json (journal-json)
//   {"priority":5,"sequence":N,"sec":..,"usec":..,"msg":".."}
//                                                 Fluent Bit's kmsg input, any JSON output (fluent-bit-kmsg)
//   [0] tag: [T, {"priority"=>5, ..., "msg"=>".."}]
//                                                 the same, Fluent Bit's stdout output (msgpack's print)
//   {"log":"..\n","stream":"stdout","time":".."}  Docker's json-file log driver (docker-json)
//   {"stream":{..},"values":[["NS","LINE"],..]}   Loki: a push body, an export, a query's result (loki)
//   {"auditd":{"message_type":"seccomp",..}}      an auditbeat document (auditbeat)
//   any other JSON with a string holding a record (Vector, CloudWatch,
//   Elasticsearch exports: `message`, `log`, `msg`, ...), and a record inside a
//   JSON string of a document pretty-printed over many lines (json)
import { Ch, find, findSeq, lit } from './bytes.js';
import type { LogFormat } from './envelope.js';
import { showSafely } from './record.js';

/** One string of a document that holds a record, and what the document says around it. */
export interface JsonMessage {
  /** The string, unescaped, without a trailing newline. */
  text: string;
  /** The envelope's log format (a LOG_FORMATS row). */
  format: LogFormat;
  /**
   * Whether the envelope vouches for the kernel as its writer (journald's
   * `_TRANSPORT` audit or kernel; Fluent Bit's kmsg input, to be checked as a
   * `kernel`-tagged syslog line is): the record must still begin the string.
   */
  vouched: boolean;
  /** Seconds since the epoch the envelope gives (journald's, Docker's, Loki's), or null. */
  time: number | null;
  /** The printk stamp (seconds since boot) the envelope gives (Fluent Bit's kmsg sec.usec), or null. */
  printk: number | null;
  /** The host the envelope names, or null. */
  host: string | null;
  /** journald's `_AUDIT_ID`, the serial of an audit-transport record (whose MESSAGE has no stamp), or null. */
  serial: number | null;
  /** journald's audit transport: another record type's MESSAGE (`SYSCALL arch=...`) still gives its serial. */
  auditTransport: boolean;
  /** An auditbeat document's record, as fields (it has no text of the record). */
  fields: AuditbeatRecord | null;
  /**
   * Not a message but why strings of the document that hold a record were not
   * read (nested past MAX_NESTING): the parser counts it as a skipped line.
   */
  skip: string | null;
}

/** An auditbeat seccomp document's record: the kernel's fields, some interpreted by auditbeat. */
export interface AuditbeatRecord {
  pid: number | null;
  uid: number | null;
  auid: number | null;
  comm: string | null;
  exe: string | null;
  /** auditbeat's architecture name (`x86_64`) or the kernel's hex. */
  arch: string | null;
  /** auditbeat's syscall name (`stat`) or a number. */
  syscall: string | null;
  code: string | null;
  sig: string | null;
  compat: string | null;
  serial: number | null;
}

/** What a line in JSON gave: its messages, or why it cannot be read. */
export type JsonRead = { kind: 'messages'; messages: JsonMessage[] } | { kind: 'bad'; message: string };

const RECORD_MARKS = ['audit', 'SECCOMP', 'Suppressed ', 'seccomp', '1326'].map(lit);

/** Whether [s, e) holds bytes a record or a notice needs (`audit`, `SECCOMP`, journald's `Suppressed ` and `_AUDIT_TYPE` 1326, auditbeat's `seccomp`): else no JSON.parse. */
export function hasRecordBytes(b: Buffer, s: number, e: number): boolean {
  for (const m of RECORD_MARKS) if (findSeq(b, m, s, e) >= 0) return true;
  return false;
}

function holdsRecord(t: string): boolean {
  return t.indexOf('audit') >= 0 || t.indexOf('SECCOMP') >= 0 || t.indexOf('Suppressed ') >= 0;
}

function message(text: string, format: LogFormat, over: Partial<JsonMessage> = {}): JsonMessage {
  // a container's line keeps its newline (Docker's `log`); a record ends before it
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 10 || text.charCodeAt(end - 1) === 13)) end--;
  return { text: end === text.length ? text : text.slice(0, end), format, vouched: false, time: null, printk: null, host: null, serial: null, auditTransport: false, fields: null, skip: null, ...over };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JSON value as a string: journald writes a non-UTF-8 value as an array of byte numbers. */
function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return showSafely(Buffer.from(v));
  return null;
}

/** A non-negative decimal integer as journald and Loki write them (a string, or a JSON number), or null. */
function int(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : null;
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** An RFC 3339 time (Docker's `time`, with nanoseconds), in seconds since the epoch, or null. */
function rfc3339(v: unknown): number | null {
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v)) return null;
  const frac = /\.(\d+)/.exec(v);
  const whole = Date.parse(v.replace(/\.\d+/, ''));
  if (Number.isNaN(whole)) return null;
  return whole / 1000 + (frac ? Number(`0.${frac[1].slice(0, 6)}`) : 0);
}

/** A host the document names (journald's, a shipper's field or label). */
function hostOf(o: Obj, labels?: Obj): string | null {
  for (const src of labels ? [labels, o] : [o]) {
    for (const k of ['_HOSTNAME', 'host', 'hostname', 'nodename', 'node_name']) {
      const v = src[k];
      if (typeof v === 'string' && v.length > 0 && v.length < 256) return v;
      if (k === 'host' && isObj(v) && typeof v.hostname === 'string') return v.hostname;
    }
  }
  return null;
}

/** How deep the walk of a document goes (JSON.parse reads any depth; this reader recurses). */
const MAX_NESTING = 64;

/**
 * The records of a document of no form known at its head (Vector, CloudWatch,
 * an Elasticsearch `_search` response or export): its strings that hold a
 * record, depth first in document order, and the auditbeat documents in it
 * (an `_source`), each where it stands. A string met twice within one element
 * of an array (a hit's `message` and `event.original`) is read once; the same
 * string in two elements (two hits, two events) is two records, as two lines
 * are. `host`: the nearest host an enclosing object names. Past MAX_NESTING,
 * a subtree that holds a record string is one `skip` message.
 */
function walk(v: unknown, out: JsonMessage[], depth: number, scope: Scope, host: string | null): void {
  if (typeof v === 'string') {
    if (!holdsRecord(v)) return;
    const m = message(v, 'json', { host });
    if (metBefore(out, scope, m.text)) return;
    out.push(m);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (depth >= MAX_NESTING) {
    if (holdsRecordDeep(v)) out.push(message('', 'json', { skip: `a JSON document nested deeper than ${MAX_NESTING} levels: the records below that are not looked for` }));
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) walk(x, out, depth + 1, { start: out.length, seen: null }, host);
    return;
  }
  const beat = auditbeat(v as Obj);
  if (beat) {
    for (const m of beat) out.push(m);
    return;
  }
  const h = hostOf(v as Obj) ?? host;
  for (const k in v as Obj) walk((v as Obj)[k], out, depth + 1, scope, h);
}

/** The messages of one element of an array (or of a whole document), from `start` in the walk's output; `seen` their texts, once they are many. */
interface Scope {
  start: number;
  seen: Set<string> | null;
}

/** Whether `text` is already among the scope's messages (by a look along them while they are few: a hit holds two or three). */
function metBefore(out: JsonMessage[], scope: Scope, text: string): boolean {
  if (scope.seen === null) {
    if (out.length - scope.start < 16) {
      for (let i = scope.start; i < out.length; i++) if (out[i].text === text) return true;
      return false;
    }
    scope.seen = new Set();
    for (let i = scope.start; i < out.length; i++) scope.seen.add(out[i].text);
  }
  if (scope.seen.has(text)) return true;
  scope.seen.add(text);
  return false;
}

/** Whether a value holds a string that holds a record, at any depth (no recursion: a hostile document nests 100,000 deep). */
function holdsRecordDeep(v: unknown): boolean {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') {
      if (holdsRecord(x)) return true;
    } else if (Array.isArray(x)) for (const y of x as unknown[]) stack.push(y);
    else if (isObj(x)) for (const k in x) stack.push(x[k]);
  }
  return false;
}

/** journalctl -o json: MESSAGE, and the fields journald set; `vouching`: the document begins the line (see fromValue). */
function journal(o: Obj, vouching: boolean): JsonMessage[] {
  const text = str(o.MESSAGE);
  if (text === null) return [];
  const transport = str(o._TRANSPORT);
  // the record's own time, else when journald received it (both in microseconds)
  const usec = int(str(o._SOURCE_REALTIME_TIMESTAMP)) ?? int(str(o.__REALTIME_TIMESTAMP));
  return [
    // a journald document inside another line is that line's message: a shipper's JSON
    message(text, vouching ? 'journal-json' : 'json', {
      vouched: vouching && (transport === 'audit' || transport === 'kernel'),
      time: usec === null ? null : Math.floor(usec / 1000) / 1000,
      host: str(o._HOSTNAME),
      serial: int(str(o._AUDIT_ID)),
      auditTransport: transport === 'audit',
    }),
  ];
}

/** Fluent Bit's kmsg input: priority (the level alone: in_kmsg masks the facility off), sequence, sec, usec since boot, msg. */
function isFluentKmsg(o: Obj): boolean {
  return typeof o.msg === 'string' && 'priority' in o && 'sequence' in o && int(o.sec) !== null && int(o.usec) !== null;
}

/**
 * Keys a container's log line brings (Docker's json-file and CRI's `stream`,
 * `log`, `_p`; the Kubernetes filter's `kubernetes`): a document in kmsg's
 * shape that has one is a program's output (Fluent Bit's tail input with
 * Merge_Log), never the kmsg input's.
 */
const CONTAINER_KEYS = ['stream', 'log', '_p', 'kubernetes', 'docker', 'container_id', 'container_name'] as const;

function fluentKmsg(o: Obj, vouched: boolean): JsonMessage {
  const container = CONTAINER_KEYS.some((k) => k in o);
  return message(o.msg as string, 'fluent-bit-kmsg', { vouched: vouched && !container, printk: int(o.sec)! + int(o.usec)! / 1e6, host: hostOf(o) });
}

/** Loki: `{"stream":{labels},"values":[["NS","LINE"],...]}`, in a push body's `streams` or a query's `data.result`. */
function lokiStreams(o: Obj): Obj[] | null {
  if (isObj(o.stream) && Array.isArray(o.values)) return [o];
  if (Array.isArray(o.streams) && o.streams.every((x) => isObj(x) && Array.isArray(x.values))) return o.streams as Obj[];
  const data = o.data;
  if (isObj(data) && Array.isArray(data.result) && data.result.every((x) => isObj(x) && Array.isArray(x.values))) return data.result as Obj[];
  return null;
}

function loki(streams: Obj[]): JsonMessage[] {
  const out: JsonMessage[] = [];
  for (const s of streams) {
    const labels = isObj(s.stream) ? s.stream : {};
    const host = hostOf({}, labels);
    for (const v of s.values as unknown[]) {
      if (!Array.isArray(v) || typeof v[1] !== 'string' || !holdsRecord(v[1])) continue;
      const ns = int(v[0]);
      out.push(message(v[1], 'loki', { time: ns === null ? null : Math.floor(ns / 1e6) / 1e3, host }));
    }
  }
  return out;
}

/** An auditbeat document of a seccomp record: `auditd.message_type` seccomp, its fields in `auditd.data`, the process in ECS fields. */
function auditbeat(o: Obj): JsonMessage[] | null {
  const a = o.auditd;
  if (!isObj(a) || a.message_type !== 'seccomp' || !isObj(a.data)) return null;
  const d = a.data;
  const p = isObj(o.process) ? o.process : {};
  const u = isObj(o.user) ? o.user : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
  const numeric = (v: unknown) => {
    const t = text(v);
    return t !== null && /^\d{1,10}$/.test(t) ? Number(t) : null;
  };
  const fields: AuditbeatRecord = {
    pid: numeric(p.pid ?? d.pid),
    uid: numeric(d.uid ?? u.id),
    auid: numeric(d.auid ?? (isObj(u.audit) ? u.audit.id : undefined)),
    comm: text(p.name ?? d.comm),
    exe: text(p.executable ?? d.exe),
    arch: text(d.arch),
    syscall: text(d.syscall),
    code: text(d.code),
    sig: text(d.sig),
    compat: text(d.compat),
    serial: int(a.sequence),
  };
  return [message('', 'auditbeat', { time: rfc3339(o['@timestamp']), host: hostOf(o), fields })];
}

/** The messages of one JSON value (a document, or an element of a top-level array). */
function fromValue(v: unknown, vouching: boolean): JsonMessage[] {
  if (!isObj(v)) {
    const out: JsonMessage[] = [];
    if (!Array.isArray(v)) return out;
    // an array of documents (Fluent Bit's json output, a CloudWatch export); what else it holds is walked
    for (const x of v) {
      if (isObj(x)) for (const m of fromValue(x, vouching)) out.push(m);
      else walk(x, out, 2, { start: out.length, seen: null }, null);
    }
    return out;
  }
  if ('MESSAGE' in v) return journal(v, vouching);
  if (isFluentKmsg(v)) return [fluentKmsg(v, vouching)];
  const beat = auditbeat(v);
  if (beat) return beat;
  const streams = lokiStreams(v);
  if (streams) return loki(streams);
  if (typeof v.log === 'string' && ('stream' in v || 'time' in v)) return holdsRecord(v.log) ? [message(v.log, 'docker-json', { time: rfc3339(v.time) })] : [];
  const out: JsonMessage[] = [];
  walk(v, out, 1, { start: 0, seen: null }, null);
  return out;
}

/**
 * The JSON on one line, [s, e) of `b`, starting with `{` or `[`: the strings
 * in it that hold a record, with their envelope. One document, or several one
 * after another (Fluent Bit's `json_stream`: nothing between them). `atLineStart`:
 * nothing but what tools put before log lines stands before it; a document
 * inside another log line (`host fluent-bit[9]: {...}`) is that line's
 * message, and vouches for nothing.
 */
export function readJsonLine(b: Buffer, s: number, e: number, atLineStart: boolean): JsonRead | null {
  if (!hasRecordBytes(b, s, e)) return null;
  const docs = parseDocuments(b, s, e);
  if (docs === null) return { kind: 'bad', message: 'a JSON document that does not parse: cut short, or not one document per line?' };
  if (docs.length === 1) return { kind: 'messages', messages: fromValue(docs[0], atLineStart) };
  const messages: JsonMessage[] = [];
  for (const d of docs) for (const m of fromValue(d, atLineStart)) messages.push(m);
  return { kind: 'messages', messages };
}

/** The JSON values of [s, e): one document, or documents one after another (only white space between them); null when it is neither. */
function parseDocuments(b: Buffer, s: number, e: number): unknown[] | null {
  try {
    return [JSON.parse(b.toString('utf8', s, e)) as unknown];
  } catch {
    // documents one after another: each ends where its first bracket closes
  }
  const out: unknown[] = [];
  let i = s;
  while (i < e) {
    const end = documentEnd(b, i, e);
    if (end < 0) return null;
    try {
      out.push(JSON.parse(b.toString('utf8', i, end)));
    } catch {
      return null;
    }
    i = end;
    while (i < e && (b[i] === Ch.Space || b[i] === Ch.Tab || b[i] === Ch.CR)) i++;
  }
  return out.length > 1 ? out : null;
}

/** Where the JSON object or array that opens at `s` ends (after its closing bracket), or -1 when it does not close on the line. */
function documentEnd(b: Buffer, s: number, e: number): number {
  if (b[s] !== Ch.OpenBrace && b[s] !== Ch.OpenBracket) return -1;
  let depth = 0;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === Ch.Quote) {
      for (i++; i < e && b[i] !== Ch.Quote; i++) if (b[i] === Ch.Backslash) i++;
    } else if (c === Ch.OpenBrace || c === Ch.OpenBracket) depth++;
    else if ((c === Ch.CloseBrace || c === Ch.CloseBracket) && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The JSON document that holds the JSON string opening at `open`, when the
 * document stands inside a log line after its envelope (a CRI line
 * `TIME stdout F [{...}]`, syslog's `host fluent-bit[9]: {...}`): every record
 * string in it, as readJsonLine reads a document inside a line. Null when no
 * document that parses to the line's end (or a json_stream of them) begins
 * before `open`; the caller then reads the one string.
 */
export function readJsonAround(b: Buffer, s: number, open: number, e: number): JsonRead | null {
  for (let p = s; p < open; p++) {
    const c = b[p];
    if (c !== Ch.OpenBrace && c !== Ch.OpenBracket) continue;
    if (!startsJson(b, p, e)) continue;
    // the first place a document can start: one try (a line of many braces costs one parse)
    let end = e;
    while (end > p && (b[end - 1] === Ch.Space || b[end - 1] === Ch.Tab)) end--;
    const r = readJsonLine(b, p, end, false);
    return r !== null && r.kind === 'messages' ? r : null;
  }
  return null;
}

/**
 * Where the JSON string that holds position `at` opens, when it is a value in a
 * document: the index of its opening quote, or -1. Inside a string no quote
 * stands unescaped, so the string opens at the first unescaped quote before
 * `at`; it is a value when `:`, `,`, `[` or Fluent Bit's `=>` stands before
 * it, and the line is JSON's: a `{` before it, or a quoted key right before
 * it (a document pretty-printed over lines).
 */
export function stringAround(b: Buffer, s: number, at: number): number {
  let open = at - 1;
  for (; open >= s; open--) {
    if (b[open] !== Ch.Quote) continue;
    let bs = 0;
    while (open - 1 - bs >= s && b[open - 1 - bs] === Ch.Backslash) bs++;
    if (bs % 2 === 0) break;
  }
  if (open < s) return -1;
  let k = open - 1;
  while (k >= s && (b[k] === Ch.Space || b[k] === Ch.Tab)) k--;
  const p = b[k];
  const fluent = p === Ch.Gt && b[k - 1] === Ch.Eq;
  if (!(p === Ch.Colon || p === Ch.Comma || p === Ch.OpenBracket || fluent)) return -1;
  if (fluent || find(b, Ch.OpenBrace, s, open) >= 0 || keyBefore(b, s, open) !== null) return open;
  // a key whose quotes a paste or a cut garbled (`"MESSAGE"\ufffd : "...`): a quote before the colon
  return p === Ch.Colon && find(b, Ch.Quote, s, k) >= 0 ? open : -1;
}

/** The key of the string value opening at `open` (`"msg": "..."`, `"msg"=>"..."`), or null. */
export function keyBefore(b: Buffer, s: number, open: number): string | null {
  let k = open - 1;
  while (k >= s && (b[k] === Ch.Space || b[k] === Ch.Tab)) k--;
  if (b[k] === Ch.Gt) k -= 2;
  else if (b[k] === Ch.Colon) k--;
  else return null;
  while (k >= s && (b[k] === Ch.Space || b[k] === Ch.Tab)) k--;
  if (b[k] !== Ch.Quote) return null;
  let q = k - 1;
  while (q >= s && b[q] !== Ch.Quote) q--;
  return q < s ? null : b.toString('utf8', q + 1, k);
}

/**
 * The JSON string value opening at `open`, unescaped; null when it is not
 * closed on this line. Fluent Bit's stdout prints strings as
 * msgpack-c does (`\"` for a quote, `\xNN` for a byte that is not printable,
 * a backslash as it is): `msgpack` reads them so.
 */
export function stringAt(b: Buffer, open: number, e: number, msgpack: boolean): string | null {
  let end = open + 1;
  while (end < e && b[end] !== Ch.Quote) end += b[end] === Ch.Backslash ? 2 : 1;
  if (end >= e) return null;
  if (msgpack) return msgpackString(b, open + 1, end);
  try {
    return JSON.parse(b.toString('utf8', open, end + 1)) as string;
  } catch {
    // a raw control byte in it (a paste, a cut): its escapes undone one by one
    return b.toString('utf8', open + 1, end).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (JSON_ESCAPES[c] ?? c)));
  }
}

const JSON_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

function msgpackString(b: Buffer, s: number, e: number): string {
  const out: number[] = [];
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === Ch.Backslash && b[i + 1] === Ch.Quote) {
      out.push(Ch.Quote);
      i++;
    } else if (c === Ch.Backslash && b[i + 1] === Ch.LowerX && i + 3 < e) {
      const h = parseInt(b.toString('latin1', i + 2, i + 4), 16);
      if (Number.isNaN(h)) out.push(c);
      else {
        out.push(h);
        i += 3;
      }
    } else out.push(c);
  }
  return Buffer.from(out).toString('utf8');
}

const MESSAGE_KEY = lit('"MESSAGE"');
const FLUENT_NUMBER = /"(priority|sequence|sec|usec)"(?:=>|:) ?(\d{1,20})[,}]/g;

/**
 * The message around a record that sits inside a JSON string of a line that is
 * not one JSON document: a pretty-printed document's line (`"msg": "..."`),
 * Fluent Bit's stdout print of a record (`"msg"=>"..."`); a document after
 * another log's envelope gives all its records (readJsonAround). Never vouched for. Null when the record is in no JSON
 * string; `bad` when the string does not close on the line.
 */
export function readJsonString(b: Buffer, s: number, at: number, e: number): JsonRead | null {
  const open = stringAround(b, s, at);
  if (open < 0) return null;
  const msgpack = b[open - 1] === Ch.Gt || (b[open - 1] === Ch.Space && b[open - 2] === Ch.Gt);
  // a whole document after another log's envelope: every record string in it, not only this one
  if (!msgpack) {
    const doc = readJsonAround(b, s, open, e);
    if (doc !== null) return doc;
  }
  const t = stringAt(b, open, e, msgpack);
  if (t === null) return { kind: 'bad', message: 'a record in a JSON string that does not close on its line: cut short?' };
  // journalctl -o json-pretty's MESSAGE (its key's quotes garbled too: MESSAGE anywhere before)
  const key = keyBefore(b, s, open) ?? (findSeq(b, MESSAGE_KEY, s, open) >= 0 ? 'MESSAGE' : null);
  if (key === 'MESSAGE') return { kind: 'messages', messages: [message(t, 'journal-export')] };
  // the fields Fluent Bit's kmsg input gives, on the same line
  const nums: Record<string, number> = {};
  for (const m of b.toString('latin1', s, open).matchAll(FLUENT_NUMBER)) nums[m[1]] = Number(m[2]);
  if (key === 'msg' && 'priority' in nums && 'sequence' in nums && 'sec' in nums && 'usec' in nums) {
    return { kind: 'messages', messages: [message(t, 'fluent-bit-kmsg', { printk: nums.sec + nums.usec / 1e6 })] };
  }
  return { kind: 'messages', messages: [message(t, key === 'log' && findSeq(b, lit('"stream"'), open, e) >= 0 ? 'docker-json' : 'json')] };
}

const PRETTY_SECCOMP_TYPE = /^[ \t]*"message_type"[ \t]*:[ \t]*"seccomp"[ \t]*,?[ \t\r]*$/;

/**
 * Whether [s, e) is the line of an auditbeat seccomp document pretty-printed
 * over lines (`jq .`, an Elasticsearch `?pretty` answer): `"message_type":
 * "seccomp",` alone. The record's fields stand on other lines, so it cannot be
 * read; the line is where it is counted.
 */
export function isPrettyAuditbeatSeccomp(b: Buffer, s: number, e: number): boolean {
  return e - s < 64 && PRETTY_SECCOMP_TYPE.test(b.toString('latin1', s, e));
}

/** Whether [s, e) begins a JSON document: `{`, or an array of documents (`[` and then `{`; a `[[` is dmesg's stamp as often). */
export function startsJson(b: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  if (b[s] === Ch.OpenBrace) return true;
  if (b[s] !== Ch.OpenBracket) return false;
  let i = s + 1;
  while (i < e && b[i] === Ch.Space) i++;
  return b[i] === Ch.OpenBrace;
}
