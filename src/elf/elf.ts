// What a program's ELF file says about the calls it can make: its machine (and
// so the audit architecture its records carry), its interpreter, the libraries
// it needs and where it asks for them (the dynamic section), the functions it
// imports (with their symbol versions, GLIBC_2.x) and those it exports, whether
// it is statically linked, and whether it is a Go program.
//
// Pure: it reads a byte array the caller has read. Every read is bounds-checked
// (bytes.ts): a truncated or hostile file raises one ElfError naming the file.
// Sources: the System V ABI (gABI) chapters 4 and 5, the LSB's symbol
// versioning (.gnu.version, .gnu.version_r, .gnu.version_d), glibc's elf.h for
// the numbers, and Go's debug/buildinfo for the build information blob.
import { archFromAudit, findArch, type Arch } from '../syscalls/index.js';
import { Bytes } from './bytes.js';
import { ElfError } from './error.js';

/** The e_type values, by their ELF names. */
export const ELF_TYPES = ['ET_NONE', 'ET_REL', 'ET_EXEC', 'ET_DYN', 'ET_CORE'] as const;
export type ElfType = (typeof ELF_TYPES)[number] | 'other';

/** e_machine values (EM_*) this project names; the number is kept for the rest. */
export const MACHINES: Readonly<Record<number, string>> = {
  2: 'EM_SPARC',
  3: 'EM_386',
  4: 'EM_68K',
  8: 'EM_MIPS',
  15: 'EM_PARISC',
  20: 'EM_PPC',
  21: 'EM_PPC64',
  22: 'EM_S390',
  40: 'EM_ARM',
  42: 'EM_SH',
  43: 'EM_SPARCV9',
  50: 'EM_IA_64',
  62: 'EM_X86_64',
  183: 'EM_AARCH64',
  243: 'EM_RISCV',
  258: 'EM_LOONGARCH',
  0x9026: 'EM_ALPHA',
};
const EM_MIPS = 8;
const EM_X86_64 = 62;
/** e_flags bit of a MIPS n32 object (EF_MIPS_ABI2). */
const EF_MIPS_ABI2 = 0x20;

/** What a symbol names (STT_*): functions and IFUNCs are code; the rest are data or markers. */
export const SYMBOL_KINDS = ['notype', 'object', 'func', 'section', 'file', 'common', 'tls', 'ifunc', 'other'] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];
const STT: Readonly<Record<number, SymbolKind>> = { 0: 'notype', 1: 'object', 2: 'func', 3: 'section', 4: 'file', 5: 'common', 6: 'tls', 10: 'ifunc' };

/** A symbol the file takes from a library (st_shndx SHN_UNDEF). */
export interface ElfImport {
  readonly name: string;
  /** The version it asks for (GLIBC_2.2.5), or null when unversioned. */
  readonly version: string | null;
  /** The library that version belongs to (vn_file of .gnu.version_r: libc.so.6), or null. */
  readonly library: string | null;
  readonly kind: SymbolKind;
  /** STB_WEAK: the program runs without it. */
  readonly weak: boolean;
}

/** A symbol the file defines and lets others bind to (global, weak or unique, not hidden). */
export interface ElfExport {
  readonly name: string;
  /** Its version (GLIBC_2.17), or null when unversioned. */
  readonly version: string | null;
  /** Whether this is the version a new link binds to (`@@`, not `@`). */
  readonly isDefault: boolean;
  readonly kind: SymbolKind;
  /** st_value: its address (for an IFUNC, the address of its resolver). */
  readonly value: number;
  /** st_size in bytes. */
  readonly size: number;
}

/** The dynamic section's entries that tell the loader what to load and where to look. */
export interface ElfDynamic {
  /** DT_NEEDED, in order: the libraries to load. */
  readonly needed: readonly string[];
  /** DT_RUNPATH split at ':', or null when absent. */
  readonly runpath: readonly string[] | null;
  /** DT_RPATH split at ':', or null when absent (the loader ignores it when DT_RUNPATH is there). */
  readonly rpath: readonly string[] | null;
  /** DT_SONAME, or null. */
  readonly soname: string | null;
}

/** Go's build information (debug/buildinfo), when the file holds it. */
export interface GoInfo {
  /** The toolchain version (go1.21.6), or null when the blob is of the pre-1.18 form. */
  readonly version: string | null;
}

/** One ELF file, as far as this project reads it. */
export interface ElfFile {
  /** The name the caller gave (used in every error). */
  readonly file: string;
  readonly class: 32 | 64;
  readonly endian: 'little' | 'big';
  /** e_machine (EM_*). */
  readonly machine: number;
  /** EM_X86_64 and the like, or null for a machine not in MACHINES. */
  readonly machineName: string | null;
  /** The audit architecture the kernel logs for this file's calls, or null when audit knows none. */
  readonly arch: Arch | null;
  readonly type: ElfType;
  /** PT_INTERP: the dynamic loader it asks for (/lib64/ld-linux-x86-64.so.2), or null. */
  readonly interpreter: string | null;
  /** The dynamic section, or null when the file has none (a static executable). */
  readonly dynamic: ElfDynamic | null;
  /** Symbols taken from libraries (undefined symbols of the dynamic symbol table), in table order. */
  readonly imports: readonly ElfImport[];
  /** Symbols defined for others (defined, global or weak, default or protected visibility), in table order. */
  readonly exports: readonly ElfExport[];
  /** The versions the file defines (.gnu.version_d, without the base entry): GLIBC_2.2.5 ... GLIBC_2.36. */
  readonly versionDefinitions: readonly string[];
  /** No interpreter and no DT_NEEDED: nothing is loaded beside it (static, or static-pie). */
  readonly static: boolean;
  /** Build information of a Go program, or null for anything else. */
  readonly go: GoInfo | null;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;

const SHT_DYNSYM = 11;
const SHT_GNU_VERDEF = 0x6ffffffd;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
const SHT_NOBITS = 8;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_HASH = 4;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_GNU_HASH = 0x6ffffef5;
const DT_VERSYM = 0x6ffffff0;
const DT_VERDEF = 0x6ffffffc;
const DT_VERDEFNUM = 0x6ffffffd;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const VERSYM_HIDDEN = 0x8000;
/** Go's build information starts with this, 16-byte aligned (debug/buildinfo). */
const GO_BUILDINFO_MAGIC = new Uint8Array([0xff, ...[...' Go buildinf:'].map((c) => c.charCodeAt(0))]);

/** Where no real file goes: more entries than this in one table is a lie in the header. */
const MAX_ENTRIES = 1 << 24;

interface Segment {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

interface Section {
  name: number;
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

/** Where the dynamic symbols, their names and their versions are, as file offsets. */
interface SymbolTables {
  symtab: number;
  count: number;
  entsize: number;
  strtab: number;
  strsz: number;
  versym: number | null;
  verneed: { offset: number; count: number } | null;
  verdef: { offset: number; count: number } | null;
}

/**
 * Read an ELF file. `file` names it in errors.
 * @throws ElfError ('not-elf', 'truncated', 'out-of-bounds', 'malformed') naming `file`
 */
export function readElf(bytes: Uint8Array, file: string): ElfFile {
  const b = new Bytes(bytes, file);
  if (b.length < 16 || !b.startsWith(0, new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))) {
    throw new ElfError('not-elf', file, b.length < 4 ? `${b.length} bytes: too short to be an ELF file` : 'not an ELF file (no \\x7fELF at its start)');
  }
  const cls = b.u8(4, 'EI_CLASS');
  const data = b.u8(5, 'EI_DATA');
  if (cls !== 1 && cls !== 2) throw new ElfError('not-elf', file, `EI_CLASS is ${cls}: neither ELFCLASS32 nor ELFCLASS64`);
  if (data !== 1 && data !== 2) throw new ElfError('not-elf', file, `EI_DATA is ${data}: neither little- nor big-endian`);
  b.wide = cls === 2;
  b.little = data === 1;
  const w = b.wide ? 8 : 4;
  const ehsize = b.wide ? 64 : 52;
  b.check(0, ehsize, 'the ELF header');
  const type = b.u16(16, 'e_type');
  const machine = b.u16(18, 'e_machine');
  const phoff = b.word(24 + w, 'e_phoff');
  const shoff = b.word(24 + 2 * w, 'e_shoff');
  const flags = b.u32(24 + 3 * w, 'e_flags');
  const phentsize = b.u16(24 + 3 * w + 6, 'e_phentsize');
  const phnum = b.u16(24 + 3 * w + 8, 'e_phnum');
  const shentsize = b.u16(24 + 3 * w + 10, 'e_shentsize');
  const shnum = b.u16(24 + 3 * w + 12, 'e_shnum');
  const shstrndx = b.u16(24 + 3 * w + 14, 'e_shstrndx');

  const segments = readSegments(b, phoff, phentsize, phnum);
  const sections = readSections(b, shoff, shentsize, shnum);

  const interp = segments.find((s) => s.type === PT_INTERP);
  const interpreter = interp ? b.cstring(interp.offset, interp.offset + interp.filesz, 'PT_INTERP') : null;

  const dynSeg = segments.find((s) => s.type === PT_DYNAMIC);
  const dynEntries = dynSeg ? readDynamicEntries(b, dynSeg) : null;
  const dynamic = dynEntries ? readDynamic(b, dynEntries, segments) : null;

  const tables = symbolTables(b, sections, dynEntries, segments);
  const { imports, exports, versionDefinitions } = tables ? readSymbols(b, tables) : { imports: [], exports: [], versionDefinitions: [] };

  const sectionNames = sectionNameList(b, sections, shstrndx);
  return {
    file,
    class: cls === 2 ? 64 : 32,
    endian: b.little ? 'little' : 'big',
    machine,
    machineName: MACHINES[machine] ?? null,
    arch: archOf(machine, cls === 2, b.little, flags),
    type: ELF_TYPES[type] ?? 'other',
    interpreter,
    dynamic,
    imports,
    exports,
    versionDefinitions,
    static: interpreter === null && (dynamic === null || dynamic.needed.length === 0),
    go: goInfo(b, sections, sectionNames),
  };
}

/**
 * The audit architecture of a machine, class and byte order: AUDIT_ARCH_* is
 * EM_* | 64-bit | little-endian (| n32 for MIPS n32). x32 (ELFCLASS32 EM_X86_64)
 * is logged as x86_64 with the x32 bit in the number; its Arch is x32's.
 */
export function archOf(machine: number, is64: boolean, little: boolean, flags = 0): Arch | null {
  if (machine === EM_X86_64 && !is64) return findArch('x32') ?? null;
  let audit = machine;
  if (machine === EM_MIPS && !is64 && (flags & EF_MIPS_ABI2) !== 0) audit |= 0x80000000 | 0x20000000;
  else if (is64) audit |= 0x80000000;
  if (little) audit |= 0x40000000;
  return archFromAudit(audit >>> 0) ?? null;
}

/**
 * The file offsets of a header table's entries (e_phoff/e_phentsize/e_phnum and
 * the section headers' like them), checked: an entry size smaller than the
 * structure, or a table past the end of the file, is an ElfError.
 */
function tableEntries(b: Bytes, off: number, entsize: number, num: number, need: number, field: string, what: string): number[] {
  if (entsize < need) throw new ElfError('malformed', b.file, `${field} is ${entsize}, smaller than a ${what} (${need} bytes)`);
  b.check(off, entsize * num, `the ${what} table (${num} entries)`);
  return Array.from({ length: num }, (_, i) => off + i * entsize);
}

function readSegments(b: Bytes, phoff: number, phentsize: number, phnum: number): Segment[] {
  if (phnum === 0) return [];
  return tableEntries(b, phoff, phentsize, phnum, b.wide ? 56 : 32, 'e_phentsize', 'program header').map((o, i) => {
    const what = `program header ${i}`;
    const type = b.u32(o, what);
    const seg = b.wide
      ? { type, offset: b.u64(o + 8, what), vaddr: b.u64(o + 16, what), filesz: b.u64(o + 32, what) }
      : { type, offset: b.u32(o + 4, what), vaddr: b.u32(o + 8, what), filesz: b.u32(o + 16, what) };
    if (type === PT_LOAD || type === PT_DYNAMIC || type === PT_INTERP) b.check(seg.offset, seg.filesz, `segment ${i} (p_type ${type})`);
    return seg;
  });
}

function readSections(b: Bytes, shoff: number, shentsize: number, shnum: number): Section[] {
  if (shoff === 0 || shnum === 0) return [];
  return tableEntries(b, shoff, shentsize, shnum, b.wide ? 64 : 40, 'e_shentsize', 'section header').map((o, i) => {
    const what = `section header ${i}`;
    return b.wide
      ? { name: b.u32(o, what), type: b.u32(o + 4, what), offset: b.u64(o + 24, what), size: b.u64(o + 32, what), link: b.u32(o + 40, what), info: b.u32(o + 44, what), entsize: b.u64(o + 56, what) }
      : { name: b.u32(o, what), type: b.u32(o + 4, what), offset: b.u32(o + 16, what), size: b.u32(o + 20, what), link: b.u32(o + 24, what), info: b.u32(o + 28, what), entsize: b.u32(o + 36, what) };
  });
}

/** Each section's name, or '' where the names cannot be had (no .shstrtab). */
function sectionNameList(b: Bytes, sections: Section[], shstrndx: number): string[] {
  const names = sections[shstrndx];
  if (!names || names.type === SHT_NOBITS) return sections.map(() => '');
  b.check(names.offset, names.size, '.shstrtab');
  return sections.map((s, i) => b.cstring(names.offset + s.name, names.offset + names.size, `the name of section ${i}`));
}

/** The file offset of a virtual address, through the PT_LOAD segment that maps it from the file. */
function offsetOf(b: Bytes, segments: Segment[], vaddr: number, what: string): number {
  for (const s of segments) {
    if (s.type === PT_LOAD && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz) return s.offset + (vaddr - s.vaddr);
  }
  throw new ElfError('out-of-bounds', b.file, `${what} (address 0x${vaddr.toString(16)}) is not in any loaded part of the file`);
}

function readDynamicEntries(b: Bytes, seg: Segment): Array<[number, number]> {
  const size = b.wide ? 16 : 8;
  const out: Array<[number, number]> = [];
  for (let o = seg.offset; o + size <= seg.offset + seg.filesz; o += size) {
    const tag = b.wide ? b.s64(o, 'a dynamic entry') : b.u32(o, 'a dynamic entry');
    if (tag === DT_NULL) return out;
    out.push([tag, b.word(o + (b.wide ? 8 : 4), 'a dynamic entry')]);
  }
  throw new ElfError('malformed', b.file, `the dynamic section (${seg.filesz} bytes at byte ${seg.offset}) has no DT_NULL at its end`);
}

function dynValue(entries: Array<[number, number]>, tag: number): number | undefined {
  return entries.find(([t]) => t === tag)?.[1];
}

function readDynamic(b: Bytes, entries: Array<[number, number]>, segments: Segment[]): ElfDynamic {
  const strtab = dynValue(entries, DT_STRTAB);
  const strsz = dynValue(entries, DT_STRSZ);
  const wanted = entries.filter(([t]) => t === DT_NEEDED || t === DT_SONAME || t === DT_RPATH || t === DT_RUNPATH);
  if (wanted.length > 0 && (strtab === undefined || strsz === undefined)) {
    throw new ElfError('malformed', b.file, 'the dynamic section names libraries but has no DT_STRTAB or DT_STRSZ');
  }
  const str = (off: number, what: string): string => {
    const base = offsetOf(b, segments, strtab!, 'DT_STRTAB');
    b.check(base, strsz!, 'DT_STRTAB');
    return b.cstring(base + off, base + strsz!, what);
  };
  const needed: string[] = [];
  let runpath: string[] | null = null;
  let rpath: string[] | null = null;
  let soname: string | null = null;
  for (const [tag, val] of wanted) {
    if (tag === DT_NEEDED) needed.push(str(val, 'a DT_NEEDED name'));
    else if (tag === DT_SONAME) soname = str(val, 'DT_SONAME');
    else if (tag === DT_RUNPATH) runpath = [...(runpath ?? []), ...str(val, 'DT_RUNPATH').split(':')];
    else rpath = [...(rpath ?? []), ...str(val, 'DT_RPATH').split(':')];
  }
  return { needed, runpath, rpath, soname };
}

/** The dynamic symbol table and its companions, from the section headers or, without them, from the dynamic section. */
function symbolTables(b: Bytes, sections: Section[], dyn: Array<[number, number]> | null, segments: Segment[]): SymbolTables | null {
  const symEnt = b.wide ? 24 : 16;
  const dynsym = sections.find((s) => s.type === SHT_DYNSYM);
  if (dynsym) {
    const strs = sections[dynsym.link];
    if (!strs) throw new ElfError('malformed', b.file, `.dynsym links to section ${dynsym.link}, which does not exist`);
    const entsize = dynsym.entsize || symEnt;
    if (entsize < symEnt) throw new ElfError('malformed', b.file, `.dynsym entries are ${entsize} bytes, smaller than a symbol (${symEnt})`);
    b.check(dynsym.offset, dynsym.size, '.dynsym');
    b.check(strs.offset, strs.size, '.dynstr');
    const versym = sections.find((s) => s.type === SHT_GNU_VERSYM);
    const verneed = sections.find((s) => s.type === SHT_GNU_VERNEED);
    const verdef = sections.find((s) => s.type === SHT_GNU_VERDEF);
    return {
      symtab: dynsym.offset,
      count: Math.floor(dynsym.size / entsize),
      entsize,
      strtab: strs.offset,
      strsz: strs.size,
      versym: versym ? versym.offset : null,
      verneed: verneed ? { offset: verneed.offset, count: verneed.info } : null,
      verdef: verdef ? { offset: verdef.offset, count: verdef.info } : null,
    };
  }
  if (!dyn) return null;
  const symtabAddr = dynValue(dyn, DT_SYMTAB);
  const strtabAddr = dynValue(dyn, DT_STRTAB);
  const strsz = dynValue(dyn, DT_STRSZ);
  if (symtabAddr === undefined || strtabAddr === undefined || strsz === undefined) return null;
  const entsize = dynValue(dyn, DT_SYMENT) ?? symEnt;
  if (entsize < symEnt) throw new ElfError('malformed', b.file, `DT_SYMENT is ${entsize}, smaller than a symbol (${symEnt})`);
  const symtab = offsetOf(b, segments, symtabAddr, 'DT_SYMTAB');
  const strtab = offsetOf(b, segments, strtabAddr, 'DT_STRTAB');
  b.check(strtab, strsz, 'DT_STRTAB');
  const count = symbolCount(b, dyn, segments);
  b.check(symtab, count * entsize, `DT_SYMTAB (${count} symbols)`);
  const at = (tag: number, what: string) => {
    const v = dynValue(dyn, tag);
    return v === undefined ? null : offsetOf(b, segments, v, what);
  };
  const verneedAt = at(DT_VERNEED, 'DT_VERNEED');
  const verdefAt = at(DT_VERDEF, 'DT_VERDEF');
  return {
    symtab,
    count,
    entsize,
    strtab,
    strsz,
    versym: at(DT_VERSYM, 'DT_VERSYM'),
    verneed: verneedAt === null ? null : { offset: verneedAt, count: dynValue(dyn, DT_VERNEEDNUM) ?? 0 },
    verdef: verdefAt === null ? null : { offset: verdefAt, count: dynValue(dyn, DT_VERDEFNUM) ?? 0 },
  };
}

/** How many dynamic symbols there are, when no section header says: DT_HASH's nchain, or the end of DT_GNU_HASH's last chain. */
function symbolCount(b: Bytes, dyn: Array<[number, number]>, segments: Segment[]): number {
  const hash = dynValue(dyn, DT_HASH);
  if (hash !== undefined) return b.u32(offsetOf(b, segments, hash, 'DT_HASH') + 4, 'DT_HASH nchain');
  const gnu = dynValue(dyn, DT_GNU_HASH);
  if (gnu === undefined) throw new ElfError('malformed', b.file, 'no section headers, and neither DT_HASH nor DT_GNU_HASH to count the dynamic symbols');
  const o = offsetOf(b, segments, gnu, 'DT_GNU_HASH');
  const nbuckets = b.u32(o, 'DT_GNU_HASH');
  const symoffset = b.u32(o + 4, 'DT_GNU_HASH');
  const bloomSize = b.u32(o + 8, 'DT_GNU_HASH');
  const buckets = o + 16 + bloomSize * (b.wide ? 8 : 4);
  b.check(buckets, nbuckets * 4, 'DT_GNU_HASH buckets');
  let last = 0;
  for (let i = 0; i < nbuckets; i++) last = Math.max(last, b.u32(buckets + 4 * i, 'DT_GNU_HASH bucket'));
  if (last < symoffset) return symoffset;
  const chains = buckets + nbuckets * 4;
  for (let i = last; ; i++) {
    if (i - symoffset > MAX_ENTRIES) throw new ElfError('malformed', b.file, 'a DT_GNU_HASH chain does not end');
    if ((b.u32(chains + 4 * (i - symoffset), 'DT_GNU_HASH chain') & 1) !== 0) return i + 1;
  }
}

/** Version index -> [name, library (for needed versions) or null]. */
function readVersions(b: Bytes, t: SymbolTables): { names: Map<number, [string, string | null]>; defined: string[] } {
  const names = new Map<number, [string, string | null]>();
  const defined: string[] = [];
  const str = (off: number, what: string) => b.cstring(t.strtab + off, t.strtab + t.strsz, what);
  if (t.verneed) {
    let o = t.verneed.offset;
    for (let i = 0; i < t.verneed.count; i++) {
      if (i > MAX_ENTRIES) throw new ElfError('malformed', b.file, 'too many version needs');
      const cnt = b.u16(o + 2, 'a version need');
      const lib = str(b.u32(o + 4, 'a version need'), 'a version need file');
      let a = o + b.u32(o + 8, 'a version need');
      for (let j = 0; j < cnt; j++) {
        const other = b.u16(a + 6, 'a version need entry');
        names.set(other & ~VERSYM_HIDDEN, [str(b.u32(a + 8, 'a version need entry'), 'a version need name'), lib]);
        const next = b.u32(a + 12, 'a version need entry');
        if (next === 0) break;
        a += next;
      }
      const next = b.u32(o + 12, 'a version need');
      if (next === 0) break;
      o += next;
    }
  }
  if (t.verdef) {
    let o = t.verdef.offset;
    for (let i = 0; i < t.verdef.count; i++) {
      const flags = b.u16(o + 2, 'a version definition');
      const ndx = b.u16(o + 4, 'a version definition');
      const aux = o + b.u32(o + 12, 'a version definition');
      const name = str(b.u32(aux, 'a version definition name'), 'a version definition name');
      names.set(ndx & ~VERSYM_HIDDEN, [name, null]);
      // VER_FLG_BASE (1): the entry naming the file itself, not a version
      if ((flags & 1) === 0) defined.push(name);
      const next = b.u32(o + 16, 'a version definition');
      if (next === 0) break;
      o += next;
    }
  }
  return { names, defined };
}

function readSymbols(b: Bytes, t: SymbolTables): { imports: ElfImport[]; exports: ElfExport[]; versionDefinitions: string[] } {
  if (t.count > MAX_ENTRIES) throw new ElfError('malformed', b.file, `${t.count} dynamic symbols: more than any real file has`);
  b.check(t.symtab, t.count * t.entsize, `the dynamic symbol table (${t.count} symbols)`);
  if (t.versym !== null) b.check(t.versym, t.count * 2, `.gnu.version (${t.count} entries)`);
  const { names: versions, defined } = readVersions(b, t);
  const imports: ElfImport[] = [];
  const exports: ElfExport[] = [];
  for (let i = 1; i < t.count; i++) {
    const o = t.symtab + i * t.entsize;
    const what = `dynamic symbol ${i}`;
    const nameOff = b.u32(o, what);
    const info = b.u8(o + (b.wide ? 4 : 12), what);
    const other = b.u8(o + (b.wide ? 5 : 13), what);
    const shndx = b.u16(o + (b.wide ? 6 : 14), what);
    const bind = info >> 4;
    if (bind === 0 || nameOff === 0) continue; // STB_LOCAL, or no name
    const name = b.cstring(t.strtab + nameOff, t.strtab + t.strsz, `the name of ${what}`);
    const kind = STT[info & 0xf] ?? 'other';
    const vs = t.versym === null ? 0 : b.u16(t.versym + 2 * i, `.gnu.version entry ${i}`);
    const v = vs & ~VERSYM_HIDDEN;
    // 0 is local (unversioned), 1 the base: neither names a version
    const ver = v >= 2 ? versions.get(v) : undefined;
    if (v >= 2 && !ver) throw new ElfError('malformed', b.file, `${what} (${name}) has version index ${v}, which no version entry defines`);
    if (shndx === SHN_UNDEF) {
      imports.push({ name, version: ver?.[0] ?? null, library: ver?.[1] ?? null, kind, weak: bind === 2 });
    } else {
      const visibility = other & 3; // STV_HIDDEN (2) and STV_INTERNAL (1) are not exported
      if (visibility === 1 || visibility === 2) continue;
      // an absolute symbol named as its own version only marks that the version exists
      if (shndx === SHN_ABS && ver?.[0] === name) continue;
      const value = b.wide ? b.u64(o + 8, what) : b.u32(o + 4, what);
      const size = b.wide ? b.u64(o + 16, what) : b.u32(o + 8, what);
      exports.push({ name, version: ver?.[0] ?? null, isDefault: (vs & VERSYM_HIDDEN) === 0, kind, value, size });
    }
  }
  return { imports, exports, versionDefinitions: defined };
}

/**
 * Go's build information: the .go.buildinfo section; in a file without section
 * headers, its magic at a 16-byte boundary anywhere.
 */
function goInfo(b: Bytes, sections: Section[], names: string[]): GoInfo | null {
  let at = -1;
  if (sections.length > 0) {
    const idx = names.indexOf('.go.buildinfo');
    if (idx >= 0 && b.startsWith(sections[idx].offset, GO_BUILDINFO_MAGIC)) at = sections[idx].offset;
    else return names.includes('.gopclntab') || names.includes('.note.go.buildid') ? { version: null } : null;
  } else {
    for (let o = 0; o + 32 <= b.length; o += 16) {
      if (b.bytes[o] === 0xff && b.startsWith(o, GO_BUILDINFO_MAGIC)) {
        at = o;
        break;
      }
    }
    if (at < 0) return null;
  }
  // Go 1.18 and later (flags bit 2): the version follows at byte 32 as a uvarint length and its bytes
  const flags = b.u8(at + 15, 'Go build information');
  if ((flags & 2) === 0) return { version: null };
  let len = 0;
  let shift = 0;
  let o = at + 32;
  for (;;) {
    const byte = b.u8(o++, 'the Go version');
    len += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) break;
    if (shift > 35) throw new ElfError('malformed', b.file, 'the Go version length does not end');
  }
  b.check(o, len, 'the Go version');
  return { version: new TextDecoder().decode(b.bytes.subarray(o, o + len)) };
}
