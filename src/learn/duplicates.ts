// One record read twice. The same record reaches several logs of one machine
// (the kernel log, syslog, audit.log, journald's two transports): its
// `audit(TIME:SERIAL)` identifies it, and it is counted once.
//
// The window remembers one record per serial modulo DEDUP_WINDOW, so memory
// stays fixed on an endless stream: two reads of one record are known as one
// when fewer than DEDUP_WINDOW audit serials lie between them. It saves itself
// as its piece of a learn state (the machines it numbered, and its records,
// packed) and loads back, into a window that may already hold records (a merge).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SeccompEvent } from '../parse/event.js';
import { SeccompLearnError } from '../core/error.js';


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
  /** Machine numbers by host (null: the unnamed one), given in the order first asked for. */
  private readonly machines = new Map<string | null, number>();
  // lines of one host follow each other: the last one asked for is kept
  private lastHost: string | null | undefined = undefined;
  private lastMachine = 0;

  /** The small number check() takes for the machine `host` names (null: the unnamed one, the kernel log's and audit.log's). */
  machine(host: string | null): number {
    if (host === this.lastHost) return this.lastMachine;
    let id = this.machines.get(host);
    if (id === undefined) {
      this.machines.set(host, (id = this.machines.size));
      this.named[id & 0xff] = host !== null ? 1 : 0;
    }
    this.lastHost = host;
    return (this.lastMachine = id);
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
    const same = this.times[i] === ms;
    if (this.serials[i] === e.serial + 1 && (same || zoneApart(this.times[i], ms))) {
      const had = this.sigs[i];
      const hadMachine = had >>> 24;
      // at another time than the one read before: one record only where one machine could have logged both
      if ((had & 0xffffff) === sig && (same || this.oneMachine(hadMachine, m))) return hadMachine === m ? 'duplicate' : 'elsewhere';
    }
    if (this.serials[i] === e.serial + 1 && same) {
      const had = this.sigs[i];
      const hadMachine = had >>> 24;
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

  /** Whether machines `a` and `b` can be one: the same number, or either the unnamed one (the kernel log, audit.log). */
  private oneMachine(a: number, b: number): boolean {
    return a === b || this.named[a] === 0 || this.named[b] === 0;
  }

  /**
   * What a state saves of the window: the hosts of its machine numbers, by
   * number (LearnState.machines), and the remembered records (LearnState.window):
   * in slot order, each record's serial, time (low 32 bits of ms) and hash with
   * machine as three arrays of 32-bit numbers, deflated, in base64.
   */
  save(): { machines: Array<string | null>; window: WindowJSON } {
    const machines: Array<string | null> = [];
    for (const [host, id] of this.machines) machines[id] = host;
    let n = 0;
    for (let i = 0; i < DEDUP_WINDOW; i++) if (this.serials[i] !== 0) n++;
    const serials = new Uint32Array(n);
    const times = new Uint32Array(n);
    const sigs = new Uint32Array(n);
    let k = 0;
    for (let i = 0; i < DEDUP_WINDOW; i++) {
      if (this.serials[i] === 0) continue;
      serials[k] = this.serials[i] - 1;
      times[k] = this.times[i];
      sigs[k] = this.sigs[i];
      k++;
    }
    return { machines, window: { count: n, data: pack([serials, times, sigs]) } };
  }

  /**
   * Take saved records in (a state read on, or merged), their machines
   * numbered as this window numbers those hosts. A slot both hold for the same
   * record counts as read in both (returned: how many); otherwise the later
   * serial stays. A slot both hold with one TIME:SERIAL and other content, for
   * one machine as check() tells machines apart, is a conflict (returned: how
   * many, and the first one's serial and time in ms). Throws a SeccompLearnError 'state-invalid' when
   * the records do not unpack.
   */
  load(machines: ReadonlyArray<string | null>, saved: WindowJSON, onBoth?: (host: string | null, serial: number) => void): { both: number; conflicts: number; first: { serial: number; ms: number } | null } {
    const mine = machines.map((host) => this.machine(host));
    const [serials, times, sigs] = unpack(saved.data, saved.count, 3);
    let both = 0;
    let conflicts = 0;
    let first: { serial: number; ms: number } | null = null;
    for (let k = 0; k < serials.length; k++) {
      const serial = serials[k];
      const i = serial % DEDUP_WINDOW;
      const from = sigs[k] >>> 24;
      const sig = ((sigs[k] & 0xffffff) | (((mine[from] ?? from) & 0xff) << 24)) >>> 0;
      if (
        this.serials[i] === serial + 1 &&
        (this.sigs[i] & 0xffffff) === (sig & 0xffffff) &&
        (this.times[i] === times[k] || (zoneApart(this.times[i], times[k]) && this.oneMachine(this.sigs[i] >>> 24, sig >>> 24)))
      ) {
        both++;
        onBoth?.(machines[from] ?? null, serial);
        continue;
      }
      if (this.serials[i] === serial + 1 && this.times[i] === times[k]) {
        const had = this.sigs[i] >>> 24;
        const m = sig >>> 24;
        if (!(had !== m && this.named[had] === 1 && this.named[m] === 1)) {
          conflicts++;
          first ??= { serial, ms: times[k] };
          continue;
        }
      }
      if (this.serials[i] !== 0 && this.serials[i] > serial + 1) continue;
      this.serials[i] = serial + 1;
      this.times[i] = times[k];
      this.sigs[i] = sig;
    }
    return { both, conflicts, first };
  }
}

/**
 * Whether two other times of one serial and one content (low 32 bits of their
 * milliseconds) are one record's, as two forms give it:
 * - `ausearch -i` prints the record's time as local time without its zone,
 *   read here in this machine's zone, so the same record in its raw and
 *   interpreted forms is a whole number of quarter hours apart (a zone's offset
 *   less another's, -12 to +14 hours: within 26), to the millisecond;
 * - a journald JSON entry of the audit transport without
 *   `_SOURCE_REALTIME_TIMESTAMP` has the time journald received it
 *   (`__REALTIME_TIMESTAMP`), after the record's own by less than a second.
 */
function zoneApart(a: number, b: number): boolean {
  const d = (a - b) | 0;
  return d !== 0 && ((d % 900_000 === 0 && Math.abs(d) <= 26 * 3_600_000) || Math.abs(d) < 1000);
}

// The window's records as a state saves them: how many, and their three arrays packed (see RecordWindow.save).
/** @internal */
export interface WindowJSON {
  count: number;
  data: string;
}

/** Pack typed arrays of the same length into one deflated, base64 string. */
function pack(arrays: Uint32Array[]): string {
  const all = Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  return deflateRawSync(all).toString('base64');
}

/** `n` arrays of `count` numbers from what pack() gave; throws a SeccompLearnError 'state-invalid' when it does not inflate to that. */
function unpack(data: string, count: number, n: number): Uint32Array[] {
  let raw: Buffer;
  try {
    raw = inflateRawSync(Buffer.from(data, 'base64'));
  } catch (err) {
    throw new SeccompLearnError('state-invalid', `its record window does not inflate (${(err as Error).message})`);
  }
  if (raw.length !== count * n * 4) throw new SeccompLearnError('state-invalid', `its record window holds ${raw.length} bytes, not ${count * n * 4}`);
  const copy = new Uint8Array(raw);
  return Array.from({ length: n }, (_, i) => new Uint32Array(copy.buffer, i * count * 4, count));
}
