// Records lost on the way, as the kernel or journald said (LossReason: audit's
// rate and backlog limits, printk's suppressed callbacks, journald's suppressed
// messages, /dev/kmsg overwritten before it was read; parse/record.ts reads the
// notices). Counted by reason, with the first notice by position; saved as its
// piece of a learn state and loaded back, adding to what it holds.
import type { LossReason } from '../parse/record.js';
import { earlier, type Example } from './examples.js';
import { sortedRecord } from './saved.js';

/** What was lost, as the kernel or journald said. */
export interface Loss {
  notices: number;
  /** The lines or records they said were dropped (0 when they do not say). */
  count: number;
  first: Example;
}

/** One notice of `reason` at `at`, saying `count` lines or records were dropped (null: it does not say). */
export function countLoss(m: Map<LossReason, Loss>, reason: LossReason, count: number | null, at: Example): void {
  const l = m.get(reason);
  if (l) {
    l.notices++;
    l.count += count ?? 0;
    l.first = earlier(l.first, at);
  } else {
    m.set(reason, { notices: 1, count: count ?? 0, first: at });
  }
}

/** Losses by reason as a state saves them: a JSON object, keys sorted. */
export function saveLoss(m: ReadonlyMap<LossReason, Loss>): Partial<Record<LossReason, Loss>> {
  return sortedRecord(m);
}

/** Add saved losses into `into`. */
export function loadLoss(into: Map<LossReason, Loss>, saved: Partial<Record<LossReason, Loss>>): void {
  for (const [k, x] of Object.entries(saved) as Array<[LossReason, Loss | undefined]>) {
    if (!x) continue;
    const have = into.get(k);
    if (!have) into.set(k, { notices: x.notices, count: x.count, first: x.first });
    else {
      have.notices += x.notices;
      have.count += x.count;
      have.first = earlier(have.first, x.first);
    }
  }
}
