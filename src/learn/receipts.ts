// What a record counted, kept for the first records of a learn state's input.
//
// One record can reach a log twice (journald's two transports, in `journalctl
// -o json`), a few lines apart. One run counts its first copy and knows the
// second by its audit(TIME:SERIAL) (learn/duplicates.ts). When the log is cut
// between the two copies and each part learned into its own state, each state
// counts its copy; the merge knows the record is one (both windows hold it),
// and takes the later part's copy back out of what it counted: the process's
// records, its call's count, `used`, denied calls. To do that, a state keeps,
// for the first RECEIPT_RECORDS records it counted (those a copy in an earlier
// part can be the twin of), what each counted: its receipt.

import type { Action, SeccompEvent } from '../parse/event.js';
import { archName, archNamed } from './saved.js';

/**
 * How many of a state's first counted records keep a receipt. A record's two
 * copies lie a few lines apart (17 at most in the journald fixtures); a copy
 * past this in the later part is counted twice by a merge, as before.
 */
export const RECEIPT_RECORDS = 2048;

/** What one counted record added to its process and to the Learner's counts: the fields they are keyed by. */
export type Receipt = Pick<SeccompEvent, 'serial' | 'time' | 'arch' | 'nr' | 'syscall' | 'action' | 'sig' | 'comm' | 'exe' | 'pid' | 'file' | 'line'>;

// A receipt as a state saves it (LifeJSON.receipts): the architecture by name; pid, file and line are the life's, or unneeded.
/** @internal */
export interface ReceiptJSON {
  serial: number;
  time: number | null;
  abi: string | null;
  nr: number;
  name: string | null;
  action: Action | null;
  sig: number | null;
  comm: string | null;
  exe: string | null;
}

/** The receipt of `e`, a record with a serial. */
export function receiptOf(e: SeccompEvent): Receipt {
  return { serial: e.serial, time: e.time, arch: e.arch, nr: e.nr, syscall: e.syscall, action: e.action, sig: e.sig, comm: e.comm, exe: e.exe, pid: e.pid, file: e.file, line: e.line };
}

export function saveReceipt(r: Receipt): ReceiptJSON {
  return { serial: r.serial ?? -1, time: r.time, abi: archName(r.arch), nr: r.nr, name: r.syscall, action: r.action, sig: r.sig, comm: r.comm, exe: r.exe };
}

/** A saved receipt of process `pid`; throws a SeccompLearnError 'state-invalid' for an architecture this version does not know. */
export function loadReceipt(j: ReceiptJSON, pid: number): Receipt {
  return { serial: j.serial, time: j.time, arch: j.abi === null ? null : archNamed(j.abi, 'receipts'), nr: j.nr, syscall: j.name, action: j.action, sig: j.sig, comm: j.comm, exe: j.exe, pid, file: '', line: 0 };
}

/** The key of a record in a merge's set of records two states both hold: its machine (host, null: unnamed) and serial. */
export const twinKey = (host: string | null, serial: number): string => `${serial} ${host ?? ''}`;
