// --jobs: regular files read in byte ranges by this thread and worker threads,
// and learned here in file order.
//
// Everything that depends on order stays in one thread: a record's duplicates
// in other logs, forged-line checks against the lines before, serial gaps,
// processes from runc's init to their exit_group. What does not (finding the
// lines, reading envelopes and fields, naming calls: most of the work) is shared:
// this thread parses the range whose turn it is to be learned, straight into the
// Learner, while the workers parse ranges ahead and send their results
// (parse/wire.ts), which are handed to the Learner when their turn comes, exactly as a
// single thread would hand them, line numbers included. So --jobs 1 and --jobs N
// give the same profile, report and summary, byte for byte, whatever the ranges
// (a property test cuts them at random).
import { openSync, closeSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LineSplitter, type LineSink } from '../parse/lines.js';
import { readRangeSync, unreadableInput, describe } from './input.js';
import { Decoder, type Batch, type ItemSink } from '../parse/wire.js';

/** A range to read: bytes [start, end) of `path`. */
export interface Job {
  id: number;
  path: string;
  start: number;
  end: number;
  maxLength: number;
  markers: readonly string[];
}

/** What a worker sends: batches of a range, the last with the range's line count; or why it failed. */
export type Reply = { id: number; batch: Batch; done: false } | { id: number; batch: Batch; done: true; lines: number } | { id: number; error: string };


/** A file to read in ranges: its path, the name it is reported by, its size. */
export interface RangedFile {
  path: string;
  name: string;
  size: number;
}

export interface ParallelOptions {
  /** Threads that parse: this one and jobs - 1 workers (2 or more). */
  jobs: number;
  maxLength: number;
  markers: readonly string[];
  /** Bytes per range (default RANGE_BYTES); a test cuts files smaller. */
  rangeBytes?: number;
  /** Stop (SIGINT): what was learned so far stands. */
  signal?: AbortSignal;
  /** After each range is learned: the bytes of all files learned so far (a progress bar). */
  onProgress?: (bytes: number) => void;
}

/** Bytes per range: small enough that a range's results waiting their turn stay small (about 1.5 MB), large enough that handing out ranges costs nothing. */
export const RANGE_BYTES = 4 << 20;

/** A worker's young generation, in MB (V8 splits it in semi-spaces). */
const WORKER_YOUNG_MB = Number(process.env.SECCOMP_LEARN_WORKER_YOUNG_MB) || 2;

/**
 * The worker's module, dist/worker.js: beside this code when it is bundled into
 * dist/cli.js, one folder up from tsc's dist/io/parallel.js.
 */
function workerUrl(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(beside)) ? beside : new URL('../worker.js', import.meta.url);
}

/** What learns: lines read here, items read by workers, each worker range's count of lines. */
export type RangeSink = LineSink & ItemSink & { passed(count: number): void };

/** How many threads are worth parsing `bytes` of regular files: up to `jobs`, one per two ranges. */
export function workersFor(jobs: number, bytes: number, rangeBytes = RANGE_BYTES): number {
  return Math.max(1, Math.min(jobs, Math.floor(bytes / (2 * rangeBytes))));
}

/** The default --jobs: the cores this process may use. */
export function defaultJobs(): number {
  return availableParallelism();
}

interface Range {
  file: RangedFile;
  start: number;
  end: number;
}

/** A range handed to a worker: its results so far, and its count of lines once done. */
interface Out {
  worker: number;
  batches: Batch[];
  /** The range's strings so far (each batch brings those it first used). */
  strings: string[];
  lines: number | null;
  failed: string | null;
}

/** Read `files` with `opts.jobs` threads, handing every line's result to `sink` in file order. */
export async function readParallel(files: readonly RangedFile[], sink: RangeSink, opts: ParallelOptions): Promise<void> {
  const size = opts.rangeBytes ?? RANGE_BYTES;
  const ranges: Range[] = [];
  for (const f of files) for (let s = 0; s < f.size; s += size) ranges.push({ file: f, start: s, end: Math.min(f.size, s + size) });
  // Range i is read by thread i mod J: this one (0, straight into the sink, no
  // encoding) or worker (i mod J) - 1. This thread also learns every range, so it
  // is the busier one; a worker may run up to AHEAD of its ranges ahead.
  const J = Math.max(1, Math.min(opts.jobs, ranges.length));
  const url = workerUrl();
  const workers: Worker[] = [];
  const decoder = new Decoder();
  const out = new Map<number, Out>();
  /** The next range of each worker to hand out. */
  const nextOf: number[] = [];
  let current = 0;
  // set by a worker's error event (the cast keeps TypeScript from narrowing it to null here)
  let failure = null as Error | null;
  let wakeMain: (() => void) | null = null;
  const signalMain = () => {
    const w = wakeMain;
    wakeMain = null;
    w?.();
  };
  const AHEAD = 2;
  const dispatch = (w: number) => {
    // ranges of worker w not yet handed out, up to AHEAD of them past the current one
    while (nextOf[w] < ranges.length && nextOf[w] < current + AHEAD * J && [...out.values()].filter((o) => o.worker === w && o.lines === null).length < AHEAD) {
      const id = nextOf[w];
      nextOf[w] += J;
      const r = ranges[id];
      out.set(id, { worker: w, batches: [], strings: [], lines: null, failed: null });
      workers[w].postMessage({ id, path: r.file.path, start: r.start, end: r.end, maxLength: opts.maxLength, markers: opts.markers } satisfies Job);
    }
  };

  for (let w = 0; w < J - 1; w++) {
    // a small young generation: a worker's garbage is short-lived, and each MB of semi-space is resident (npm run bench, classic syslog with --jobs: peak RSS)
    const worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    workers.push(worker);
    nextOf.push(w + 1);
    worker.on('message', (m: Reply) => {
      const o = out.get(m.id);
      if (!o) return;
      if ('error' in m) o.failed = m.error;
      else {
        for (const str of m.batch.strings) o.strings.push(str);
        o.batches.push(m.batch);
        if (m.done) {
          o.lines = m.lines;
          dispatch(w);
        }
      }
      if (m.id === current || 'error' in m) signalMain();
    });
    worker.on('error', (err) => {
      failure = err;
      signalMain();
    });
    dispatch(w);
  }

  const fds = new Map<string, number>();
  const buf = Buffer.allocUnsafeSlow(1 << 18);
  let lineInFile = 0;
  let learned = 0;
  try {
    while (current < ranges.length) {
      if (opts.signal?.aborted) return;
      if (failure) throw failure;
      const r = ranges[current];
      if (r.start === 0) lineInFile = 0;
      if (current % J === 0) {
        // this thread's: straight into the sink
        try {
          let fd = fds.get(r.file.path);
          if (fd === undefined) fds.set(r.file.path, (fd = openSync(r.file.path, 'r')));
          const splitter = new LineSplitter(r.file.name, sink, opts.maxLength, opts.markers, lineInFile);
          readRangeSync(fd, r.start, r.end, splitter, buf);
          lineInFile = splitter.lines;
        } catch (err) {
          throw unreadableInput(r.file.name, describe(err as NodeJS.ErrnoException));
        }
        learned += r.end - r.start;
        opts.onProgress?.(learned);
        current++;
        for (let w = 0; w < workers.length; w++) dispatch(w);
        await new Promise((res) => setImmediate(res)); // let the workers' messages in
        continue;
      }
      const o = out.get(current)!;
      // a worker's: learn what has come, and give the arrays back to be written again
      for (const b of o.batches) decoder.replay(b, o.strings, r.file.name, lineInFile, sink);
      if (o.batches.length > 0) {
        const back = o.batches.flatMap((b) => [b.ints.buffer as ArrayBuffer, b.floats.buffer as ArrayBuffer]);
        workers[o.worker].postMessage({ recycle: back }, back);
      }
      o.batches = [];
      if (o.failed !== null) throw unreadableInput(r.file.name, o.failed);
      if (o.lines === null) {
        await new Promise<void>((res) => (wakeMain = res));
        continue;
      }
      lineInFile += o.lines;
      sink.passed(o.lines);
      out.delete(current);
      learned += r.end - r.start;
      opts.onProgress?.(learned);
      current++;
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
