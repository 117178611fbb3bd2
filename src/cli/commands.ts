// The commands: learn, report, parse, resolve. Each takes its parsed options and
// the Io, and returns an exit code; cli/main.ts wires them to yargs.
import { readFileSync } from 'node:fs';
import { lineSuspicion } from '../learn/forgery.js';
import { ARCHES, findArch, listTable, nameOf, numberOf, type Arch } from '../syscalls/index.js';
import { checkProfile, mergeProfile, type Profile } from '../profile/model.js';
import { eventToJSON } from '../report/event-json.js';
import { findings } from '../report/findings.js';
import { Learner, truncateComm } from '../learn/learner.js';
import { Parser, type SeccompEvent } from '../parse/event.js';
import { type LineSink } from '../parse/lines.js';
import { EXIT, stopCode, stopNote } from './exit.js';
import { jobsOf, type SelectArgs } from './options.js';
import { prepareOutDir, prepareOutput, refuseOverwrite, writeAtomic } from '../io/output.js';
import { readAll, type Io, type ReadAllResult, type Say } from '../io/read.js';
import { SeccompLearnError } from '../core/error.js';
import { buildReport, renderReport } from '../report/report.js';
import { nothingLearned, strictCode, summary } from './summary.js';
import { RecordWindow } from '../learn/duplicates.js';
import { InputLog } from '../io/input-log.js';
import { fromState, sameOptions, serialiseState, toState, type LearnState } from '../state/state.js';
import { describe } from '../io/input.js';
import { podSnippet, programOf, renderLearned, writeProgramProfiles } from './commands-profiles.js';
import { readStateFile } from './commands-states.js';
import { type FormatName } from '../profile/formats/index.js';

// ---------------------------------------------------------------- learn

export interface LearnArgs extends SelectArgs {
  output?: string;
  'out-dir'?: string;
  'default-action'?: string;
  'errno-ret'?: number;
  merge?: string;
  'arch-companions': boolean;
  strict: boolean;
  'runtime-base': boolean;
  progress?: boolean;
  quiet: boolean;
  format: FormatName;
  name?: string;
  state?: string;
  node?: string;
  'state-every'?: number;
}

export async function learnCommand(a: LearnArgs, io: Io, say: Say): Promise<number> {
  // the kernel caps SECCOMP_RET_ERRNO's data at MAX_ERRNO (4095)
  const errno = a['errno-ret'];
  if (errno !== undefined && (!Number.isInteger(errno) || errno < 0 || errno > 4095)) throw new SeccompLearnError('usage', `--errno-ret ${Number.isNaN(errno) ? 'takes a number' : `${errno} is not an errno number`} (0 to 4095, the kernel's MAX_ERRNO; 1 is EPERM)`);
  if (!(a['max-line-length'] > 0)) throw new SeccompLearnError('usage', '--max-line-length must be a positive number of bytes');
  for (const o of ['node', 'state-every'] as const) if (a[o] !== undefined && a.state === undefined) throw new SeccompLearnError('usage', `--${o} goes with --state FILE (it is about the saved state)`);
  const jobs = jobsOf(a);
  const quiet = a.quiet;
  if (a['trust-any-source']) say('seccomp-learn: warning: --trust-any-source: learning records from any source, including lines any local user can write to syslog');
  for (const c of a.comm) {
    const cut = truncateComm(c);
    if (cut !== c && !quiet) say(`seccomp-learn: the kernel logs at most 15 bytes of a thread name: --comm '${c}' matches '${cut}'`);
  }
  let base: Profile | undefined;
  if (a.merge !== undefined) {
    try {
      base = checkProfile(JSON.parse(readFileSync(a.merge, 'utf8')), a.merge);
    } catch (err) {
      // said as --merge's: checkProfile's reason without the file, JSON's syntax error, or why the file cannot be read
      if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, `--merge ${a.merge}: ${err.reason}`, undefined, { cause: err });
      if (err instanceof SyntaxError) throw new SeccompLearnError('profile-invalid', `--merge ${a.merge}: ${err.message}`, undefined, { cause: err });
      throw new SeccompLearnError('input-unreadable', `--merge ${a.merge}: ${describe(err as NodeJS.ErrnoException)}`, undefined, { cause: err });
    }
  }
  const build = { defaultAction: a['default-action'], errnoRet: a['errno-ret'], archCompanions: a['arch-companions'] };
  const render = (learner: Learner): string => {
    const learned = learner.profile(build);
    return renderLearned(a.format, base ? mergeProfile(base, learned, { defaultAction: a['default-action'], errnoRet: a['errno-ret'] }) : learned, programOf(a), a.name, say, quiet);
  };
  // a profile the format cannot express: said once (cli/main.ts), -o not written
  let formatError: SeccompLearnError | null = null;
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
    selection: { comms: a.comm, exes: a.exe, pids: a.pid },
    trustAnySource: a['trust-any-source'],
    noRuntimeBase: !a['runtime-base'],
    onLearn: (e: SeccompEvent, name: string, abi: Arch) => {
      dirty = true;
      if (progress) say(`+ ${e.comm ?? e.exe ?? e.pid} ${name} (${abi.name})`);
    },
  };
  // --state: go on from what an earlier run learned, and save what this one adds
  const saved = a.state === undefined ? null : readStateFile(a.state, `--state ${a.state}`, true);
  if (saved) {
    const asked = { selection: options.selection, trustAnySource: options.trustAnySource, noRuntimeBase: options.noRuntimeBase };
    if (!sameOptions(saved.options, asked)) throw new SeccompLearnError('usage', `--state ${a.state} was learned with other options (${describeOptions(saved.options)}): give the same, or start a new state`);
    if (a.node !== undefined && a.node !== saved.node) throw new SeccompLearnError('usage', `--state ${a.state} is node ${JSON.stringify(saved.node)}, not ${JSON.stringify(a.node)}`);
  }
  let learner: Learner;
  try {
    learner = saved ? fromState(saved, { onLearn: options.onLearn }) : new Learner({ ...options, node: a.node, detail: a.state !== undefined });
  } catch (err) {
    if (err instanceof SeccompLearnError) throw new SeccompLearnError(err.code, `--state ${a.state}: ${err.message}; nothing was written`, undefined, { cause: err });
    throw err;
  }
  const log = a.state === undefined ? undefined : new InputLog(saved ? saved.inputs : []);
  const saveState = () => {
    if (a.state !== undefined) writeAtomic(a.state, serialiseState(toState(learner, log!.records)));
  };
  const every = a['state-every'] ?? 60;
  if (!(every > 0)) throw new SeccompLearnError('usage', `--state-every ${every} is not a number of seconds`);
  const timer = a.state !== undefined ? setInterval(saveState, every * 1000) : null;
  timer?.unref();
  let written = '';
  const flush = () => {
    // a followed stream paused: a first kernel line held for want of a second is taken
    learner.settle();
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
      jobs,
      log,
      quiet: quiet || a.progress === false,
      count: () => learner.records,
      say,
      onOpen: (follows) => (progress = !quiet && (a.progress ?? follows)),
    });
  } catch (err) {
    // one line: what was read before an input failed is not a result
    if (err instanceof SeccompLearnError && err.code === 'input-unreadable') throw err.withNote(`${a.output && written === '' ? ` (${a.output} not written)` : ''}${a.state ? ` (${a.state} not written)` : ''}`);
    throw err;
  } finally {
    if (timer) clearInterval(timer);
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
  if (!quiet) summary(learner, found, say);
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
    const code = writeProgramProfiles(learner.programs(), a['out-dir'], a.format, build, say, quiet, [...(a.files.length === 0 ? ['-'] : a.files), ...(a.state === undefined ? [] : [a.state])]);
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

/** A state's selection and options, as the command line would give them. */
export function describeOptions(o: LearnState['options']): string {
  const parts = [...o.selection.comms.map((c) => `--comm '${c}'`), ...o.selection.exes.map((e) => `--exe '${e}'`), ...o.selection.pids.map((p) => `--pid ${p}`)];
  if (o.trustAnySource) parts.push('--trust-any-source');
  if (o.noRuntimeBase) parts.push('--no-runtime-base');
  return parts.length ? parts.join(' ') : 'every process, no other option';
}

// ---------------------------------------------------------------- report

export interface ReportArgs extends SelectArgs {
  json: boolean;
  denied: boolean;
  width?: number;
}

export async function reportCommand(a: ReportArgs, io: Io, say: Say): Promise<number> {
  const jobs = jobsOf(a);
  const learner = new Learner({ selection: { comms: a.comm, exes: a.exe, pids: a.pid }, trustAnySource: a['trust-any-source'], detail: true });
  const read = await readAll(a.files, io, learner, { maxLength: a['max-line-length'], jobs, count: () => learner.records, say });
  learner.finish();
  const report = buildReport(learner, a.denied);
  if (a.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else io.stdout.write(renderReport(report, a.width ?? ((io.stdout as { columns?: number }).columns || 80), a.denied));
  const stopped = stopCode(read);
  if (stopped !== null) {
    if (read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the report covers'));
    return stopped;
  }
  return report.processes.length === 0 && !a.denied ? EXIT.nothing : EXIT.ok;
}

// ---------------------------------------------------------------- parse

export async function parseCommand(a: { files: string[]; 'max-line-length': number; all: boolean }, io: Io, say: Say): Promise<number> {
  const window = new RecordWindow();
  const parser = new Parser();
  let out = '';
  let skipped = 0;
  let printed = 0;
  const sink: LineSink = {
    line(buf, start, end, source, lineNo) {
      const r = parser.parse(buf, start, end, source, lineNo);
      if (r === null) return;
      if (r.kind === 'seccomp') {
        if (!a.all && window.check(r, 0) !== 'new') return;
        const json = eventToJSON(r);
        // what the line gives away on its own (learn judges it so too)
        if (json.trusted && lineSuspicion(r, r.pid, r.tagPid) !== null) json.trusted = false;
        out += JSON.stringify(json) + '\n';
        printed++;
        if (out.length > 1 << 16) flush();
      } else if (r.kind === 'skip') {
        skipped++;
        say(`seccomp-learn: ${source}:${lineNo}: skipped (${r.code}): ${r.message}`);
      }
    },
    overlong(source, lineNo, bytes) {
      skipped++;
      say(`seccomp-learn: ${source}:${lineNo}: skipped a line of ${bytes} bytes (longer than --max-line-length)`);
    },
  };
  const flush = () => {
    if (out) io.stdout.write(out);
    out = '';
  };
  // no progress bar when the records go to the same terminal as they are read
  const read = await readAll(a.files, io, sink, { maxLength: a['max-line-length'], onStreamChunk: flush, quiet: (io.stdout as { isTTY?: boolean }).isTTY === true, count: () => printed, say });
  flush();
  const stopped = stopCode(read);
  if (stopped !== null && read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the records printed are'));
  return stopped ?? EXIT.ok;
}

// ---------------------------------------------------------------- resolve

export function resolveCommand(a: { arch: string; syscalls: string[]; all: boolean }, io: Io, say: Say): number {
  const arch = findArch(a.arch);
  if (!arch) throw new SeccompLearnError('usage', `--arch ${a.arch}: not an architecture; one of ${ARCHES.map((x) => x.name).join(', ')}, an SCMP_ARCH_* name or an audit hex value`);
  if (arch.column === null) {
    say(`seccomp-learn: ${arch.name} (audit ${arch.token}) has no syscall table in libseccomp: no number can be named`);
    return EXIT.nothing;
  }
  if (a.all) {
    io.stdout.write(listTable(arch).map(([n, name]) => `${n}\t${name}\n`).join(''));
    return EXIT.ok;
  }
  if (a.syscalls.length === 0) throw new SeccompLearnError('usage', 'resolve needs syscall numbers or names, or --all');
  let code: number = EXIT.ok;
  for (const s of a.syscalls.map(String)) {
    if (/^-?\d+$/.test(s)) {
      const name = resolveNumber(arch, Number(s));
      if (name === null) {
        say(`seccomp-learn: ${s} is not a syscall number on ${arch.name}${arch.base ? ` (numbers there start at ${arch.base})` : ''}`);
        io.stdout.write('unknown\n');
        code = EXIT.nothing;
      } else io.stdout.write(`${name}\n`);
    } else {
      const n = numberOf(arch, s);
      if (n === undefined) {
        say(`seccomp-learn: ${s} is not a syscall on ${arch.name}`);
        io.stdout.write('unknown\n');
        code = EXIT.nothing;
      } else io.stdout.write(`${n}\n`);
    }
  }
  return code;
}

/** On x86_64 a number with the x32 bit is an x32 call, as in a record. */
function resolveNumber(arch: Arch, nr: number): string | null {
  const x32 = findArch('x32')!;
  if (arch.name === 'x86_64' && nr >= x32.base) return nameOf(x32, nr);
  return nameOf(arch, nr);
}
