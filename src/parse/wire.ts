// LineResults in a compact form, for a worker thread to send what it parsed to
// the thread that learns: numbers in typed arrays (transferred, not copied, and
// sent back to be written again) and each string once (comm, exe, host,
// messages are few and repeat). Sending objects would cost a structured clone
// per record (npm run bench, classic syslog with --jobs: more than parsing them).
//
// One item per line that gave something: INTS 32-bit slots (the kind, the line
// in its range, the head, then the fields that fit: log formats, actions, arches
// and reasons as their index in their lists, booleans, strings) and FLOATS
// 64-bit ones (numbers: times, serials, pids, anything the input decides goes as
// a double, which holds what a hostile line may give past 32 bits). A null
// integer travels as NULL, a null number as NaN; strings as their index in the
// range's table (NULL: null), which starts empty with each range
// (Encoder.startRange), so that neither side keeps a string longer than the
// range it came in (a program naming its threads pool-1-thread-N would otherwise
// grow both tables with the input).
//
// The layout, the encoding and the decoding come from the results' field tables
// (parse/results.ts), so a field added there crosses threads with no other edit.
import { LOG_FORMATS } from './envelope.js';
import { LOSS_REASONS } from './record.js';
import { ACTIONS, RESULT_FIELDS, SKIP_CODES, blankEvent, compile, fieldNames, quote, type LineResult, type ResultKind, type SeccompEvent, type ValueKind } from './results.js';
import { ARCHES } from '../syscalls/index.js';

const NULL = -0x80000000;

/** Where a kind of value travels: an int slot, a float slot, or not per item (the file is the range's, the line the item's). */
const SLOT: { readonly [K in ValueKind]: 'int' | 'float' | null } = {
  'log-format': 'int',
  boolean: 'int',
  number: 'float',
  'number?': 'float',
  'seconds?': 'float',
  string: 'int',
  'string?': 'int',
  'arch?': 'int',
  'action?': 'int',
  'skip-code': 'int',
  'loss-reason': 'int',
  file: null,
  line: null,
};

/** Int slots every item starts with: its kind, its line in the range, its head (what headFor kept of the line). */
const HEADER = 3;
const KINDS = Object.keys(RESULT_FIELDS) as ResultKind[];
/** An item's kind: 1 + the result kind's index in RESULT_FIELDS; after them, a line longer than the cap. */
const OVERLONG = KINDS.length + 1;

/** Each kind's fields, with their slots. */
interface Placed {
  name: string;
  type: ValueKind;
  slot: 'int' | 'float' | null;
  /** Index in the item's ints (from HEADER) or floats; -1 where not carried. */
  at: number;
}

function place(kind: ResultKind): Placed[] {
  const t = RESULT_FIELDS[kind];
  let ints = HEADER;
  let floats = 0;
  return fieldNames(t).map((name) => {
    const type = t[name as keyof typeof t]['type'] as ValueKind;
    const slot = SLOT[type];
    return { name, type, slot, at: slot === 'int' ? ints++ : slot === 'float' ? floats++ : -1 };
  });
}

/** Every kind's fields as they are laid out in an item (for the tests too). */
export const LAYOUT: { readonly [K in ResultKind]: readonly Placed[] } = { seccomp: place('seccomp'), skip: place('skip'), loss: place('loss'), mark: place('mark') };

const count = (slot: 'int' | 'float') => Math.max(...KINDS.map((k) => LAYOUT[k].filter((p) => p.slot === slot).length));
export const INTS = HEADER + count('int');
/** At least one: an overlong line's length. */
export const FLOATS = Math.max(1, count('float'));

/** A string's slot in the last-string cache of Encoder.str: one per string field's name (consecutive records share their comm, exe, call and host), and the head's. */
const STRING_SLOTS = new Map<string, number>();
for (const k of KINDS) for (const p of LAYOUT[k]) if ((p.type === 'string' || p.type === 'string?') && !STRING_SLOTS.has(p.name)) STRING_SLOTS.set(p.name, STRING_SLOTS.size);
const HEAD_SLOT = STRING_SLOTS.size;

const FORMAT_NAMES = LOG_FORMATS.map((f) => f.name);
const indexOf = <T>(list: readonly T[]) => new Map(list.map((x, i) => [x, i]));
const ENCODE_SCOPE = {
  NULL,
  formatIndex: indexOf(FORMAT_NAMES),
  archIndex: indexOf(ARCHES),
  actionIndex: indexOf(ACTIONS),
  skipIndex: indexOf(SKIP_CODES),
  lossIndex: indexOf(LOSS_REASONS),
};
const numOrNull = (v: number) => (Number.isNaN(v) ? null : v);
const DECODE_SCOPE = { NULL, FORMAT_NAMES, ARCHES, ACTIONS, SKIP_CODES, LOSS_REASONS, numOrNull };

/** The statement that writes field `p` of `r` into its slot. */
function encodeField(p: Placed): string {
  const x = `r.${p.name}`;
  const to = p.slot === 'int' ? `n[i + ${p.at}]` : `d[f + ${p.at}]`;
  switch (p.type) {
    case 'log-format':
      return `${to} = formatIndex.get(${x});`;
    case 'boolean':
      return `${to} = ${x} ? 1 : 0;`;
    case 'number':
      return `${to} = ${x};`;
    case 'number?':
    case 'seconds?':
      return `${to} = ${x} === null ? NaN : ${x};`;
    case 'string':
    case 'string?':
      return `${to} = enc.str(${STRING_SLOTS.get(p.name)}, ${x});`;
    case 'arch?':
      return `${to} = ${x} === null ? NULL : archIndex.get(${x});`;
    case 'action?':
      return `${to} = ${x} === null ? NULL : actionIndex.get(${x});`;
    case 'skip-code':
      return `${to} = skipIndex.get(${x});`;
    case 'loss-reason':
      return `${to} = lossIndex.get(${x});`;
    case 'file':
    case 'line':
      return '';
  }
}

/** The expression that reads field `p` back from its slot. */
function decodeField(p: Placed): string {
  const v = p.slot === 'int' ? `n[i + ${p.at}]` : `d[f + ${p.at}]`;
  switch (p.type) {
    case 'log-format':
      return `FORMAT_NAMES[${v}]`;
    case 'boolean':
      return `${v} === 1`;
    case 'number':
      return v;
    case 'number?':
    case 'seconds?':
      return `numOrNull(${v})`;
    case 'string':
      return `(${v} === NULL ? '' : strings[${v}])`;
    case 'string?':
      return `(${v} === NULL ? null : strings[${v}])`;
    case 'arch?':
      return `(${v} === NULL ? null : ARCHES[${v}])`;
    case 'action?':
      return `(${v} === NULL ? null : ACTIONS[${v}])`;
    case 'skip-code':
      return `SKIP_CODES[${v}]`;
    case 'loss-reason':
      return `LOSS_REASONS[${v}]`;
    case 'file':
      return 'file';
    case 'line':
      return 'line';
  }
}

type Encode = (r: NonNullable<LineResult>, n: Int32Array, i: number, d: Float64Array, f: number, enc: Encoder, head: string | null) => void;
/** Writes a result into the item at ints[i], floats[f]: one statement per field. */
const encodeItem: Encode = compile(ENCODE_SCOPE, ['r', 'n', 'i', 'd', 'f', 'enc', 'head'], [
  `n[i + 2] = enc.str(${HEAD_SLOT}, head);`,
  'switch (r.kind) {',
  ...KINDS.flatMap((k, j) => [`case ${quote(k)}:`, `n[i] = ${j + 1};`, ...LAYOUT[k].map(encodeField).filter((s) => s !== ''), 'return;']),
  '}',
].join('\n'));

/** The kind read back into one object, rewritten for each item: the learner keeps nothing of a record (the others are new objects, as the Parser gives them). */
const REWRITTEN: ResultKind = 'seccomp';
type Decode = (n: Int32Array, i: number, d: Float64Array, f: number, strings: readonly string[], file: string, line: number, event: SeccompEvent) => NonNullable<LineResult>;
/** Reads the result in the item at ints[i], floats[f] (not an overlong line). */
const decodeItem: Decode = compile(DECODE_SCOPE, ['n', 'i', 'd', 'f', 'strings', 'file', 'line', 'event'], [
  'switch (n[i]) {',
  ...KINDS.flatMap((k, j) =>
    k === REWRITTEN
      ? [`case ${j + 1}:`, ...LAYOUT[k].map((p) => `event.${p.name} = ${decodeField(p)};`), 'return event;']
      : [`case ${j + 1}:`, `return { kind: ${quote(k)}, ${LAYOUT[k].map((p) => `${p.name}: ${decodeField(p)}`).join(', ')} };`],
  ),
  '}',
  "throw new Error('an item of kind ' + n[i]);",
].join('\n'));

/** One batch of items as it crosses threads. */
export interface Batch {
  ints: Int32Array;
  floats: Float64Array;
  count: number;
  /** Strings first used in this batch, in the order of their indexes (after those of the range's earlier batches). */
  strings: string[];
}

/**
 * Writes items; the worker's side. Strings are numbered across batches. The
 * arrays of batches already read come back (recycle) and are written again:
 * a fixed set of arrays goes round, instead of new ones waiting for a GC (npm run bench, classic syslog with --jobs:
 * peak RSS).
 */
export class Encoder {
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];
  private ints: Int32Array;
  private floats: Float64Array;
  private count = 0;
  private readonly free: Array<[Int32Array, Float64Array]> = [];
  private readonly lastString: Array<string | null> = new Array<string | null>(HEAD_SLOT + 1).fill(null);
  private readonly lastId: number[] = new Array<number>(HEAD_SLOT + 1).fill(NULL);

  constructor(private readonly capacity = 1024) {
    this.ints = new Int32Array(capacity * INTS);
    this.floats = new Float64Array(capacity * FLOATS);
  }

  /** A new range begins (no item waits to be taken): its strings are numbered from 0 again. */
  startRange(): void {
    this.ids.clear();
    this.fresh = [];
    this.lastString.fill(null);
    this.lastId.fill(NULL);
  }

  /** The arrays of a batch that has been read, to write again. */
  recycle(ints: Int32Array, floats: Float64Array): void {
    if (ints.length === this.capacity * INTS && floats.length === this.capacity * FLOATS) this.free.push([ints, floats]);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  get length(): number {
    return this.count;
  }

  /** The index of `s` in the range's strings (NULL for null); `slot`: the field's in the last-string cache. For encodeItem. */
  str(slot: number, s: string | null): number {
    if (s === null) return NULL;
    if (s === this.lastString[slot]) return this.lastId[slot];
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.fresh.push(s);
    }
    this.lastString[slot] = s;
    return (this.lastId[slot] = id);
  }

  /** A LineResult of line `line`; `head`: what headFor kept of the line. */
  add(r: NonNullable<LineResult>, line: number, head: string | null): void {
    const i = this.count * INTS;
    const f = this.count * FLOATS;
    this.count++;
    this.ints[i + 1] = line;
    encodeItem(r, this.ints, i, this.floats, f, this, head);
  }

  /** A line longer than the cap. */
  overlong(line: number, bytes: number): void {
    const i = this.count * INTS;
    this.floats[this.count * FLOATS] = bytes;
    this.count++;
    this.ints[i] = OVERLONG;
    this.ints[i + 1] = line;
  }

  /** The items so far, as a batch to transfer; the encoder starts a new one. */
  take(): Batch {
    const b: Batch = { ints: this.ints, floats: this.floats, count: this.count, strings: this.fresh };
    const next = this.free.pop();
    this.ints = next ? next[0] : new Int32Array(this.capacity * INTS);
    this.floats = next ? next[1] : new Float64Array(this.capacity * FLOATS);
    this.count = 0;
    this.fresh = [];
    return b;
  }
}

/** What the learning side does with each item (a Learner). */
export interface ItemSink {
  result(r: NonNullable<LineResult>, file: string, line: number, head: string | null): void;
  /** A line longer than the cap, in a range whose lines are counted apart (RangeSink.passed): not counted again. */
  longLine(file: string, line: number, bytes: number): void;
}

/** Reads items; the learning side. Stateless but for one event object, rewritten for each item. */
export class Decoder {
  private readonly event = blankEvent();

  /**
   * Hand the batch's items to `sink`, as lines of `file` numbered from
   * `lineOffset` + their line in the range; `strings`: the range's strings so
   * far (every batch's `strings` of the range, in order, up to this one). A seccomp event is one object,
   * rewritten for each item: the sink keeps nothing of it.
   */
  replay(b: Batch, strings: readonly string[], file: string, lineOffset: number, sink: ItemSink): void {
    const n = b.ints;
    const d = b.floats;
    for (let k = 0; k < b.count; k++) {
      const i = k * INTS;
      const f = k * FLOATS;
      const line = n[i + 1] + lineOffset;
      if (n[i] === OVERLONG) {
        sink.longLine(file, line, d[f]);
        continue;
      }
      const head = n[i + 2];
      sink.result(decodeItem(n, i, d, f, strings, file, line, this.event), file, line, head === NULL ? null : strings[head]);
    }
  }
}
