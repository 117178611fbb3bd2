// What the parts of the Learner share to save themselves: each writes its piece
// of a learn state (state/state.ts composes the pieces into one JSON document,
// LearnState) and loads it back, into a new part or one that already holds
// something (a merge). A piece is plain JSON: architectures by name, lists in
// a fixed order, so that one state saved twice is the same text.
import { findArch, type Arch } from '../syscalls/index.js';
import { SeccompLearnError } from '../core/error.js';

/** Strings in code-unit order (how a piece sorts its lists and keys). */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A map as a JSON object, its keys sorted. */
export function sortedRecord<V>(m: ReadonlyMap<string, V>): Record<string, V> {
  return Object.fromEntries([...m].sort((x, y) => byName(x[0], y[0])));
}

/** An architecture as a piece names it (Arch.name), or null. */
export const archName = (a: Arch | null): string | null => a?.name ?? null;

/** The architecture a piece names by `Arch.name`; throws a SeccompLearnError 'state-invalid' naming `where` when there is none. */
export function archNamed(name: string, where: string): Arch {
  const a = findArch(name);
  if (!a || a.name !== name) throw new SeccompLearnError('state-invalid', `${where}: ${JSON.stringify(name)} is not an architecture`);
  return a;
}
