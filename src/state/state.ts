// A saved learn state: everything a Learner knows that a profile, a report, or
// reading on from where it stopped needs, as one versioned JSON document.
//
// - `learn --state FILE` loads it (when FILE exists), reads on (files already
//   read from where it stopped: inputs), and writes it back: reading a state
//   back and going on with more logs gives exactly what reading everything at
//   once gives (processes still open, each source's serials, forgery checks and
//   journald's unpaired lines, the records already seen all go on).
// - `merge` absorbs states into one (mergeInto): counts add, programs and
//   findings join, open processes are ended; in any order, the same result.
//   States of different machines (hosts, or `--node`) merge exactly; a record
//   two states both read is counted once more than it should be in `report`'s
//   counts (the profile is the same), and the merge says how many.
import { createRequire } from 'node:module';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Action, AuditMark, SeccompEvent } from '../parse/event.js';
import type { LogFormat } from '../parse/envelope.js';
import { keepExample, mergeCounted, type Counted, type Example } from '../learn/examples.js';
import type { Gap, Jump } from '../learn/gaps.js';
import { Learner, type LearnOptions, type Loss, type Selection, type SkipReason } from '../learn/learner.js';
import { addCall, Life, mergeDetail, newDetail, type CallStat, type Calls, type Detail, type Group } from '../learn/lives.js';
import type { PairEntry } from '../learn/pairing.js';
import type { LossReason } from '../parse/record.js';
import { RUNTIME_BASES } from '../learn/runtime.js';
import { STATE_SCHEMA_JSON } from './schema.js';
import { ARCHES, findArch, type Arch } from '../syscalls/index.js';
import { WINDOW, type Stamp, type Suspicion } from '../learn/forgery.js';

/** The format's version: a state of another version is refused, never guessed at. */
export const STATE_VERSION = 2;

/** A saved state is not one this version reads: wrong version, not JSON, not a state. */
export class StateError extends Error {}

/** What was read of one input file, to read on from there (a file is known by device and inode, or by its first bytes). */
export interface InputRecord {
  /** The name it was read by first (its records are reported under it). */
  name: string;
  dev: number;
  ino: number;
  /** Bytes read (of the decompressed content, for gzip): up to the end of the last whole line. */
  offset: number;
  /** Lines read. */
  lines: number;
  /** A hash of the first `fingerprintBytes` bytes of the (decompressed) content. */
  fingerprint: string;
  fingerprintBytes: number;
  compressed: boolean;
  /** The file's size in bytes (on disk) when it was last read; -1 for a gzip stream. */
  size: number;
  /** The last audit serial read when reading it stopped, per host its lines name (null: lines without a host). */
  lastSerials: Array<{ host: string | null; serial: number }>;
}

type ArchName = string;
type CallsJSON = Record<ArchName, string[]>;
interface CallStatJSON extends Omit<CallStat, 'abi'> {
  abi: ArchName | null;
}
interface DetailJSON {
  comms: string[];
  pids: number[];
  first: number | null;
  last: number | null;
  calls: CallStatJSON[];
}
interface LifeJSON {
  host: string | null;
  pid: number;
  matched: boolean;
  before: number;
  calls: CallsJSON;
  unnamed: string[];
  lastComm: string | null;
  lastExe: string | null;
  lastTime: number | null;
  runtime: { comm: string; abi: ArchName; added: boolean } | null;
  detail: DetailJSON | null;
}
interface ProgramJSON {
  key: string;
  name: string;
  exe: string | null;
  comms: string[];
  calls: CallsJSON;
  detail: DetailJSON | null;
}
type Held = (Omit<SeccompEvent, 'arch'> & { arch: ArchName | null }) | AuditMark;
interface PairJSON extends Omit<PairEntry, 'arch'> {
  arch: ArchName | null;
}
interface SourceJSON {
  file: string;
  host: string | null;
  /** The forgery checks: stamped lines learned, the last lines judged, the lines still waiting to be (learn/forgery.ts). */
  forgery: { stamped: number; recent: Stamp[] };
  serials: { last: number; time: number | null; gap: Gap | null; jumps: Jump[] };
  pairs: { audit: PairJSON[]; kernel: PairJSON[] };
  /** Kernel lines not judged yet: they wait for the lines after them (learned, or not, by the next run or a merge). */
  pending: Held[];
}

/** The document `learn --state` writes (field by field: see the README's Fleet section). */
export interface LearnState {
  seccompLearnState: typeof STATE_VERSION;
  node: string | null;
  options: { selection: Selection; trustAnySource: boolean; noRuntimeBase: boolean };
  totals: { lines: number; records: number; used: number; duplicates: number; evicted: number };
  conflicts: Counted;
  /** Records merged states held with one audit(TIME:SERIAL) and other content (absent in a state no merge made). */
  stateConflicts?: Counted;
  untrusted: Partial<Record<LogFormat, Counted>>;
  suspicious: Partial<Record<Suspicion, Counted>>;
  skipped: Partial<Record<SkipReason, Counted>>;
  loss: Partial<Record<LossReason, Loss>>;
  unnamed: Record<string, number>;
  denied: Array<{ comm: string; syscall: string; action: Action; count: number; first: Example }>;
  noArch: Counted;
  unknownAction: Counted;
  runtimes: Array<{ comm: string; arches: ArchName[] }>;
  union: CallsJSON;
  seen: Record<string, number>;
  programs: ProgramJSON[];
  lives: LifeJSON[];
  sources: SourceJSON[];
  machines: Array<string | null>;
  window: { count: number; data: string };
  inputs: InputRecord[];
}

// ---------------------------------------------------------------- to JSON

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedRecord = <V>(m: Map<string, V>): Record<string, V> => Object.fromEntries([...m].sort((x, y) => byName(x[0], y[0])));
const archName = (a: Arch | null) => a?.name ?? null;
const numOrNull = (n: number | null) => (n === null || Number.isNaN(n) ? null : n);

function callsJSON(c: Calls): CallsJSON {
  const out: CallsJSON = {};
  for (const a of ARCHES) {
    const set = c.get(a);
    if (set && set.size > 0) out[a.name] = [...set].sort();
  }
  return out;
}

function detailJSON(d: Detail | null): DetailJSON | null {
  if (!d) return null;
  const calls = [...d.calls.values()].map((c) => ({ ...c, abi: archName(c.abi) }));
  calls.sort((x, y) => byName(`${x.abi} ${x.nr} ${x.action}`, `${y.abi} ${y.nr} ${y.action}`));
  return { comms: [...d.comms].sort(), pids: [...d.pids].sort((a, b) => a - b), first: d.first, last: d.last, calls };
}

function countedJSON<K extends string>(m: Map<K, Counted>): Partial<Record<K, Counted>> {
  return sortedRecord(m as Map<string, Counted>) as Partial<Record<K, Counted>>;
}

function pairJSON(p: PairEntry): PairJSON {
  return { ...p, arch: archName(p.arch) };
}

/** Pack typed arrays of the same length into one deflated, base64 string. */
function pack(arrays: Uint32Array[]): string {
  const all = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  return deflateRawSync(all).toString('base64');
}

function unpack(data: string, count: number, n: number): Uint32Array[] {
  let raw: Buffer;
  try {
    raw = inflateRawSync(Buffer.from(data, 'base64'));
  } catch (err) {
    throw new StateError(`its record window does not inflate (${(err as Error).message})`);
  }
  if (raw.length !== count * n * 4) throw new StateError(`its record window holds ${raw.length} bytes, not ${count * n * 4}`);
  const copy = new Uint8Array(raw);
  return Array.from({ length: n }, (_, i) => new Uint32Array(copy.buffer, i * count * 4, count));
}

/** The state of a Learner (after the input read so far), with what was read of each input file. */
export function toState(l: Learner, inputs: readonly InputRecord[]): LearnState {
  const p = l.parts();
  const o = l.options;
  const w = p.window.export();
  const machines: Array<string | null> = [];
  for (const [host, id] of p.machines) machines[id] = host;
  const sources: SourceJSON[] = [];
  for (const s of p.sources.all()) {
    const f = s.forgery;
    const pending: Held[] = f.pendingLines().map((x) => (x.kind === 'seccomp' ? { ...x, arch: archName(x.arch) } : { ...x }));
    sources.push({
      file: s.file,
      host: s.host,
      forgery: { stamped: f.stamped, recent: f.recentStamps() },
      serials: { last: s.serials.last, time: s.serials.time, gap: s.serials.gap, jumps: s.serials.jumps },
      pairs: { audit: s.pairs.audit.export().map(pairJSON), kernel: s.pairs.kernel.export().map(pairJSON) },
      pending,
    });
  }
  sources.sort((a, b) => byName(a.file, b.file) || byName(a.host ?? '', b.host ?? ''));
  const programs: ProgramJSON[] = [...p.programs.entries()]
    .map(([key, g]) => ({ key, name: g.name, exe: g.exe, comms: [...g.comms].sort(), calls: callsJSON(g.calls), detail: detailJSON(g.detail) }))
    .sort((a, b) => byName(a.key, b.key));
  const lives: LifeJSON[] = [...p.lives.open()].map((life) => ({
    host: life.host,
    pid: life.pid,
    matched: life.matched,
    before: life.before,
    calls: callsJSON(life.calls),
    unnamed: [...life.unnamed].sort(),
    lastComm: life.lastComm,
    lastExe: life.lastExe,
    lastTime: numOrNull(life.lastTime),
    runtime: life.runtime && { comm: life.runtime.base.comm, abi: life.runtime.abi.name, added: life.runtime.added },
    detail: detailJSON(life.detail),
  }));
  return {
    seccompLearnState: STATE_VERSION,
    node: l.node,
    options: { selection: l.selection, trustAnySource: o.trustAnySource === true, noRuntimeBase: o.noRuntimeBase === true },
    totals: { lines: l.lines, records: l.records, used: l.used, duplicates: l.duplicates, evicted: p.lives.evicted },
    conflicts: l.conflicts,
    ...(l.stateConflicts.count > 0 ? { stateConflicts: l.stateConflicts } : {}),
    untrusted: countedJSON(l.untrusted),
    suspicious: countedJSON(l.suspicious),
    skipped: countedJSON(l.skipped),
    loss: sortedRecord(l.loss as Map<string, Loss>) as Partial<Record<LossReason, Loss>>,
    unnamed: sortedRecord(l.unnamed),
    denied: [...l.denied.values()].sort((a, b) => byName(`${a.comm} ${a.syscall} ${a.action}`, `${b.comm} ${b.syscall} ${b.action}`)),
    noArch: l.noArch,
    unknownAction: l.unknownAction,
    runtimes: [...l.runtimes].map(([b, abis]) => ({ comm: b.comm, arches: ARCHES.filter((a) => abis.has(a)).map((a) => a.name) })).sort((a, b) => byName(a.comm, b.comm)),
    union: callsJSON(l.union),
    seen: Object.fromEntries([...p.seen].map(([k, c]) => [k, c.n]).sort((a, b) => byName(a[0] as string, b[0] as string))),
    programs,
    lives,
    sources,
    machines,
    window: { count: w.serials.length, data: pack([w.serials, w.times, w.sigs]) },
    inputs: [...inputs],
  };
}

// ---------------------------------------------------------------- from JSON

function arch(name: string, where: string): Arch {
  const a = findArch(name);
  if (!a || a.name !== name) throw new StateError(`${where}: ${JSON.stringify(name)} is not an architecture`);
  return a;
}

function callsFrom(j: CallsJSON, into: Calls): void {
  for (const [name, names] of Object.entries(j)) {
    const a = arch(name, 'calls');
    for (const n of names) addCall(into, a, n);
  }
}

function detailFrom(j: DetailJSON | null): Detail | null {
  if (!j) return null;
  const d = newDetail();
  for (const c of j.comms) d.comms.add(c);
  for (const pid of j.pids) d.pids.add(pid);
  d.first = j.first;
  d.last = j.last;
  for (const c of j.calls) {
    const abi = c.abi === null ? null : arch(c.abi, 'detail');
    d.calls.set(`${abi?.name} ${c.nr} ${c.action}`, { ...c, abi });
  }
  return d;
}

function countedInto<K>(into: Map<K, Counted>, j: Partial<Record<string, Counted>>): void {
  for (const [k, c] of Object.entries(j)) {
    if (!c) continue;
    const have = into.get(k as K);
    if (have) mergeCounted(have, c);
    else into.set(k as K, { count: c.count, examples: [...c.examples] });
  }
}

/** The selection and options a state was learned with: a state is read on, or merged, only with the same ones. */
export function sameOptions(a: LearnState['options'], b: LearnState['options']): boolean {
  return optionsDiffer(a, b).length === 0;
}

/** Which of the options two states were learned with differ: the selection (--comm, --exe, --pid), --trust-any-source, --no-runtime-base. */
export function optionsDiffer(a: LearnState['options'], b: LearnState['options']): string[] {
  const sel = (s: Selection) => JSON.stringify([[...s.comms].sort(), [...s.exes].sort(), [...s.pids].sort((x, y) => x - y)]);
  const out: string[] = [];
  if (sel(a.selection) !== sel(b.selection)) out.push('the selection (--comm, --exe, --pid)');
  if (a.trustAnySource !== b.trustAnySource) out.push('--trust-any-source');
  if (a.noRuntimeBase !== b.noRuntimeBase) out.push('--no-runtime-base');
  return out;
}

/** Check the shape of a parsed state document; throws StateError saying what is wrong. */
export function checkState(v: unknown): LearnState {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new StateError('not a seccomp-learn state (not a JSON object)');
  const s = v as Partial<LearnState>;
  if (!('seccompLearnState' in s)) throw new StateError('not a seccomp-learn state (no "seccompLearnState" version)');
  if (s.seccompLearnState !== STATE_VERSION) throw new StateError(`a state of version ${JSON.stringify(s.seccompLearnState)}; this seccomp-learn reads version ${STATE_VERSION} only`);
  for (const k of ['options', 'totals', 'programs', 'lives', 'sources', 'machines', 'window', 'inputs'] as const) {
    if (s[k] === undefined || s[k] === null) throw new StateError(`a state without "${k}": cut short?`);
  }
  // the whole document, against the schema of the type it was written from
  const validate = stateValidator();
  if (!validate(v)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the state';
    throw new StateError(`not a state this version wrote: ${where} ${e?.message ?? 'does not match'}${e?.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  // what the schema cannot say: counts are whole and not negative, and a count has its first example
  const st = v as LearnState;
  const whole = (n: number, where: string) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new StateError(`not a state this version wrote: ${where} is ${n}, not a count`);
  };
  for (const [k, n] of Object.entries(st.totals)) whole(n, `totals.${k}`);
  const counted = (c: Counted, where: string) => {
    whole(c.count, `${where}.count`);
    if (c.count > 0 && c.examples.length === 0) throw new StateError(`not a state this version wrote: ${where} counts ${c.count} with no example`);
  };
  counted(st.conflicts, 'conflicts');
  counted(st.noArch, 'noArch');
  counted(st.unknownAction, 'unknownAction');
  if (st.stateConflicts) counted(st.stateConflicts, 'stateConflicts');
  for (const group of ['untrusted', 'suspicious', 'skipped'] as const) for (const [k, c] of Object.entries(st[group])) if (c) counted(c, `${group}.${k}`);
  for (const [k, l] of Object.entries(st.loss)) if (l) whole(l.notices, `loss.${k}.notices`);
  for (const [i, r] of st.inputs.entries()) {
    whole(r.offset, `inputs.${i}.offset`);
    whole(r.lines, `inputs.${i}.lines`);
  }
  return st;
}

type Validate = ((v: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params: Record<string, unknown> }> | null };
let compiled: Validate | undefined;
/** The state schema, compiled once, on first use (ajv is loaded only when a state is read: start-up time). */
function stateValidator(): Validate {
  if (compiled) return compiled;
  const { Ajv } = createRequire(import.meta.url)('ajv') as { Ajv: new (o: object) => { compile(s: object): Validate } };
  return (compiled = new Ajv({ allErrors: false, strict: false }).compile(JSON.parse(STATE_SCHEMA_JSON) as object));
}

/** A Learner that goes on from a state (its options and node come from the state; it keeps detail, as every state does). */
export function fromState(s: LearnState, extra: Pick<LearnOptions, 'onLearn'> = {}): Learner {
  const l = new Learner({ selection: s.options.selection, trustAnySource: s.options.trustAnySource, noRuntimeBase: s.options.noRuntimeBase, node: s.node ?? undefined, onLearn: extra.onLearn, detail: true });
  absorb(l, s, true);
  return l;
}

/**
 * Add a state into a Learner. `resume`: the learner goes on reading the same
 * sources (everything is taken as it was); otherwise (a merge) the state's open
 * processes are ended into their programs, and sources are joined.
 * Returns how many records both held (a merge of overlapping states).
 */
function absorb(l: Learner, s: LearnState, resume: boolean, file = ''): number {
  const p = l.parts();
  l.lines += s.totals.lines;
  l.records += s.totals.records;
  l.used += s.totals.used;
  l.duplicates += s.totals.duplicates;
  p.lives.evicted += s.totals.evicted;
  mergeCounted(l.conflicts, s.conflicts);
  if (s.stateConflicts) mergeCounted(l.stateConflicts, s.stateConflicts);
  countedInto(l.untrusted, s.untrusted);
  countedInto(l.suspicious, s.suspicious);
  countedInto(l.skipped, s.skipped);
  for (const [k, x] of Object.entries(s.loss)) {
    if (!x) continue;
    const have = l.loss.get(k as LossReason);
    if (!have) l.loss.set(k as LossReason, { notices: x.notices, count: x.count, first: x.first });
    else {
      have.notices += x.notices;
      have.count += x.count;
      const kept = [have.first];
      keepExample(kept, x.first);
      have.first = kept[0];
    }
  }
  for (const [k, n] of Object.entries(s.unnamed)) l.unnamed.set(k, (l.unnamed.get(k) ?? 0) + n);
  for (const d of s.denied) {
    const k = `${d.comm} ${d.syscall} ${d.action}`;
    const have = l.denied.get(k);
    if (!have) l.denied.set(k, { ...d });
    else {
      have.count += d.count;
      const kept = [have.first];
      keepExample(kept, d.first);
      have.first = kept[0];
    }
  }
  mergeCounted(l.noArch, s.noArch);
  mergeCounted(l.unknownAction, s.unknownAction);
  for (const r of s.runtimes) {
    const base = RUNTIME_BASES.find((b) => b.comm === r.comm);
    if (!base) throw new StateError(`runtime ${JSON.stringify(r.comm)} is not one this version knows`);
    let set = l.runtimes.get(base);
    if (!set) l.runtimes.set(base, (set = new Set()));
    for (const a of r.arches) set.add(arch(a, 'runtimes'));
  }
  callsFrom(s.union, l.union);
  for (const [k, n] of Object.entries(s.seen)) {
    const c = p.seen.get(k);
    if (c) c.n += n;
    else p.seen.set(k, { n });
  }
  for (const g of s.programs) {
    const into = p.programs.group(g.key, (): Group => ({ name: g.name, exe: g.exe, comms: new Set(), calls: new Map(), detail: newDetail() }));
    for (const c of g.comms) into.comms.add(c);
    callsFrom(g.calls, into.calls);
    const d = detailFrom(g.detail);
    if (d && into.detail) mergeDetail(into.detail, d);
  }
  for (const j of s.lives) {
    const life = new Life(j.host, j.pid);
    life.matched = j.matched;
    life.before = j.before;
    callsFrom(j.calls, life.calls);
    for (const u of j.unnamed) life.unnamed.add(u);
    life.lastComm = j.lastComm;
    life.lastExe = j.lastExe;
    life.lastTime = j.lastTime ?? NaN;
    if (j.runtime) {
      const base = RUNTIME_BASES.find((b) => b.comm === j.runtime!.comm);
      if (!base) throw new StateError(`runtime ${JSON.stringify(j.runtime.comm)} is not one this version knows`);
      life.runtime = { base, abi: arch(j.runtime.abi, 'lives'), added: j.runtime.added };
    }
    life.detail = detailFrom(j.detail);
    // a merge ends them, once the lines their sources still wait on are judged (below)
    p.lives.restore(life);
  }
  for (const j of s.sources) {
    const src = p.sources.get(j.file, j.host);
    // the lines still waiting are judged by the next run, or by the merge's end
    src.forgery.stamped += j.forgery.stamped;
    // the same source in two merged states: what the first left waiting is judged first
    if (src.forgery.waiting > 0) l.settle();
    src.forgery.restoreRecent(j.forgery.recent);
    if (j.pending.length > WINDOW - 1) throw new StateError(`${j.file}: ${j.pending.length} kernel lines waiting, more than ${WINDOW - 1}`);
    for (const x of j.pending) src.forgery.hold(x.kind === 'seccomp' ? { ...x, arch: x.arch === null ? null : arch(x.arch, 'pending') } : { ...x });
    if (!resume && (src.serials.last >= 0 || j.pending.length === 0)) {
      // a merge: the sources' own checks are over; their gaps join (a source with
      // lines still waiting is taken whole, below, so that they go on from it)
      const g = j.serials.gap;
      if (g) {
        const label = src.label;
        const have = l.gaps.get(label);
        if (!have) l.gaps.set(label, { ...g, first: { ...g.first } });
        else {
          have.gaps += g.gaps;
          have.missing += g.missing;
          if (g.from !== null && (have.from === null || g.from < have.from)) have.from = g.from;
          if (g.to !== null && (have.to === null || g.to > have.to)) have.to = g.to;
          const kept = [have.first];
          keepExample(kept, g.first);
          have.first = kept[0];
        }
      }
      continue;
    }
    src.serials.last = j.serials.last;
    src.serials.time = j.serials.time;
    src.serials.gap = j.serials.gap;
    src.serials.jumps = j.serials.jumps.map((x) => ({ ...x, holes: [...x.holes], example: { ...x.example } }));
    if (j.serials.gap) l.gaps.set(src.label, j.serials.gap);
    const unpair = (x: PairJSON): PairEntry => ({ ...x, arch: x.arch === null ? null : arch(x.arch, 'pairs') });
    src.pairs.audit.load(j.pairs.audit.map(unpair));
    src.pairs.kernel.load(j.pairs.kernel.map(unpair));
  }
  // machines: the state's numbers, mapped to this learner's
  const map: number[] = [];
  s.machines.forEach((host, id) => {
    let mine = p.machines.get(host);
    if (mine === undefined) {
      p.machines.set(host, (mine = p.machines.size));
      p.window.nameMachine(mine, host !== null);
    }
    map[id] = mine;
  });
  const [serials, times, sigs] = unpack(s.window.data, s.window.count, 3);
  const loaded = p.window.load({ serials, times, sigs }, (m) => map[m] ?? m);
  if (!resume) {
    // a merge: the kernel lines still waiting are judged with what the state
    // knows (as the end of its last file would have), into the processes they
    // belong to; then the state's open processes are ended into their programs
    l.settle();
    l.endLives();
  }
  if (loaded.first !== null) {
    l.stateConflicts.count += loaded.conflicts;
    keepExample(l.stateConflicts.examples, { file, line: 0, message: `the record of audit serial ${loaded.first.serial} is held by another state, at the same time, with other content` });
  }
  return loaded.both;
}

/**
 * Merge states (in any order: the result is the same) into a Learner, ended:
 * ready for a profile, `report` or another state. They must have been learned
 * with the same selection and options. `overlap` counts records that more than
 * one state held (read from the same log twice): `report` counts them twice.
 */
export function mergeStates(states: ReadonlyArray<{ file: string; state: LearnState }>): { learner: Learner; overlap: number } {
  if (states.length === 0) throw new StateError('no state to merge');
  const first = states[0].state;
  for (const { file, state } of states) {
    const differ = optionsDiffer(state.options, first.options);
    if (differ.length > 0) throw new StateError(`${file} was learned with other options than ${states[0].file}: ${differ.join(', ')}`);
  }
  const l = new Learner({ selection: first.options.selection, trustAnySource: first.options.trustAnySource, noRuntimeBase: first.options.noRuntimeBase, detail: true });
  let overlap = 0;
  // a fixed order, so that what depends on it (nothing should) cannot vary with the arguments
  const ordered = [...states].sort((a, b) => byName(JSON.stringify(a.state.node) + a.file, JSON.stringify(b.state.node) + b.file));
  for (const { file, state } of ordered) {
    try {
      overlap += absorb(l, state, false, file);
    } catch (err) {
      if (err instanceof StateError) throw new StateError(`${file}: ${err.message}`);
      throw err;
    }
  }
  l.duplicates += overlap;
  l.records -= overlap;
  l.finish();
  return { learner: l, overlap };
}

/** Parse a state file's text; throws StateError. */
export function parseState(text: string): LearnState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new StateError(`not JSON (${(err as Error).message})`);
  }
  return checkState(v);
}

/** A state as the text of its file: JSON, one document, a newline at the end. */
export function serialiseState(s: LearnState): string {
  return JSON.stringify(s) + '\n';
}

