// Counted occurrences with a few examples of where they were read. Examples are
// the first few by position (file name, then line number), whatever order the
// lines were read in, so that counts read in pieces and merged show the same
// examples as counts read at once. Also plain tallies, without examples. Both
// save themselves as their piece of a learn state (a JSON object by key) and
// load back, adding to what they hold.
import { sortedRecord } from './saved.js';

/** Where something was read, and what it was. */
export interface Example {
  file: string;
  line: number;
  message: string;
}

/** How many times something happened, with up to MAX_EXAMPLES examples, first by position. */
export interface Counted {
  count: number;
  examples: Example[];
}

export const MAX_EXAMPLES = 3;

/** Whether `a` was read before `b` (file name, then line). */
export function before(a: { file: string; line: number }, b: { file: string; line: number }): boolean {
  return a.file < b.file || (a.file === b.file && a.line < b.line);
}

/** Add an example to a sorted list of at most MAX_EXAMPLES. */
export function keepExample(list: Example[], ex: Example): void {
  if (list.length === MAX_EXAMPLES && !before(ex, list[MAX_EXAMPLES - 1])) return;
  let i = list.length;
  while (i > 0 && before(ex, list[i - 1])) i--;
  list.splice(i, 0, ex);
  if (list.length > MAX_EXAMPLES) list.pop();
}

/** The one of two examples read first (by position). */
export function earlier(a: Example, b: Example): Example {
  return before(b, a) ? b : a;
}

/** Count one occurrence at `ex`. */
export function countIn<K>(map: Map<K, Counted>, key: K, ex: Example): void {
  let c = map.get(key);
  if (!c) map.set(key, (c = { count: 0, examples: [] }));
  c.count++;
  keepExample(c.examples, ex);
}

/** Add `from` into `into`. */
export function mergeCounted(into: Counted, from: Counted): void {
  into.count += from.count;
  for (const ex of from.examples) keepExample(into.examples, ex);
}

/** Counts by key as a state saves them: a JSON object, keys sorted. */
export function saveCounts<K extends string>(m: ReadonlyMap<K, Counted>): Partial<Record<K, Counted>> {
  return sortedRecord(m as ReadonlyMap<string, Counted>) as Partial<Record<K, Counted>>;
}

/** Add saved counts by key into `into`. */
export function loadCounts<K extends string>(into: Map<K, Counted>, saved: Partial<Record<K, Counted>>): void {
  for (const [k, c] of Object.entries(saved) as Array<[K, Counted | undefined]>) {
    if (!c) continue;
    const have = into.get(k);
    if (have) mergeCounted(have, c);
    else into.set(k, { count: c.count, examples: [...c.examples] });
  }
}

/** Tallies by key as a state saves them: a JSON object, keys sorted. */
export function saveTallies(m: ReadonlyMap<string, number>): Record<string, number> {
  return sortedRecord(m);
}

/** Add saved tallies into `into`. */
export function loadTallies(into: Map<string, number>, saved: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(saved)) into.set(k, (into.get(k) ?? 0) + n);
}
