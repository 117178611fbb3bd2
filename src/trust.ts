// Lines that claim to come from the kernel but may not. Each source (a file, and
// each host it names) is judged against its own lines.
//
// /dev/kmsg, dmesg, auditd's log and journald's _TRANSPORT cannot be written by
// an unprivileged user. A syslog file can: `logger -t kernel 'audit: ...'` gives
// a line whose envelope is the kernel's. Such a line gives itself away against
// the kernel's own lines around it, from the same source:
// - the kernel's lines carry a printk stamp ([  901.514284]) and it has none;
// - its printk stamp goes backwards while the serial goes on (within one boot
//   both only grow);
// - its serial is far behind the serials already seen, with no reboot (a reboot
//   restarts the serials and the printk stamps together).
// A forger who copies all three plausibly is not caught here; the same
// TIME:SERIAL with other content still is (RecordWindow).
import type { SeccompEvent } from './event.js';
import { PerSource } from './per-source.js';

export type Suspicion = 'no-printk-stamp' | 'printk-backwards' | 'serial-behind';

/** How far behind the highest serial a record may be before it is suspect (records are printed almost in order). */
const SERIAL_SLACK = 5000;

function forgeable(format: SeccompEvent['format']): boolean {
  return format === 'syslog' || format === 'syslog-rfc3339' || format === 'unknown';
}

interface SourceState {
  stamped: number;
  lastPrintk: number | null;
  lastSerial: number | null;
  maxSerial: number;
}

export class ForgeryCheck {
  private readonly sources = new PerSource<SourceState>();

  /** Null when the record is consistent with the kernel's own lines of its source. */
  check(e: SeccompEvent): Suspicion | null {
    if (!e.trusted || !forgeable(e.format)) return null;
    const s = this.sources.get(e.file, e.host) ?? this.sources.set(e.file, e.host, { stamped: 0, lastPrintk: null, lastSerial: null, maxSerial: -1 });
    if (e.printk === null && s.stamped > 0) return 'no-printk-stamp';
    if (e.printk !== null && s.lastPrintk !== null && e.serial !== null && s.lastSerial !== null) {
      const rebooted = e.printk < s.lastPrintk && e.serial < s.lastSerial;
      if (e.printk < s.lastPrintk && !rebooted) return 'printk-backwards';
      if (!rebooted && e.serial < s.maxSerial - SERIAL_SLACK) return 'serial-behind';
      if (rebooted) s.maxSerial = -1;
    } else if (e.serial !== null && e.printk === null && e.serial < s.maxSerial - SERIAL_SLACK) {
      return 'serial-behind';
    }
    if (e.printk !== null) {
      s.stamped++;
      s.lastPrintk = e.printk;
    }
    if (e.serial !== null) {
      s.lastSerial = e.serial;
      if (e.serial > s.maxSerial) s.maxSerial = e.serial;
    }
    return null;
  }
}
