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
import { Decoder, Encoder, type Batch, type ItemSink } from '../parse/wire.js';
import { blankEvent, Parser } from '../parse/event.js';
import { encodeRange, type RangeEncoding } from './encode-range.js';

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

/** This thread, as the owner of a range it parsed into batches (Out.worker). */
const SELF = -1;

/** A range parsed into batches, by a worker or this thread: its results so far, and its count of lines once done. */
interface Out {
  /** The worker's index, or SELF. */
  worker: number;
  batches: Batch[];
  /** The range's strings so far (each batch brings those it first used). */
  strings: string[];
  lines: number | null;
  failed: string | null;
}

/** A batch of a range's results, come from a worker or made here: kept to learn in turn, with the strings it first used. */
function addBatch(o: Out, b: Batch): void {
  for (const str of b.strings) o.strings.push(str);
  o.batches.push(b);
}

/**
 * Read `files` with `opts.jobs` threads, handing every line's result to `sink` in file order.
 *
 * Ranges are handed out in file order, to whoever is free: a worker with fewer
 * than AHEAD ranges unfinished takes the next one; this thread, which also
 * learns every range in turn, parses the one whose turn it is straight into the
 * sink when nobody has taken it, and otherwise, rather than wait for a worker
 * still at it, parses the next one nobody has taken into batches, as a worker
 * would. So the thread that learns parses what the workers leave, and none
 * waits while another has work (the busy syslog of npm run bench, 860 MB, 2
 * threads on 2 cores, side by side: with ranges dealt by turns, i mod J, this
 * thread parsed half of them besides learning them all while the worker waited
 * for its turn, 3.49-3.64 s wall; this way 3.10-3.23 s: README, Speed and memory).
 */
export async function readParallel(files: readonly RangedFile[], sink: RangeSink, opts: ParallelOptions): Promise<void> {
  const size = opts.rangeBytes ?? RANGE_BYTES;
  const ranges: Range[] = [];
  for (const f of files) for (let s = 0; s < f.size; s += size) ranges.push({ file: f, start: s, end: Math.min(f.size, s + size) });
  const J = Math.max(1, Math.min(opts.jobs, ranges.length));
  const url = workerUrl();
  const workers: Worker[] = [];
  const decoder = new Decoder();
  const out = new Map<number, Out>();
  /** Ranges not finished, by worker. */
  const busy: number[] = [];
  /** The first range nobody has taken; every one before it is learned, parsed or being parsed. */
  let frontier = 0;
  /** The range whose turn it is to be learned. */
  let current = 0;
  // set by a worker's error event (the cast keeps TypeScript from narrowing it to null here)
  let failure = null as Error | null;
  let wakeMain: (() => void) | null = null;
  const signalMain = () => {
    const w = wakeMain;
    wakeMain = null;
    w?.();
  };
  // What waits to be learned stays small: ranges are taken at most LIMIT past
  // the current one, AHEAD a worker's and one of this thread's (npm run bench,
  // busy audit.log, 2 threads: with 2 * AHEAD past it, the batches waiting took
  // peak RSS from 90 to 96 MB).
  const AHEAD = 2;
  const LIMIT = AHEAD * (J - 1) + 1;
  /** May the next range nobody has taken be taken now (not the current one: that is this thread's, straight into the sink)? */
  const open = () => frontier < ranges.length && frontier > current && frontier <= current + LIMIT;
  const dispatch = (w: number) => {
    while (busy[w] < AHEAD && open()) {
      const id = frontier++;
      busy[w]++;
      const r = ranges[id];
      out.set(id, { worker: w, batches: [], strings: [], lines: null, failed: null });
      workers[w].postMessage({ id, path: r.file.path, start: r.start, end: r.end, maxLength: opts.maxLength, markers: opts.markers } satisfies Job);
    }
  };
  const dispatchAll = () => {
    for (let w = 0; w < workers.length; w++) dispatch(w);
  };

  for (let w = 0; w < J - 1; w++) {
    // a small young generation: a worker's garbage is short-lived, and each MB of semi-space is resident (npm run bench, classic syslog with --jobs: peak RSS)
    const worker = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    workers.push(worker);
    busy.push(0);
    worker.on('message', (m: Reply) => {
      const o = out.get(m.id);
      if (!o) return;
      if ('error' in m) {
        o.failed = m.error;
        busy[w]--;
      } else {
        addBatch(o, m.batch);
        if (m.done) {
          o.lines = m.lines;
          busy[w]--;
          dispatch(w);
        }
      }
      if (m.id === current || 'error' in m) signalMain();
    });
    worker.on('error', (err) => {
      failure = err;
      signalMain();
    });
  }

  const fds = new Map<string, number>();
  const fdOf = (r: Range) => {
    let fd = fds.get(r.file.path);
    if (fd === undefined) fds.set(r.file.path, (fd = openSync(r.file.path, 'r')));
    return fd;
  };
  const buf = Buffer.allocUnsafeSlow(1 << 18);
  // this thread's parsing into batches (made at its first use)
  let own: RangeEncoding | null = null;
  /** Ranges this thread parsed into batches that wait their turn. */
  let ownWaiting = 0;
  let lineInFile = 0;
  let learned = 0;
  const done = (r: Range) => {
    learned += r.end - r.start;
    opts.onProgress?.(learned);
    current++;
  };
  try {
    while (current < ranges.length) {
      if (opts.signal?.aborted) return;
      if (failure) throw failure;
      const r = ranges[current];
      if (r.start === 0) lineInFile = 0;
      if (current === frontier) {
        // nobody has taken it: this thread's, straight into the sink; the workers take the next ones first
        frontier++;
        dispatchAll();
        try {
          const splitter = new LineSplitter(r.file.name, sink, opts.maxLength, opts.markers, lineInFile);
          readRangeSync(fdOf(r), r.start, r.end, splitter, buf);
          lineInFile = splitter.lines;
        } catch (err) {
          throw unreadableInput(r.file.name, describe(err as NodeJS.ErrnoException));
        }
        done(r);
        dispatchAll();
        await new Promise((res) => setImmediate(res)); // let the workers' messages in
        continue;
      }
      const o = out.get(current)!;
      // parsed into batches: learn what has come, and give the arrays back to be written again
      for (const b of o.batches) decoder.replay(b, o.strings, r.file.name, lineInFile, sink);
      if (o.batches.length > 0) {
        if (o.worker === SELF) for (const b of o.batches) own!.encoder.recycle(b.ints, b.floats);
        else {
          const back = o.batches.flatMap((b) => [b.ints.buffer as ArrayBuffer, b.floats.buffer as ArrayBuffer]);
          workers[o.worker].postMessage({ recycle: back }, back);
        }
      }
      o.batches = [];
      if (o.failed !== null) throw unreadableInput(r.file.name, o.failed);
      if (o.lines === null) {
        // a worker is still at it: parse the next range nobody has taken, rather than wait
        // (one at a time: its batches wait their turn in memory, and one range covers the wait)
        if (ownWaiting === 0 && open()) {
          ownWaiting++;
          const id = frontier++;
          const n = ranges[id];
          const p: Out = { worker: SELF, batches: [], strings: [], lines: null, failed: null };
          out.set(id, p);
          own ??= { parser: new Parser(), encoder: new Encoder(), event: blankEvent(), buf };
          try {
            const last = encodeRange(own, fdOf(n), n.file.path, n.start, n.end, opts.maxLength, opts.markers, (b) => addBatch(p, b));
            addBatch(p, last.batch);
            p.lines = last.lines;
          } catch (err) {
            p.failed = describe(err as NodeJS.ErrnoException);
          }
          await new Promise((res) => setImmediate(res)); // let the workers' messages in
          continue;
        }
        await new Promise<void>((res) => (wakeMain = res));
        continue;
      }
      if (o.worker === SELF) ownWaiting--;
      lineInFile += o.lines;
      sink.passed(o.lines);
      out.delete(current);
      done(r);
      dispatchAll();
    }
  } finally {
    for (const fd of fds.values()) closeSync(fd);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
