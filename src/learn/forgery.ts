// Lines that claim to come from the kernel but may not. Each source (a file, and
// each host it names) is judged against its own lines.
//
// /dev/kmsg, dmesg, auditd's log and journald's _TRANSPORT cannot be written by
// an unprivileged user. A syslog file can: `logger -t kernel 'audit: ...'` gives
// a line whose envelope is the kernel's, and `logger -t 'audit[9999]' 'SECCOMP ...'`
// one shaped like journald's audit transport.
//
// Two kernel lines of one source, one after the other, agree when they could both
// be the kernel's (consistent()): within one boot the printk stamp and the serial
// only grow (the serial nearly: records are printed almost in order) and the
// uptime cannot pass faster than the wall clock (kauditd's printing lag aside); a
// reboot puts both back and begins after the earlier record. A line is judged by
// the lines around it, not by the one before alone: it waits among the next
// MAX_WAITING - 1 lines of its source (or until the input ends or, when following,
// pauses) and is learned when it agrees with at least as many of them and of the
// last RECENT_JUDGED lines judged as it contradicts. One forged line, or a few in a row,
// cannot make the real lines after it look forged, and a reboot claim needs a
// later line that agrees. Alone: a line with no printk stamp where the source's
// lines have one; a journald audit-transport tag without the record's own pid
// (`audit[7645]: ... pid=7645`). A forger who copies all of these plausibly, or
// outnumbers the kernel's lines, is not caught here; the same TIME:SERIAL with
// other content still is (learn/duplicates.ts).
//
// A source's checks save themselves as their piece of a learn state (the
// lines judged last, and those still waiting) and load back.
import { checked, type LogFormat } from '../parse/envelope.js';
import { blankEvent, blankMark, copyEvent, copyMark, type AuditMark, type SeccompEvent } from '../parse/results.js';
import { archName, archNamed } from './saved.js';
import { SeccompLearnError } from '../core/error.js';

export type Suspicion =
  | 'no-printk-stamp'
  | 'printk-backwards'
  | 'printk-ahead'
  | 'serial-behind'
  | 'false-reboot'
  | 'unconfirmed-reboot'
  | 'tag-pid-mismatch';

export const SUSPICIONS: Readonly<Record<Suspicion, string>> = {
  'no-printk-stamp': "no printk stamp, where the kernel's lines of this source have one",
  'printk-backwards': 'its printk stamp goes backwards while the audit serial goes on (or a reboot the clock denies), against most kernel lines around it',
  'printk-ahead': 'its printk stamp runs ahead of its audit time (the uptime cannot pass faster than the clock), against most kernel lines around it',
  'serial-behind': 'its audit serial is far from the serials of most kernel lines around it',
  'false-reboot': 'it claims a reboot (printk stamp and serial back) that most kernel lines around it deny',
  'unconfirmed-reboot': 'it claims a reboot and no later kernel line of the source goes on from it',
  'tag-pid-mismatch': "journald's audit transport tags a record with its own pid; this tag names another, or none",
};

/**
 * How far a line's printk stamp may run ahead of its audit time since the last
 * line, in seconds: kauditd prints a record after it was made (a backlog delays
 * it), so the printk stamp lags the audit time by a varying amount. The uptime
 * cannot pass faster than the wall clock otherwise (it stops in a suspend).
 */
const AHEAD_SLACK = 60;

/** How far behind the highest serial a record may be before it is suspect (records are printed almost in order). */
const SERIAL_SLACK = 5000;

/** What the check needs of a line: its envelope and stamps. */
export interface Stamped {
  format: LogFormat;
  trusted: boolean;
  printk: number | null;
  serial: number | null;
  time: number | null;
}

/** Whether a line is one the check judges (claims the kernel wrote it, in a file anyone can add to: LOG_FORMATS' `checked`). */
export function judged(x: Stamped): boolean {
  return x.trusted && checked(x.format);
}

/**
 * What a judged line gives away on its own, without the lines around it: a
 * journald audit-transport line whose tag names no pid, or another pid than the
 * record's (journald tags it `audit[PID]` with the record's pid, as %d). Null
 * otherwise (and for other formats).
 */
export function lineSuspicion(x: Stamped, pid: number | null, tagPid: number | null): Suspicion | null {
  if (x.format !== 'journal' || !x.trusted) return null;
  return tagPid === null || (pid !== null && tagPid !== pid) ? 'tag-pid-mismatch' : null;
}

/** A kernel line's stamps, as the checks compare them. */
export interface Stamp {
  printk: number | null;
  serial: number | null;
  time: number | null;
}

/** Kernel lines of one source waiting to be judged, at most: a line waits among itself and the next MAX_WAITING - 1. */
export const MAX_WAITING = 8;
/** Lines judged last that a line is also compared with. */
export const RECENT_JUDGED = 4;

/**
 * Whether `b`, read after `a` from the same source, could be the kernel's if `a`
 * is: null when they agree, 'reboot' when `b` begins a later boot, else what `b`
 * does wrong against `a`.
 */
export function consistent(a: Stamp, b: Stamp): Suspicion | 'reboot' | null {
  const v = relation(a.printk ?? NaN, a.serial ?? NaN, a.time ?? NaN, b.printk ?? NaN, b.serial ?? NaN, b.time ?? NaN);
  return v === AGREE ? null : v === REBOOT ? 'reboot' : v;
}

// The checks as a state saves them (see ForgeryState.save).
/** @internal */
export interface ForgeryJSON {
  stamped: number;
  recent: Stamp[];
}

// A kernel line waiting to be judged, as a state saves it: a record (its architecture by name) or a mark.
/** @internal */
export type PendingJSON = (Omit<SeccompEvent, 'arch'> & { arch: string | null }) | AuditMark;

/** A waiting line's place: a record or another record's mark, rewritten in place (no allocation per line). */
interface Slot {
  isEvent: boolean;
  event: SeccompEvent;
  mark: AuditMark;
}

/**
 * One source's kernel lines: the last ones judged, and those waiting to be
 * (copied into fixed slots, in order). Rings of numbers, no allocation per line
 * (npm run bench, busy syslog: a copy of each line and of its stamps cost a third more time).
 */
export class ForgeryState {
  /** Stamped lines learned so far. */
  stamped = 0;
  // the last RECENT_JUDGED lines judged, learned or not (a line left out still speaks
  // against the next: two lines that contradict each other, with nothing around
  // them, are both left out): printk, serial, time (NaN: none), oldest at rHead
  private readonly rp = new Float64Array(RECENT_JUDGED);
  private readonly rs = new Float64Array(RECENT_JUDGED);
  private readonly rt = new Float64Array(RECENT_JUDGED);
  private rHead = 0;
  private rCount = 0;
  // the lines waiting, oldest at wHead
  private readonly slots: Slot[] = Array.from({ length: MAX_WAITING }, () => ({ isEvent: true, event: blankEvent(), mark: blankMark() }));
  private wHead = 0;
  private wCount = 0;

  /** Lines waiting to be judged. */
  get waiting(): number {
    return this.wCount;
  }

  /** What a state saves of the checks: the stamped lines learned so far, and the last lines judged, oldest first. */
  save(): ForgeryJSON {
    const recent: Stamp[] = [];
    for (let i = 0; i < this.rCount; i++) {
      const k = (this.rHead + i) % RECENT_JUDGED;
      recent.push({ printk: orNull(this.rp[k]), serial: orNull(this.rs[k]), time: orNull(this.rt[k]) });
    }
    return { stamped: this.stamped, recent };
  }

  /** The lines waiting, oldest first, as a state saves them (copies). */
  savePending(): PendingJSON[] {
    const out: PendingJSON[] = [];
    for (let i = 0; i < this.wCount; i++) {
      const x = this.line(i);
      out.push(x.kind === 'seccomp' ? { ...x, arch: archName(x.arch) } : { ...x });
    }
    return out;
  }

  /**
   * Go on from saved checks (of `file`), with no line waiting: the stamped
   * count adds, the lines judged last are the saved ones, the saved waiting
   * lines wait again. Throws a SeccompLearnError 'state-invalid' for more lines waiting than can be, or
   * an architecture this version does not know.
   */
  load(saved: ForgeryJSON, pending: readonly PendingJSON[], file: string): void {
    if (pending.length > MAX_WAITING - 1) throw new SeccompLearnError('state-invalid', `${file}: ${pending.length} kernel lines waiting, more than ${MAX_WAITING - 1}`);
    if (this.wCount > 0) throw new Error('saved forgery checks loaded where kernel lines are waiting');
    const lines = pending.map((x) => (x.kind === 'seccomp' ? { ...x, arch: x.arch === null ? null : archNamed(x.arch, 'pending') } : { ...x }));
    this.stamped += saved.stamped;
    this.rHead = this.rCount = 0;
    for (const x of saved.recent) this.remember(x.printk, x.serial, x.time);
    for (const x of lines) this.hold(x);
  }

  /** A line to wait among the next ones: copied (the caller's object may be rewritten). */
  hold(x: SeccompEvent | AuditMark): void {
    if (this.wCount === MAX_WAITING) throw new Error('a kernel line held with MAX_WAITING lines already waiting');
    const slot = this.slots[(this.wHead + this.wCount) % MAX_WAITING];
    this.wCount++;
    if (x.kind === 'seccomp') {
      slot.isEvent = true;
      copyEvent(slot.event, x);
    } else {
      slot.isEvent = false;
      copyMark(slot.mark, x);
    }
  }

  /** The i-th waiting line, oldest first. */
  private line(i: number): SeccompEvent | AuditMark {
    const slot = this.slots[(this.wHead + i) % MAX_WAITING];
    return slot.isEvent ? slot.event : slot.mark;
  }

  /**
   * The oldest waiting line leaves (`learned` or not) and joins the lines later
   * ones are compared with. Returned: that line, valid until the next hold().
   */
  release(learned: boolean): SeccompEvent | AuditMark {
    const x = this.line(0);
    this.wHead = (this.wHead + 1) % MAX_WAITING;
    this.wCount--;
    if (learned && x.printk !== null) this.stamped++;
    this.remember(x.printk, x.serial, x.time);
    return x;
  }

  private remember(printk: number | null, serial: number | null, time: number | null): void {
    let k: number;
    if (this.rCount < RECENT_JUDGED) {
      k = (this.rHead + this.rCount) % RECENT_JUDGED;
      this.rCount++;
    } else {
      // full: the oldest goes
      k = this.rHead;
      this.rHead = (this.rHead + 1) % RECENT_JUDGED;
    }
    this.rp[k] = printk ?? NaN;
    this.rs[k] = serial ?? NaN;
    this.rt[k] = time ?? NaN;
  }

  /**
   * Judge the oldest waiting line against the lines judged before it and the
   * waiting lines after it: null (learn it) or why not. `final`: no line will
   * come after those waiting (end of input, or a pause while following).
   */
  judgeOldest(final: boolean): Suspicion | null {
    const x = this.line(0);
    const xp = x.printk ?? NaN;
    const xs = x.serial ?? NaN;
    const xt = x.time ?? NaN;
    let stampedAround = this.stamped > 0;
    let agree = 0;
    let against = 0;
    let first: Suspicion | null = null;
    let reboot = false;
    for (let i = 0; i < this.rCount; i++) {
      const k = (this.rHead + i) % RECENT_JUDGED;
      if (!Number.isNaN(this.rp[k])) stampedAround = true;
      const v = relation(this.rp[k], this.rs[k], this.rt[k], xp, xs, xt);
      if (v === REBOOT) reboot = true;
      if (v === AGREE || v === REBOOT) agree++;
      else {
        against++;
        first ??= v;
      }
    }
    let later = 0;
    for (let i = 1; i < this.wCount; i++) {
      const y = this.line(i);
      if (y.printk !== null) stampedAround = true;
      const v = relation(xp, xs, xt, y.printk ?? NaN, y.serial ?? NaN, y.time ?? NaN);
      if (v === AGREE || v === REBOOT) {
        agree++;
        if (v === AGREE) later++;
      } else {
        against++;
        // what x does wrong, seen from the later line: ahead of it, or behind
        first ??= v === 'printk-ahead' ? 'printk-backwards' : v === 'serial-behind' ? 'serial-behind' : 'printk-ahead';
      }
    }
    // a line with no printk stamp among stamped ones
    if (Number.isNaN(xp) && stampedAround) return 'no-printk-stamp';
    if (against > agree) return reboot ? 'false-reboot' : first;
    // a reboot is believed when a later line goes on from it
    if (reboot && later === 0) return final && this.wCount === 1 ? 'unconfirmed-reboot' : 'false-reboot';
    return null;
  }
}

const AGREE = 0;
const REBOOT = 1;

/** consistent() on numbers (NaN: none), without allocating: AGREE, REBOOT or what b does wrong against a. */
function relation(ap: number, as: number, at: number, bp: number, bs: number, bt: number): Suspicion | typeof AGREE | typeof REBOOT {
  if (Number.isNaN(as) || Number.isNaN(bs)) return AGREE;
  if (Number.isNaN(ap) || Number.isNaN(bp)) return bs < as - SERIAL_SLACK ? 'serial-behind' : AGREE;
  if (bp < ap) {
    if (bs >= as) return 'printk-backwards';
    if (!Number.isNaN(at) && !Number.isNaN(bt) && bt - bp <= at) return 'false-reboot';
    return REBOOT;
  }
  if (!Number.isNaN(at) && !Number.isNaN(bt) && bp - ap > bt - at + AHEAD_SLACK) return 'printk-ahead';
  if (bs < as - SERIAL_SLACK) return 'serial-behind';
  return AGREE;
}

const orNull = (n: number) => (Number.isNaN(n) ? null : n);
