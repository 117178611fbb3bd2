// Where the commands meet the outside: standard streams, the exit codes,
// inputs opened up front, and profiles written atomically.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { MARKERS } from './event.js';
import { closeInput, openInput, readLines, sourceName, type Input, type LineSink } from './source.js';
import { defaultJobs, readParallel, workersFor, type RangedFile, type RangeSink } from './parallel.js';
import type { InputLog } from './inputs.js';
import type { InputRecord } from './state.js';
import type { Learner } from './learn.js';

/** Exit codes: documented in the README. */
export const EXIT = { ok: 0, nothing: 1, usage: 2, loss: 3 } as const;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGINT/SIGTERM: the run ends as if the input had ended. */
  signal?: AbortSignal;
}

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {}

/** --jobs, checked; the default: the cores here. */
export function jobsOf(a: { jobs?: number }): number {
  if (a.jobs === undefined) return defaultJobs();
  if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new UsageError(`--jobs ${a.jobs} is not a number of threads (1 or more)`);
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
  /** Runs after each chunk of standard input or a FIFO (a stream that may never end), not of files: a batch run writes once. */
  onStreamChunk?: () => void;
  /** Threads for regular files (parallel.ts), when the sink takes results from workers (a Learner) and no log is kept. */
  jobs?: number;
  /** What was read of each file before (a saved state): files are read on from there, and the log says how far they were read now. */
  log?: InputLog;
}

/**
 * Read every input in order. With `jobs` above 1 and a sink that takes results
 * from workers (a Learner), regular files are read by worker threads when they
 * are big enough for that to pay.
 */
export async function readAll(files: string[], io: Io, sink: LineSink | (LineSink & RangeSink), opts: ReadAllOptions): Promise<void> {
  const { maxLength, onStreamChunk, jobs = 1, log } = opts;
  const inputs = await openAll(files, io);
  try {
    if (jobs > 1 && !log && 'result' in sink && inputs.every(({ input }) => input.kind === 'file')) {
      const ranged: RangedFile[] = [];
      for (const { name, input } of inputs) if (input.kind === 'file') ranged.push({ path: name, name, size: (await input.file.stat()).size });
      const workers = workersFor(jobs, ranged.reduce((n, f) => n + f.size, 0));
      if (workers > 1) return await readParallel(ranged, sink, { jobs: workers, maxLength, markers: MARKERS, signal: io.signal });
    }
    for (const { path, name, input } of inputs) {
      if (io.signal?.aborted) break;
      const live = input.kind === 'stream' && input.live;
      const onChunk = live ? onStreamChunk : undefined;
      const placed = log && path !== '-' ? await log.place(path, name, input, input.kind === 'stream' && !input.live) : null;
      const serials = (): InputRecord['lastSerials'] => (placed && 'lastSerials' in sink ? (sink as Learner).lastSerials(placed.source) : []);
      const before = serials();
      const r = await readLines(input, placed?.source ?? name, sink, { maxLength, onChunk, signal: io.signal, markers: MARKERS, start: placed?.start, linesBefore: placed?.lines, holdPartial: placed !== null });
      if (placed) log!.update(placed, r, before, serials());
    }
  } finally {
    for (const { input } of inputs) closeInput(input, io.stdin);
  }
}

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

export function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 100);
  return cleaned || 'process';
}
