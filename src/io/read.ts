// Reading every input of a run in order: standard streams, inputs opened up
// front, worker threads for big regular files, a stop on a signal.
import type { Readable, Writable } from 'node:stream';
import { MARKERS } from '../parse/event.js';
import type { LineSink } from '../parse/lines.js';
import type { Progress } from './progress.js';
import { closeInput, openInput, readLines, sourceName, type Input } from './input.js';
import { defaultJobs, readParallel, workersFor, type RangedFile, type RangeSink } from './parallel.js';
import type { InputLog } from './input-log.js';
import type { InputRecord } from '../state/state.js';
import type { Learner } from '../learn/learner.js';
import { SeccompLearnError } from '../core/error.js';

/** What stopped a run before its inputs ended: a signal, or stdout's reader going away. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'EPIPE';

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGINT/SIGTERM (or EPIPE on stdout), with the StopReason as its reason: the run ends as if the input had ended. */
  signal?: AbortSignal;
  /** A progress bar on stderr, when it is a terminal (cli/main.ts decides). */
  progress?: Progress;
}

export type Say = (s: string) => void;


/** Open every input first, so an unreadable file stops the run before anything is written. */
async function openAll(files: string[], io: Io): Promise<Array<{ path: string; name: string; input: Input }>> {
  const list = files.length === 0 ? ['-'] : files;
  if (list.filter((f) => f === '-').length > 1) throw new SeccompLearnError('usage', 'standard input (-) can be read only once');
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
  /** Threads for regular files (io/parallel.ts), when the sink takes results from workers (a Learner) and no log is kept; default: the cores here. */
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
  /**
   * Last lines with no newline, held unread (`learn --state`: a log being
   * written may not have ended its last line yet): where, and how many bytes.
   */
  held: { source: string; line: number; bytes: number }[];
}

const TTY_HINT =
  'seccomp-learn: reading log lines from the terminal (standard input); end with Ctrl-D. To read a log: seccomp-learn [OPTIONS] FILE..., or tail -n +1 -F /var/log/syslog | seccomp-learn [OPTIONS]';

/**
 * Read every input in order. With `jobs` above 1 and a sink that takes results
 * from workers (a Learner), regular files are read by worker threads when they
 * are big enough for that to pay.
 */
export async function readAll(files: string[], io: Io, sink: LineSink | (LineSink & RangeSink), opts: ReadAllOptions): Promise<ReadAllResult> {
  const { maxLength, onStreamChunk, jobs = defaultJobs(), log } = opts;
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
  const held: ReadAllResult['held'] = [];
  try {
    if (jobs > 1 && !log && 'result' in sink && inputs.every(({ input }) => input.kind === 'file')) {
      const ranged: RangedFile[] = [];
      for (const { name, input } of inputs) if (input.kind === 'file') ranged.push({ path: name, name, size: (await input.file.stat()).size });
      const workers = workersFor(jobs, ranged.reduce((n, f) => n + f.size, 0));
      if (workers > 1) {
        await readParallel(ranged, sink, { jobs: workers, maxLength, markers: MARKERS, signal: stop.signal, onProgress: bar && ((bytes) => bar.update(bytes)) });
        // files only: a stop is always before their end
        return { stoppedBy: stop.signal.aborted ? (stop.signal.reason as StopReason) : null, partial: stop.signal.aborted, held };
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
      const r = await readLines(input, placed?.source ?? name, sink, { maxLength, onChunk: live ? flush : tick, signal: stop.signal, markers: MARKERS, start: placed?.start, linesBefore: placed?.lines, holdPartial: placed !== null && !placed.final });
      if (placed) log!.update(placed, r, before, serials());
      if (r.held > 0 && placed) held.push({ source: placed.source, line: r.lines + 1, bytes: r.held });
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
  return { stoppedBy: stop.signal.aborted ? (stop.signal.reason as StopReason) : null, partial, held };
}
