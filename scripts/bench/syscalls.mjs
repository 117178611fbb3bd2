// Syscall numbers for the bench's generators, read from libseccomp's table
// (../shared/syscall-tables/syscalls.csv, the file `npm run gen:syscalls`
// reads), never typed by hand: a record's number must be the one the kernel
// uses on the record's own architecture.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CSV = process.env.SECCOMP_LEARN_SYSCALLS_CSV ?? resolve(root, '../shared/syscall-tables/syscalls.csv');

/** The audit arch= values the bench writes, and libseccomp's column for each. */
export const ARCH = {
  x86_64: { audit: 'c000003e', column: 'x86_64', compat: 0 },
  aarch64: { audit: 'c00000b7', column: 'aarch64', compat: 0 },
  i386: { audit: '40000003', column: 'x86', compat: 1 },
};

let tables = null;

function load() {
  let text;
  try {
    text = readFileSync(CSV, 'utf8');
  } catch (err) {
    throw new Error(`bench: libseccomp's syscall table is not at ${CSV} (${err.code}); set SECCOMP_LEARN_SYSCALLS_CSV to its path`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const byColumn = new Map();
  for (const { column } of Object.values(ARCH)) {
    const cell = header.indexOf(column);
    if (cell < 0) throw new Error(`${CSV}: no column ${column}`);
    byColumn.set(column, { cell, nr: new Map() });
  }
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    for (const t of byColumn.values()) if (cells[t.cell] !== 'PNR') t.nr.set(cells[0], Number(cells[t.cell]));
  }
  return byColumn;
}

/** The number of `name` on `arch` (a key of ARCH); throws when that ABI has no such call. */
export function nr(arch, name) {
  tables ??= load();
  const n = tables.get(ARCH[arch].column).nr.get(name);
  if (n === undefined || !Number.isInteger(n)) throw new Error(`bench: ${name} is not a syscall on ${arch} in ${CSV}`);
  return n;
}

/** Whether `name` is a syscall on `arch`. */
export function exists(arch, name) {
  tables ??= load();
  return tables.get(ARCH[arch].column).nr.has(name);
}
