// Files (gzip too, known by its first bytes), stdin, FIFOs and /dev/kmsg ->
// lines, each with its source name and line number (through parse/lines.ts).
import { constants as fsConstants, open as openFd, readSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gunzip, sniff, SNIFF_BYTES, unreadable } from './compress.js';
import { DEFAULT_MAX_LINE, LineSplitter, type LineSink } from '../parse/lines.js';
import { SeccompLearnError } from '../core/error.js';

/** An input that cannot be opened or read: a SeccompLearnError 'input-unreadable' naming it. */
export function unreadableInput(source: string, reason: string): SeccompLearnError {
  return new SeccompLearnError('input-unreadable', reason, { source });
}

/** The display name of an input: '-' is standard input. */
export function sourceName(path: string): string {
  return path === '-' ? '<stdin>' : path;
}

/**
 * An opened input: a stream (standard input, a FIFO, a gzip file), or a plain
 * file read into one reused buffer, so that reading gigabytes allocates nothing
 * per chunk. `live`: a stream that may never end (stdin, a FIFO, a device);
 * its first bytes say whether it is compressed. `meter`: for a regular file
 * (gzip too), its size and the bytes read from it so far (a progress bar).
 */
export type Input = { kind: 'stream'; stream: Readable; live: boolean; meter?: Meter } | { kind: 'file'; file: FileHandle; meter?: Meter };

export interface Meter {
  size: number;
  read: number;
}

const FILE_CHUNK = 1 << 18;

/**
 * Open an input: '-' is `stdin`; a file that starts with gzip's magic number is
 * decompressed, whatever its name, and one in a format we do not read (zstd, xz,
 * bzip2, lz4) is a SeccompLearnError 'input-unreadable' naming the tool to use. A path that is not a
 * regular file (a FIFO, `<(tail -f ...)`, a device) is read as a stream that may
 * never end, like stdin (`live`): it is never read with a call that blocks.
 */
export async function openInput(path: string, stdin: Readable): Promise<Input> {
  if (path === '-') return { kind: 'stream', stream: stdin, live: true };
  const fifo = await openFifo(path);
  if (fifo) return fifo;
  let file: FileHandle | undefined;
  let regular: boolean;
  let size = 0;
  let kind: ReturnType<typeof sniff>;
  try {
    // O_NONBLOCK: a device (/dev/kmsg) then says EAGAIN when it has nothing, where a
    // blocking read would hold a thread, and the process at its end, until the
    // kernel logs something; a regular file ignores it
    file = await open(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    const st = await file.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    regular = st.isFile();
    size = st.size;
    kind = 'plain';
    if (regular) {
      // the first bytes, read where they are: the file's offset stays at 0
      const head = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
      kind = sniff(head.subarray(0, bytesRead), true) ?? 'plain';
    }
  } catch (err) {
    await file?.close().catch(() => {});
    throw unreadableInput(path, describe(err as NodeJS.ErrnoException));
  }
  if (kind === 'plain') return regular ? { kind: 'file', file, meter: { size, read: 0 } } : { kind: 'stream', stream: new DeviceStream(file), live: true };
  if (kind !== 'gzip') {
    await file.close().catch(() => {});
    throw unreadableInput(path, unreadable(kind, path));
  }
  const meter = { size, read: 0 };
  const raw = file.createReadStream({ highWaterMark: 256 * 1024 });
  raw.on('data', (chunk) => (meter.read += chunk.length));
  return { kind: 'stream', stream: gunzip(raw), live: false, meter };
}

/** Bytes asked of a device per read: /dev/kmsg gives one whole record a read, and refuses (EINVAL) a buffer too small for it. */
const DEVICE_READ = 64 * 1024;

/** How long a device with nothing to read is left before it is asked again, in ms: the delay a followed /dev/kmsg line may wait. */
const DEVICE_POLL_MS = 20;

/**
 * A character device (/dev/kmsg), opened non-blocking, read as a stream. Unlike
 * fs.ReadStream: a read that fails with EPIPE does not end it (/dev/kmsg says
 * so once when the kernel's ring buffer overwrote lines this reader had not
 * read yet, then goes on from the oldest line left; each is an 'overrun'
 * event), and when there is nothing to read (EAGAIN) it asks again after
 * DEVICE_POLL_MS, so no thread waits in the kernel and a stop is at once.
 */
export class DeviceStream extends Readable {
  /** Reads that failed with EPIPE. */
  overruns = 0;
  private readonly buf = Buffer.allocUnsafe(DEVICE_READ);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly file: FileHandle) {
    super({ highWaterMark: DEVICE_READ });
  }

  override _read(): void {
    this.file.read(this.buf, 0, DEVICE_READ, null).then(
      ({ bytesRead }) => {
        if (this.destroyed) return;
        // a copy: the buffer is read into again while this chunk may wait in the stream
        this.push(bytesRead === 0 ? null : Buffer.from(this.buf.subarray(0, bytesRead)));
      },
      (err: NodeJS.ErrnoException) => {
        if (this.destroyed) return;
        if (err.code === 'EAGAIN') {
          this.timer = setTimeout(() => {
            this.timer = null;
            this._read();
          }, DEVICE_POLL_MS);
          return;
        }
        if (err.code !== 'EPIPE') return void this.destroy(err);
        this.overruns++;
        this.emit('overrun');
        this._read();
      },
    );
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.file.close().then(
      () => cb(err),
      () => cb(err),
    );
  }
}

/**
 * A FIFO is read through a pipe handle, which a signal can stop at once (a
 * read of a FileHandle waits in a thread until the writer writes or closes).
 * Opening one waits for its writer, as `cat` does.
 */
async function openFifo(path: string): Promise<Input | null> {
  let isFifo = false;
  try {
    isFifo = (await stat(path)).isFIFO();
  } catch {
    return null; // open() says why
  }
  if (!isFifo) return null;
  const fd = await new Promise<number>((resolve, reject) => openFd(path, 'r', (err, fd) => (err ? reject(unreadableInput(path, describe(err))) : resolve(fd))));
  return { kind: 'stream', stream: new Socket({ fd, readable: true, writable: false }), live: true };
}

export function closeInput(input: Input, stdin: Readable): void {
  if (input.kind === 'file') void input.file.close().catch(() => {});
  else if (input.stream !== stdin) input.stream.destroy();
}

export function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a log file';
    case 'EIO':
      return 'input/output error';
    case 'ENXIO':
      return 'no such device or address (a socket?)';
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return `not valid gzip data (${err.message})`;
    default:
      return err.message;
  }
}

/** Read one input to its end, line by line. Rejects with a SeccompLearnError 'input-unreadable' naming the input. */
export interface ReadOptions {
  maxLength?: number;
  /** Only lines holding one of these are decoded (see LineSplitter). */
  markers?: readonly string[];
  /** Called after each chunk's lines were handed to the sink (a place to flush output). */
  onChunk?: () => void;
  /** Stop reading (SIGINT): what was read so far stands. */
  signal?: AbortSignal;
  /** Where to begin: a byte offset (of the decompressed content, for a stream: bytes skipped) where a line begins. */
  start?: number;
  /** Lines before `start`: line numbers go on from there. */
  linesBefore?: number;
  /** A last line with no newline is not read: it may not be whole yet (see LineSplitter.end). */
  holdPartial?: boolean;
}

/** What readLines read: lines (counting those before `start`), and bytes up to the end of the last whole line (counting `start`). */
export interface ReadResult {
  lines: number;
  bytes: number;
  /** Bytes of a last line with no newline, held unread (`holdPartial`): 0 when none. */
  held: number;
}

/** Read one input to its end, line by line. Rejects with a SeccompLearnError 'input-unreadable' naming the input. */
export function readLines(input: Input | Readable, source: string, sink: LineSink, opts: ReadOptions = {}): Promise<ReadResult> {
  if ('kind' in input && input.kind === 'file') return readFile(input.file, source, sink, opts, input.meter);
  if ('kind' in input) return readStream(input.stream, source, sink, opts, input.live);
  return readStream(input, source, sink, opts, false);
}

async function readFile(file: FileHandle, source: string, sink: LineSink, opts: ReadOptions, meter?: Meter): Promise<ReadResult> {
  const splitter = new LineSplitter(source, sink, opts.maxLength ?? DEFAULT_MAX_LINE, opts.markers, opts.linesBefore ?? 0);
  const start = opts.start ?? 0;
  let pos = start;
  // Synchronous reads into one reused buffer: a file in the page cache is a
  // copy away, where an asynchronous read waits a turn of the event loop per
  // chunk (npm run bench, classic syslog: 7% of the time idle). Every YIELD_EVERY chunks the loop lets
  // the event loop run, so a signal (SIGINT) is still seen within milliseconds.
  // a buffer kept from the last file read (files are read one after another):
  // reading many files allocates nothing per file either
  const buf = spareBuffers.pop() ?? Buffer.allocUnsafeSlow(FILE_CHUNK);
  let n = 0;
  try {
    for (;;) {
      const bytesRead = readSync(file.fd, buf, 0, FILE_CHUNK, pos);
      if (bytesRead === 0 || opts.signal?.aborted) break;
      pos += bytesRead;
      if (meter) meter.read = pos;
      splitter.push(bytesRead === FILE_CHUNK ? buf : buf.subarray(0, bytesRead));
      opts.onChunk?.();
      if (++n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
    }
  } catch (err) {
    splitter.end(opts.holdPartial);
    throw unreadableInput(source, describe(err as NodeJS.ErrnoException));
  } finally {
    spareBuffers.push(buf);
  }
  const bytes = start + splitter.consumed;
  // stopped: a line cut by the stop is not a line (it would read as a truncated record)
  splitter.end(opts.holdPartial || opts.signal?.aborted);
  opts.onChunk?.();
  return { lines: splitter.lines, bytes: opts.holdPartial ? bytes : start + splitter.consumed, held: opts.holdPartial && !opts.signal?.aborted ? pos - bytes : 0 };
}

const YIELD_EVERY = 16;
const spareBuffers: Buffer[] = [];

/**
 * Read a stream's lines. With `sniffFirst`, the stream (stdin, a FIFO) is held until its
 * first bytes tell whether it is compressed: gzip is then read through gunzip,
 * another compression is a SeccompLearnError 'input-unreadable'; anything else is text.
 */
function readStream(stream: Readable, source: string, sink: LineSink, opts: ReadOptions, sniffFirst: boolean): Promise<ReadResult> {
  const splitter = new LineSplitter(source, sink, opts.maxLength ?? DEFAULT_MAX_LINE, opts.markers, opts.linesBefore ?? 0);
  const start = opts.start ?? 0;
  let skip = start;
  return new Promise<ReadResult>((resolve, reject) => {
    let done = false;
    // the first bytes, until they tell (null: told)
    let head: Buffer | null = sniffFirst ? Buffer.alloc(0) : null;
    let from = stream; // where the text comes from: the stream, or its gunzip
    // /dev/kmsg fell behind: said where it happened (a read gives whole lines, so the splitter is between two)
    const onOverrun = () => sink.overrun?.(source, splitter.lines);
    stream.on('overrun', onOverrun);
    const finish = (err?: unknown, stopped = false) => {
      if (done) return;
      done = true;
      if (head !== null && head.length > 0 && !err) {
        // a head too short to tell is text
        const text = head;
        head = null;
        onData(text);
      }
      const bytes = start + splitter.consumed;
      const pending = splitter.pushedBytes - splitter.consumed;
      // stopped: a line its writer has not ended is not a line
      splitter.end(opts.holdPartial || stopped);
      opts.onChunk?.();
      from.off('data', onData);
      stream.off('overrun', onOverrun);
      if (from !== stream) {
        stream.unpipe();
        from.destroy();
      }
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err instanceof SeccompLearnError ? err : unreadableInput(source, describe(err as NodeJS.ErrnoException)));
      else resolve({ lines: splitter.lines, bytes: opts.holdPartial ? bytes : start + splitter.consumed, held: opts.holdPartial && !stopped ? pending : 0 });
    };
    const onData = (chunk: Buffer | string): void => {
      let b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (head !== null) return onHead(b);
      if (skip > 0) {
        // bytes already read by an earlier run (a state's offset)
        const n = Math.min(skip, b.length);
        skip -= n;
        if (n === b.length) return;
        b = b.subarray(n);
      }
      splitter.push(b);
      opts.onChunk?.();
    };
    const onHead = (buf: Buffer): void => {
      const bytes: Buffer = head!.length === 0 ? buf : Buffer.concat([head!, buf]);
      const kind = sniff(bytes);
      if (kind === undefined) {
        head = bytes;
        return;
      }
      head = null;
      if (kind === 'plain') return onData(bytes);
      if (kind !== 'gzip') return finish(unreadableInput(source, unreadable(kind, source === '<stdin>' ? null : source)));
      // gzip: from here on, the text comes out of gunzip
      stream.off('data', onData);
      stream.off('end', onEnd);
      from = gunzip(stream, bytes);
      from.on('data', onData);
      from.once('end', onEnd);
      from.once('error', onError);
    };
    const onEnd = () => finish();
    const onError = (err: Error) => finish(err);
    const onAbort = () => {
      stream.pause();
      finish(undefined, true);
    };
    if (opts.signal?.aborted) return finish(undefined, true);
    opts.signal?.addEventListener('abort', onAbort);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/**
 * Read, with `splitter`, the lines that begin in bytes [start, end) of an open
 * regular file: a line cut by `start` belongs to the range before it, and the
 * range's last line is read to its end, past `end`. Synchronous, into `buf`.
 * How a file is cut in ranges for worker threads (io/parallel.ts).
 */
export function readRangeSync(fd: number, start: number, end: number, splitter: LineSplitter, buf: Buffer): void {
  let pos = start;
  if (start > 0) {
    // the first line that begins at or after start: just after a newline at or after start - 1
    pos = start - 1;
    for (;;) {
      if (pos >= end) return splitter.end();
      const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n === 0) return splitter.end();
      const nl = buf.indexOf(10);
      if (nl >= 0 && nl < n) {
        pos += nl + 1;
        break;
      }
      pos += n;
    }
  }
  while (pos < end) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) break;
    splitter.push(n === buf.length ? buf : buf.subarray(0, n));
    pos += n;
  }
  // the last line, to its end
  while (splitter.holding) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    const nl = buf.indexOf(10);
    if (nl >= 0 && nl < n) {
      splitter.push(buf.subarray(0, nl + 1));
      break;
    }
    splitter.push(buf.subarray(0, n));
    pos += n;
  }
  splitter.end();
}

