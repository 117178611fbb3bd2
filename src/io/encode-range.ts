// A byte range of a file parsed into compact batches (parse/wire.ts) for the
// thread that learns, later, in file order: what a worker thread of --jobs does
// with each range it is given, and what the learning thread does with a range
// ahead of the one it learns when the worker that has that one is not done yet
// (io/parallel.ts).
import { headFor } from '../learn/learner.js';
import { type LineResult, type Parser, type SeccompEvent } from '../parse/event.js';
import { LineSplitter } from '../parse/lines.js';
import { type Batch, type Encoder } from '../parse/wire.js';
import { readRangeSync } from './input.js';

/** What parses ranges into batches, kept from range to range by its thread (its caches stay warm). */
export interface RangeEncoding {
  parser: Parser;
  encoder: Encoder;
  /** The one event object every record of the thread is read into. */
  event: SeccompEvent;
  /** The read buffer. */
  buf: Buffer;
}

/**
 * Parse bytes [start, end) of the open file `fd` (its lines as readRangeSync
 * cuts them: those that begin in the range) into batches, handing each full one
 * to `send`; the last, possibly empty, is returned with the range's line count.
 * `path` names the file to the splitter (the learning thread renumbers lines).
 * A read that fails throws, with the range's items so far dropped.
 */
export function encodeRange(
  enc: RangeEncoding,
  fd: number,
  path: string,
  start: number,
  end: number,
  maxLength: number,
  markers: readonly string[],
  send: (batch: Batch) => void,
): { batch: Batch; lines: number } {
  const { parser, encoder, event } = enc;
  encoder.startRange();
  const splitter = new LineSplitter(
    path,
    {
      line(b, s, e, src, n) {
        for (let r: LineResult = parser.parseInto(b, s, e, src, n, event); r !== null; r = parser.more()) {
          encoder.add(r, n, headFor(r, b, s, e));
          if (encoder.full) send(encoder.take());
        }
      },
      overlong(_src, n, bytes) {
        encoder.overlong(n, bytes);
        if (encoder.full) send(encoder.take());
      },
    },
    maxLength,
    markers,
  );
  try {
    readRangeSync(fd, start, end, splitter, enc.buf);
  } catch (err) {
    // the range's items so far are dropped: the next range starts a batch of its own
    encoder.take();
    throw err;
  }
  return { batch: encoder.take(), lines: splitter.lines };
}
