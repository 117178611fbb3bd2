// The command line: yargs wiring only. The option tables are in cli/options.ts,
// each command in cli/commands/, the work in the library; an error for people
// becomes its line and exit status here, in one catch (cli/exit.ts's table).
import yargs from 'yargs';
import { SeccompLearnError } from '../core/error.js';
import { TABLE_KERNEL_VERSION } from '../syscalls/index.js';
import type { Io, Say, StopReason } from '../io/read.js';
import { Progress } from '../io/progress.js';
import { archesCommand } from './commands/arches.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { learnCommand } from './commands/learn.js';
import { mergeCommand } from './commands/merge.js';
import { parseCommand } from './commands/parse.js';
import { reportCommand } from './commands/report.js';
import { resolveCommand } from './commands/resolve.js';
import { ERROR_EXITS, EXIT, exitStatus } from './exit.js';
import { examples } from './help.js';
import { CHECK, DIFF, LEARN, MERGE, PARSE, REPORT, RESOLVE } from './options.js';
import { checkCommandWord, commandNames, unknownOptions } from './suggest.js';

export { EXIT } from './exit.js';
export { type Io } from '../io/read.js';

export const VERSION = '0.1.0';

/** What an error for people says on stderr (one line, and the --help hint for a usage error), and the run's exit status in `command`. */
function failure(err: SeccompLearnError, command: string | undefined): { text: string; status: number } {
  return { text: `seccomp-learn: ${err.message}${ERROR_EXITS[err.code].help ? '\nTry seccomp-learn --help.' : ''}`, status: exitStatus(err.code, command) };
}

/** An error no input or option should cause: one line, exit 70; the stack with SECCOMP_LEARN_DEBUG=1. */
function internalError(err: unknown, io: Io): number {
  const debug = process.env.SECCOMP_LEARN_DEBUG === '1';
  const message = err instanceof Error ? err.message : String(err);
  io.progress?.end();
  io.stderr.write(`seccomp-learn: internal error: ${message.split('\n')[0]} (please report)\n`);
  if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  return EXIT.internal;
}

/** What main() knows of the run: the command yargs chose (an error's exit status depends on it). */
interface Running {
  command: string | undefined;
}

/** Run the command line; resolves to the exit code (and sets process.exitCode when run as the CLI). */
export async function main(argv: string[], io?: Io): Promise<number> {
  const own = !io;
  const running: Running = { command: undefined };
  let brokenPipe = false;
  if (!io) {
    const controller = new AbortController();
    const stop = (why: StopReason) => () => controller.abort(why);
    // a second signal ends the process at once: the listener is gone
    process.once('SIGINT', stop('SIGINT'));
    process.once('SIGTERM', stop('SIGTERM'));
    const ownIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, signal: controller.signal, progress: Progress.forTerminal(process.stderr, process.env) };
    io = ownIo;
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') {
        // the reader went away (`| head -1`): stop reading, say nothing, exit as cat would
        brokenPipe = true;
        process.exitCode = EXIT.pipe;
        controller.abort('EPIPE');
        return;
      }
      ownIo.stderr.write(`seccomp-learn: cannot write standard output: ${err.message.replace(/^[A-Z]+: /, '')}\n`);
      process.exit(EXIT.nothing);
    });
    // with stderr gone there is nowhere to say anything: go on
    process.stderr.on('error', () => {});
    // a failure outside a command's own path (the --state timer's write): one line all the same
    const crash = (err: unknown) => {
      if (!(err instanceof SeccompLearnError)) process.exit(internalError(err, ownIo));
      const { text, status } = failure(err, running.command);
      ownIo.progress?.end();
      ownIo.stderr.write(`${text}\n`);
      process.exit(status);
    };
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }
  let code: number;
  try {
    code = await run(argv, io, running);
  } catch (err) {
    code = internalError(err, io);
  }
  if (brokenPipe) code = EXIT.pipe;
  if (own) {
    process.exitCode = code;
    // nothing more is read: a stdin stopped from inside its own 'data' event (a
    // failed write while following) would otherwise be read on, and keep the process
    process.stdin.destroy();
  }
  return code;
}

async function run(argv: string[], io: Io, running: Running): Promise<number> {
  const say: Say = (s) => {
    io.progress?.clear();
    io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  };
  let result: number = EXIT.ok;
  /** A command's handler: it names the command running, and keeps its exit status. */
  const handle =
    <A>(command: string, body: (a: A) => number | Promise<number>) =>
    async (a: A): Promise<void> => {
      running.command = command;
      result = await body(a);
    };
  // every command registered below, read before parsing (inside a command, yargs lists none)
  let commands: string[] = [];

  const parser = yargs(argv)
    .scriptName('seccomp-learn')
    .version(VERSION)
    .strict()
    .exitProcess(false)
    .wrap(Math.min(100, (io.stdout as { columns?: number }).columns ?? 100))
    .command(
      ['learn [files..]', '$0 [files..]'],
      'learn a minimal seccomp profile from audit records (FILEs, - or no FILE: stdin; gzip is read)',
      (y) =>
        y
          .positional('files', LEARN.positionals.files)
          .options(LEARN.options)
          .conflicts('output', 'out-dir')
          .conflicts('merge', 'out-dir')
          .conflicts('name', 'out-dir')
          .example(examples('learn')),
      handle('learn', (a) => {
        checkCommandWord(a.files, argv, commands);
        return learnCommand(a, io, say);
      }),
    )
    .command(
      'report [files..]',
      'for people: per process, each syscall with its count and action, denied first; lost and forged records',
      (y) => y.positional('files', REPORT.positionals.files).options(REPORT.options).example(examples('report')),
      handle('report', (a) => reportCommand(a, io, say)),
    )
    .command(
      'parse [files..]',
      'print each seccomp record as one JSON object per line (NDJSON)',
      (y) => y.positional('files', PARSE.positionals.files).options(PARSE.options).example(examples('parse')),
      handle('parse', (a) => parseCommand(a, io, say)),
    )
    .command(
      'resolve [syscalls..]',
      'syscall numbers to names and names to numbers, as the kernel sees them on an architecture',
      (y) => y.positional('syscalls', RESOLVE.positionals.syscalls).options(RESOLVE.options).example(examples('resolve')),
      handle('resolve', (a) => resolveCommand(a, io, say)),
    )
    .command(
      'check <profile> [files..]',
      'would PROFILE (any format) let the recorded processes run? the calls it would not allow, per process; exit 1 if any',
      (y) =>
        y
          .positional('profile', CHECK.positionals.profile)
          .positional('files', CHECK.positionals.files)
          .options(CHECK.options)
          .example(examples('check'))
          .epilogue('Exit codes: 0 every call would be allowed, 1 some would not (denied, allowed only for some arguments, or unknown) or no record matched, 2 usage error or unreadable profile or input.'),
      handle('check', (a) => checkCommand(a, io, say)),
    )
    .command(
      'diff <a> <b>',
      'how two profiles (any formats) differ: per architecture and action, the names only in A and only in B',
      (y) =>
        y
          .positional('a', DIFF.positionals.a)
          .positional('b', DIFF.positionals.b)
          .options(DIFF.options)
          .example(examples('diff'))
          .epilogue('Exit codes: 0 the same, 1 different, 2 usage error or unreadable profile.'),
      handle('diff', (a) => diffCommand(a, io)),
    )
    .command(
      'merge <profiles..>',
      'the union of profiles (any formats; replicas or runs of one program): the less restrictive action wins per name, conditions kept; or learn states (learn --state) of many nodes, merged into profiles, a report or one state',
      (y) =>
        y
          .positional('profiles', MERGE.positionals.profiles)
          .options(MERGE.options)
          .conflicts('output', 'out-dir')
          .example(examples('merge'))
          .epilogue('Exit codes: 0 written, 1 the result cannot be written in --format (or, for states, nothing learned), 2 usage error or unreadable profile or state.'),
      handle('merge', (a) => mergeCommand(a, io, say)),
    )
    .command('arches', 'list the architectures: audit token, name, libseccomp name, table', (y) => y.example(examples('arches')), handle('arches', () => archesCommand(io)))
    .epilogue(
      `Syscall tables follow Linux ${TABLE_KERNEL_VERSION}. Exit codes: 0 done, 1 nothing learned, an unreadable input or an unwritable output, 2 usage, 3 records may be missing (--strict), 70 internal error, 130/143 a run over files cut short by SIGINT/SIGTERM (the profile holds what was read), 141 standard output closed by its reader.`,
    )
    .fail((msg, err) => {
      // a command's own error, or a bug: as it is; yargs' complaint (msg) or an option's check: a usage error
      if (err instanceof SeccompLearnError && err.code !== 'usage') throw err;
      if (err instanceof Error && !(err instanceof SeccompLearnError) && msg === undefined) throw err;
      throw new SeccompLearnError('usage', unknownOptions(msg ?? err?.message ?? 'usage error', argv, (parser as unknown as { getOptions(): never }).getOptions()));
    });

  commands = commandNames(parser as never);
  try {
    await parser.parseAsync();
  } catch (err) {
    // the one place an error for people becomes what is said and the exit status
    if (!(err instanceof SeccompLearnError)) throw err;
    const { text, status } = failure(err, running.command);
    say(text);
    return status;
  }
  return result;
}
