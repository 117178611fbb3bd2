// How many records each process name logged (its comm, else its exe), counted
// once each, for the message that says nothing matched the selection and what
// was there instead. Saved as its piece of a learn state and loaded back,
// adding to what it holds.
import { byName } from './saved.js';

export class LabelCounts {
  // a counter per label; a label's string is shared (decoded once), so the
  // check against the last one is a pointer compare
  private readonly counters = new Map<string, { n: number }>();
  private last: string | null = null;
  private lastCounter = { n: 0 };

  /** One more record of `label`. */
  count(label: string): void {
    if (label !== this.last) {
      let c = this.counters.get(label);
      if (!c) this.counters.set(label, (c = { n: 0 }));
      this.last = label;
      this.lastCounter = c;
    }
    this.lastCounter.n++;
  }

  /** One record of `label` taken back out (a merge found it counted in an earlier part too). */
  uncount(label: string): void {
    const c = this.counters.get(label);
    if (c && c.n > 0) c.n--;
  }

  /** Each label with its count, in the order first seen. */
  counts(): Map<string, number> {
    return new Map([...this.counters].map(([k, c]) => [k, c.n]));
  }

  /** The counts as a state saves them (LearnState.seen): a JSON object, labels sorted. */
  save(): Record<string, number> {
    return Object.fromEntries([...this.counters].map(([k, c]) => [k, c.n] as const).sort((a, b) => byName(a[0], b[0])));
  }

  /** Add saved counts in. */
  load(saved: Readonly<Record<string, number>>): void {
    for (const [k, n] of Object.entries(saved)) {
      const c = this.counters.get(k);
      if (c) c.n += n;
      else this.counters.set(k, { n });
    }
  }
}
