// What was read of each input file, kept in a saved state so that the next run
// reads on from there. A file is known again by its device and inode (a log
// renamed by rotation, `syslog` -> `syslog.1`), or by its first bytes (the same
// log copied, or compressed: `syslog.2.gz`): rotation reads no record twice and
// loses none. A file whose first bytes changed (truncated and written anew:
// logrotate's copytruncate) is a new file. Standard input, FIFOs and devices
// (/dev/kmsg) are read as they come, not from an offset.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import type { Input, ReadResult } from './input.js';
import type { InputRecord } from '../state/state.js';

/** How many bytes of a file's content identify it. */
export const FINGERPRINT_BYTES = 4096;

function fingerprint(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 32);
}

/** The first `n` bytes of a file's content (decompressed when it is gzip). */
function headOf(path: string, n: number, compressed: boolean): Buffer {
  const fd = openSync(path, 'r');
  try {
    const want = compressed ? Math.max(65536, n * 4) : n;
    const buf = Buffer.alloc(want);
    const got = readSync(fd, buf, 0, want, 0);
    if (!compressed) return buf.subarray(0, got);
    // a gzip file's beginning, inflated as far as it goes
    const out = gunzipSync(buf.subarray(0, got), { finishFlush: constants.Z_SYNC_FLUSH });
    return out.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Where to read an input from. */
export interface Placed {
  /** The name its records are reported under (the one it was first read by). */
  source: string;
  start: number;
  lines: number;
  record: InputRecord;
  /**
   * Whether a last line with no newline is read as a line (else held, to be read
   * when it ends): a gzip file is whole, and a file whose size has not changed
   * since the run that held its last line will not end it.
   */
  final: boolean;
}

export class InputLog {
  constructor(readonly records: InputRecord[] = []) {}

  /**
   * Where to read `path` (opened as `input`) from: where an earlier run stopped
   * if it is a file read before, else its beginning. Null for inputs read as
   * they come (streams that are not gzip files, devices).
   */
  async place(path: string, name: string, input: Input, compressed: boolean): Promise<Placed | null> {
    if (input.kind === 'stream' && (input.live || !compressed)) return null;
    const st = input.kind === 'file' ? await input.file.stat() : null;
    const dev = st?.dev ?? -1;
    const ino = st?.ino ?? -1;
    const size = st?.size ?? Infinity;
    const heads = new Map<number, string>();
    const fp = (n: number) => {
      let h = heads.get(n);
      if (h === undefined) heads.set(n, (h = fingerprint(headOf(path, n, compressed))));
      return h;
    };
    // the same inode first (rotation renames), then the same content (copies, compression)
    const candidates = [...this.records.filter((r) => r.dev === dev && r.ino === ino), ...this.records.filter((r) => r.dev !== dev || r.ino !== ino)];
    for (const r of candidates) {
      if (r.fingerprintBytes > size || r.offset > size) continue;
      if (r.fingerprintBytes > 0 && fp(r.fingerprintBytes) !== r.fingerprint) continue;
      if (r.fingerprintBytes === 0 && (r.dev !== dev || r.ino !== ino)) continue;
      const final = compressed || (r.size === size && r.offset < size);
      r.dev = dev;
      r.ino = ino;
      r.compressed = compressed;
      r.size = Number.isFinite(size) ? size : -1;
      return { source: r.name, start: r.offset, lines: r.lines, record: r, final };
    }
    const n = Math.min(FINGERPRINT_BYTES, Number.isFinite(size) ? size : FINGERPRINT_BYTES);
    const head = headOf(path, n, compressed);
    const record: InputRecord = { name, dev, ino, offset: 0, lines: 0, fingerprint: fingerprint(head), fingerprintBytes: head.length, compressed, size: Number.isFinite(size) ? size : -1, lastSerials: [] };
    this.records.push(record);
    return { source: name, start: 0, lines: 0, record, final: compressed };
  }

  /** After reading: how far the input was read. */
  /**
   * After reading: how far the input was read, and the last serial of each host
   * whose serial this read moved (`before` and `after`: the log's last serials
   * around the read; a rotated file shares its log's, so one read of nothing
   * new must not take the next file's).
   */
  update(p: Placed, r: ReadResult, before: InputRecord['lastSerials'], after: InputRecord['lastSerials']): void {
    p.record.offset = r.bytes;
    p.record.lines = r.lines;
    const was = new Map(before.map((s) => [s.host, s.serial]));
    const kept = new Map(p.record.lastSerials.map((s) => [s.host, s.serial]));
    for (const s of after) if (was.get(s.host) !== s.serial) kept.set(s.host, s.serial);
    p.record.lastSerials = [...kept].map(([host, serial]) => ({ host, serial })).sort((a, b) => ((a.host ?? '') < (b.host ?? '') ? -1 : (a.host ?? '') > (b.host ?? '') ? 1 : 0));
  }
}
