// The command line's options, as data: the tables yargs is given (cli/main.ts),
// and each command's argument type derived from them. A value is checked where
// its option is declared (its coerce), once, as it is parsed; options that only
// go together are their command's to check.
import type { InferredOptionType, Options, PositionalOptions } from 'yargs';
import { SeccompLearnError } from '../core/error.js';
import { DEFAULT_MAX_LINE } from '../parse/lines.js';
import { DEFAULT_ACTIONS } from '../profile/model.js';
import { FORMATS, isDns1123Subdomain } from '../profile/formats/index.js';
import { ARCHES, findArch, type Arch } from '../syscalls/index.js';
import { defaultJobs } from '../io/parallel.js';

type Table = { readonly [name: string]: Options | PositionalOptions };

/** The arguments a table of options (or of positionals) gives a command, as yargs infers them. */
export type ArgsOf<T extends Table> = { -readonly [K in keyof T]: InferredOptionType<T[K]> };

/** A command's arguments: its positionals' and its options'. */
type CommandArgs<C extends { positionals: Table; options: Table }> = ArgsOf<C['positionals']> & ArgsOf<C['options']>;

// ---------------------------------------------------------------- values

function usage(message: string): never {
  throw new SeccompLearnError('usage', message);
}

/** A repeatable option's values as a list (not `array: true`, which would swallow the FILEs after it). */
function list<T>(each: (v: string) => T): (v: unknown) => T[] {
  return (v) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => each(String(x)));
}

function pid(v: string): number {
  return /^\d+$/.test(v) ? Number(v) : usage(`--pid ${v} is not a process id`);
}

/** A positive whole number for `option`. */
function positive(option: string, what: string): (v: number) => number {
  return (v) => (Number.isInteger(v) && v > 0 ? v : usage(`${option} must be a positive number of ${what}`));
}

function jobs(v: number): number {
  return Number.isInteger(v) && v >= 1 ? v : usage(`--jobs ${Number.isNaN(v) ? 'takes a number' : `${v} is not a number`} of threads (1 or more)`);
}

/** The kernel caps SECCOMP_RET_ERRNO's data at MAX_ERRNO (4095). */
function errnoRet(v: number): number {
  return Number.isInteger(v) && v >= 0 && v <= 4095 ? v : usage(`--errno-ret ${Number.isNaN(v) ? 'takes a number' : `${v} is not an errno number`} (0 to 4095, the kernel's MAX_ERRNO; 1 is EPERM)`);
}

function seconds(v: number): number {
  return v > 0 ? v : usage(`--state-every ${v} is not a number of seconds`);
}

function kubernetesName(v: string): string {
  return isDns1123Subdomain(v) ? v : usage(`--name ${v}: not a valid Kubernetes name (lowercase letters, digits, '-' and '.')`);
}

function arch(v: string): Arch {
  return findArch(v) ?? usage(`--arch ${v}: not an architecture; one of ${ARCHES.map((x) => x.name).join(', ')}, an SCMP_ARCH_* name or an audit hex value`);
}

function nativeArch(v: string): Arch {
  const a = findArch(v);
  return a?.scmp ? a : usage(`--native-arch ${v}: not an architecture libseccomp knows`);
}

// ---------------------------------------------------------------- shared tables

const FILES = { type: 'string', array: true, default: [] as string[] } as const;

/** How the logs are read (learn, report, parse, check); --jobs given to none, readAll takes the cores here. */
const INPUT = {
  'max-line-length': { type: 'number', default: DEFAULT_MAX_LINE, coerce: positive('--max-line-length', 'bytes'), describe: 'longest line read, in bytes; longer lines are counted and skipped' },
  jobs: { type: 'number', coerce: jobs, describe: `worker threads reading regular files (the result is the same) [default: the cores here, ${defaultJobs()}]` },
} as const;

/** Which processes' records count (learn, report, check). */
const SELECT = {
  comm: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by thread name (comm=); repeatable' },
  exe: { type: 'string', default: [] as string[], coerce: list(String), describe: 'select processes by executable path (exe=); repeatable' },
  pid: { type: 'string', default: [] as number[], coerce: list(pid), describe: 'select processes by pid; repeatable' },
  'trust-any-source': { type: 'boolean', default: false, describe: 'also learn records that the kernel did not write (forgeable syslog lines)' },
} as const;

/** What reading a profile rests on: Docker templates and runc's implied native architecture (check, diff, merge). */
const ASSUME = {
  'native-arch': { type: 'string', coerce: nativeArch, describe: 'the host\'s architecture (runc always filters it; picks a Docker template\'s archMap entry) [default: from the records, else this machine\'s]' },
  'cap-add': { type: 'string', default: [] as string[], coerce: list(String), describe: 'a capability the container has besides Docker\'s defaults, for a template\'s includes/excludes; repeatable' },
  kernel: { type: 'string', describe: 'the host kernel\'s version, for a template\'s minKernel [default: this machine\'s]' },
} as const;

const NAME = {
  name: { type: 'string', coerce: kubernetesName, describe: 'the SeccompProfile\'s name (--format spo) [default: from the program]' },
} as const;

/** The file system the recorded programs ran in (learn, report, check, merge of states): their executables are read there (issue 21). */
const ROOT = {
  root: { type: 'string', describe: 'the file system the programs ran in (a container\'s exported root, /, /proc/PID/root): each program\'s executable and libraries are read there, to name the calls they can make that the recording never saw' },
} as const;

const JSON_OUTPUT = { json: { type: 'boolean', default: false, describe: 'one JSON document (field names in the README)' } } as const;

// ---------------------------------------------------------------- commands

export const LEARN = {
  positionals: { files: FILES },
  options: {
    ...SELECT,
    ...INPUT,
    output: { alias: 'o', type: 'string', describe: 'write the profile here (atomically; rewritten as syscalls are learned)' },
    'out-dir': { type: 'string', describe: 'write one profile per program into this directory' },
    'default-action': { type: 'string', choices: DEFAULT_ACTIONS, describe: 'the profile\'s defaultAction [default: SCMP_ACT_ERRNO]' },
    'errno-ret': { type: 'number', coerce: errnoRet, describe: 'add defaultErrnoRet' },
    merge: { type: 'string', describe: 'start from this profile and add what is learned' },
    'arch-companions': { type: 'boolean', default: false, describe: 'add the usual companion ABIs (x86_64: X86, X32; aarch64: ARM; ...)' },
    'log-denials': { type: 'boolean', default: false, describe: 'add flags: [SECCOMP_FILTER_FLAG_LOG]: the kernel logs the profile\'s denials (crun honours it; runc refuses it)' },
    ...ROOT,
    'include-unexercised': { type: 'boolean', default: false, describe: 'with --root: also allow the calls each program\'s binary can make that the recording never saw (the profile then holds what ran and what the binary can make)' },
    'runtime-base': { type: 'boolean', default: true, describe: 'add what an OCI runtime\'s init can do after loading the filter, when its records are seen (--no-runtime-base: leave it out)' },
    strict: { type: 'boolean', default: false, describe: 'exit 3 when records may be missing (rate limit, backlog, serial gaps)' },
    progress: { type: 'boolean', describe: 'say each newly learned syscall on stderr [default: when reading stdin]; --no-progress: neither that nor the progress bar' },
    quiet: { alias: 'q', type: 'boolean', default: false, describe: 'no progress and no summary on stderr' },
    state: { type: 'string', describe: 'go on from this saved state (if it exists) and write it back: files already read are read on from where they stopped; without -o/--out-dir the state is the only output' },
    node: { type: 'string', describe: 'this machine\'s name, for lines that name none (the kernel log, audit.log), so that states of many nodes merge apart [default: none]' },
    'state-every': { type: 'number', coerce: seconds, describe: 'with --state, also write it every N seconds while following a stream [default: 60]' },
    format: { type: 'string', choices: FORMATS, default: 'oci', describe: 'oci: the runtime spec\'s linux.seccomp (runc, crun, kubelet); docker: the Docker/Podman template; spo: a Security Profiles Operator SeccompProfile (YAML); systemd: a [Service] drop-in' },
    ...NAME,
  },
} as const;

export const REPORT = {
  positionals: { files: FILES },
  options: {
    ...SELECT,
    ...INPUT,
    ...JSON_OUTPUT,
    ...ROOT,
    denied: { type: 'boolean', default: false, describe: 'only the syscalls a profile in force denied: why does my pod crash?' },
    width: { type: 'number', coerce: positive('--width', 'columns'), describe: 'terminal width [default: the terminal\'s, or 80]' },
  },
} as const;

export const PARSE = {
  positionals: { files: FILES },
  options: {
    ...INPUT,
    all: { type: 'boolean', default: false, describe: 'keep records read twice (same audit(TIME:SERIAL))' },
  },
} as const;

export const RESOLVE = {
  positionals: { syscalls: { type: 'string', array: true, default: [] as string[] } },
  options: {
    arch: { type: 'string', demandOption: true, coerce: arch, describe: 'x86_64, x32, i386, aarch64, SCMP_ARCH_*, or the audit hex (c000003e)' },
    all: { type: 'boolean', default: false, describe: 'print the whole table: NUMBER<TAB>NAME' },
  },
} as const;

export const CHECK = {
  positionals: {
    profile: { type: 'string', demandOption: true, describe: 'an OCI profile, a Docker/Podman template, an SPO SeccompProfile (YAML), or a systemd unit (SystemCallFilter=)' },
    files: FILES,
  },
  options: {
    ...SELECT,
    ...INPUT,
    ...ASSUME,
    ...JSON_OUTPUT,
    ...ROOT,
    all: { type: 'boolean', default: false, describe: 'list the calls that would be allowed too' },
  },
} as const;

export const DIFF = {
  positionals: { a: { type: 'string', demandOption: true }, b: { type: 'string', demandOption: true } },
  options: { ...ASSUME, ...JSON_OUTPUT },
} as const;

/** merge: profiles, or learn states (the options marked "states:" are for states only). */
export const MERGE = {
  positionals: { profiles: { type: 'string', array: true, demandOption: true, describe: 'profiles, or learn states (not both)' } },
  options: {
    ...ASSUME,
    ...NAME,
    format: { type: 'string', choices: [...FORMATS, 'state'], default: 'oci', describe: 'as for learn; `state`: the merged learn state (states only)' },
    output: { alias: 'o', type: 'string', describe: 'write the profile here (atomically) instead of standard output' },
    'out-dir': { type: 'string', describe: 'states: one profile per program into this directory' },
    report: { type: 'boolean', default: false, describe: 'states: the report of the merged states instead of a profile' },
    json: { type: 'boolean', default: false, describe: 'with --report: as JSON' },
    root: { type: 'string', describe: 'states: the file system the programs ran in: their executables are read there, to name (--report) or allow (--include-unexercised) the calls they can make that the recording never saw' },
    'include-unexercised': { type: 'boolean', default: false, describe: 'states, with --root: also allow the calls each program\'s binary can make that the recording never saw' },
    comm: { type: 'string', default: [] as string[], coerce: list(String), describe: 'states: only the processes that logged this comm (thread name), as learn --comm; repeatable' },
    exe: { type: 'string', default: [] as string[], coerce: list(String), describe: 'states: only the processes that logged this executable path, as learn --exe; repeatable' },
    'default-action': { type: 'string', choices: DEFAULT_ACTIONS, describe: 'states: the profiles\' defaultAction [default: SCMP_ACT_ERRNO]; SCMP_ACT_LOG: watch profiles, which log only the calls they do not allow' },
    quiet: { alias: 'q', type: 'boolean', default: false, describe: 'do not say on stderr which action won where the profiles differ' },
  },
} as const;

export type LearnArgs = CommandArgs<typeof LEARN>;
export type ReportArgs = CommandArgs<typeof REPORT>;
export type ParseArgs = CommandArgs<typeof PARSE>;
export type ResolveArgs = CommandArgs<typeof RESOLVE>;
export type CheckArgs = CommandArgs<typeof CHECK>;
export type DiffArgs = CommandArgs<typeof DIFF>;
export type MergeArgs = CommandArgs<typeof MERGE>;
/** What reading a profile rests on (--native-arch, --cap-add, --kernel). */
export type AssumeArgs = ArgsOf<typeof ASSUME>;
/** The selection of processes (--comm, --exe, --pid). */
export type SelectArgs = ArgsOf<typeof SELECT>;
