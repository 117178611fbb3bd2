// The shapes of what a Parser gives (src/parse/results.ts): each kind of
// result's fields are a table, and what is made from the tables (the Parser's
// objects, their copies, the wire to the worker threads, `parse`'s JSON)
// carries every field of it, for real lines of every fixture.
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOG_FORMATS, formatInfo } from '../../src/parse/envelope.js';
import { Parser } from '../../src/parse/event.js';
import { LOSS_REASONS } from '../../src/parse/record.js';
import {
  ACTIONS,
  EVENT_FIELDS,
  RESULT_FIELDS,
  SKIP_CODES,
  blankEvent,
  blankMark,
  copyEvent,
  copyMark,
  fieldNames,
  type LineResult,
  type ResultKind,
  type SeccompEvent,
  type ValueKind,
  type ValueTypes,
} from '../../src/parse/results.js';
import { Decoder, Encoder, FLOATS, INTS, LAYOUT } from '../../src/parse/wire.js';
import { eventToJSON } from '../../src/report/event-json.js';
import { ARCHES } from '../../src/syscalls/index.js';
import { fixture, ROOT } from '../helpers.js';

type Result = NonNullable<LineResult>;
type Loose = Record<string, unknown>;

/** Every line of every real and published fixture, with what a Parser gives for it (new objects). */
function fixtureResults(): Array<{ file: string; line: number; text: string; result: Result }> {
  const out: Array<{ file: string; line: number; text: string; result: Result }> = [];
  const parser = new Parser();
  for (const dir of ['real', 'published']) {
    for (const name of readdirSync(fixture(dir)).filter((f) => f.endsWith('.log')).sort()) {
      const file = `${dir}/${name}`;
      readFileSync(fixture(file), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const result = parser.parseText(text, file, i + 1);
          if (result !== null) out.push({ file, line: i + 1, text, result });
        });
    }
  }
  return out;
}
const RESULTS = fixtureResults();

/** Values of each kind for the tests to set: an edge of each (null, past 32 bits, every name). */
const VALUES: { readonly [K in ValueKind]: ReadonlyArray<ValueTypes[K]> } = {
  'log-format': LOG_FORMATS.map((f) => f.name),
  boolean: [true, false],
  number: [0, -1, 2 ** 32 + 5, 2 ** 53 - 1],
  'number?': [null, 0, 2 ** 32 + 5],
  'seconds?': [null, 0, 1716816272.18, 270.853767],
  string: ['', 'a message'],
  'string?': [null, '', 'evil "name', 'pool-1-thread-2'],
  'arch?': [null, ARCHES[0], ARCHES[ARCHES.length - 1]],
  'action?': [null, ...ACTIONS],
  'skip-code': SKIP_CODES,
  'loss-reason': LOSS_REASONS,
  file: ['f.log'],
  line: [1, 2 ** 31 - 1],
};

/** Encode results as lines 1..n of one range, in batches of `capacity`, and read them back (copies, as the sink saw them). */
function roundTrip(results: readonly Result[], file: string, lines: readonly number[], capacity = 7): Array<{ r: Loose; line: number; head: string | null }> {
  const enc = new Encoder(capacity);
  enc.startRange();
  const dec = new Decoder();
  const strings: string[] = [];
  const got: Array<{ r: Loose; line: number; head: string | null }> = [];
  const sink = {
    result: (r: Result, f: string, line: number, head: string | null) => {
      expect(f).toBe(file);
      got.push({ r: { ...r }, line, head });
    },
    longLine: () => {
      throw new Error('no long lines here');
    },
  };
  const flush = () => {
    const b = enc.take();
    strings.push(...b.strings);
    dec.replay(b, strings, file, 0, sink);
  };
  results.forEach((r, k) => {
    enc.add(r, lines[k], r.kind === 'loss' || r.kind === 'seccomp' ? `head of ${lines[k]}` : null);
    if (enc.full) flush();
  });
  flush();
  return got;
}

const blank = (kind: ResultKind): Loose =>
  kind === 'seccomp' ? (blankEvent() as unknown as Loose) : kind === 'mark' ? (blankMark() as unknown as Loose) : kind === 'skip' ? { kind, code: SKIP_CODES[0], message: '' } : { kind, reason: LOSS_REASONS[0], count: null, trusted: false, printk: null };

describe('the fields of results', () => {
  it('fixtures give every kind of result', () => {
    const kinds = new Set(RESULTS.map((x) => x.result.kind));
    expect([...kinds].sort()).toEqual(Object.keys(RESULT_FIELDS).sort());
    expect(RESULTS.filter((x) => x.result.kind === 'seccomp').length).toBeGreaterThan(1000);
  });

  it('a result has the fields of its table, in order, and no others', () => {
    for (const { result } of RESULTS) expect(Object.keys(result)).toEqual(['kind', ...fieldNames(RESULT_FIELDS[result.kind])]);
  });

  it('the Parser writes every field of an event it fills (parseInto), for every seccomp line of the fixtures', () => {
    const parser = new Parser();
    const poison = Symbol('not written');
    const names = fieldNames(EVENT_FIELDS);
    let checked = 0;
    const wrong: string[] = [];
    for (const { file, line, text, result } of RESULTS) {
      if (result.kind !== 'seccomp') continue;
      const target = blankEvent() as unknown as Loose;
      for (const k of names) target[k] = poison;
      // plain ausearch's `time->` header (a line with no result) names its file's records' format, as when the file was read whole
      if (result.format === 'ausearch') parser.parseText('time->', file, 0);
      const b = Buffer.from(text, 'utf8');
      const r = parser.parseInto(b, 0, b.length, file, line, target as unknown as SeccompEvent);
      const unwritten = names.filter((k) => target[k] === poison);
      if (r !== (target as unknown) || unwritten.length > 0 || !isDeepStrictEqual(target, result)) wrong.push(`${file}:${line}: ${unwritten.join(', ') || 'another event'}`);
      checked++;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('copies carry every field', () => {
    for (const kind of ['seccomp', 'mark'] as const) {
      const t = RESULT_FIELDS[kind];
      for (const k of fieldNames(t)) {
        for (const v of VALUES[t[k as keyof typeof t]['type'] as ValueKind]) {
          const from = blank(kind);
          from[k] = v;
          const to = blank(kind);
          if (kind === 'seccomp') copyEvent(to as unknown as SeccompEvent, from as unknown as SeccompEvent);
          else copyMark(to as never, from as never);
          expect(to, `${kind}.${k} = ${JSON.stringify(v)}`).toEqual(from);
        }
      }
    }
  });
});

describe('the wire to the worker threads', () => {
  it('lays out every field of every kind of result in a slot of its own (but the file and line, which every item has)', () => {
    for (const kind of Object.keys(RESULT_FIELDS) as ResultKind[]) {
      const t = RESULT_FIELDS[kind];
      const placed = LAYOUT[kind];
      expect(placed.map((p) => p.name)).toEqual(fieldNames(t));
      for (const p of placed) {
        if (p.type === 'file' || p.type === 'line') expect(p.slot, `${kind}.${p.name}`).toBeNull();
        else expect(p.slot, `${kind}.${p.name}`).not.toBeNull();
      }
      const ints = placed.filter((p) => p.slot === 'int').map((p) => p.at);
      const floats = placed.filter((p) => p.slot === 'float').map((p) => p.at);
      expect(new Set(ints).size).toBe(ints.length);
      expect(new Set(floats).size).toBe(floats.length);
      // the item's kind, line and head come first
      for (const at of ints) expect(at >= 3 && at < INTS).toBe(true);
      for (const at of floats) expect(at >= 0 && at < FLOATS).toBe(true);
    }
  });

  it('carries every result of every fixture as it was read (in batches, strings once per range)', () => {
    const by = new Map<string, typeof RESULTS>();
    for (const x of RESULTS) by.set(x.file, [...(by.get(x.file) ?? []), x]);
    for (const [file, xs] of by) {
      const got = roundTrip(
        xs.map((x) => x.result),
        file,
        xs.map((x) => x.line),
      );
      expect(got.map((g) => g.r)).toEqual(xs.map((x) => x.result));
      expect(got.map((g) => g.line)).toEqual(xs.map((x) => x.line));
      expect(got.map((g) => g.head)).toEqual(xs.map((x) => (x.result.kind === 'loss' || x.result.kind === 'seccomp' ? `head of ${x.line}` : null)));
    }
  });

  it('carries each field of each kind of result on its own, whatever value of its kind it holds', () => {
    const real = RESULTS.find((x) => x.result.kind === 'seccomp')!.result;
    for (const kind of Object.keys(RESULT_FIELDS) as ResultKind[]) {
      const t = RESULT_FIELDS[kind];
      const results: Result[] = [];
      for (const k of fieldNames(t)) {
        const type = t[k as keyof typeof t]['type'] as ValueKind;
        // the file and line are the range's and the item's, not the result's
        if (type === 'file' || type === 'line') continue;
        for (const v of VALUES[type]) {
          const r = kind === 'seccomp' ? ({ ...real } as Loose) : blank(kind);
          r[k] = v;
          if ('file' in r) r.file = 'f.log';
          if ('line' in r) r.line = results.length + 1;
          results.push(r as unknown as Result);
        }
      }
      const lines = results.map((_, i) => i + 1);
      expect(roundTrip(results, 'f.log', lines).map((g) => g.r)).toEqual(results);
    }
  });
});

describe('the log formats', () => {
  it('no line of a format that can never say who wrote it is trusted', () => {
    for (const { file, line, result } of RESULTS) {
      if ((result.kind === 'seccomp' || result.kind === 'mark') && result.trusted) expect(formatInfo(result.format).trust, `${file}:${line}`).not.toBe('never');
    }
  });
});

describe("parse's JSON", () => {
  it("has the event's fields in the table's order, less its internals, as the README lists them", () => {
    const e = RESULTS.find((x) => x.result.kind === 'seccomp' && x.result.arch !== null)!.result as SeccompEvent;
    const keys = Object.keys(eventToJSON(e));
    expect(keys).toEqual(fieldNames(EVENT_FIELDS).filter((k) => !['printk', 'tagPid', 'logSecond'].includes(k)));
    expect(eventToJSON(e).arch).toBe(e.arch!.name);
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const section = readme.slice(readme.indexOf('### `seccomp-learn parse'), readme.indexOf('### `seccomp-learn resolve'));
    const documented = section
      .split('\n')
      .filter((l) => /^\| `/.test(l))
      .flatMap((l) => l.split('|')[1].trim().split(', ').map((k) => k.replace(/`/g, '')));
    expect(documented).toEqual(keys);
  });
});
