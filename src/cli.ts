// The command line: yargs wiring, input and output. The work is in the library.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import yargs from 'yargs';
import {
  ARCHES,
  buildProfile,
  checkProfile,
  DEFAULT_ACTIONS,
  DEFAULT_MAX_LINE,
  eventToJSON,
  findArch,
  isEvent,
  Learner,
  listTable,
  MARKERS,
  mergeProfile,
  nameOf,
  numberOf,
  openInput,
  closeInput,
  parseLine,
  readLines,
  RecordWindow,
  serialiseProfile,
  sourceName,
  SourceError,
  TABLE_KERNEL_VERSION,
  truncateComm,
  type Arch,
  type Input,
  type LineSink,
  type Profile,
} from './index.js';

import { buildReport, renderReport } from './report.js';

export const VERSION = '0.1.0';

/** Exit codes: documented in the README. */
export const EXIT = { ok: 0, nothing: 1, usage: 2, loss: 3 } as const;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGINT/SIGTERM: the run ends as if the input had ended. */
  signal?: AbortSignal;
}

class UsageError extends Error {}

/** A repeatable option's values as a list. */
function list<T>(each: (v: string) => T): (v: unknown) => T[] {
  return (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => each(String(x)));
}

function toPid(v: string): number {
  if (!/^\d+$/.test(v)) throw new UsageError(`--pid ${v} is not a process id`);
  return Number(v);
}

/** Run the command line; resolves to the exit code (and sets process.exitCode when run as the CLI). */
export async function main(argv: string[], io?: Io): Promise<number> {
  const own = !io;
  let controller: AbortController | undefined;
  if (!io) {
    controller = new AbortController();
    const stop = () => controller!.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signal: controller.signal };
  }
  const code = await run(argv, io);
  if (own) process.exitCode = code;
  return code;
}

async function run(argv: string[], io: Io): Promise<number> {
  const say = (s: string) => io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  let result = EXIT.ok as number;
  const inputOptions = {
    'max-line-length': { type: 'number', default: DEFAULT_MAX_LINE, describe: 'longest line read, in bytes; longer lines are counted and skipped' },
  } as const;
  const selectOptions = {
    // not `array: true`, which would swallow the FILEs after it: repeat the option instead
    comm: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by thread name (comm=); repeatable' },
    exe: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by executable path (exe=); repeatable' },
    pid: { type: 'string', default: [] as number[], coerce: list(toPid), describe: 'select processes by pid; repeatable' },
    'trust-any-source': { type: 'boolean', default: false, describe: 'also learn records that the kernel did not write (forgeable syslog lines)' },
  } as const;

  const parser = yargs(argv)
    .scriptName('seccomp-learn')
    .version(VERSION)
    .strict()
    .exitProcess(false)
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .command(
      ['learn [files..]', '$0 [files..]'],
      'learn a minimal seccomp profile from audit records (FILEs, - or no FILE: stdin; .gz read transparently)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, default: [] as string[] })
          .options(selectOptions)
          .options(inputOptions)
          .options({
            output: { alias: 'o', type: 'string', describe: 'write the profile here (atomically; rewritten as syscalls are learned)' },
            'out-dir': { type: 'string', describe: 'write one profile per program into this directory' },
            'default-action': { type: 'string', choices: DEFAULT_ACTIONS as unknown as string[], describe: 'the profile\'s defaultAction [default: SCMP_ACT_ERRNO]' },
            'errno-ret': { type: 'number', describe: 'add defaultErrnoRet' },
            merge: { type: 'string', describe: 'start from this profile and add what is learned' },
            'arch-companions': { type: 'boolean', default: false, describe: 'add the usual companion ABIs (x86_64: X86, X32; aarch64: ARM; ...)' },
            'runtime-base': { type: 'boolean', default: true, describe: 'add what an OCI runtime\'s init can do after loading the filter, when its records are seen (--no-runtime-base: leave it out)' },
            strict: { type: 'boolean', default: false, describe: 'exit 3 when records may be missing (rate limit, backlog, serial gaps)' },
            progress: { type: 'boolean', describe: 'say each newly learned syscall on stderr [default: when reading stdin]' },
            quiet: { alias: 'q', type: 'boolean', default: false, describe: 'no progress and no summary on stderr' },
          })
          .conflicts('output', 'out-dir')
          .conflicts('merge', 'out-dir'),
      async (a) => {
        result = await learnCommand(a, io, say);
      },
    )
    .command(
      'report [files..]',
      'for people: per process, each syscall with its count and action, denied first; lost and forged records',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, default: [] as string[] })
          .options(selectOptions)
          .options(inputOptions)
          .options({
            json: { type: 'boolean', default: false, describe: 'one JSON document (field names in the README)' },
            denied: { type: 'boolean', default: false, describe: 'only the syscalls a profile in force denied: why does my pod crash?' },
            width: { type: 'number', describe: 'terminal width [default: the terminal\'s, or 80]' },
          }),
      async (a) => {
        result = await reportCommand(a, io);
      },
    )
    .command(
      'parse [files..]',
      'print each seccomp record as one JSON object per line (NDJSON)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, default: [] as string[] })
          .options(inputOptions)
          .options({ all: { type: 'boolean', default: false, describe: 'keep records read twice (same audit(TIME:SERIAL))' } }),
      async (a) => {
        result = await parseCommand(a, io, say);
      },
    )
    .command(
      'resolve [syscalls..]',
      'syscall numbers to names and names to numbers, as the kernel sees them on an architecture',
      (y) =>
        y
          .positional('syscalls', { type: 'string', array: true, default: [] as string[] })
          .options({
            arch: { type: 'string', demandOption: true, describe: 'x86_64, x32, i386, aarch64, SCMP_ARCH_*, or the audit hex (c000003e)' },
            all: { type: 'boolean', default: false, describe: 'print the whole table: NUMBER<TAB>NAME' },
          }),
      (a) => {
        result = resolveCommand(a, io, say);
      },
    )
    .command('arches', 'list the architectures: audit token, name, libseccomp name, table', {}, () => {
      for (const a of ARCHES) io.stdout.write(`${a.name === 'x32' ? 'c000003e+x32' : a.token}\t${a.name}\t${a.scmp ?? '-'}\t${a.column ?? '-'}\n`);
    })
    .epilogue(`Syscall tables follow Linux ${TABLE_KERNEL_VERSION}. Exit codes: 0 done, 1 nothing learned or unreadable input, 2 usage, 3 records may be missing (--strict).`)
    .fail((msg, err) => {
      throw err instanceof Error && !(err instanceof UsageError) && msg === undefined ? err : new UsageError(msg ?? err?.message ?? 'usage error');
    });

  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      say(`seccomp-learn: ${err.message}\nTry seccomp-learn --help.`);
      return EXIT.usage;
    }
    if (err instanceof SourceError) {
      say(`seccomp-learn: ${err.message}`);
      return EXIT.nothing;
    }
    throw err;
  }
  return result;
}

type Say = (s: string) => void;

// ---------------------------------------------------------------- inputs

/** Open every input first, so an unreadable file stops the run before anything is written. */
async function openAll(files: string[], io: Io): Promise<Array<{ name: string; input: Input }>> {
  const list = files.length === 0 ? ['-'] : files;
  if (list.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  const opened: Array<{ name: string; input: Input }> = [];
  try {
    for (const f of list) opened.push({ name: sourceName(f), input: await openInput(f, io.stdin) });
  } catch (err) {
    for (const o of opened) closeInput(o.input, io.stdin);
    throw err;
  }
  return opened;
}

/**
 * Read every input in order. `onStreamChunk` runs after each chunk of standard
 * input (a stream that may never end), not of files: a batch run writes once.
 */
async function readAll(files: string[], io: Io, sink: LineSink, maxLength: number, onStreamChunk?: () => void): Promise<void> {
  const inputs = await openAll(files, io);
  try {
    for (const { name, input } of inputs) {
      if (io.signal?.aborted) break;
      const onChunk = input.kind === 'stream' && input.stream === io.stdin ? onStreamChunk : undefined;
      await readLines(input, name, sink, { maxLength, onChunk, signal: io.signal, markers: MARKERS });
    }
  } finally {
    for (const { input } of inputs) closeInput(input, io.stdin);
  }
}

// ---------------------------------------------------------------- output

/**
 * Write a file atomically: a temporary file in the same directory, then rename.
 * A target that exists and is not a regular file (/dev/stdout, a FIFO) is written
 * in place: renaming over it would replace the device.
 */
export function writeAtomic(path: string, text: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    st = undefined;
  }
  if (st && !st.isFile()) {
    writeFileSync(path, text);
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100);
  return cleaned || 'process';
}

// ---------------------------------------------------------------- learn

interface LearnArgs {
  files: string[];
  comm: string[];
  exe: string[];
  pid: number[];
  'trust-any-source': boolean;
  'max-line-length': number;
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
}

async function learnCommand(a: LearnArgs, io: Io, say: Say): Promise<number> {
  if (a['errno-ret'] !== undefined && (!Number.isInteger(a['errno-ret']) || a['errno-ret'] < 0)) throw new UsageError(`--errno-ret ${a['errno-ret']} is not an errno number`);
  if (!(a['max-line-length'] > 0)) throw new UsageError('--max-line-length must be a positive number of bytes');
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
      const e = err as NodeJS.ErrnoException;
      say(`seccomp-learn: --merge ${a.merge}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      return EXIT.nothing;
    }
  }
  const build = { defaultAction: a['default-action'], errnoRet: a['errno-ret'], archCompanions: a['arch-companions'] };
  const render = (learner: Learner): string => {
    const learned = learner.profile(build);
    return serialiseProfile(base ? mergeProfile(base, learned, { defaultAction: a['default-action'], errnoRet: a['errno-ret'] }) : learned);
  };

  const readsStdin = a.files.length === 0 || a.files.includes('-');
  const progress = !quiet && (a.progress ?? readsStdin);
  let dirty = false;
  const learner = new Learner({
    selection: { comms: a.comm, exes: a.exe, pids: a.pid },
    trustAnySource: a['trust-any-source'],
    noRuntimeBase: !a['runtime-base'],
    onLearn: (e, name, abi) => {
      dirty = true;
      if (progress) say(`+ ${e.comm ?? e.exe ?? e.pid} ${name} (${abi.name})`);
    },
  });
  let written = '';
  const flush = () => {
    if (!dirty || a.output === undefined) return;
    dirty = false;
    const text = render(learner);
    if (text !== written) writeAtomic(a.output, (written = text));
  };

  try {
    await readAll(a.files, io, learner, a['max-line-length'], flush);
  } catch (err) {
    if (err instanceof SourceError) {
      say(`seccomp-learn: ${err.message}${a.output ? ` (${a.output} not written)` : ''}`);
      if (!quiet) summary(learner, say);
      return EXIT.nothing;
    }
    throw err;
  }
  learner.finish();
  if (!quiet) summary(learner, say);
  if (io.signal?.aborted && !quiet) say('seccomp-learn: stopped by a signal: the profile holds what was read until then');

  if (learner.union.size === 0) {
    say(nothingLearned(learner));
    return EXIT.nothing;
  }
  if (a['out-dir'] !== undefined) {
    mkdirSync(a['out-dir'], { recursive: true });
    const used = new Set<string>();
    for (const g of learner.programs().sort((x, y) => (x.exe ?? x.name).localeCompare(y.exe ?? y.name))) {
      if (g.calls.size === 0) continue;
      let name = safeFileName(g.name);
      for (let n = 2; used.has(name); n++) name = `${safeFileName(g.name)}-${n}`;
      used.add(name);
      const names = new Set<string>();
      for (const set of g.calls.values()) for (const s of set) names.add(s);
      const file = join(a['out-dir'], `${name}.json`);
      writeAtomic(file, serialiseProfile(buildProfile(names, g.calls.keys(), build)));
      if (!quiet) say(`seccomp-learn: wrote ${file} (${g.exe ?? g.name}: ${names.size} syscalls)`);
    }
    return strictCode(a.strict, learner, say);
  }
  const text = render(learner);
  if (a.output !== undefined) {
    if (text !== written) writeAtomic(a.output, text);
  } else {
    io.stdout.write(text);
  }
  return strictCode(a.strict, learner, say);
}

/** With --strict, a profile learned from a log that may have lost records is not a success. */
function strictCode(strict: boolean, l: Learner, say: Say): number {
  if (!strict || !l.possibleLoss) return EXIT.ok;
  say('seccomp-learn: --strict: records may be missing (see the warnings above): exit 3');
  return EXIT.loss;
}

function nothingLearned(l: Learner): string {
  const sel = l.selection;
  const wanted = [...sel.comms.map((c) => `--comm '${c}'`), ...sel.exes.map((e) => `--exe '${e}'`), ...sel.pids.map((p) => `--pid ${p}`)].join(' ');
  if (l.records === 0) return 'seccomp-learn: no seccomp records (type=1326) in the input: nothing to learn';
  const seen = [...l.seen].sort((x, y) => y[1] - x[1]).slice(0, 20).map(([k, n]) => `  ${k} (${n})`).join('\n');
  return `seccomp-learn: no record matched ${wanted || 'the selection'}; processes seen (comm or exe, records):\n${seen || '  none that the kernel wrote'}`;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

function iso(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString();
}

function where(e: { file: string; line: number }): string {
  return `${e.file}:${e.line}`;
}

function summary(l: Learner, say: Say): void {
  const names = l.names();
  const abis = [...l.union.keys()].map((x) => x.name).join(', ');
  say(`seccomp-learn: ${plural(l.lines, 'line')} read, ${plural(l.records, 'seccomp record')}${l.duplicates ? ` (and ${plural(l.duplicates, 'duplicate')} read twice)` : ''}, ${l.used} used; learned ${plural(names.length, 'syscall')}${abis ? ` (${abis})` : ''}`);
  for (const [base, abis] of l.runtimes) {
    say(`seccomp-learn: ${base.runtime}'s init (${base.comm}) was seen: added what it can make after loading the filter on ${[...abis].map((a) => a.name).join(', ')} (${base.names.join(' ')}); --no-runtime-base leaves them out`);
  }
  for (const [code, c] of l.skipped) {
    say(`seccomp-learn: skipped ${plural(c.count, 'line')}: ${code}; ${c.examples.map((e) => `${where(e)}: ${e.message}`).join('; ')}`);
  }
  if (l.untrusted.count > 0) {
    const ex = l.untrusted.examples[0];
    say(`seccomp-learn: ${plural(l.untrusted.count, 'record')} not written by the kernel ${l.untrusted.count === 1 ? 'was' : 'were'} not learned (first: ${where(ex)}, ${ex.message}); --trust-any-source learns them`);
  }
  for (const [why, c] of l.suspicious) {
    const ex = c.examples[0];
    say(`seccomp-learn: ${plural(c.count, 'line')} tagged kernel but likely forged ${c.count === 1 ? 'was' : 'were'} not learned (${why}; first: ${where(ex)}: ${ex.message}); --trust-any-source learns them`);
  }
  if (l.conflicts.count > 0) {
    say(`seccomp-learn: ${plural(l.conflicts.count, 'record')} had the audit(TIME:SERIAL) of an earlier record but other content, and ${l.conflicts.count === 1 ? 'was' : 'were'} not learned (first: ${where(l.conflicts.examples[0])}): a forged line?`);
  }
  const advice = 'Record again with the rate limit off (sysctl -w kernel.printk_ratelimit=0, then put back the old value) or with auditd, and merge (--merge).';
  for (const [reason, x] of l.loss) {
    const what =
      reason === 'printk-suppressed'
        ? `the kernel's printk rate limit dropped about ${x.count} log lines`
        : reason === 'journald-suppressed'
          ? `journald's rate limit dropped ${x.count} messages`
          : `the audit subsystem reported lost records (${reason}${x.count ? `, ${x.count}` : ''})`;
    say(`seccomp-learn: warning: ${what} (${plural(x.notices, 'notice')}, first at ${where(x.first)}): the profile may be incomplete. ${advice}`);
  }
  for (const [file, g] of l.gaps) {
    const span = g.from !== null && g.to !== null ? `, between ${iso(g.from)} and ${iso(g.to)}` : '';
    say(`seccomp-learn: warning: up to ${plural(g.missing, 'audit record')} may be missing from ${file} (${plural(g.gaps, 'gap')} in the serial numbers${span}; first at ${where(g.first)}, ${g.first.message}): the profile may be incomplete. ${advice}`);
  }
  if (l.unnamed.size > 0) {
    say(`seccomp-learn: warning: ${plural(l.unnamed.size, 'syscall number')} with no name in the Linux ${TABLE_KERNEL_VERSION} table, not in the profile: ${[...l.unnamed.keys()].slice(0, 10).join(', ')}`);
  }
  if (l.noArch > 0) say(`seccomp-learn: warning: ${plural(l.noArch, 'record')} without arch= (kernel before 3.16): their syscalls cannot be named and are not in the profile`);
  if (l.denied.size > 0) {
    const list = [...l.denied].slice(0, 10).map(([k, d]) => `${k} (${d.action})`).join(', ');
    say(`seccomp-learn: note: ${plural(l.denied.size, 'call')} denied by a profile already in force (learned anyway): ${list}`);
  }
}

// ---------------------------------------------------------------- report

interface ReportArgs {
  files: string[];
  comm: string[];
  exe: string[];
  pid: number[];
  'trust-any-source': boolean;
  'max-line-length': number;
  json: boolean;
  denied: boolean;
  width?: number;
}

async function reportCommand(a: ReportArgs, io: Io): Promise<number> {
  const learner = new Learner({ selection: { comms: a.comm, exes: a.exe, pids: a.pid }, trustAnySource: a['trust-any-source'], detail: true });
  await readAll(a.files, io, learner, a['max-line-length']);
  learner.finish();
  const report = buildReport(learner, a.denied);
  if (a.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else io.stdout.write(renderReport(report, a.width ?? (io.stdout as { columns?: number }).columns ?? 80, a.denied));
  return report.processes.length === 0 && !a.denied ? EXIT.nothing : EXIT.ok;
}

// ---------------------------------------------------------------- parse

async function parseCommand(a: { files: string[]; 'max-line-length': number; all: boolean }, io: Io, say: Say): Promise<number> {
  const window = new RecordWindow();
  let out = '';
  let skipped = 0;
  const sink: LineSink = {
    line(text, source, lineNo) {
      const r = parseLine(text, source, lineNo);
      if (r === null) return;
      if (isEvent(r)) {
        if (!a.all && window.check(r) !== 'new') return;
        out += JSON.stringify(eventToJSON(r)) + '\n';
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
  await readAll(a.files, io, sink, a['max-line-length'], flush);
  flush();
  return EXIT.ok;
}

// ---------------------------------------------------------------- resolve

function resolveCommand(a: { arch: string; syscalls: string[]; all: boolean }, io: Io, say: Say): number {
  const arch = findArch(a.arch);
  if (!arch) throw new UsageError(`--arch ${a.arch}: not an architecture; one of ${ARCHES.map((x) => x.name).join(', ')}, an SCMP_ARCH_* name or an audit hex value`);
  if (arch.column === null) {
    say(`seccomp-learn: ${arch.name} (audit ${arch.token}) has no syscall table in libseccomp: no number can be named`);
    return EXIT.nothing;
  }
  if (a.all) {
    io.stdout.write(listTable(arch).map(([n, name]) => `${n}\t${name}\n`).join(''));
    return EXIT.ok;
  }
  if (a.syscalls.length === 0) throw new UsageError('resolve needs syscall numbers or names, or --all');
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
