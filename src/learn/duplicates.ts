// One record read twice. The same record reaches several logs of one machine
// (the kernel log, syslog, audit.log, journald's two transports): its
// `audit(TIME:SERIAL)` identifies it, and it is counted once.
//
// The window remembers one record per serial modulo DEDUP_WINDOW, so memory
// stays fixed on an endless stream: two reads of one record are known as one
// when fewer than DEDUP_WINDOW audit serials lie between them.
import type { SeccompEvent } from '../parse/event.js';

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
  /** Per machine number: 1 when the machine has a name (a host a line names), 0 for the unnamed one (the kernel log). */
  private readonly named = new Uint8Array(256);

  /** Say whether machine number `m` has a name (the Learner numbers hosts; null is the unnamed one). */
  nameMachine(m: number, named: boolean): void {
    this.named[m & 0xff] = named ? 1 : 0;
  }

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
    const m = machine & 0xff;
    if (this.serials[i] === e.serial + 1 && this.times[i] === ms) {
      const had = this.sigs[i];
      const hadMachine = had >>> 24;
      if ((had & 0xffffff) === sig) return hadMachine === m ? 'duplicate' : 'elsewhere';
      // two machines that both say their names, and not the same: two records
      // that happen to share a serial and a millisecond (a log server's file, a fleet)
      if (hadMachine !== m && this.named[hadMachine] === 1 && this.named[m] === 1) {
        this.sigs[i] = (sig | (m << 24)) >>> 0;
        return 'new';
      }
      return 'conflict';
    }
    this.serials[i] = e.serial + 1;
    this.times[i] = ms;
    this.sigs[i] = (sig | ((machine & 0xff) << 24)) >>> 0;
    return 'new';
  }

  /** The remembered records, slot order: serial, time (low 32 bits of ms) and hash with machine, as three arrays (a saved state). */
  export(): { serials: Uint32Array; times: Uint32Array; sigs: Uint32Array } {
    let n = 0;
    for (let i = 0; i < DEDUP_WINDOW; i++) if (this.serials[i] !== 0) n++;
    const out = { serials: new Uint32Array(n), times: new Uint32Array(n), sigs: new Uint32Array(n) };
    let k = 0;
    for (let i = 0; i < DEDUP_WINDOW; i++) {
      if (this.serials[i] === 0) continue;
      out.serials[k] = this.serials[i] - 1;
      out.times[k] = this.times[i];
      out.sigs[k] = this.sigs[i];
      k++;
    }
    return out;
  }

  /**
   * Take remembered records in (a saved state, or another window being merged);
   * `machine` maps their machine numbers to this window's. A slot both hold for
   * the same record counts as read in both (returned: how many); otherwise the
   * later serial stays. A slot both hold with one TIME:SERIAL and other content,
   * for one machine as check() tells machines apart, is a conflict (returned:
   * how many, and the first one's serial and time in ms).
   */
  load(x: { serials: Uint32Array; times: Uint32Array; sigs: Uint32Array }, machine: (m: number) => number = (m) => m): { both: number; conflicts: number; first: { serial: number; ms: number } | null } {
    let both = 0;
    let conflicts = 0;
    let first: { serial: number; ms: number } | null = null;
    for (let k = 0; k < x.serials.length; k++) {
      const serial = x.serials[k];
      const i = serial % DEDUP_WINDOW;
      const sig = ((x.sigs[k] & 0xffffff) | ((machine(x.sigs[k] >>> 24) & 0xff) << 24)) >>> 0;
      if (this.serials[i] === serial + 1 && this.times[i] === x.times[k]) {
        if ((this.sigs[i] & 0xffffff) === (sig & 0xffffff)) {
          both++;
          continue;
        }
        const had = this.sigs[i] >>> 24;
        const m = sig >>> 24;
        if (!(had !== m && this.named[had] === 1 && this.named[m] === 1)) {
          conflicts++;
          first ??= { serial, ms: x.times[k] };
          continue;
        }
      }
      if (this.serials[i] !== 0 && this.serials[i] > serial + 1) continue;
      this.serials[i] = serial + 1;
      this.times[i] = x.times[k];
      this.sigs[i] = sig;
    }
    return { both, conflicts, first };
  }
}

