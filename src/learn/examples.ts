// Counted occurrences with a few examples of where they were read. Examples are
// the first few by position (file name, then line number), whatever order the
// lines were read in, so that counts read in pieces and merged show the same
// examples as counts read at once.

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
