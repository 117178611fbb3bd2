// A worker thread's side of --jobs (io/parallel.ts): it reads the byte ranges it is
// given, parses their lines, and sends the results, compact (parse/wire.ts), to the
// thread that learns them in file order. It keeps its Parser (and its caches)
// from range to range.
import { openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { blankEvent, Parser } from './parse/event.js';
import { headFor } from './learn/learner.js';
import { LineSplitter } from './parse/lines.js';
import { readRangeSync, describe } from './io/input.js';
import { Encoder } from './parse/wire.js';
import type { Job, Reply } from './io/parallel.js';

const port = parentPort!;
const parser = new Parser();
const encoder = new Encoder();
const event = blankEvent();
const buf = Buffer.allocUnsafeSlow(1 << 18);
const fds = new Map<string, number>();

function send(id: number, done: false): void;
function send(id: number, done: true, lines: number): void;
function send(id: number, done: boolean, lines = 0): void {
  const batch = encoder.take();
  const reply: Reply = done ? { id, batch, done: true, lines } : { id, batch, done: false };
  port.postMessage(reply, [batch.ints.buffer as ArrayBuffer, batch.floats.buffer as ArrayBuffer]);
}

port.on('message', (job: Job | { recycle: ArrayBuffer[] }) => {
  if ('recycle' in job) {
    for (let i = 0; i + 1 < job.recycle.length; i += 2) encoder.recycle(new Int32Array(job.recycle[i]), new Float64Array(job.recycle[i + 1]));
    return;
  }
  encoder.startRange();
  try {
    let fd = fds.get(job.path);
    if (fd === undefined) fds.set(job.path, (fd = openSync(job.path, 'r')));
    const splitter = new LineSplitter(
      job.path,
      {
        line(b, s, e, src, n) {
          for (let r = parser.parseInto(b, s, e, src, n, event); r !== null; r = parser.more()) {
            encoder.add(r, n, headFor(r, b, s, e));
            if (encoder.full) send(job.id, false);
          }
        },
        overlong(_src, n, bytes) {
          encoder.overlong(n, bytes);
          if (encoder.full) send(job.id, false);
        },
      },
      job.maxLength,
      job.markers,
    );
    readRangeSync(fd, job.start, job.end, splitter, buf);
    send(job.id, true, splitter.lines);
  } catch (err) {
    encoder.take();
    port.postMessage({ id: job.id, error: describe(err as NodeJS.ErrnoException) } satisfies Reply);
  }
});
