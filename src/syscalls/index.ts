// Syscall number <-> name, per architecture, as the kernel's audit records see them.
// Tables are built once at load; every lookup is an array index or a Map get.
import { ARCHES, X32_SYSCALL_BIT, type Arch } from './arches.js';
import { COLUMNS, DENSE, SPARSE, TABLE_KERNEL_VERSION, type Column } from './table.generated.js';

export { ARCHES, X32_SYSCALL_BIT, TABLE_KERNEL_VERSION, COLUMNS };
export type { Arch, Column };

const byToken = new Map<string, Arch>();
const byName = new Map<string, Arch>();
for (const a of ARCHES) {
  if (a.name !== 'x32') byToken.set(a.token, a);
  for (const key of [a.name, ...a.aliases, ...(a.scmp ? [a.scmp] : [])]) byName.set(key.toLowerCase(), a);
}
const X86_64 = byName.get('x86_64')!;
const X32 = byName.get('x32')!;

const byAudit = new Map<number, Arch>();
for (const [token, a] of byToken) byAudit.set(parseInt(token, 16), a);

/** The architecture for an AUDIT_ARCH value (the number an `arch=` token spells), or undefined. */
export function archFromAudit(value: number): Arch | undefined {
  return byAudit.get(value);
}

/** The architecture for an `arch=` token as the kernel prints it (lowercase hex), or undefined. */
export function archFromToken(token: string): Arch | undefined {
  return byToken.get(token);
}

/**
 * An architecture by any name a person might type: short name (x86_64, i386, x32),
 * alias (x86, amd64, arm64), libseccomp name (SCMP_ARCH_X86_64) or audit hex
 * (c000003e, 0xc000003e). Case does not matter.
 */
export function findArch(text: string): Arch | undefined {
  const key = text.trim().toLowerCase();
  const named = byName.get(key);
  if (named) return named;
  const hex = key.startsWith('0x') ? key.slice(2) : key;
  if (!/^[0-9a-f]{1,8}$/.test(hex)) return undefined;
  return byToken.get(parseInt(hex, 16).toString(16));
}

/** The ABI a raw number belongs to: x32 for an x86_64 record whose number has the x32 bit. */
export function abiOf(arch: Arch, nr: number): Arch {
  return arch === X86_64 && nr >= X32_SYSCALL_BIT && nr < 2 * X32_SYSCALL_BIT ? X32 : arch;
}

/**
 * The syscall name for a raw number on an ABI (see abiOf), or null when the
 * number is not a syscall there or the architecture has no table. Never a guess.
 */
export function nameOf(abi: Arch, nr: number): string | null {
  const column = abi.column;
  if (column === null) return null;
  const n = nr - abi.base;
  if (n < 0) return null;
  const dense = DENSE[column];
  if (n < dense.length) return dense[n] || null;
  return SPARSE[column]?.[n] ?? null;
}

export interface Resolved {
  /** The ABI the number belongs to (x32 for x86_64 numbers with the x32 bit). */
  readonly abi: Arch;
  readonly nr: number;
  readonly name: string | null;
}

/** Resolve a raw `syscall=` number of a record whose `arch=` was `arch`. */
export function resolve(arch: Arch, nr: number): Resolved {
  const abi = abiOf(arch, nr);
  return { abi, nr, name: nameOf(abi, nr) };
}

const numbersByColumn = new Map<Column, Map<string, number>>();
function numbers(column: Column): Map<string, number> {
  let m = numbersByColumn.get(column);
  if (!m) {
    m = new Map();
    DENSE[column].forEach((name, n) => name && m!.set(name, n));
    for (const [n, name] of Object.entries(SPARSE[column] ?? {})) m.set(name, Number(n));
    numbersByColumn.set(column, m);
  }
  return m;
}

/** The number the kernel sees for a syscall name on an ABI (with the x32 bit or MIPS base), or undefined. */
export function numberOf(abi: Arch, name: string): number | undefined {
  if (abi.column === null) return undefined;
  const n = numbers(abi.column).get(name);
  return n === undefined ? undefined : n + abi.base;
}

/** The whole table of an ABI, as [kernel number, name] pairs in number order. */
export function listTable(abi: Arch): Array<[number, string]> {
  if (abi.column === null) return [];
  return [...numbers(abi.column)].map(([name, n]): [number, string] => [n + abi.base, name]).sort((a, b) => a[0] - b[0]);
}
