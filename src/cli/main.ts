// The command line: yargs wiring only. The commands are in cli/commands.ts, the work in the library.
import { existsSync } from 'node:fs';
import yargs from 'yargs';
import { ARCHES, TABLE_KERNEL_VERSION } from '../syscalls/index.js';
import { DEFAULT_ACTIONS } from '../profile/model.js';
import { DEFAULT_MAX_LINE } from '../parse/lines.js';
import { learnCommand, parseCommand, reportCommand, resolveCommand } from './commands.js';
import { checkCommand, diffCommand, mergeCommand } from './commands-profiles.js';
import { isStateFile, stateMergeCommand, type StateMergeArgs } from './commands-states.js';
import { FORMATS, isDns1123Subdomain } from '../profile/formats/index.js';
import { examples } from './help.js';
import { ERROR_EXITS, EXIT, exitStatus } from './exit.js';
import { SeccompLearnError } from '../core/error.js';
import { type Io, type StopReason } from '../io/read.js';
import { defaultJobs } from '../io/parallel.js';
import { Progress } from '../io/progress.js';
import { closest } from './suggest.js';

export { EXIT } from './exit.js';
export { type Io } from '../io/read.js';

export const VERSION = '0.1.0';

/** A repeatable option's values as a list. */
function list<T>(each: (v: string) => T): (v: unknown) => T[] {
  return (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => each(String(x)));
}

function toPid(v: string): number {
  if (!/^\d+$/.test(v)) throw new SeccompLearnError('usage', `--pid ${v} is not a process id`);
  return Number(v);
}

/** A positive whole number for `option`. */
function positive(option: string, what: string): (v: number) => number {
  return (v) => {
    if (!Number.isInteger(v) || v <= 0) throw new SeccompLearnError('usage', `${option} must be a positive number of ${what}`);
    return v;
  };
}

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

/** Run the command line; resolves to the exit code (and sets process.exitCode when run as the CLI). */
export async function main(argv: string[], io?: Io): Promise<number> {
  const own = !io;
  // the command running, once yargs has chosen it: an error's exit status depends on it (cli/exit.ts)
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
      if (err instanceof SeccompLearnError) {
        const { text, status } = failure(err, running.command);
        ownIo.progress?.end();
        ownIo.stderr.write(`${text}\n`);
        process.exit(status);
      }
      process.exit(internalError(err, ownIo));
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

/** The command line's own commands (yargs' list: it includes every command registered). */
function commandNames(parser: { getInternalMethods?: () => { getCommandInstance: () => { getCommands: () => string[] } } }): string[] {
  try {
    return parser.getInternalMethods?.().getCommandInstance().getCommands().filter((c) => c !== '$0') ?? [];
  } catch {
    return [];
  }
}

/** The word given where a command goes, when it is not a file but (close to) a command: a usage error. */
function checkCommandWord(files: string[], argv: string[], commands: string[]): void {
  const word = files[0];
  if (word === undefined || word === '-' || existsSync(word)) return;
  if (commands.includes(word)) throw new SeccompLearnError('usage', `'${word}' is a command: it comes first (seccomp-learn ${word} [OPTIONS] ...)`);
  if (argv[0] !== word || !/^[a-z][a-z0-9-]*$/.test(word)) return;
  const near = closest(word, commands);
  if (near) throw new SeccompLearnError('usage', `Unknown command '${word}'. Did you mean '${near}'?`);
}

/** yargs' "Unknown argument(s): a, b", with the closest valid option for each that was given as one. */
function unknownOptions(msg: string, argv: string[], options: { key: Record<string, unknown>; alias: Record<string, string[]> }): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const valid = new Set([...Object.keys(options.key), ...Object.values(options.alias).flat()]);
  const given = (name: string) => argv.find((a) => a === `--${name}` || a === `-${name}` || a.startsWith(`--${name}=`) || a === `--no-${name}`);
  const names = m[1].split(', ');
  // yargs names an unknown --max-line-lenght twice, the second time as maxLineLenght
  const kebab = (n: string) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = names.filter((n) => !(/[A-Z]/.test(n) && names.includes(kebab(n)))).map((name) => {
    const as = given(name);
    if (as === undefined) return `Unknown argument: ${name}`;
    const dash = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);
    // yargs reads --no-X as X set to false: name it, and the closest, as typed
    const shown = (n: string) => (as === `--no-${name}` ? `--no-${n}` : dash(n));
    const near = closest(name, valid);
    return `Unknown option ${shown(name)}${near ? `. Did you mean ${shown(near)}?` : ''}`;
  });
  return parts.join('; ');
}

/** What main() knows of the run: the command yargs chose. */
interface Running {
  command: string | undefined;
}

async function run(argv: string[], io: Io, running: Running): Promise<number> {
  const say = (s: string) => {
    io.progress?.clear();
    io.stderr.write(s.endsWith('\n') ? s : s + '\n');
  };
  let result = EXIT.ok as number;
  // every command registered below, read before parsing (inside a command, yargs lists none)
  let commands: string[] = [];
  const inputOptions = {
    'max-line-length': { type: 'number', default: DEFAULT_MAX_LINE, coerce: positive('--max-line-length', 'bytes'), describe: 'longest line read, in bytes; longer lines are counted and skipped' },
    jobs: { type: 'number', describe: `worker threads reading regular files (the result is the same) [default: the cores here, ${defaultJobs()}]` },
  } as const;
  const selectOptions = {
    // not `array: true`, which would swallow the FILEs after it: repeat the option instead
    comm: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by thread name (comm=); repeatable' },
    exe: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by executable path (exe=); repeatable' },
    pid: { type: 'string', default: [] as number[], coerce: list(toPid), describe: 'select processes by pid; repeatable' },
    'trust-any-source': { type: 'boolean', default: false, describe: 'also learn records that the kernel did not write (forgeable syslog lines)' },
  } as const;
  // what reading a profile rests on: Docker templates and runc's implied native architecture
  const assumeOptions = {
    'native-arch': { type: 'string', describe: 'the host\'s architecture (runc always filters it; picks a Docker template\'s archMap entry) [default: from the records, else this machine\'s]' },
    'cap-add': { type: 'string', default: [] as string[], coerce: list(String), describe: 'a capability the container has besides Docker\'s defaults, for a template\'s includes/excludes; repeatable' },
    kernel: { type: 'string', describe: 'the host kernel\'s version, for a template\'s minKernel [default: this machine\'s]' },
  } as const;
  const formatOption = {
    format: { type: 'string', choices: FORMATS as unknown as string[], default: 'oci', describe: 'oci: the runtime spec\'s linux.seccomp (runc, crun, kubelet); docker: the Docker/Podman template; spo: a Security Profiles Operator SeccompProfile (YAML); systemd: a [Service] drop-in' },
    name: { type: 'string', coerce: (v: string) => (isDns1123Subdomain(v) ? v : (() => { throw new SeccompLearnError('usage', `--name ${v}: not a valid Kubernetes name (lowercase letters, digits, '-' and '.')`); })()), describe: 'the SeccompProfile\'s name (--format spo) [default: from the program]' },
  } as const;

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
            progress: { type: 'boolean', describe: 'say each newly learned syscall on stderr [default: when reading stdin]; --no-progress: neither that nor the progress bar' },
            quiet: { alias: 'q', type: 'boolean', default: false, describe: 'no progress and no summary on stderr' },
            state: { type: 'string', describe: 'go on from this saved state (if it exists) and write it back: files already read are read on from where they stopped; without -o/--out-dir the state is the only output' },
            node: { type: 'string', describe: 'this machine\'s name, for lines that name none (the kernel log, audit.log), so that states of many nodes merge apart [default: none]' },
            'state-every': { type: 'number', describe: 'with --state, also write it every N seconds while following a stream [default: 60]' },
          })
          .options(formatOption)
          .conflicts('output', 'out-dir')
          .conflicts('merge', 'out-dir')
          .conflicts('name', 'out-dir')
          .example(examples('learn')),
      async (a) => {
        running.command = 'learn';
        checkCommandWord(a.files, argv, commands);
        result = await learnCommand(a as typeof a & { format: 'oci' }, io, say);
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
            width: { type: 'number', coerce: positive('--width', 'columns'), describe: 'terminal width [default: the terminal\'s, or 80]' },
          })
          .example(examples('report')),
      async (a) => {
        running.command = 'report';
        result = await reportCommand(a, io, say);
      },
    )
    .command(
      'parse [files..]',
      'print each seccomp record as one JSON object per line (NDJSON)',
      (y) =>
        y
          .positional('files', { type: 'string', array: true, default: [] as string[] })
          .options(inputOptions)
          .options({ all: { type: 'boolean', default: false, describe: 'keep records read twice (same audit(TIME:SERIAL))' } })
          .example(examples('parse')),
      async (a) => {
        running.command = 'parse';
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
          })
          .example(examples('resolve')),
      (a) => {
        running.command = 'resolve';
        result = resolveCommand(a, io, say);
      },
    )
    .command(
      'check <profile> [files..]',
      'would PROFILE (any format) let the recorded processes run? the calls it would not allow, per process; exit 1 if any',
      (y) =>
        y
          .positional('profile', { type: 'string', demandOption: true, describe: 'an OCI profile, a Docker/Podman template, an SPO SeccompProfile (YAML)' })
          .positional('files', { type: 'string', array: true, default: [] as string[] })
          .options(selectOptions)
          .options(inputOptions)
          .options(assumeOptions)
          .options({
            json: { type: 'boolean', default: false, describe: 'one JSON document (field names in the README)' },
            all: { type: 'boolean', default: false, describe: 'list the calls that would be allowed too' },
          })
          .example(examples('check'))
          .epilogue('Exit codes: 0 every call would be allowed, 1 some would not (denied, allowed only for some arguments, or unknown) or no record matched, 2 usage error or unreadable profile or input.'),
      async (a) => {
        running.command = 'check';
        result = await checkCommand(a as typeof a & { profile: string }, io, say);
      },
    )
    .command(
      'diff <a> <b>',
      'how two profiles (any formats) differ: per architecture and action, the names only in A and only in B',
      (y) =>
        y
          .positional('a', { type: 'string', demandOption: true })
          .positional('b', { type: 'string', demandOption: true })
          .options(assumeOptions)
          .options({ json: { type: 'boolean', default: false, describe: 'one JSON document (field names in the README)' } })
          .example(examples('diff'))
          .epilogue('Exit codes: 0 the same, 1 different, 2 usage error or unreadable profile.'),
      (a) => {
        running.command = 'diff';
        result = diffCommand(a as typeof a & { a: string; b: string }, io);
      },
    )
    .command(
      'merge <profiles..>',
      'the union of profiles (any formats; replicas or runs of one program): the less restrictive action wins per name, conditions kept; or learn states (learn --state) of many nodes, merged into profiles, a report or one state',
      (y) =>
        y
          .positional('profiles', { type: 'string', array: true, demandOption: true, describe: 'profiles, or learn states (not both)' })
          .options(assumeOptions)
          .options({ name: formatOption.name })
          .options({
            format: { type: 'string', choices: [...(FORMATS as unknown as string[]), 'state'], default: 'oci', describe: 'as for learn; `state`: the merged learn state (states only)' },
            output: { alias: 'o', type: 'string', describe: 'write the profile here (atomically) instead of standard output' },
            'out-dir': { type: 'string', describe: 'states: one profile per program into this directory' },
            report: { type: 'boolean', default: false, describe: 'states: the report of the merged states instead of a profile' },
            json: { type: 'boolean', default: false, describe: 'with --report: as JSON' },
            comm: { type: 'string', default: [] as string[], coerce: list(String), describe: 'states: only programs that ran with this comm; repeatable' },
            exe: { type: 'string', default: [] as string[], coerce: list(String), describe: 'states: only programs of this executable; repeatable' },
            quiet: { alias: 'q', type: 'boolean', default: false, describe: 'do not say on stderr which action won where the profiles differ' },
          })
          .conflicts('output', 'out-dir')
          .example(examples('merge'))
          .epilogue('Exit codes: 0 written, 1 the result cannot be written in --format (or, for states, nothing learned), 2 usage error or unreadable profile or state.'),
      (a) => {
        running.command = 'merge';
        const states = a.profiles.filter(isStateFile);
        if (states.length > 0 && states.length < a.profiles.length) throw new SeccompLearnError('usage', `merge takes profiles or learn states, not both (states: ${states.join(', ')})`);
        if (states.length > 0) {
          result = stateMergeCommand({ ...a, inputs: a.profiles, format: a.format as StateMergeArgs['format'], 'out-dir': a['out-dir'] }, io, say);
          return;
        }
        if (a.format === 'state') throw new SeccompLearnError('usage', '--format state merges learn states; these are profiles');
        if (a['out-dir'] !== undefined || a.report || a.comm.length > 0 || a.exe.length > 0) throw new SeccompLearnError('usage', '--out-dir, --report, --comm and --exe are for merging learn states');
        result = mergeCommand(a as typeof a & { format: 'oci' }, io, say);
      },
    )
    .command('arches', 'list the architectures: audit token, name, libseccomp name, table', (y) => y.example(examples('arches')), () => {
      for (const a of ARCHES) io.stdout.write(`${a.name === 'x32' ? 'c000003e+x32' : a.token}\t${a.name}\t${a.scmp ?? '-'}\t${a.column ?? '-'}\n`);
    })
    .epilogue(
      `Syscall tables follow Linux ${TABLE_KERNEL_VERSION}. Exit codes: 0 done, 1 nothing learned, an unreadable input or an unwritable output, 2 usage, 3 records may be missing (--strict), 70 internal error, 130/143 a run over files cut short by SIGINT/SIGTERM (the profile holds what was read), 141 standard output closed by its reader.`,
    )
    .fail((msg, err) => {
      // a command's own error, or a bug: as it is; yargs' complaint (msg) or a coerce's: a usage error
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
