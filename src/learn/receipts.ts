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
import { SeccompLearnError } from '../core/error.js';
import { nameOf } from '../syscalls/index.js';

/**
 * How many of a state's first counted records keep a receipt. A record's two
 * copies lie a few lines apart (17 at most in the journald fixtures); a copy
 * past this in the later part is counted twice by a merge, as before.
 */
export const RECEIPT_RECORDS = 512;

/** What one counted record added to its process and to the Learner's counts: the fields they are keyed by. */
export type Receipt = Pick<SeccompEvent, 'serial' | 'time' | 'arch' | 'nr' | 'syscall' | 'action' | 'sig' | 'comm' | 'exe'>;

// Receipts as a state saves them (LifeJSON.receipts): one tuple each, `[serial, time, abi, nr, name, action, sig, comm, exe]`,
// the architecture by name; abi, comm and exe are `true` where they are the receipt before's (a process's stay the
// same), and name is null where it is the table's name for abi and nr.
/** @internal */
export type ReceiptJSON = [number, number | null, string | null | true, number, string | null, Action | null, number | null, string | null | true, string | null | true];

/** The receipt of `e`, a record with a serial. */
export function receiptOf(e: SeccompEvent): Receipt {
  return { serial: e.serial, time: e.time, arch: e.arch, nr: e.nr, syscall: e.syscall, action: e.action, sig: e.sig, comm: e.comm, exe: e.exe };
}

/** A life's receipts as a state saves them. */
export function saveReceipts(rs: readonly Receipt[]): ReceiptJSON[] {
  return rs.map((r, i) => {
    const before = i > 0 ? rs[i - 1] : null;
    const same = <T>(a: T | undefined, b: T): T | true => (before !== null && a === b ? true : b);
    const name = r.arch !== null && r.syscall === nameOf(r.arch, r.nr) ? null : r.syscall;
    return [r.serial ?? -1, r.time, same(before?.arch, r.arch) === true ? true : archName(r.arch), r.nr, name, r.action, r.sig, same(before?.comm, r.comm), same(before?.exe, r.exe)];
  });
}

/** Saved receipts; throws a SeccompLearnError 'state-invalid' for an architecture this version does not know, or a `true` with no receipt before it. */
export function loadReceipts(js: readonly ReceiptJSON[]): Receipt[] {
  const out: Receipt[] = [];
  for (const [serial, time, abi, nr, name, action, sig, comm, exe] of js) {
    const before = out.length > 0 ? out[out.length - 1] : null;
    if ((abi === true || comm === true || exe === true) && before === null) throw new SeccompLearnError('state-invalid', 'receipts: the first names no arch, comm or exe');
    const arch = abi === true ? before!.arch : abi === null ? null : archNamed(abi, 'receipts');
    const syscall = name === null && arch !== null ? nameOf(arch, nr) : name;
    out.push({ serial, time, arch, nr, syscall, action, sig, comm: comm === true ? before!.comm : comm, exe: exe === true ? before!.exe : exe });
  }
  return out;
}

/** The key of a record in a merge's set of records two states both hold: its machine (host, null: unnamed) and serial. */
export const twinKey = (host: string | null, serial: number): string => `${serial} ${host ?? ''}`;
