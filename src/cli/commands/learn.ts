// `seccomp-learn [learn] [FILE...]`: a minimal profile from the records read;
// -o rewritten as syscalls are learned, --out-dir one per program, --state to go on later.
import { readFileSync } from 'node:fs';
import { SeccompLearnError } from '../../core/error.js';
import { findings } from '../../report/findings.js';
import { fullSelection, Learner, truncateComm } from '../../learn/learner.js';
import { buildProfile, checkProfile, mergeProfile, type BuildOptions, type Profile } from '../../profile/model.js';
import { isLog } from '../../profile/formats/index.js';
import type { SeccompEvent } from '../../parse/event.js';
import type { Arch } from '../../syscalls/index.js';
import { fromState, sameOptions, serialiseState, toState } from '../../state/state.js';
import { describe } from '../../io/input.js';
import { InputLog } from '../../io/input-log.js';
import { prepareOutDir, prepareOutput, refuseOverwrite, writeAtomic } from '../../io/output.js';
import { readAll, type Io, type ReadAllResult, type Say } from '../../io/read.js';
import { Binaries, checkRoot } from '../../io/binaries.js';
import { addUnexercised, unexercisedOf, withUnexercised } from '../../report/unexercised.js';
import type { Calls } from '../../learn/calls.js';
import { EXIT, stopCode, stopNote } from '../exit.js';
import type { LearnArgs } from '../options.js';
import { podSnippet } from '../pod.js';
import { LearnedRenderer, programOf, writeProgramProfiles } from '../program-profiles.js';
import { selectionOf } from '../select.js';
import { describeOptions, isStateText, readStateFile, refuseStatesAsLogs } from '../state-file.js';
import { noRootNote, nothingLearned, rootSummary, strictCode, summary } from '../summary.js';
import { QuietNotes } from '../quiet-notes.js';

export async function learnCommand(a: LearnArgs, io: Io, say: Say): Promise<number> {
  for (const o of ['node', 'state-every'] as const) if (a[o] !== undefined && a.state === undefined) throw new SeccompLearnError('usage', `--${o} goes with --state FILE (it is about the saved state)`);
  refuseStatesAsLogs(a.files, 'learn');
  const quiet = a.quiet;
  if (a['trust-any-source']) say('seccomp-learn: warning: --trust-any-source: learning records from any source, including lines any local user can write to syslog');
  for (const c of a.comm) {
    const cut = truncateComm(c);
    if (cut !== c && !quiet) say(`seccomp-learn: the kernel logs at most 15 bytes of a thread name: --comm '${c}' matches '${cut}'`);
  }
  if (a['include-unexercised'] && a.root === undefined) throw new SeccompLearnError('usage', '--include-unexercised goes with --root DIR (the file system the programs ran in, where their binaries are read)');
  if (a.root !== undefined) checkRoot(a.root);
  const binaries = a.root === undefined ? undefined : new Binaries(a.root);
  const include = a['include-unexercised'] ? binaries : undefined;
  const base = a.merge === undefined ? undefined : readMergeBase(a.merge);
  const build = { defaultAction: a['default-action'], errnoRet: a['errno-ret'], archCompanions: a['arch-companions'], logDenials: a['log-denials'] };
  const renderer = new LearnedRenderer(a.format, say, quiet);
  const render = (learner: Learner): string => {
    const learned = include ? profileOf(withBinaries(learner, include), build) : learner.profile(build);
    return renderer.render(base ? mergeProfile(base, learned, { defaultAction: a['default-action'], errnoRet: a['errno-ret'] }) : learned, programOf(a), a.name);
  };
  // a profile the format cannot express: said once (cli/main.ts), -o not written
  // set inside the per-program callback below (the cast keeps TypeScript from narrowing it to null here)
  let formatError = null as SeccompLearnError | null;
  const cannotExpress = (err: unknown): SeccompLearnError => {
    if (err instanceof SeccompLearnError && err.code === 'format-cannot-express') return err.withNote(a.output ? ` (${a.output} not written)` : '');
    throw err;
  };

  // before any input is read: the outputs can be written, and none is an input
  // (--merge's profile may be -o: it is read whole first, and a run that adds to it in place is common)
  refuseOverwrite([['-o', a.output], ['--state', a.state]], a.files);
  if (a.output !== undefined) prepareOutput(a.output);
  if (a['out-dir'] !== undefined) prepareOutDir(a['out-dir']);
  if (a.state !== undefined) prepareOutput(a.state, '--state');

  // said when following a stream (stdin, a FIFO) unless told otherwise: set once the inputs are open
  let progress = false;
  let dirty = false;
  const options = {
    ...selectionOf(a),
    noRuntimeBase: !a['runtime-base'],
    onLearn: (e: SeccompEvent, name: string, abi: Arch) => {
      dirty = true;
      if (progress) say(`+ ${e.comm ?? e.exe ?? e.pid} ${name} (${abi.name})`);
    },
  };
  // --state: go on from what an earlier run learned, and save what this one adds
  const saved = a.state === undefined ? null : readStateFile(a.state, `--state ${a.state}`, true);
  if (saved) {
    const asked = { selection: fullSelection(options.selection), trustAnySource: options.trustAnySource, noRuntimeBase: options.noRuntimeBase };
    if (!sameOptions(saved.options, asked)) throw new SeccompLearnError('usage', `--state ${a.state} was learned with other options (${describeOptions(saved.options)}): give the same, or start a new state`);
    if (a.node !== undefined && a.node !== saved.node) throw new SeccompLearnError('usage', `--state ${a.state} is node ${JSON.stringify(saved.node)}, not ${JSON.stringify(a.node)}`);
  }
  let learner: Learner;
  try {
    learner = saved ? fromState(saved, { onLearn: options.onLearn }) : new Learner({ ...options, node: a.node, detail: a.state !== undefined, heads: a.state !== undefined });
  } catch (err) {
    if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, `--state ${a.state}: ${err.message}; nothing was written`, undefined, { cause: err });
    throw err;
  }
  const log = a.state === undefined ? undefined : new InputLog(saved ? saved.inputs : []);
  const saveState = () => {
    if (a.state !== undefined) writeAtomic(a.state, serialiseState(toState(learner, log!.records)));
  };
  const timer = a.state !== undefined ? setInterval(saveState, (a['state-every'] ?? 60) * 1000) : null;
  timer?.unref();
  // following a stream with progress on: say when a program has had no new call for a while,
  // looked at after a chunk (at most once a second) and every 5 s while nothing comes
  let following = false;
  const notes = new QuietNotes();
  let notedAt = 0;
  const quietNotes = (force: boolean) => {
    if (!progress || !following) return;
    const now = Date.now();
    if (!force && now - notedAt < 1000) return;
    notedAt = now;
    for (const line of notes.check(learner.lives.newest(), now)) say(line);
  };
  const noteTimer = setInterval(() => quietNotes(true), 5000);
  noteTimer.unref();
  let written = '';
  const flush = () => {
    // a followed stream paused: a first kernel line held for want of a second is taken
    learner.settle();
    quietNotes(false);
    if (!dirty || a.output === undefined) return;
    dirty = false;
    let text: string;
    try {
      text = render(learner);
    } catch (err) {
      formatError = cannotExpress(err);
      return;
    }
    if (text !== written) writeAtomic(a.output, (written = text));
  };

  let read: ReadAllResult;
  try {
    read = await readAll(a.files, io, learner, {
      maxLength: a['max-line-length'],
      onStreamChunk: flush,
      jobs: a.jobs,
      log,
      quiet: quiet || a.progress === false,
      count: () => learner.records,
      say,
      onOpen: (follows) => {
        following = follows;
        progress = !quiet && (a.progress ?? follows);
      },
    });
  } catch (err) {
    // one line: what was read before an input failed is not a result
    if (err instanceof SeccompLearnError && err.code === 'input-unreadable') throw err.withNote(`${a.output && written === '' ? ` (${a.output} not written)` : ''}${a.state ? ` (${a.state} not written)` : ''}`);
    throw err;
  } finally {
    if (timer) clearInterval(timer);
    clearInterval(noteTimer);
  }
  // the state before finish(): open processes, a reboot still unconfirmed, go on in the next run
  saveState();
  learner.finish();
  const found = findings(learner);
  if (!quiet && saved) {
    // the summary below counts everything the state holds
    const lines = learner.lines - saved.totals.lines;
    const records = learner.records - saved.totals.records;
    say(`seccomp-learn: this run read ${lines} new ${lines === 1 ? 'line' : 'lines'} (${records} new seccomp ${records === 1 ? 'record' : 'records'}); with the state ${a.state}:`);
  }
  if (!quiet) {
    summary(learner, found, say);
    for (const h of read.held) say(`seccomp-learn: ${h.source}:${h.line} has no newline yet (${h.bytes} ${h.bytes === 1 ? 'byte' : 'bytes'}): held, not read, as a log's line being written; the next learn --state ${a.state} reads it when it has ended, or as it stands if the file has not changed by then`);
    if (learner.union.size > 0) {
      if (binaries) rootSummary(unexercisedOf(learner.programs(), (exe) => binaries.of(exe)), binaries.root, include !== undefined, say, a['out-dir'] === undefined ? learner.union : undefined);
      else noRootNote(say);
    }
  }
  // cut short: a run over files (130, 143), or stdout's reader gone (141)
  const stopped = stopCode(read);
  const done = (code: number, where: string): number => {
    if (stopped !== null) {
      if (read.stoppedBy !== 'EPIPE') say(stopNote(read, where));
      return stopped;
    }
    if (read.stoppedBy !== null && !quiet) say(`seccomp-learn: stopped by ${read.stoppedBy}: ${where} what was read until then`);
    return code;
  };
  if (a.state !== undefined && a.output === undefined && a['out-dir'] === undefined) {
    // the state is what this run was for
    if (!quiet) say(`seccomp-learn: saved ${a.state}`);
    return done(strictCode(a.strict, found, say, quiet), `the state in ${a.state} holds`);
  }

  if (learner.union.size === 0) {
    say(nothingLearned(learner));
    return stopped ?? EXIT.nothing;
  }
  if (a['out-dir'] !== undefined) {
    const keep = [...(a.files.length === 0 ? ['-'] : a.files), ...(a.state === undefined ? [] : [a.state])];
    const code = writeProgramProfiles(learner.programs(), a['out-dir'], renderer, build, say, quiet, keep, include ? (g) => withUnexercised(g.calls, include.of(g.exe)) : undefined);
    if (code !== EXIT.ok) return code;
    return done(strictCode(a.strict, found, say, quiet), `the profiles in ${a['out-dir']} hold`);
  }
  if (formatError) throw formatError;
  let text: string;
  try {
    text = render(learner);
  } catch (err) {
    throw cannotExpress(err);
  }
  if (a.output !== undefined) {
    if (text !== written) writeAtomic(a.output, text);
    const pod = quiet ? null : podSnippet(a.output, a.format);
    if (pod) say(pod);
  } else {
    io.stdout.write(text);
  }
  return done(strictCode(a.strict, found, say, quiet), a.output !== undefined ? `the profile in ${a.output} holds` : 'the profile printed holds');
}

/** What was learned, and what each selected program's binary can make that it lacks (--include-unexercised), by ABI. */
function withBinaries(learner: Learner, binaries: Binaries): Calls {
  const calls: Calls = new Map([...learner.union].map(([abi, names]) => [abi, new Set(names)]));
  // the processes still open too: while following, the profile written is whole at any time
  for (const x of learner.executables()) addUnexercised(calls, x.calls, binaries.of(x.exe));
  return calls;
}

function profileOf(calls: Calls, build: BuildOptions): Profile {
  const names = new Set<string>();
  for (const set of calls.values()) for (const n of set) names.add(n);
  return buildProfile(names, calls.keys(), build);
}

/** --merge's profile (OCI), read whole before anything else: a failure is said as --merge's. */
function readMergeBase(file: string): Profile {
  try {
    const text = readFileSync(file, 'utf8');
    if (isStateText(text)) throw new SeccompLearnError('profile-is-state', `a seccomp-learn state, not a profile: \`merge ${file}\` writes its profile`);
    if (isLog(text)) throw new SeccompLearnError('profile-invalid', 'a log of audit records, not a profile: logs are learned (give it as a FILE)');
    return checkProfile(JSON.parse(text), file);
  } catch (err) {
    // checkProfile's reason without the file, JSON's syntax error, or why the file cannot be read
    if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, `--merge ${file}: ${err.reason}`, undefined, { cause: err });
    if (err instanceof SyntaxError) throw new SeccompLearnError('profile-invalid', `--merge ${file}: ${err.message}`, undefined, { cause: err });
    throw new SeccompLearnError('input-unreadable', `--merge ${file}: ${describe(err as NodeJS.ErrnoException)}`, undefined, { cause: err });
  }
}
