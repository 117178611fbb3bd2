// One record read twice. The same record reaches several logs of one machine
// (the kernel log, syslog, audit.log, journald's two transports): its
// `audit(TIME:SERIAL)` identifies it, and it is counted once.
//
// The window remembers one record per serial modulo DEDUP_WINDOW, so memory
// stays fixed on an endless stream: two reads of one record are known as one
// when fewer than DEDUP_WINDOW audit serials lie between them.
import type { SeccompEvent } from './event.js';

/**
 * How far apart (in serials) two reads of one record may be and still be known
 * as one. Past that, a record is counted twice (the profile is the same).
 */
export const DEDUP_WINDOW = 1 << 18;

/**
 * - `new`: the first read of this record;
 * - `duplicate`: read before, from a log of the same machine (host);
 * - `elsewhere`: read before from a log that names its machine otherwise (a
 *   syslog file's host, and the kernel log or audit.log that name none): the
 *   same record, not counted again, but it belongs to this machine's processes too;
 * - `conflict`: another record was read with this TIME:SERIAL (a forged twin).
 */
export type Seen = 'new' | 'duplicate' | 'elsewhere' | 'conflict';

export class RecordWindow {
  // Direct-mapped on the serial (serials of nearby records are nearby numbers):
  // slot = serial mod DEDUP_WINDOW holds that record's serial + 1 (0: empty), the
  // low 32 bits of its time in milliseconds, and a 24-bit hash of its content
  // with the machine it was read for in the top 8 bits (machines past 256 share
  // numbers: their records then count as read elsewhere, never twice). No
  // allocation, no hashing of strings, a fixed size (3 MiB: bench, peak RSS).
  private readonly serials = new Uint32Array(DEDUP_WINDOW);
  private readonly times = new Uint32Array(DEDUP_WINDOW);
  private readonly sigs = new Uint32Array(DEDUP_WINDOW);

  /**
   * Whether `e` was read before. `machine` is a small number for the host the
   * record was read for. Content is pid, syscall number and ABI: a forged twin
   * that claims another call or another process is a conflict.
   */
  check(e: SeccompEvent, machine: number): Seen {
    if (e.serial === null || e.time === null || e.serial < 0 || e.serial >= 0xffffffff) return 'new';
    const sig = (Math.imul(e.pid, 0x9e3779b1) ^ Math.imul(e.nr + 1, 0x85ebca6b) ^ (e.arch ? e.arch.audit + e.arch.base : 0)) & 0xffffff;
    const ms = Math.round(e.time * 1000) >>> 0;
    const i = e.serial % DEDUP_WINDOW;
    if (this.serials[i] === e.serial + 1 && this.times[i] === ms) {
      const had = this.sigs[i];
      if ((had & 0xffffff) !== sig) return 'conflict';
      return had >>> 24 === (machine & 0xff) ? 'duplicate' : 'elsewhere';
    }
    this.serials[i] = e.serial + 1;
    this.times[i] = ms;
    this.sigs[i] = (sig | ((machine & 0xff) << 24)) >>> 0;
    return 'new';
  }
}
