#!/usr/bin/env node
// Generates src/syscalls/table.generated.ts from libseccomp's syscalls.csv
// (shipped beside this repository in ../shared/syscall-tables/).
//
//   node scripts/gen-syscalls.mjs            write the module
//   node scripts/gen-syscalls.mjs --check    exit 1 if the committed module differs
//   --csv PATH                               read another copy of the table
//
// The CSV has one row per syscall name and one column per libseccomp table
// (x86, x86_64, x32, arm, ...); a cell is the number on that architecture, or
// PNR where it has no such call. Numbers are stored WITHOUT the x32 bit or the
// MIPS bases: src/syscalls/arches.ts says how the kernel's raw number maps on.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrCheck } from './generated-file.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'src/syscalls/table.generated.ts');
const DEFAULT_CSV = resolve(root, '../shared/syscall-tables/syscalls.csv');

// Numbers at or above this are kept in a small sparse map (ARM's private
// 0x0f0000-based calls) so that the dense arrays stay short.
const DENSE_LIMIT = 4096;

export function generate(csvText, csvLabel) {
  const lines = csvText.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  const version = header[0].replace(/^#syscall\s*/, '').replace(/^\(|\)$/g, '');
  if (!/^v\d/.test(version)) throw new Error(`${csvLabel}:1: no kernel version in the header cell ${JSON.stringify(header[0])}`);
  const columns = [];
  for (let i = 1; i < header.length; i += 2) {
    if (header[i + 1] !== `${header[i]}_kver`) throw new Error(`${csvLabel}:1: column ${i + 1} should be ${header[i]}_kver`);
    columns.push({ name: header[i], cell: i, dense: [], high: [] });
  }
  const names = new Set();
  for (let ln = 1; ln < lines.length; ln++) {
    const cells = lines[ln].split(',');
    if (cells.length !== header.length) throw new Error(`${csvLabel}:${ln + 1}: ${cells.length} cells, header has ${header.length}`);
    const name = cells[0];
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`${csvLabel}:${ln + 1}: odd syscall name ${JSON.stringify(name)}`);
    if (names.has(name)) throw new Error(`${csvLabel}:${ln + 1}: ${name} listed twice`);
    names.add(name);
    for (const col of columns) {
      const cell = cells[col.cell];
      if (cell === 'PNR') continue;
      if (!/^\d+$/.test(cell)) throw new Error(`${csvLabel}:${ln + 1}: ${name} on ${col.name} is ${JSON.stringify(cell)}`);
      const nr = Number(cell);
      if (nr >= DENSE_LIMIT) {
        if (col.high.some(([n]) => n === nr)) throw new Error(`${csvLabel}:${ln + 1}: ${col.name} number ${nr} used twice`);
        col.high.push([nr, name]);
      } else {
        if (col.dense[nr] !== undefined) throw new Error(`${csvLabel}:${ln + 1}: ${col.name} number ${nr} is both ${col.dense[nr]} and ${name}`);
        col.dense[nr] = name;
      }
    }
  }

  const out = [];
  out.push('// GENERATED FILE: do not edit. Regenerate with `npm run gen:syscalls`.');
  out.push(`// Source: ${csvLabel} (libseccomp's syscalls.csv), following Linux ${version}.`);
  out.push('// Numbers are table numbers: without the x32 bit and without the MIPS bases (see arches.ts).');
  out.push('');
  out.push(`export const TABLE_KERNEL_VERSION = ${JSON.stringify(version)};`);
  out.push('');
  out.push('/** libseccomp table columns, in the order of the source table. */');
  out.push(`export const COLUMNS = ${JSON.stringify(columns.map((c) => c.name))} as const;`);
  out.push('export type Column = (typeof COLUMNS)[number];');
  out.push('');
  out.push('/** For each column, names indexed by table number; "" where the number is unused. */');
  out.push('export const DENSE: Readonly<Record<Column, readonly string[]>> = {');
  for (const col of columns) {
    out.push(`  ${col.name}: [`);
    for (let start = 0; start < col.dense.length; start += 8) {
      const row = [];
      for (let nr = start; nr < Math.min(start + 8, col.dense.length); nr++) row.push(JSON.stringify(col.dense[nr] ?? ''));
      out.push(`    /* ${String(start).padStart(3)} */ ${row.join(', ')},`);
    }
    out.push('  ],');
  }
  out.push('};');
  out.push('');
  out.push(`/** Numbers of ${DENSE_LIMIT} and above (ARM's private 0x0f0000 calls), per column. */`);
  out.push('export const SPARSE: Readonly<Partial<Record<Column, Readonly<Record<number, string>>>>> = {');
  for (const col of columns) {
    if (col.high.length === 0) continue;
    col.high.sort((a, b) => a[0] - b[0]);
    out.push(`  ${col.name}: { ${col.high.map(([n, s]) => `${n}: ${JSON.stringify(s)}`).join(', ')} },`);
  }
  out.push('};');
  out.push('');
  return out.join('\n');
}

function main(argv) {
  let csv = DEFAULT_CSV;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') check = true;
    else if (argv[i] === '--csv') csv = resolve(argv[++i] ?? '');
    else {
      console.error(`gen-syscalls: unknown argument ${argv[i]}\nusage: gen-syscalls.mjs [--check] [--csv PATH]`);
      return 2;
    }
  }
  let text;
  try {
    text = readFileSync(csv, 'utf8');
  } catch (err) {
    console.error(`gen-syscalls: cannot read ${csv}: ${err.message}`);
    return 1;
  }
  // The label is the table's path relative to the repository, the same on every machine.
  const generated = generate(text, relative(root, csv).split('\\').join('/'));
  return writeOrCheck({ tool: 'gen-syscalls', root, out: OUT, generated, check, differs: () => `what ${csv} generates; run npm run gen:syscalls` });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
