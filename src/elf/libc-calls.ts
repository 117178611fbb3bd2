// Which syscalls a C library function can make: a lookup in the generated table
// (libc-calls.generated.ts, read from the libraries themselves by
// scripts/gen-libc-calls.mjs), by C library, architecture and version.
import { findArch, nameOf, numberOf, type Arch } from '../syscalls/index.js';
import { LIBC_CALL_SETS, LIBC_CALLS, LIBC_CALLS_WIDTH, LIBC_FUNCTION_NAMES, type LibcCallsTable } from './libc-calls.generated.js';

export { LIBC_CALLS, type LibcCallsTable };

/** The C libraries the table knows. */
export const LIBCS = ['glibc', 'musl'] as const;
export type Libc = (typeof LIBCS)[number];

/**
 * Which paths a function's calls are taken from: `normal`, those on the way to
 * its return (not those of abort, fatal errors or a thread's cancellation under
 * it); `all`, every path.
 */
export type CallPaths = 'normal' | 'all';

// made on the first lookup, not at start-up: every CLI run loads this module, and only --root reads it
let nameIndex: Map<string, number> | null = null;
let sets: readonly (readonly number[])[] = [];
function indexes(): Map<string, number> {
  if (nameIndex === null) {
    nameIndex = new Map<string, number>(LIBC_FUNCTION_NAMES.split(' ').map((n, i) => [n, i]));
    sets = LIBC_CALL_SETS.split(';').map((s) => (s === '' ? [] : s.split(',').map(Number)));
  }
  return nameIndex;
}
const ABSENT = 36 ** LIBC_CALLS_WIDTH - 1;

/** The set index a table gives a function's position, or -1 where it has no such function. */
function setIndexOf(packed: string, position: number): number {
  const i = parseInt(packed.slice(position * LIBC_CALLS_WIDTH, (position + 1) * LIBC_CALLS_WIDTH), 36);
  return Number.isNaN(i) || i === ABSENT ? -1 : i;
}

/** A table chosen for a program's C library: `exact` when its version is the program's. */
export interface TableChoice {
  readonly table: LibcCallsTable;
  readonly exact: boolean;
}

/** Versions compared part by part as numbers (2.36 > 2.4): negative, 0 or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The table for a C library on an architecture: the one of `version` when there
 * is one, else the nearest version (the newest older one, else the oldest newer
 * one; any when `version` is null), with exact false. Null when the table has
 * none for that library on that architecture.
 */
export function findLibcTable(libc: Libc, arch: Arch, version: string | null): TableChoice | null {
  const mine = LIBC_CALLS.filter((t) => t.libc === libc && findArch(t.arch) === arch);
  if (mine.length === 0) return null;
  if (version !== null) {
    const same = mine.find((t) => compareVersions(t.version, version) === 0);
    if (same) return { table: same, exact: true };
  }
  const sorted = [...mine].sort((a, b) => compareVersions(a.version, b.version));
  if (version === null) return { table: sorted[sorted.length - 1], exact: false };
  const older = sorted.filter((t) => compareVersions(t.version, version) < 0);
  return { table: older.length ? older[older.length - 1] : sorted[0], exact: false };
}

/** What one function can make. */
export interface FunctionCalls {
  /** Syscall names, sorted. */
  readonly syscalls: readonly string[];
  /**
   * Whether it can also make calls whose number the table could not determine
   * (a number from memory or from its caller, as syscall(2)'s) and that no
   * by-name fallback stands for.
   */
  readonly undetermined: boolean;
  /** Whether it calls through function pointers (callbacks, stdio's vtables): what those make is not in `syscalls`. */
  readonly throughPointers: boolean;
  /** Where the answer came from: the table; or only the function's name, which is a syscall's on that ABI. */
  readonly source: 'table' | 'name';
}

/**
 * The syscalls `fn` can make, as `table` says, on its architecture. Where the
 * table does not know the function, or cannot know all it makes (a number it
 * could not determine, calls through function pointers), and its name is a
 * syscall's on that ABI, that syscall is added: musl's setuid makes setuid
 * from a callback, glibc's time on x86_64 is the vDSO's or the time syscall.
 * A function that can make rt_sigaction can install a signal handler, and a
 * handler returns through rt_sigreturn: that call is made by the restorer the C
 * library gives the kernel (glibc's and musl's `__restore_rt` on x86_64) or by the
 * kernel's own trampoline (the vDSO's on aarch64), code no function calls, so
 * it is added to the function's calls (nginx's master makes it at its first
 * SIGHUP; a profile without it kills the process when a handler returns).
 * Null when the table has no such function and no syscall has its name.
 */
export function callsOf(table: LibcCallsTable, fn: string, paths: CallPaths = 'normal'): FunctionCalls | null {
  const arch = findArch(table.arch);
  if (!arch) throw new Error(`libc-calls table for ${table.libc} ${table.version} names an unknown architecture ${table.arch}`);
  const i = indexes().get(fn);
  const setIndex = i === undefined ? -1 : setIndexOf(table[paths], i);
  const byName = numberOf(arch, fn) !== undefined ? fn : null;
  if (setIndex < 0) return byName ? { syscalls: [byName], undetermined: false, throughPointers: false, source: 'name' } : null;
  const names = new Set<string>();
  let undetermined = false;
  let throughPointers = false;
  for (const nr of sets[setIndex]) {
    if (nr === -2) throughPointers = true;
    else {
      const name = nr < 0 ? null : nameOf(arch, nr + arch.base);
      if (name) names.add(name);
      else undetermined = true; // -1, or a number the architecture has no syscall for
    }
  }
  if ((undetermined || throughPointers) && byName) {
    names.add(byName);
    undetermined = false;
  }
  if (names.has('rt_sigaction') && numberOf(arch, 'rt_sigreturn') !== undefined) names.add('rt_sigreturn');
  return { syscalls: [...names].sort(), undetermined, throughPointers, source: 'table' };
}
