// The program's own files as a second witness (issue 21): the C library
// functions a program and its libraries import tell which syscalls it can make,
// whether or not a recording saw them. Pure: it takes ELF files already read
// (io/root-loader.ts finds and reads them inside a root) and the generated
// table of what each C library function makes (elf/libc-calls.ts).
import type { ElfFile } from '../elf/elf.js';
import { callsOf, compareVersions, findLibcTable, type CallPaths, type Libc } from '../elf/libc-calls.js';
import type { Arch } from '../syscalls/index.js';

/** One loaded object: the program first, then its libraries in the loader's order (a LoadedObject fits). */
export interface WitnessObject {
  /** Its path (inside the root), for the reader. */
  readonly path: string;
  readonly elf: ElfFile;
}

/** A syscall the program's files say it can make, and the imported functions that make it. */
export interface WitnessCall {
  readonly name: string;
  /** The architecture name (x86_64), as src/syscalls names it. */
  readonly arch: string;
  /** The imported C library functions that can make it, sorted. */
  readonly via: readonly string[];
}

/** The C library the program runs with, and the table read for it. */
export interface WitnessLibc {
  readonly libc: Libc;
  /** Its version as its file says (glibc: the newest GLIBC_2.x it defines), or null where the file does not say (musl). */
  readonly version: string | null;
  /** The path of its file among the objects. */
  readonly path: string;
  /** The table used: its version, and its package. */
  readonly tableVersion: string;
  readonly tablePackage: string;
  /** Whether the table is of that very version; when not, the nearest was used. */
  readonly exact: boolean;
}

export interface Witness {
  /** The program's architecture, or null when audit knows none for its machine. */
  readonly arch: Arch | null;
  readonly libc: WitnessLibc | null;
  /** Sorted by name. */
  readonly calls: readonly WitnessCall[];
  /** Imported functions that can make some call whose number the table could not determine (syscall(2) and the like), sorted. */
  readonly undetermined: readonly string[];
  /** Imported functions that call through function pointers: what those make is not in `calls`, sorted. */
  readonly throughPointers: readonly string[];
  /** Functions imported from the C library that the table does not know (and no syscall has the name of), sorted. */
  readonly unknownFunctions: readonly string[];
  /** What this witness cannot see, one phrase each (statically linked, a Go program, no table): empty when nothing. */
  readonly notes: readonly string[];
  /** Each function bound to the C library, with the paths of the objects that import it (the program, its libraries), in load order. */
  readonly importers: ReadonlyMap<string, readonly string[]>;
}

const GLIBC_VERSION = /^GLIBC_(2(?:\.\d+)+)$/;

function newest(versions: string[]): string | null {
  return versions.length ? [...versions].sort(compareVersions)[versions.length - 1] : null;
}

/** The object that is the C library, and which one: glibc by its soname and GLIBC_2.x versions, musl by its loader and unversioned libc symbols. */
function findLibc(objects: readonly WitnessObject[]): { obj: WitnessObject; libc: Libc; version: string | null } | null {
  for (const obj of objects) {
    const versions = obj.elf.versionDefinitions.map((v) => GLIBC_VERSION.exec(v)?.[1]).filter((v): v is string => v !== undefined);
    if (obj.elf.dynamic?.soname === 'libc.so.6' && versions.length > 0) return { obj, libc: 'glibc', version: newest(versions) };
  }
  const musl = objects[0]?.elf.interpreter !== null && /\/ld-musl-[^/]+$/.test(objects[0]?.elf.interpreter ?? '');
  for (const obj of objects) {
    const isMuslFile = /(^|\/)(ld-musl-[^/]+|libc\.musl-[^/]+)$/.test(obj.path) || (musl && obj.elf.exports.some((e) => e.name === '__libc_start_main' && e.version === null));
    if (isMuslFile && obj.elf.exports.some((e) => e.name === '__libc_start_main')) return { obj, libc: 'musl', version: null };
  }
  return null;
}

/**
 * What a program's files say it can make: each C library function it or its
 * libraries import (bound as the loader binds them: the first object in load
 * order that exports the name), through the table for its C library,
 * architecture and version (the nearest version when the table lacks it).
 * @param objects the program first, then its libraries in load order
 * @param paths 'normal' (default): calls on each function's way to returning; 'all': also those of abort, fatal errors, cancellation
 */
export function witnessOf(objects: readonly WitnessObject[], paths: CallPaths = 'normal'): Witness {
  const program = objects[0];
  if (!program) throw new Error('witnessOf: no program');
  const arch = program.elf.arch;
  const notes: string[] = [];
  if (program.elf.go) notes.push(`a Go program${program.elf.go.version ? ` (${program.elf.go.version})` : ''}: its own syscall wrappers are not read, only what it imports`);
  if (program.elf.static) notes.push('statically linked: it imports nothing, so its files say nothing here');
  const empty = (libc: WitnessLibc | null): Witness => ({ arch, libc, calls: [], undetermined: [], throughPointers: [], unknownFunctions: [], notes, importers: new Map() });
  if (program.elf.static) return empty(null);
  if (!arch) {
    notes.push(`machine ${program.elf.machineName ?? program.elf.machine} has no audit architecture`);
    return empty(null);
  }
  const found = findLibc(objects);
  if (!found) {
    notes.push('no C library the table knows (glibc, musl) among its libraries');
    return empty(null);
  }
  const choice = findLibcTable(found.libc, arch, found.version);
  if (!choice) {
    notes.push(`no table for ${found.libc} on ${arch.name}`);
    return empty(null);
  }
  const libc: WitnessLibc = {
    libc: found.libc,
    version: found.version,
    path: found.obj.path,
    tableVersion: choice.table.version,
    tablePackage: choice.table.package,
    exact: choice.exact,
  };
  if (!choice.exact) notes.push(`${found.libc} ${found.version ?? '(version not in its file)'} is not in the table: ${found.libc} ${choice.table.version} was used`);

  // the loader's global scope: the first object in load order that exports a name binds it
  const binder = new Map<string, WitnessObject>();
  for (const obj of objects) {
    for (const e of obj.elf.exports) if ((e.kind === 'func' || e.kind === 'ifunc') && !binder.has(e.name)) binder.set(e.name, obj);
  }
  const importers = new Map<string, string[]>();
  for (const obj of objects) {
    for (const i of obj.elf.imports) {
      if (i.kind !== 'func' && i.kind !== 'ifunc' && i.kind !== 'notype') continue;
      if (binder.get(i.name) !== found.obj) continue;
      const by = importers.get(i.name);
      if (!by) importers.set(i.name, [obj.path]);
      else if (!by.includes(obj.path)) by.push(obj.path);
    }
  }
  const imported = importers.keys();
  const via = new Map<string, Set<string>>();
  const undetermined: string[] = [];
  const throughPointers: string[] = [];
  const unknownFunctions: string[] = [];
  for (const fn of [...imported].sort()) {
    const c = callsOf(choice.table, fn, paths);
    if (!c) {
      unknownFunctions.push(fn);
      continue;
    }
    if (c.undetermined) undetermined.push(fn);
    if (c.throughPointers) throughPointers.push(fn);
    for (const s of c.syscalls) {
      if (!via.has(s)) via.set(s, new Set());
      via.get(s)!.add(fn);
    }
  }
  const calls = [...via].map(([name, fns]): WitnessCall => ({ name, arch: arch.name, via: [...fns].sort() })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { arch, libc, calls, undetermined, throughPointers, unknownFunctions, notes, importers };
}

/** The witness's calls that a recording did not see (`seen`: syscall names), with the functions that make them. */
export function unexercised(w: Witness, seen: ReadonlySet<string>): WitnessCall[] {
  return w.calls.filter((c) => !seen.has(c.name));
}
