// `seccomp-learn merge STATE...`: learn states of many nodes or shards, merged
// (in any order: the same result) into one state, profiles or a report.
import { readFileSync } from 'node:fs';
import { renderLearned, writeProgramProfiles } from './commands-profiles.js';
import { FormatError } from '../profile/formats/index.js';
import { findings } from '../report/findings.js';
import type { FormatName } from '../profile/formats/index.js';
import { EXIT } from './exit.js';
import { prepareOutDir, prepareOutput, refuseOverwrite, writeAtomic } from '../io/output.js';
import { UsageError } from '../core/error.js';
import { type Io, type Say } from '../io/read.js';
import type { Learner } from '../learn/learner.js';
import type { Program } from '../learn/lives.js';
import { buildProfile } from '../profile/model.js';
import { buildReport, renderReport } from '../report/report.js';
import { describe } from '../io/input.js';
import { mergeStates, parseState, serialiseState, StateError, toState, type LearnState } from '../state/state.js';
import { summary } from './summary.js';

/** Whether FILE holds a learn state (a JSON object with "seccompLearnState"), judged by its first bytes. */
export function isStateFile(file: string): boolean {
  try {
    const head = readFileSync(file, { encoding: 'utf8', flag: 'r' }).slice(0, 4096);
    return /^\s*\{[^]*"seccompLearnState"\s*:/.test(head);
  } catch {
    return false;
  }
}

export interface StateMergeArgs {
  inputs: string[];
  output?: string;
  'out-dir'?: string;
  format: FormatName | 'state';
  name?: string;
  report: boolean;
  json: boolean;
  comm: string[];
  exe: string[];
  quiet: boolean;
  width?: number;
}

/**
 * The saved state in `file`; null when it does not exist and `missingOk` (learn
 * --state's first run). One that cannot be read, or that this version cannot
 * read, is a UsageError named by `label` (exit 2, no --help hint: running again
 * would not help, and the Kubernetes DaemonSet's node.sh stops on it).
 */
export function readStateFile(file: string, label: string, missingOk: boolean): LearnState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${label}: ${describe(err as NodeJS.ErrnoException)}`, false);
  }
  try {
    return parseState(text);
  } catch (err) {
    if (err instanceof StateError) throw new UsageError(`${label}: ${err.message}; nothing was written`, false);
    throw err;
  }
}

function load(file: string): { file: string; state: LearnState } {
  return { file, state: readStateFile(file, file, false)! };
}

/** The programs a --comm/--exe selection keeps (none given: all). */
function selected(l: Learner, a: StateMergeArgs): Program[] {
  const all = l.programs();
  if (a.comm.length === 0 && a.exe.length === 0) return all;
  return all.filter((g) => a.comm.some((c) => g.comms.has(c)) || (g.exe !== null && a.exe.includes(g.exe)));
}

export function stateMergeCommand(a: StateMergeArgs, io: Io, say: Say): number {
  if (a.inputs.length === 0) throw new UsageError('merge needs one or more STATE files');
  // before any state is read: the outputs can be written, and a state read is
  // replaced only by the merged state (`--format state -o a.json a.json b.json` folds b into a)
  if (a.format !== 'state') refuseOverwrite([['-o', a.output]], a.inputs);
  if (a.output !== undefined) prepareOutput(a.output);
  if (a['out-dir'] !== undefined) prepareOutDir(a['out-dir']);
  const states = a.inputs.map(load);
  let merged;
  try {
    merged = mergeStates(states);
  } catch (err) {
    if (err instanceof StateError) throw new UsageError(`${err.message}; nothing was written`, false);
    throw err;
  }
  const { learner, overlap } = merged;
  if (!a.quiet) {
    say(`seccomp-learn: merged ${states.length} ${states.length === 1 ? 'state' : 'states'} (${states.map((s) => s.state.node ?? 'no node').join(', ')})`);
    summary(learner, findings(learner), say);
    if (overlap > 0) say(`seccomp-learn: note: ${overlap} records were held by more than one state (the same log read for both): counted once in the records read (the records used count them in each state); the profile is the same`);
  }
  if (a.format === 'state') {
    const text = serialiseState(toState(learner, states.flatMap((s) => s.state.inputs)));
    if (a.output !== undefined) writeAtomic(a.output, text);
    else io.stdout.write(text);
    return EXIT.ok;
  }
  if (a.report) {
    const r = buildReport(learner, false);
    const keep = new Set(selected(learner, a).map((g) => g.exe ?? g.name));
    if (a.comm.length > 0 || a.exe.length > 0) r.processes = r.processes.filter((p) => keep.has(p.exe ?? p.name));
    const text = a.json ? JSON.stringify(r, null, 2) + '\n' : renderReport(r, a.width ?? 80, false);
    if (a.output !== undefined) writeAtomic(a.output, text);
    else io.stdout.write(text);
    return EXIT.ok;
  }
  const format = a.format;
  const groups = selected(learner, a);
  if (groups.every((g) => g.calls.size === 0)) {
    say('seccomp-learn: the merged states hold no learned call for the selection: nothing written');
    return EXIT.nothing;
  }
  if (a['out-dir'] !== undefined) {
    const code = writeProgramProfiles(groups, a['out-dir'], format, {}, say, a.quiet, (err) => {
      if (!(err instanceof FormatError)) throw err;
      say(`seccomp-learn: ${err.message}`);
      return EXIT.nothing;
    }, a.inputs);
    if (code !== EXIT.ok) return code;
    return EXIT.ok;
  }
  const names = new Set<string>();
  const abis = new Set<import('../syscalls/index.js').Arch>();
  for (const g of groups) for (const [abi, set] of g.calls) {
    abis.add(abi);
    for (const s of set) names.add(s);
  }
  const program = a.name ?? (groups.length === 1 ? groups[0].name : 'merged');
  const text = renderLearned(format, buildProfile(names, abis, {}), program, a.name, say, a.quiet);
  if (a.output !== undefined) writeAtomic(a.output, text);
  else io.stdout.write(text);
  return EXIT.ok;
}
