// A worker thread's side of --jobs (io/parallel.ts): it reads the byte ranges it is
// given, parses their lines, and sends the results, compact (parse/wire.ts), to the
// thread that learns them in file order (io/encode-range.ts). It keeps its Parser
// (and its caches) from range to range.
import { openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { blankEvent, Parser } from './parse/event.js';
import { describe } from './io/input.js';
import { encodeRange, type RangeEncoding } from './io/encode-range.js';
import { Encoder, type Batch } from './parse/wire.js';
import type { Job, Reply } from './io/parallel.js';

const port = parentPort!;
const enc: RangeEncoding = { parser: new Parser(), encoder: new Encoder(), event: blankEvent(), buf: Buffer.allocUnsafeSlow(1 << 18) };
const fds = new Map<string, number>();

function post(reply: Reply, batch: Batch): void {
  port.postMessage(reply, [batch.ints.buffer as ArrayBuffer, batch.floats.buffer as ArrayBuffer]);
}

port.on('message', (job: Job | { recycle: ArrayBuffer[] }) => {
  if ('recycle' in job) {
    for (let i = 0; i + 1 < job.recycle.length; i += 2) enc.encoder.recycle(new Int32Array(job.recycle[i]), new Float64Array(job.recycle[i + 1]));
    return;
  }
  try {
    let fd = fds.get(job.path);
    if (fd === undefined) fds.set(job.path, (fd = openSync(job.path, 'r')));
    const last = encodeRange(enc, fd, job.path, job.start, job.end, job.maxLength, job.markers, (batch) => post({ id: job.id, batch, done: false }, batch));
    post({ id: job.id, batch: last.batch, done: true, lines: last.lines }, last.batch);
  } catch (err) {
    port.postMessage({ id: job.id, error: describe(err as NodeJS.ErrnoException) } satisfies Reply);
  }
});
