// "Did you mean": the closest valid word to a misspelled command or option, and
// what to say for a command word where a FILE goes or an option yargs does not know.
import { existsSync } from 'node:fs';
import { SeccompLearnError } from '../core/error.js';

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

/** The command line's own commands (yargs' list: it includes every command registered). */
export function commandNames(parser: { getInternalMethods?: () => { getCommandInstance: () => { getCommands: () => string[] } } }): string[] {
  try {
    return parser.getInternalMethods?.().getCommandInstance().getCommands().filter((c) => c !== '$0') ?? [];
  } catch {
    return [];
  }
}

/** The word given where a command goes, when it is not a file but (close to) a command: a usage error. */
export function checkCommandWord(files: string[], argv: string[], commands: string[]): void {
  const word = files[0];
  if (word === undefined || word === '-' || existsSync(word)) return;
  if (commands.includes(word)) throw new SeccompLearnError('usage', `'${word}' is a command: it comes first (seccomp-learn ${word} [OPTIONS] ...)`);
  if (argv[0] !== word || !/^[a-z][a-z0-9-]*$/.test(word)) return;
  const near = closest(word, commands);
  if (near) throw new SeccompLearnError('usage', `Unknown command '${word}'. Did you mean '${near}'?`);
}

/** yargs' "Unknown argument(s): a, b", with the closest valid option for each that was given as one. */
export function unknownOptions(msg: string, argv: string[], options: { key: Record<string, unknown>; alias: Record<string, string[]> }): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const valid = new Set([...Object.keys(options.key), ...Object.values(options.alias).flat()]);
  const given = (name: string) => argv.find((a) => a === `--${name}` || a === `-${name}` || a.startsWith(`--${name}=`) || a === `--no-${name}`);
  const names = m[1].split(', ');
  // yargs names an unknown --max-line-lenght twice, the second time as maxLineLenght
  const kebab = (n: string) => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = names.filter((n) => !(/[A-Z]/.test(n) && names.includes(kebab(n)))).map((name) => {
    const as = given(name);
    if (as === undefined) return `Unknown argument: ${name}`;
    const dash = (n: string) => (n.length === 1 ? `-${n}` : `--${n}`);
    // yargs reads --no-X as X set to false: name it, and the closest, as typed
    const shown = (n: string) => (as === `--no-${name}` ? `--no-${n}` : dash(n));
    const near = closest(name, valid);
    return `Unknown option ${shown(name)}${near ? `. Did you mean ${shown(near)}?` : ''}`;
  });
  return parts.join('; ');
}
