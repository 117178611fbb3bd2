// A saved learn state: everything a Learner knows that a profile, a report, or
// reading on from where it stopped needs, as one versioned JSON document.
//
// - `learn --state FILE` loads it (when FILE exists), reads on (files already
//   read from where it stopped: inputs), and writes it back: reading a state
//   back and going on with more logs gives exactly what reading everything at
//   once gives (processes still open, each source's serials, forgery checks and
//   journald's unpaired lines, the records already seen all go on).
// - `merge` loads states into one Learner (mergeStates): counts add, programs
//   and findings join; a process one state left open goes on in the state of
//   the next part of the log (its first process of that pid, kept apart: a
//   head), as in one run over the parts; in any order, the same result.
//   With a selection (--comm, --exe), from states learned without one, it
//   takes the processes that logged one of its values, whole, as learn does
//   (a state keeps what its programs' lives did by the set of values each
//   logged: Programs.groups).
//   States of different machines (hosts, or `--node`) merge exactly; a record
//   two states both read is counted once more than it should be in `report`'s
//   counts (the profile is the same), and the merge says how many.
//
// Each part of the Learner saves itself as its piece of the document and loads
// back, adding to what it holds (in learn/: see learn/saved.ts); this module
// composes the pieces, with the version, the options and the inputs read, and
// checks a document whole against its schema before any of it is taken in.
import { createRequire } from 'node:module';
import type { LogFormat } from '../parse/envelope.js';
import type { LossReason } from '../parse/record.js';
import { keepExample, loadCounts, loadTallies, mergeCounted, saveCounts, saveTallies, type Counted } from '../learn/examples.js';
import { fullSelection, Learner, type LearnOptions, type Selection, type SkipReason } from '../learn/learner.js';
import { loadCalls, saveCalls, type CallsJSON } from '../learn/calls.js';
import type { GroupJSON, LifeJSON, ProgramJSON } from '../learn/lives.js';
import type { SourceJSON } from '../learn/source-state.js';
import type { WindowJSON } from '../learn/duplicates.js';
import type { Suspicion } from '../learn/forgery.js';
import { loadLoss, saveLoss, type Loss } from '../learn/loss.js';
import { loadDenied, saveDenied, type Denied } from '../learn/denied.js';
import { loadRuntimes, saveRuntimes, type RuntimeJSON } from '../learn/runtime.js';
import { twinKey } from '../learn/receipts.js';
import { byName } from '../learn/saved.js';
import { SeccompLearnError } from '../core/error.js';
import { STATE_SCHEMA_JSON } from './schema.js';


/** The format's version: a state of another version is refused, never guessed at. */
export const STATE_VERSION = 7;

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
  denied: Denied[];
  noArch: Counted;
  unknownAction: Counted;
  runtimes: RuntimeJSON[];
  union: CallsJSON;
  seen: Record<string, number>;
  programs: ProgramJSON[];
  /**
   * A state learned with no selection: what the programs' lives add, by the set
   * of comm and exe values each logged, so that a merge with --comm/--exe takes
   * the processes that logged one, as learn does (see learn/lives.ts, Group).
   */
  groups: GroupJSON[];
  /** Lives retired whose comm and exe values were not kept apart (too many): a merge cannot select among them. */
  ungrouped: number;
  lives: LifeJSON[];
  /** The first process of each pid that ended in the state's input, not in `programs` (a merge joins it to what an earlier state left open; see learn/lives.ts). */
  heads: LifeJSON[];
  sources: SourceJSON[];
  machines: Array<string | null>;
  window: WindowJSON;
  inputs: InputRecord[];
}

// ---------------------------------------------------------------- to JSON

/** The state of a Learner (after the input read so far), with what was read of each input file. */
export function toState(l: Learner, inputs: readonly InputRecord[]): LearnState {
  const o = l.options;
  const { machines, window } = l.window.save();
  return {
    seccompLearnState: STATE_VERSION,
    node: l.node,
    options: { selection: l.selection, trustAnySource: o.trustAnySource === true, noRuntimeBase: o.noRuntimeBase === true },
    totals: { lines: l.lines, records: l.records, used: l.used, duplicates: l.duplicates, evicted: l.evicted },
    conflicts: l.conflicts,
    ...(l.stateConflicts.count > 0 ? { stateConflicts: l.stateConflicts } : {}),
    untrusted: saveCounts(l.untrusted),
    suspicious: saveCounts(l.suspicious),
    skipped: saveCounts(l.skipped),
    loss: saveLoss(l.loss),
    unnamed: saveTallies(l.unnamed),
    denied: saveDenied(l.denied),
    noArch: l.noArch,
    unknownAction: l.unknownAction,
    runtimes: saveRuntimes(l.runtimes),
    union: saveCalls(l.union),
    seen: l.labels.save(),
    programs: l.lives.programs.save(),
    groups: l.lives.programs.saveGroups(),
    ungrouped: l.lives.programs.ungrouped,
    lives: l.lives.save(),
    heads: l.lives.saveEnded(),
    sources: l.sources.save(),
    machines,
    window,
    inputs: [...inputs],
  };
}

// ---------------------------------------------------------------- from JSON

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

/** Check the shape of a parsed state document; throws a SeccompLearnError 'state-invalid' saying what is wrong. */
export function checkState(v: unknown): LearnState {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new SeccompLearnError('state-invalid', 'not a seccomp-learn state (not a JSON object)');
  const s = v as Partial<LearnState>;
  if (!('seccompLearnState' in s)) throw new SeccompLearnError('state-invalid', 'not a seccomp-learn state (no "seccompLearnState" version)');
  if (s.seccompLearnState !== STATE_VERSION) throw new SeccompLearnError('state-invalid', `a state of version ${JSON.stringify(s.seccompLearnState)}; this seccomp-learn reads version ${STATE_VERSION} only`);
  for (const k of ['options', 'totals', 'programs', 'groups', 'lives', 'heads', 'sources', 'machines', 'window', 'inputs'] as const) {
    if (s[k] === undefined || s[k] === null) throw new SeccompLearnError('state-invalid', `a state without "${k}": cut short?`);
  }
  // the whole document, against the schema of the type it was written from
  const validate = stateValidator();
  if (!validate(v)) {
    const e = validate.errors?.[0];
    const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the state';
    throw new SeccompLearnError('state-invalid', `not a state this version wrote: ${where} ${e?.message ?? 'does not match'}${e?.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
  }
  // what the schema cannot say: counts are whole and not negative, and a count has its first example
  const st = v as LearnState;
  const whole = (n: number, where: string) => {
    if (!Number.isSafeInteger(n) || n < 0) throw new SeccompLearnError('state-invalid', `not a state this version wrote: ${where} is ${n}, not a count`);
  };
  for (const [k, n] of Object.entries(st.totals)) whole(n, `totals.${k}`);
  whole(st.ungrouped, 'ungrouped');
  const counted = (c: Counted, where: string) => {
    whole(c.count, `${where}.count`);
    if (c.count > 0 && c.examples.length === 0) throw new SeccompLearnError('state-invalid', `not a state this version wrote: ${where} counts ${c.count} with no example`);
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
  const l = new Learner({ selection: s.options.selection, trustAnySource: s.options.trustAnySource, noRuntimeBase: s.options.noRuntimeBase, node: s.node ?? undefined, onLearn: extra.onLearn, detail: true, heads: true });
  load(l, s, true);
  return l;
}

/**
 * Load a state into a Learner, adding to what it holds. `resume`: the learner
 * goes on reading the same sources (everything is taken as it was); otherwise
 * (a merge) the kernel lines still waiting are judged, and sources are joined
 * (the state's processes are left in the Learner's lives, for mergeStates). Returns how many records both held (a merge of
 * overlapping states); throws a SeccompLearnError 'state-invalid' for a piece this version cannot hold.
 */
function load(l: Learner, s: LearnState, resume: boolean, file = '', select = false): number {
  // the Learner's own counts
  l.lines += s.totals.lines;
  l.records += s.totals.records;
  l.duplicates += s.totals.duplicates;
  mergeCounted(l.conflicts, s.conflicts);
  if (s.stateConflicts) mergeCounted(l.stateConflicts, s.stateConflicts);
  loadCounts(l.untrusted, s.untrusted);
  loadCounts(l.suspicious, s.suspicious);
  loadCounts(l.skipped, s.skipped);
  loadLoss(l.loss, s.loss);
  mergeCounted(l.unknownAction, s.unknownAction);
  l.labels.load(s.seen);
  if (select) selectFrom(l, s, file);
  else {
    l.used += s.totals.used;
    loadTallies(l.unnamed, s.unnamed);
    loadDenied(l.denied, s.denied);
    mergeCounted(l.noArch, s.noArch);
    loadRuntimes(l.runtimes, s.runtimes);
    loadCalls(l.union, s.union);
    // its parts, all in before a merge judges the kernel lines still waiting
    // (below): those go to the processes, programs and records the state holds
    l.lives.programs.load(s.programs);
    l.lives.programs.loadGroups(s.groups, s.ungrouped);
  }
  l.lives.load(select ? s.lives.map((j) => selectLife(l, j, file)) : s.lives, s.totals.evicted);
  l.lives.loadEnded(select ? s.heads.map((j) => selectLife(l, j, file)) : s.heads);
  l.sources.load(s.sources, resume);
  // a merge: the records another state holds too, for their receipts (learn/receipts.ts)
  const twins = resume ? null : (l.twins ??= new Set<string>());
  const loaded = l.window.load(s.machines, s.window, twins === null ? undefined : (host, serial) => twins.add(twinKey(host, serial)));
  // a merge: the kernel lines still waiting are judged with what the state
  // knows (as the end of its last file would have), into the processes they belong to
  if (!resume) l.settle();
  if (loaded.first !== null) {
    l.stateConflicts.count += loaded.conflicts;
    keepExample(l.stateConflicts.examples, { file, line: 0, message: `the record of audit serial ${loaded.first.serial} is held by another state, at the same time, with other content` });
  }
  return loaded.both;
}

/**
 * What the processes of a state of every process (learned with no selection)
 * that `l`'s selection takes add: the groups of retired lives that logged one of
 * its comm or exe values (their programs, records used, unnamed calls, records
 * without arch=, denied calls, runtimes), as learn with the selection counts
 * them. Throws a SeccompLearnError 'states-unmergeable' when the state could
 * not keep its lives apart (LearnState.ungrouped).
 */
function selectFrom(l: Learner, s: LearnState, file: string): void {
  if (s.ungrouped > 0) throw unselectable(file, `${s.ungrouped} of its processes logged more comm and exe values than a state keeps apart`);
  for (const g of s.groups) {
    if (!l.selectsLabels(new Set(g.labels))) continue;
    l.used += g.used;
    loadTallies(l.unnamed, g.unnamed);
    mergeCounted(l.noArch, g.noArch);
    loadDenied(l.denied, g.denied);
    if (!l.options.noRuntimeBase) loadRuntimes(l.runtimes, g.runtimes);
    l.lives.programs.load(g.programs);
    for (const p of g.programs) loadCalls(l.union, p.calls);
  }
}

/**
 * A process (open, or a head) of a state of every process, for `l`'s
 * selection: selected when it logged one of its comm or exe values (what it
 * did is counted now), else not yet (what it did waits, as learn keeps it:
 * a later part of the same process may select it; see Learner.joinParts).
 */
function selectLife(l: Learner, j: LifeJSON, file: string): LifeJSON {
  if (j.labels === null) throw unselectable(file, `its process ${j.pid} logged more comm and exe values than a state keeps`);
  const matched = l.selectsLabels(new Set(j.labels));
  if (matched) {
    l.used += j.ownUsed;
    loadCalls(l.union, j.calls);
    for (const u of j.unnamed) l.unnamed.set(u, (l.unnamed.get(u) ?? 0) + 1);
    if (j.own) {
      mergeCounted(l.noArch, j.own.noArch);
      loadDenied(l.denied, j.own.denied);
    }
    if (j.runtime?.added && !l.options.noRuntimeBase) loadRuntimes(l.runtimes, [{ comm: j.runtime.comm, arches: [j.runtime.abi] }]);
  }
  return { ...j, matched, before: matched ? 0 : j.ownUsed, pending: matched ? null : j.own, runtime: j.runtime && { ...j.runtime, added: matched && j.runtime.added } };
}

function unselectable(file: string, why: string): SeccompLearnError {
  return new SeccompLearnError('states-unmergeable', `${file}: ${why}: a merge cannot select processes by --comm or --exe in it (learn with the selection instead)`);
}

/**
 * Merge states (in any order: the result is the same) into a Learner, ended:
 * ready for a profile or `report`. They must have been learned with the same
 * selection and options. `overlap` counts records that more than one state
 * held (read from the same log twice): `report` counts them twice. `open`: the
 * processes still open at the end of the last part stay open, and each pid's
 * first stays a head, as in one state of all the parts: for toState (a merged
 * state that later parts' states are merged with); call finish() after.
 * `selection` (--comm, --exe): from states learned without one, the processes
 * that logged one of its values, whole, as learn with it takes them (the same
 * as the states' own: nothing more). Throws a SeccompLearnError
 * 'states-unmergeable' for states of other options, a selection by pid, one
 * with `open`, from states learned with another selection, or from a state
 * that could not keep its processes' values apart (LearnState.ungrouped).
 */
export function mergeStates(states: ReadonlyArray<{ file: string; state: LearnState }>, opts: { open?: boolean; selection?: Partial<Selection> } = {}): { learner: Learner; overlap: number } {
  if (states.length === 0) throw new SeccompLearnError('states-unmergeable', 'no state to merge');
  const first = states[0].state;
  for (const { file, state } of states) {
    const differ = optionsDiffer(state.options, first.options);
    if (differ.length > 0) throw new SeccompLearnError('states-unmergeable', `${file} was learned with other options than ${states[0].file}: ${differ.join(', ')}`);
  }
  // a selection: taken here from states of every process (the same as theirs: nothing to take)
  const want = fullSelection(opts.selection);
  const none = (s: Selection) => s.comms.length === 0 && s.exes.length === 0 && s.pids.length === 0;
  const select = !none(want) && optionsDiffer(first.options, { ...first.options, selection: want }).length > 0;
  if (select) {
    if (want.pids.length > 0) throw new SeccompLearnError('states-unmergeable', 'a merge of states selects processes by comm or exe, not by pid (learn with --pid instead)');
    if (!none(first.options.selection)) throw new SeccompLearnError('states-unmergeable', `${states[0].file} was learned with a selection: a merge selects by --comm or --exe only among states learned without one`);
    if (opts.open === true) throw new SeccompLearnError('states-unmergeable', 'a merged state keeps every process: it takes no selection');
  }
  const selection = select ? want : first.options.selection;
  const l = new Learner({ selection, trustAnySource: first.options.trustAnySource, noRuntimeBase: first.options.noRuntimeBase, detail: true, heads: true });
  let overlap = 0;
  // each state's processes: those it left open, and its heads that ended (joined below)
  const parts: Array<ReturnType<Learner['lives']['takeAll']>> = [];
  // a fixed order, so that what depends on it (nothing should) cannot vary with the arguments
  const ordered = [...states].sort((a, b) => byName(JSON.stringify(a.state.node) + a.file, JSON.stringify(b.state.node) + b.file));
  for (const { file, state } of ordered) {
    try {
      overlap += load(l, state, false, file, select);
      parts.push(l.lives.takeAll());
    } catch (err) {
      if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, err.message, { source: file }, { cause: err });
      throw err;
    }
  }
  // the serials of a log's parts go on from one another, as in one run over the parts
  l.sources.joinSerials();
  // a process a state left open goes on in the next part's state, as in one run over the parts
  l.joinParts(parts, opts.open === true);
  l.twins = null;
  l.duplicates += overlap;
  l.records -= overlap;
  if (opts.open !== true) l.finish();
  return { learner: l, overlap };
}

/** Parse a state file's text; throws a SeccompLearnError 'state-invalid'. */
export function parseState(text: string): LearnState {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new SeccompLearnError('state-invalid', `not JSON (${(err as Error).message})`);
  }
  return checkState(v);
}

/** A state as the text of its file: JSON, one document, a newline at the end. */
export function serialiseState(s: LearnState): string {
  return JSON.stringify(s) + '\n';
}

