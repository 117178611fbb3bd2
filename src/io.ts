// Where the commands meet the outside: standard streams, the exit codes,
// inputs opened up front, outputs checked up front, and profiles written atomically.
import { closeSync, fstatSync, lstatSync, mkdirSync, realpathSync, openSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { MARKERS } from './event.js';
import type { Progress } from './progress.js';
import { closeInput, openInput, readLines, sourceName, type Input, type LineSink } from './source.js';
import { defaultJobs, readParallel, workersFor, type RangedFile, type RangeSink } from './parallel.js';
import type { InputLog } from './inputs.js';
import type { InputRecord } from './state.js';
import type { Learner } from './learn.js';

/**
 * Exit codes, the only place they are defined; the README's table lists them all.
 * 130 and 143 are the shell's 128+N for the signal that cut a batch run short;
 * 141 (128+SIGPIPE) is what `cat` or `grep` give when the reader of their
 * output goes away (`seccomp-learn parse FILE | head -1`).
 */
export const EXIT = { ok: 0, nothing: 1, usage: 2, loss: 3, internal: 70, interrupted: 130, pipe: 141, terminated: 143 } as const;

/** What stopped a run before its inputs ended: a signal, or stdout's reader going away. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'EPIPE';

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGINT/SIGTERM (or EPIPE on stdout), with the StopReason as its reason: the run ends as if the input had ended. */
  signal?: AbortSignal;
  /** A progress bar on stderr, when it is a terminal (cli.ts decides). */
  progress?: Progress;
}

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {
  /** `help`: whether `--help` can help (not for a state file this version cannot read). */
  constructor(
    message: string,
    readonly help = true,
  ) {
    super(message);
  }
}

/** An output (-o, --out-dir) that cannot be written: exit 1, one line. */
export class OutputError extends Error {}

/** --jobs, checked; the default: the cores here. */
export function jobsOf(a: { jobs?: number }): number {
  if (a.jobs === undefined) return defaultJobs();
  if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new UsageError(`--jobs ${Number.isNaN(a.jobs) ? 'takes a number' : `${a.jobs} is not a number`} of threads (1 or more)`);
  return a.jobs;
}

export type Say = (s: string) => void;


/** Open every input first, so an unreadable file stops the run before anything is written. */
async function openAll(files: string[], io: Io): Promise<Array<{ path: string; name: string; input: Input }>> {
  const list = files.length === 0 ? ['-'] : files;
  if (list.filter((f) => f === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  const opened: Array<{ path: string; name: string; input: Input }> = [];
  try {
    for (const f of list) opened.push({ path: f, name: sourceName(f), input: await openInput(f, io.stdin) });
  } catch (err) {
    for (const o of opened) closeInput(o.input, io.stdin);
    throw err;
  }
  return opened;
}

/** How readAll reads. */
export interface ReadAllOptions {
  maxLength: number;
  /**
   * Runs after each chunk of standard input or a FIFO (a stream that may never end), not of files: a batch run writes once.
   * If it throws (the -o file could not be written), reading stops and readAll rejects with that error.
   */
  onStreamChunk?: () => void;
  /** Threads for regular files (parallel.ts), when the sink takes results from workers (a Learner) and no log is kept. */
  jobs?: number;
  /** What was read of each file before (a saved state): files are read on from there, and the log says how far they were read now. */
  log?: InputLog;
  /** No tty hint and no progress bar. */
  quiet?: boolean;
  /** Records so far, for the progress bar. */
  count?: () => number;
  /** Where to say the tty hint (default: io.stderr). */
  say?: Say;
  /** Once every input is open: whether one of them is followed (stdin, a FIFO). */
  onOpen?: (follows: boolean) => void;
}

/** How a readAll ended. */
export interface ReadAllResult {
  /** What stopped the reading before the inputs ended, if anything. */
  stoppedBy: StopReason | null;
  /**
   * Stopped before a batch input (a file) was read to its end: what was read is
   * a part. Stopping the stream being followed, the last input, is how a
   * followed run ends, not a part.
   */
  partial: boolean;
}

const TTY_HINT =
  'seccomp-learn: reading log lines from the terminal (standard input); end with Ctrl-D. To read a log: seccomp-learn [OPTIONS] FILE..., or tail -n +1 -F /var/log/syslog | seccomp-learn [OPTIONS]';

/**
 * Read every input in order. With `jobs` above 1 and a sink that takes results
 * from workers (a Learner), regular files are read by worker threads when they
 * are big enough for that to pay.
 */
export async function readAll(files: string[], io: Io, sink: LineSink | (LineSink & RangeSink), opts: ReadAllOptions): Promise<ReadAllResult> {
  const { maxLength, onStreamChunk, jobs = 1, log } = opts;
  const inputs = await openAll(files, io);
  opts.onOpen?.(inputs.some(({ input }) => input.kind === 'stream' && input.live));
  // one signal for a stop from outside (io.signal) and for a failed onStreamChunk
  const stop = new AbortController();
  const forward = () => stop.abort(io.signal?.reason);
  if (io.signal?.aborted) forward();
  else io.signal?.addEventListener('abort', forward, { once: true });
  let failure: { err: unknown } | undefined;
  const flush = () => {
    try {
      onStreamChunk?.();
    } catch (err) {
      failure ??= { err };
      stop.abort('failed');
    }
  };
  const say = opts.say ?? ((s: string) => io.stderr.write(s + '\n'));
  const meters = inputs.flatMap(({ input }) => (input.meter ? [input.meter] : []));
  const bar = opts.quiet ? undefined : io.progress;
  bar?.start(
    meters.reduce((n, m) => n + m.size, 0),
    opts.count ?? (() => 0),
  );
  const tick = bar && (() => bar.update(meters.reduce((n, m) => n + m.read, 0)));
  let partial = false;
  try {
    if (jobs > 1 && !log && 'result' in sink && inputs.every(({ input }) => input.kind === 'file')) {
      const ranged: RangedFile[] = [];
      for (const { name, input } of inputs) if (input.kind === 'file') ranged.push({ path: name, name, size: (await input.file.stat()).size });
      const workers = workersFor(jobs, ranged.reduce((n, f) => n + f.size, 0));
      if (workers > 1) {
        await readParallel(ranged, sink, { jobs: workers, maxLength, markers: MARKERS, signal: stop.signal, onProgress: bar && ((bytes) => bar.update(bytes)) });
        // files only: a stop is always before their end
        return { stoppedBy: stop.signal.aborted ? (stop.signal.reason as StopReason) : null, partial: stop.signal.aborted };
      }
    }
    for (let i = 0; i < inputs.length; i++) {
      const { path, name, input } = inputs[i];
      if (stop.signal.aborted) {
        partial = true;
        break;
      }
      const live = input.kind === 'stream' && input.live;
      if (live) {
        bar?.end(); // a followed stream says what it learns instead
        if (input.stream === io.stdin && (io.stdin as { isTTY?: boolean }).isTTY && !opts.quiet) say(TTY_HINT);
      }
      const placed = log && path !== '-' ? await log.place(path, name, input, input.kind === 'stream' && !input.live) : null;
      const serials = (): InputRecord['lastSerials'] => (placed && 'lastSerials' in sink ? (sink as Learner).lastSerials(placed.source) : []);
      const before = serials();
      const r = await readLines(input, placed?.source ?? name, sink, { maxLength, onChunk: live ? flush : tick, signal: stop.signal, markers: MARKERS, start: placed?.start, linesBefore: placed?.lines, holdPartial: placed !== null });
      if (placed) log!.update(placed, r, before, serials());
      if (stop.signal.aborted) {
        partial = !(live && i === inputs.length - 1);
        break;
      }
    }
  } finally {
    bar?.end();
    io.signal?.removeEventListener('abort', forward);
    for (const { input } of inputs) closeInput(input, io.stdin);
  }
  if (failure) throw failure.err;
  return { stoppedBy: stop.signal.aborted ? (stop.signal.reason as StopReason) : null, partial };
}

/** The exit code of a run its inputs did not end: 130, 143, 141; null when they did (or a followed stream was stopped). */
export function stopCode(r: ReadAllResult): number | null {
  if (r.stoppedBy === 'EPIPE') return EXIT.pipe;
  if (!r.partial) return null;
  return r.stoppedBy === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** What an interrupted batch run says: `what` is what holds only a part ("the profile in p.json"). */
export function stopNote(r: ReadAllResult, what: string): string {
  return `seccomp-learn: interrupted by ${r.stoppedBy} before the end of the input: ${what} only what was read until then (exit ${stopCode(r)})`;
}

/** Why a write failed, in words (no errno prefix, no stack). */
function writeReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EEXIST':
      return 'exists and is not a directory (a dangling symbolic link?)';
    default:
      return (e.message ?? String(err)).replace(/^[A-Z]+: /, '');
  }
}

/** stat (or, `follow` false, lstat) of `path`, or null when there is nothing there. */
function statOrNull(path: string, follow = true): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * `mkdir -p`, one directory at a time from the nearest that exists: Node's
 * `mkdirSync(dir, { recursive: true })` never returns for a path under /proc
 * (ENOENT for the child, EEXIST for the parent, again and again).
 */
function makeDirs(dir: string, what: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); statOrNull(d) === null; d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      throw new OutputError(`${what}: cannot create the directory ${d}: ${writeReason(err)}`);
    }
  }
}

/**
 * Prove that `dir` can be made and written: a file can be created in it, or, when
 * it does not exist yet, in the nearest directory above it that does (where its
 * first missing part will be made). Nothing is left behind, so a run that ends
 * without writing leaves no empty directories; writeAtomic makes them.
 */
function writableDir(dir: string, what: string): void {
  let at = resolve(dir);
  let st = statOrNull(at);
  while (st === null && dirname(at) !== at) {
    if (statOrNull(at, false) !== null) throw new OutputError(`${what}: cannot create the directory ${at}: exists and is not a directory (a dangling symbolic link?)`);
    at = dirname(at);
    st = statOrNull(at);
  }
  if (st !== null && !st.isDirectory()) throw new OutputError(`${what}: ${at} is not a directory`);
  const probe = join(at, `.seccomp-learn.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (err) {
    // /proc and the like: the directory is there, a new name in it is not
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'files cannot be created there' : writeReason(err);
    throw new OutputError(`${what}: cannot create a file in ${at}: ${why}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Before any input is read: `-o FILE` can be written. Its missing parent
 * directories (`-o profiles/app.json`) are created when it is written; a directory, or a place where no file can be
 * created (read-only, /proc), is an OutputError. An existing device or FIFO
 * (/dev/stdout) is written in place, as writeAtomic does.
 */
export function prepareOutput(path: string, option = '-o'): void {
  const what = `${option} ${path}`;
  const st = statOrNull(path);
  if (st?.isDirectory()) throw new OutputError(`${what}: is a directory; name a file (${join(path, 'profile.json')})`);
  if (st && !st.isFile()) return;
  writableDir(dirname(path), what);
}

/**
 * Before anything is read: no output is one of the inputs, or another output
 * (`-o log` would replace the log, `-o state.json --state state.json` the state).
 * `outputs` are [option, path] pairs; files are the same when they are one inode
 * (hard links, symbolic links) or, when the output does not exist, one path.
 * A UsageError names both.
 */
export function refuseOverwrite(outputs: ReadonlyArray<readonly [string, string | undefined]>, inputs: readonly string[]): void {
  const outs = outputs.filter((o): o is readonly [string, string] => o[1] !== undefined);
  outs.forEach(([option, path], i) => {
    for (const input of inputs.length === 0 ? ['-'] : inputs) {
      if (sameFile(path, input)) throw new UsageError(`${option} ${path} is also an input (${input === '-' ? 'standard input' : input}): writing it would replace what is read; name another file`);
    }
    for (const [other, p2] of outs.slice(i + 1)) {
      if (sameFile(path, p2)) throw new UsageError(`${option} ${path} and ${other} ${p2} are one file: name two`);
    }
  });
}

/**
 * Whether writing `out` would replace the regular file `input` (`-`: standard
 * input, when it is a file: `< log`): one inode (hard links, symbolic links,
 * /dev/stdin), or, when `out` does not exist yet, one path.
 */
export function sameFile(out: string, input: string): boolean {
  const so = statOrNull(out);
  let si: Stats | null;
  if (input === '-') {
    try {
      si = fstatSync(0);
    } catch {
      return false;
    }
  } else si = statOrNull(input);
  if (so !== null && si !== null) return si.isFile() && so.dev === si.dev && so.ino === si.ino;
  return input !== '-' && resolve(out) === resolve(input);
}

/** Before any input is read: `--out-dir DIR` can be made (it is, with its parents, when a profile is written) and a file created in it. */
export function prepareOutDir(dir: string): void {
  const what = `--out-dir ${dir}`;
  const st = statOrNull(dir);
  if (st && !st.isDirectory()) throw new OutputError(`${what}: not a directory`);
  writableDir(dir, what);
}

/**
 * Write a file atomically: a temporary file in the same directory, then rename.
 * A target that exists and is not a regular file (/dev/stdout, a FIFO) is written
 * in place: renaming over it would replace the device. A failure is an
 * OutputError naming the file, and leaves no temporary file.
 */
export function writeAtomic(path: string, text: string): void {
  // a symbolic link (-o /dev/stdout, a link to a profile) is written through: the
  // temporary file is renamed over its target, not over the link
  if (statOrNull(path, false)?.isSymbolicLink()) {
    try {
      path = realpathSync(path);
    } catch {
      // dangling: written as a new file where it points, or failing there
    }
  }
  const st = statOrNull(path);
  if (st && !st.isFile()) {
    try {
      writeFileSync(path, text);
    } catch (err) {
      throw new OutputError(`cannot write ${path}: ${writeReason(err)}`);
    }
    return;
  }
  makeDirs(dirname(path), `cannot write ${path}`);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory went away with it
    }
    throw new OutputError(`cannot write ${path}: ${writeReason(err)}`);
  }
}

export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100);
  return cleaned || 'process';
}
