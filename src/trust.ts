// Lines that claim to come from the kernel but may not. Each source (a file, and
// each host it names) is judged against its own lines.
//
// /dev/kmsg, dmesg, auditd's log and journald's _TRANSPORT cannot be written by
// an unprivileged user. A syslog file can: `logger -t kernel 'audit: ...'` gives
// a line whose envelope is the kernel's, and `logger -t 'audit[9999]' 'SECCOMP ...'`
// one shaped like journald's audit transport. Such a line gives itself away
// against the kernel's own lines around it, from the same source:
// - the kernel's lines carry a printk stamp ([  901.514284]) and it has none;
// - its printk stamp goes backwards while the serial goes on (within one boot
//   both only grow);
// - its serial is far behind the serials already seen, with no reboot;
// - it claims a reboot (printk stamp and serial both back) that the wall clock
//   denies (the boot it implies, audit time minus uptime, is not after the last
//   record), or that the next line of the source does not confirm: after a real
//   reboot the lines go on from the new boot's stamps and serials, not the old;
// - journald's audit transport names the record's own pid in its tag
//   (`audit[7645]: ... pid=7645`); a tag with another pid, or none, was written by someone else;
// - its printk stamp runs ahead further than its audit time does (the kernel's
//   uptime cannot pass faster than the wall clock): held until the next line,
//   and not learned if the next line goes on from the stamps before it;
// - the first stamped line of a source has nothing to be judged against: it is
//   held until the next line agrees with it (or, when following, the input
//   pauses; or the input ends), so that a forged first line cannot make every
//   real line after it look forged.
// A forger who copies all of these plausibly is not caught here; the same
// TIME:SERIAL with other content still is (window.ts).
import type { Format } from './envelope.js';

export type Suspicion =
  | 'no-printk-stamp'
  | 'printk-backwards'
  | 'printk-ahead'
  | 'unconfirmed-jump'
  | 'outlier'
  | 'serial-behind'
  | 'false-reboot'
  | 'unconfirmed-reboot'
  | 'tag-pid-mismatch';

/** What a held line claims, until the next kernel line of its source confirms or refutes it. */
export type Claim = 'reboot' | 'jump' | 'first';

export const SUSPICIONS: Readonly<Record<Suspicion, string>> = {
  'no-printk-stamp': "no printk stamp, where the kernel's lines of this source have one",
  'printk-backwards': 'its printk stamp goes backwards while the audit serial goes on (or a reboot the clock denies)',
  'false-reboot': 'it claims a reboot (printk stamp and serial back) that the next kernel line of the source does not confirm',
  'unconfirmed-reboot': 'it claims a reboot and no later kernel line of the source confirms it',
  'printk-ahead': 'its printk stamp ran ahead of its audit time, and the next kernel line of the source goes on from the stamps before it',
  'unconfirmed-jump': 'its printk stamp ran ahead of its audit time, and no later kernel line of the source confirms it',
  'outlier': "the first stamped line of its source, and the next kernel line's stamps contradict it",
  'serial-behind': 'its audit serial is far behind the serials already read from this source',
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
  format: Format;
  trusted: boolean;
  printk: number | null;
  serial: number | null;
  time: number | null;
}

/** Formats whose kernel lines are judged against their source's other kernel lines. */
function kernelTagged(format: Format): boolean {
  return format === 'syslog' || format === 'syslog-rfc3339' || format === 'journal-full' || format === 'journal-unix' || format === 'journal-monotonic' || format === 'unknown';
}

/** Whether a line is one the check judges (claims the kernel wrote it, in a file anyone can add to). */
export function judged(x: Stamped): boolean {
  return x.trusted && (kernelTagged(x.format) || x.format === 'journal');
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

/** One source's kernel lines so far. */
export class ForgeryState {
  stamped = 0;
  lastPrintk: number | null = null;
  lastSerial: number | null = null;
  maxSerial = -1;
  lastTime: number | null = null;

  /**
   * Null when the line is consistent with the kernel's lines of its source so
   * far; a Suspicion; or a Claim that only the next line can settle: 'reboot'
   * (both stamps went back), 'jump' (the printk stamp ran ahead of the audit
   * time), 'first' (nothing to judge the line against yet).
   */
  judge(x: Stamped, pid: number | null, tagPid: number | null): Suspicion | Claim | null {
    if (x.format === 'journal') return lineSuspicion(x, pid, tagPid);
    if (x.printk === null && this.stamped > 0) return 'no-printk-stamp';
    if (x.printk !== null && this.stamped === 0) return 'first';
    if (x.printk !== null && this.lastPrintk !== null && x.serial !== null && this.lastSerial !== null) {
      if (x.printk < this.lastPrintk) {
        if (x.serial >= this.lastSerial) return 'printk-backwards';
        // a reboot: the boot it implies must begin after the last record read
        if (x.time !== null && this.lastTime !== null && x.time - x.printk <= this.lastTime) return 'printk-backwards';
        return 'reboot';
      }
      if (x.time !== null && this.lastTime !== null && x.printk - this.lastPrintk > x.time - this.lastTime + AHEAD_SLACK) return 'jump';
      if (x.serial < this.maxSerial - SERIAL_SLACK) return 'serial-behind';
    } else if (x.serial !== null && x.printk === null && x.serial < this.maxSerial - SERIAL_SLACK) {
      return 'serial-behind';
    }
    return null;
  }

  /** Take an accepted line into the state. */
  accept(x: Stamped): void {
    if (x.format === 'journal') return;
    if (x.printk !== null) {
      this.stamped++;
      this.lastPrintk = x.printk;
    }
    if (x.serial !== null) {
      this.lastSerial = x.serial;
      if (x.serial > this.maxSerial) this.maxSerial = x.serial;
    }
    if (x.time !== null) this.lastTime = x.time;
  }

  /** Whether `next` goes on from the boot `held` claims (its stamps at or after the claim's), not from the old one. */
  confirms(held: Stamped, next: Stamped): boolean | null {
    if (next.printk === null || next.serial === null || held.printk === null || held.serial === null) return null;
    return next.printk >= held.printk && next.serial >= held.serial && (this.lastSerial === null || next.serial < this.lastSerial - SERIAL_SLACK || next.printk < (this.lastPrintk ?? 0));
  }

  /** Make this state a copy of `o`. */
  copyFrom(o: ForgeryState): void {
    this.stamped = o.stamped;
    this.lastPrintk = o.lastPrintk;
    this.lastSerial = o.lastSerial;
    this.maxSerial = o.maxSerial;
    this.lastTime = o.lastTime;
  }

  /**
   * A 'jump' or 'first' claim against the line after it: the verdict on `next`
   * once the claim is taken in (`into` is then this state with the claim in;
   * take it with copyFrom when the verdict is not a Suspicion: the claim stands).
   */
  tryClaim(held: Stamped, next: Stamped, pid: number | null, tagPid: number | null, into: ForgeryState): Suspicion | Claim | null {
    into.copyFrom(this);
    into.accept(held);
    return into.judge(next, pid, tagPid);
  }

  /** A confirmed reboot: the state starts again from the line that showed it. */
  reboot(held: Stamped): void {
    this.maxSerial = -1;
    this.lastPrintk = null;
    this.lastSerial = null;
    this.accept(held);
  }
}
