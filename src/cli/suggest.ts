// "Did you mean": the closest valid word to a misspelled command or option.

/** Edits between two words: insertions, deletions, substitutions and swaps of neighbours. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate closest to `word`, if it is close enough to be a misspelling:
 * one edit in a word of up to 3 letters, two up to 5, three beyond. None for
 * one letter (every short option is one edit from every other).
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  if (word.length < 2) return undefined;
  const limit = word.length <= 3 ? 1 : word.length <= 5 ? 2 : 3;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c.length < 2 || c === word) continue;
    const dd = distance(word.toLowerCase(), c.toLowerCase());
    if (dd <= limit && dd < bestD) {
      best = c;
      bestD = dd;
    }
  }
  return best;
}
