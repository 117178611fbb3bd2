// What a Parser gives for a line (a LineResult), each shape written once. The
// fields of each kind of result are a table, field name -> the kind of value it
// holds; from the tables come the result types, the blank objects a Parser
// fills, their copies, the JSON of `parse` (report/event-json.ts) and the
// encoding that carries results from a worker thread (parse/wire.ts). Adding a
// field to a table is the one edit these need; the Parser must then give it a
// value (test/parse/results.test.ts fails while it does not).
//
// Code run per record stays straight-line, one statement per field, as it was
// written by hand: it is made from the tables once, at start-up (compile), not
// a loop over field names per record.
import type { LogFormat } from './envelope.js';
import { LOSS_REASONS, type LossReason } from './record.js';
import type { Arch } from '../syscalls/index.js';

/** The filter's actions (SECCOMP_RET_*, linux/seccomp.h), from the one that takes precedence. */
export const ACTIONS = ['KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'ERRNO', 'USER_NOTIF', 'TRACE', 'LOG', 'ALLOW'] as const;
export type Action = (typeof ACTIONS)[number];

/** Why a line that holds a seccomp record was not read: a Skip's code. */
export const SKIP_CODES = ['bad-number', 'missing-field', 'incomplete', 'unknown-arch', 'malformed', 'bad-json', 'several-records'] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

/**
 * The kinds of value a field holds, and their types: `log-format`, the line's
 * envelope (one of LOG_FORMATS); `number`, a number the input gives (a pid, a
 * syscall number: anything a double holds, past 32 bits in a hostile line);
 * `seconds?`, seconds with a fraction; `file` and `line`, where the line was
 * read. A `?` kind may be null. (No docstring on a member: a field's own says
 * what it holds, and the state's schema takes the member's in its stead.)
 */
export interface ValueTypes {
  'log-format': LogFormat;
  boolean: boolean;
  number: number;
  'number?': number | null;
  'seconds?': number | null;
  string: string;
  'string?': string | null;
  'arch?': Arch | null;
  'action?': Action | null;
  'skip-code': SkipCode;
  'loss-reason': LossReason;
  file: string;
  line: number;
}
export type ValueKind = keyof ValueTypes;

/**
 * Each kind's value in a blank result. Numbers start as numbers, which keeps
 * them unboxed; seconds as a fraction, so that they are doubles from the start.
 */
const BLANK: { readonly [K in ValueKind]: ValueTypes[K] } = {
  'log-format': 'unknown',
  boolean: false,
  number: 0,
  'number?': 0,
  'seconds?': 0.5,
  string: '',
  'string?': null,
  'arch?': null,
  'action?': null,
  'skip-code': SKIP_CODES[0],
  'loss-reason': LOSS_REASONS[0],
  file: '',
  line: 0,
};

/** A result's fields, in order: each its kind of value; `json: false` keeps it out of `parse`'s output (an internal of the learner). */
export type FieldTable = Readonly<Record<string, { readonly type: ValueKind; readonly json?: false }>>;

/** The object a table describes. */
export type Shape<T extends FieldTable> = { -readonly [K in keyof T]: ValueTypes[T[K]['type']] };

/** A seccomp record's fields (the order of its objects' keys, and of `parse`'s JSON). */
export const EVENT_FIELDS = {
  /** The envelope the line had (see the README's Formats table). */
  format: { type: 'log-format' },
  /** The envelope says the kernel wrote it (see the README's trust table). */
  trusted: { type: 'boolean' },
  /** Seconds since the epoch with milliseconds, from `audit(TIME:...)`, the journal, or a log date with a year; null where none is given. */
  time: { type: 'seconds?' },
  /** The audit serial, shared by every record type; null where the format drops it. */
  serial: { type: 'number?' },
  pid: { type: 'number' },
  uid: { type: 'number?' },
  auid: { type: 'number?' },
  /** The calling thread's name, decoded and shown safely; null for `(null)`. */
  comm: { type: 'string?' },
  exe: { type: 'string?' },
  /** The ABI of the call (x32 for x86_64 records with the x32 bit); null when the record has no arch=. */
  arch: { type: 'arch?' },
  /** The raw syscall number, as the kernel logged it. */
  nr: { type: 'number' },
  /** The syscall's name on `arch`, or null when the number is unknown there. */
  syscall: { type: 'string?' },
  compat: { type: 'number?' },
  /** The filter's action (code=), or null when the record has no code= or one that cannot be read. */
  action: { type: 'action?' },
  /** The signal (31, SIGSYS, for a filter kill), on the record's architecture. */
  sig: { type: 'number?' },
  file: { type: 'file' },
  line: { type: 'line' },
  /** The printk timestamp (seconds since boot) of kernel-log lines. */
  printk: { type: 'seconds?', json: false },
  /** The host a syslog or journal line names, or null. */
  host: { type: 'string?' },
  /** The pid in the line's `TAG[PID]` (journald's audit transport writes the record's pid there), or null. */
  tagPid: { type: 'number?', json: false },
  /** The second the log envelope gives (an integer; comparable only within one source unless the date has a year), or null. */
  logSecond: { type: 'number?', json: false },
} as const satisfies FieldTable;

/** A line that holds a seccomp record which cannot be read: counted, with its reason. */
export const SKIP_FIELDS = {
  code: { type: 'skip-code' },
  message: { type: 'string' },
} as const satisfies FieldTable;

/** A notice that records were lost: the printk rate limit, the audit backlog, journald's rate limit. */
export const LOSS_FIELDS = {
  reason: { type: 'loss-reason' },
  count: { type: 'number?' },
  trusted: { type: 'boolean' },
  printk: { type: 'seconds?' },
} as const satisfies FieldTable;

/** Another audit record (SYSCALL, CONFIG_CHANGE...): its serial counts for gaps, its stamps for the forgery checks; each field as in a seccomp record, but that a mark always has a serial. */
export const MARK_FIELDS = {
  serial: { type: 'number' },
  time: EVENT_FIELDS.time,
  trusted: EVENT_FIELDS.trusted,
  format: EVENT_FIELDS.format,
  host: EVENT_FIELDS.host,
  printk: EVENT_FIELDS.printk,
  file: EVENT_FIELDS.file,
  line: EVENT_FIELDS.line,
} as const satisfies FieldTable;

/** Each kind of result, its fields. */
export const RESULT_FIELDS = { seccomp: EVENT_FIELDS, skip: SKIP_FIELDS, loss: LOSS_FIELDS, mark: MARK_FIELDS } as const;
export type ResultKind = keyof typeof RESULT_FIELDS;

/** One seccomp record (audit type 1326), as read from one line. */
export interface SeccompEvent extends Shape<typeof EVENT_FIELDS> {
  kind: 'seccomp';
}

/** A line that holds a seccomp record which cannot be read: counted, with its reason. */
export interface Skip extends Shape<typeof SKIP_FIELDS> {
  kind: 'skip';
}

/** A notice that records were lost: the printk rate limit, the audit backlog, journald's rate limit. */
export interface LossNotice extends Shape<typeof LOSS_FIELDS> {
  kind: 'loss';
}

/** Another audit record (SYSCALL, CONFIG_CHANGE...): not learned, but its serial counts for gaps and its stamps for forgery checks. */
export interface AuditMark extends Shape<typeof MARK_FIELDS> {
  kind: 'mark';
}

/** What a line gives. Switch on `kind`; null: the line holds no record. */
export type LineResult = SeccompEvent | Skip | LossNotice | AuditMark | null;

/**
 * The field names of a table, in order. Each is checked to be a plain
 * identifier, and not `kind` (every result's tag): they are written into
 * compiled source as they are. Throws (at start-up) on any other.
 */
export function fieldNames(t: FieldTable): string[] {
  const names = Object.keys(t);
  for (const n of names) if (!/^[A-Za-z_$][\w$]*$/.test(n) || n === 'kind') throw new Error(`field '${n}': not a field name compile() can take`);
  return names;
}

/** A name (a result's kind, a log format's) as a string literal in compiled source; only names of letters, digits, '-' and '_' are taken. */
export function quote(name: string): string {
  if (!/^[\w-]+$/.test(name)) throw new Error(`'${name}': not a name compile() can take`);
  return `'${name}'`;
}

/**
 * A function compiled once from `body` (a function's body over `params`), which
 * may also use the values `scope` names. For the per-record code derived from
 * the tables above: its source is made from their field names (fieldNames) and
 * constants, never from input.
 */
export function compile<F>(scope: Readonly<Record<string, unknown>>, params: readonly string[], body: string): F {
  const names = Object.keys(scope);
  // the one place code is made at run time: from the tables, once, at start-up (see above)
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(...names, `'use strict';\nreturn function (${params.join(', ')}) {\n${body}\n};`) as (...v: unknown[]) => F;
  return make(...names.map((n) => scope[n]));
}

/** A result of `kind` with every field blank: an object literal, so that each has the same hidden class as the next. */
function blankMaker<K extends ResultKind>(kind: K): () => Shape<(typeof RESULT_FIELDS)[K]> & { kind: K } {
  const t: FieldTable = RESULT_FIELDS[kind];
  // constants in the source, as a hand-written literal had them (a number's representation starts from its value)
  const literal = (v: ValueTypes[ValueKind]) => {
    if (typeof v === 'string') return v === '' ? "''" : quote(v);
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(`compile: a blank value that is not a literal: ${typeof v}`);
  };
  return compile({}, [], `return { kind: ${quote(kind)}, ${fieldNames(t).map((n) => `${n}: ${literal(BLANK[t[n].type])}`).join(', ')} };`);
}

/** Copies every field of a result of `kind` onto another (not `kind`): one assignment per field, no allocation. */
function copier<K extends ResultKind>(kind: K): (to: Shape<(typeof RESULT_FIELDS)[K]>, from: Shape<(typeof RESULT_FIELDS)[K]>) => void {
  return compile({}, ['to', 'from'], fieldNames(RESULT_FIELDS[kind]).map((n) => `to.${n} = from.${n};`).join('\n'));
}

/** A SeccompEvent to fill with Parser.parseInto, or to copy into. */
export const blankEvent: () => SeccompEvent = blankMaker('seccomp');
/** An AuditMark to fill, or to copy into. */
export const blankMark: () => AuditMark = blankMaker('mark');
/** Copy every field of `from` onto `to`. */
export const copyEvent: (to: SeccompEvent, from: SeccompEvent) => void = copier('seccomp');
/** Copy every field of `from` onto `to`. */
export const copyMark: (to: AuditMark, from: AuditMark) => void = copier('mark');
