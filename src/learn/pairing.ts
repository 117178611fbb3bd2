// journald's two transports. With no auditd running, journald reads each audit
// record twice: from the audit netlink socket (`audit[PID]: SECCOMP ...`, no
// stamp: the serial is in _AUDIT_ID, which journalctl's text output drops) and
// from the kernel log (`kernel: audit: type=1326 audit(T:S): ...`). In JSON the
// serials make them one record (learn/duplicates.ts); in text, the two lines of one record
// are paired here: same source, same pid, call, ABI, action, comm and exe, log
// times within a second. Each unpaired line waits in a short list of its kind;
// a line that finds its twin there is the record's second read. The lines
// waiting are saved as their piece of a learn state, and load back.
import type { Action, SeccompEvent } from '../parse/event.js';
import type { Arch } from '../syscalls/index.js';
import { archName, archNamed } from './saved.js';

/** How many unpaired lines of each transport a source remembers. */
const KEPT = 64;

/**
 * The last KEPT unpaired lines of one transport, in a ring of plain values: no
 * allocation per line, and no reference kept to a line's event (which would
 * outlive the young generation and make the heap grow with the input: bench).
 * comm, exe, arch and action are shared values (decoded once), kept by reference.
 */
class Ring {
  private readonly pid = new Int32Array(KEPT);
  private readonly nr = new Float64Array(KEPT);
  private readonly logSecond = new Float64Array(KEPT);
  private readonly used = new Uint8Array(KEPT);
  private readonly arch: Array<unknown> = new Array(KEPT).fill(null);
  private readonly action: Array<unknown> = new Array(KEPT).fill(null);
  private readonly comm: Array<string | null> = new Array<string | null>(KEPT).fill(null);
  private readonly exe: Array<string | null> = new Array<string | null>(KEPT).fill(null);
  private next = 0;
  /** Lines waiting: when none, a twin is not looked for. */
  waiting = 0;

  push(e: SeccompEvent): void {
    const i = this.next;
    if (this.used[i] === 0) this.waiting++;
    this.used[i] = 1;
    this.pid[i] = e.pid;
    this.nr[i] = e.nr;
    this.logSecond[i] = e.logSecond ?? NaN;
    this.arch[i] = e.arch;
    this.action[i] = e.action;
    this.comm[i] = e.comm;
    this.exe[i] = e.exe;
    this.next = (i + 1) % KEPT;
  }

  /** The waiting lines, oldest first, as a state saves them. */
  save(): PairJSON[] {
    const out: PairJSON[] = [];
    for (let k = 0; k < KEPT; k++) {
      const i = (this.next + k) % KEPT;
      if (this.used[i] === 0) continue;
      out.push({ pid: this.pid[i], nr: this.nr[i], logSecond: Number.isNaN(this.logSecond[i]) ? null : this.logSecond[i], arch: archName(this.arch[i] as Arch | null), action: this.action[i] as Action | null, comm: this.comm[i], exe: this.exe[i] });
    }
    return out;
  }

  /** Saved lines wait again, after those waiting (the oldest go past KEPT); throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
  load(saved: readonly PairJSON[]): void {
    for (const x of saved) this.push({ pid: x.pid, nr: x.nr, logSecond: x.logSecond, arch: x.arch === null ? null : archNamed(x.arch, 'pairs'), action: x.action, comm: x.comm, exe: x.exe } as SeccompEvent);
  }

  /** Take out the oldest line that is `e`'s twin: same pid, call, ABI, action, comm and exe, log times within a second. */
  take(e: SeccompEvent): boolean {
    if (this.waiting === 0) return false;
    for (let k = 0; k < KEPT; k++) {
      const i = (this.next + k) % KEPT;
      if (this.used[i] === 0 || this.pid[i] !== e.pid || this.nr[i] !== e.nr || this.arch[i] !== e.arch || this.action[i] !== e.action || this.comm[i] !== e.comm || this.exe[i] !== e.exe) continue;
      const t = this.logSecond[i];
      if (e.logSecond !== null && !Number.isNaN(t) && Math.abs(t - e.logSecond) > 1) continue;
      this.used[i] = 0;
      this.comm[i] = this.exe[i] = null;
      this.waiting--;
      return true;
    }
    return false;
  }
}

/** Whether a record is a kernel-transport line of a journal-shaped text source. */
export function kernelTransport(e: SeccompEvent): boolean {
  return e.trusted && e.serial !== null && (e.format === 'syslog' || e.format === 'syslog-rfc3339' || e.format === 'journal-full' || e.format === 'journal-unix' || e.format === 'journal-monotonic');
}

/** A waiting line: what is compared to find its twin. */
export interface PairEntry {
  pid: number;
  nr: number;
  logSecond: number | null;
  arch: Arch | null;
  action: Action | null;
  comm: string | null;
  exe: string | null;
}

// A waiting line as a state saves it: its architecture by name.
/** @internal */
export interface PairJSON extends Omit<PairEntry, 'arch'> {
  arch: string | null;
}

/** One source's unpaired lines of each transport. */
export class JournalPairs {
  private readonly audit = new Ring();
  private readonly kernel = new Ring();

  /**
   * Whether `e` is the second read of a record whose other transport's line was
   * already seen; if not, it waits for its twin. Call only for trusted `journal`
   * lines (audit transport) and kernelTransport lines.
   */
  paired(e: SeccompEvent): boolean {
    const fromAudit = e.format === 'journal';
    if ((fromAudit ? this.kernel : this.audit).take(e)) return true;
    (fromAudit ? this.audit : this.kernel).push(e);
    return false;
  }

  /** The lines waiting on each transport, oldest first, as a state saves them. */
  save(): { audit: PairJSON[]; kernel: PairJSON[] } {
    return { audit: this.audit.save(), kernel: this.kernel.save() };
  }

  /** Saved lines wait again; throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
  load(saved: { audit: readonly PairJSON[]; kernel: readonly PairJSON[] }): void {
    this.audit.load(saved.audit);
    this.kernel.load(saved.kernel);
  }
}
