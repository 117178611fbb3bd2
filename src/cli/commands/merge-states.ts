// `seccomp-learn merge STATE...`: learn states of many nodes or shards, merged
// (in any order: the same result) into one state, profiles or a report.
import { SeccompLearnError } from '../../core/error.js';
import { addCall, type Calls } from '../../learn/calls.js';
import type { Program } from '../../learn/lives.js';
import { buildProfile } from '../../profile/model.js';
import { findings } from '../../report/findings.js';
import { buildReport, renderReport } from '../../report/report.js';
import { mergeStates, serialiseState, toState, type LearnState } from '../../state/state.js';
import type { Arch } from '../../syscalls/index.js';
import { Binaries, checkRoot } from '../../io/binaries.js';
import { prepareOutDir, prepareOutput, refuseOverwrite, writeAtomic } from '../../io/output.js';
import { addUnexercised, unexercisedOf, withUnexercised } from '../../report/unexercised.js';
import type { Io, Say } from '../../io/read.js';
import { EXIT } from '../exit.js';
import type { MergeArgs } from '../options.js';
import { LearnedRenderer, writeProgramProfiles } from '../program-profiles.js';
import { readStateFile } from '../state-file.js';
import { rootSummary, summary } from '../summary.js';

function load(file: string): { file: string; state: LearnState } {
  return { file, state: readStateFile(file, file, false)! };
}

/** Every call of `programs`, by ABI: what one profile of them allows. */
function unionOf(programs: readonly Program[]): Calls {
  const calls: Calls = new Map();
  for (const g of programs) for (const [abi, names] of g.calls) for (const n of names) addCall(calls, abi, n);
  return calls;
}

/** merge with learn states as its PROFILEs (one or more: cli/commands/merge.ts tells). */
export function mergeStatesCommand(a: MergeArgs, io: Io, say: Say): number {
  const inputs = a.profiles;
  if (a['include-unexercised'] && a.root === undefined) throw new SeccompLearnError('usage', '--include-unexercised goes with --root DIR (the file system the programs ran in, where their binaries are read)');
  if (a.format === 'state' && (a.comm.length > 0 || a.exe.length > 0)) throw new SeccompLearnError('usage', '--format state keeps every process of the states: --comm and --exe select when a profile or report is written from it');
  if (a['include-unexercised'] && (a.report || a.format === 'state')) throw new SeccompLearnError('usage', `--include-unexercised is about profiles; --${a.report ? 'report' : 'format state'} writes none`);
  if (a.root !== undefined) checkRoot(a.root);
  const binaries = a.root === undefined ? undefined : new Binaries(a.root);
  const include = a['include-unexercised'] ? binaries : undefined;
  // before any state is read: the outputs can be written, and a state read is
  // replaced only by the merged state (`--format state -o a.json a.json b.json` folds b into a)
  if (a.format !== 'state') refuseOverwrite([['-o', a.output]], inputs);
  if (a.output !== undefined) prepareOutput(a.output);
  if (a['out-dir'] !== undefined) prepareOutDir(a['out-dir']);
  const states = inputs.map(load);
  let merged;
  try {
    merged = mergeStates(states, { open: a.format === 'state', selection: { comms: a.comm, exes: a.exe } });
  } catch (err) {
    if (err instanceof SeccompLearnError) throw err.withNote('; nothing was written');
    throw err;
  }
  const { learner, overlap } = merged;
  // a merged state keeps the processes still open, and each pid's first (merged again with later parts, they go on)
  const stateText = a.format === 'state' ? serialiseState(toState(learner, states.flatMap((s) => s.state.inputs))) : '';
  if (a.format === 'state') learner.finish();
  // the processes --comm/--exe select (mergeStates took them, whole, as learn does), by program
  const programs = learner.programs();
  const written = unionOf(programs);
  if (!a.quiet) {
    say(`seccomp-learn: merged ${states.length} ${states.length === 1 ? 'state' : 'states'} (${states.map((s) => s.state.node ?? 'no node').join(', ')})`);
    summary(learner, findings(learner), say);
    if (binaries && a.format !== 'state') {
      // one profile: what another program was seen to make is not added again
      rootSummary(unexercisedOf(programs.filter((g) => g.calls.size > 0), (exe) => binaries.of(exe)), binaries.root, include !== undefined, say, a['out-dir'] === undefined ? written : undefined);
    }
    // a last line with no newline that learn --state held (a line being written, or a part cut by bytes): not in the state
    for (const s of states)
      for (const r of s.state.inputs)
        if (!r.compressed && r.size > r.offset)
          say(`seccomp-learn: warning: ${s.file} holds ${r.name} up to line ${r.lines} only: its last ${r.size - r.offset} ${r.size - r.offset === 1 ? 'byte' : 'bytes'} had no newline when it was read (held as a line being written); learn --state ${s.file} ${r.name} again reads them`);
    if (overlap > 0) {
      // the copies of a log cut between journald's two lines of a record: counted once, as one run does
      const still = overlap - learner.twinsTaken;
      const held = `${overlap} ${overlap === 1 ? 'record was' : 'records were'} held by more than one state`;
      if (still <= 0) say(`seccomp-learn: note: ${held} (a log cut between its two copies of a record): each counted once, as one run over the parts counts it`);
      else say(`seccomp-learn: note: ${held} (the same log read for both, or a copy of a record far from its twin): counted once in the records read; ${still} of them count in each state in the records used; the profile is the same`);
    }
  }
  if (a.format === 'state') {
    if (a.output !== undefined) writeAtomic(a.output, stateText);
    else io.stdout.write(stateText);
    return EXIT.ok;
  }
  if (a.report) {
    const r = buildReport(learner, false, undefined, binaries);
    const text = a.json ? JSON.stringify(r, null, 2) + '\n' : renderReport(r, 80, false);
    if (a.output !== undefined) writeAtomic(a.output, text);
    else io.stdout.write(text);
    return EXIT.ok;
  }
  const renderer = new LearnedRenderer(a.format, say, a.quiet);
  if (programs.every((g) => g.calls.size === 0)) {
    say('seccomp-learn: the merged states hold no learned call for the selection: nothing written');
    return EXIT.nothing;
  }
  const build = { defaultAction: a['default-action'] };
  if (a['out-dir'] !== undefined) return writeProgramProfiles(programs, a['out-dir'], renderer, build, say, a.quiet, inputs, include ? (g) => withUnexercised(g.calls, include.of(g.exe)) : undefined);
  const calls = written; // (the summary has been said: the unexercised calls may go in)
  if (include) for (const g of programs) addUnexercised(calls, g.calls, include.of(g.exe));
  const names = new Set<string>();
  const abis = new Set<Arch>(calls.keys());
  for (const set of calls.values()) for (const s of set) names.add(s);
  const program = a.name ?? (programs.length === 1 ? programs[0].name : 'merged');
  const text = renderer.render(buildProfile(names, abis, build), program, a.name);
  if (a.output !== undefined) writeAtomic(a.output, text);
  else io.stdout.write(text);
  return EXIT.ok;
}
