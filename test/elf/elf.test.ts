// The ELF reader on real files of several machines (Debian's cross packages,
// which CI installs), each checked against binutils' readelf, and on hostile
// files: real ones cut short or with a table pointed outside the file. Every
// bad file gives one ElfError naming it, never a crash.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readElf, archOf, type ElfFile } from '../../src/elf/elf.js';
import { ElfError } from '../../src/elf/error.js';
import { haveOrCi, IN_CI, tmpDir } from '../helpers.js';

interface Sample {
  file: string;
  /** The Debian package that ships it (CI installs it: .ci/run). */
  pkg: string;
  arch: string;
  class: 32 | 64;
  endian: 'little' | 'big';
  machineName: string;
  type: string;
  static: boolean;
}

const SAMPLES: Sample[] = [
  { file: '/bin/ls', pkg: 'coreutils', arch: 'x86_64', class: 64, endian: 'little', machineName: 'EM_X86_64', type: 'ET_DYN', static: false },
  { file: '/usr/aarch64-linux-gnu/lib/libc.so.6', pkg: 'libc6-arm64-cross', arch: 'aarch64', class: 64, endian: 'little', machineName: 'EM_AARCH64', type: 'ET_DYN', static: false },
  { file: '/usr/arm-linux-gnueabihf/lib/libm.so.6', pkg: 'libc6-armhf-cross', arch: 'arm', class: 32, endian: 'little', machineName: 'EM_ARM', type: 'ET_DYN', static: false },
  { file: '/usr/s390x-linux-gnu/lib/libc.so.6', pkg: 'libc6-s390x-cross', arch: 's390x', class: 64, endian: 'big', machineName: 'EM_S390', type: 'ET_DYN', static: false },
  { file: '/bin/busybox', pkg: 'busybox-static', arch: 'x86_64', class: 64, endian: 'little', machineName: 'EM_X86_64', type: 'ET_EXEC', static: true },
  { file: '/lib/x86_64-linux-musl/libc.so', pkg: 'musl', arch: 'x86_64', class: 64, endian: 'little', machineName: 'EM_X86_64', type: 'ET_DYN', static: true },
];

/** What readelf (binutils) says, to hold the reader to. */
function readelf(args: string[], file: string): string {
  const r = spawnSync('readelf', ['-W', ...args, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`readelf ${args.join(' ')} ${file}: ${r.stderr}`);
  return r.stdout;
}

/** readelf --dyn-syms: undefined symbols as name@version (version '' when none), and defined global ones likewise. */
function readelfSymbols(file: string, versions: readonly string[]): { imports: string[]; exports: string[] } {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const line of readelf(['--dyn-syms'], file).split('\n')) {
    const m = /^\s*\d+: [0-9a-f]+\s+\d+ (\w+)\s+(\w+)\s+(\w+)\s+(\w+) (\S+)/.exec(line);
    if (!m) continue;
    const [, , bind, vis, ndx, raw] = m;
    // LOCAL ones are not for others; an ABS one named as a version marks that the version exists
    if (bind === 'LOCAL' || (ndx === 'ABS' && versions.includes(raw))) continue;
    const name = raw.replace(/@@?/, '@');
    const full = name.includes('@') ? name : `${name}@`;
    if (ndx === 'UND') imports.push(full);
    else if (vis !== 'HIDDEN' && vis !== 'INTERNAL') exports.push(full);
  }
  return { imports, exports };
}

/** readelf -d: the dynamic entries that name libraries and paths. */
function readelfDynamic(file: string): { needed: string[]; soname: string | null; runpath: string | null; rpath: string | null } {
  const out = { needed: [] as string[], soname: null as string | null, runpath: null as string | null, rpath: null as string | null };
  for (const line of readelf(['-d'], file).split('\n')) {
    const m = /\((NEEDED|SONAME|RUNPATH|RPATH)\)\s+[^[]*\[(.*)\]/.exec(line);
    if (!m) continue;
    if (m[1] === 'NEEDED') out.needed.push(m[2]);
    else if (m[1] === 'SONAME') out.soname = m[2];
    else if (m[1] === 'RUNPATH') out.runpath = m[2];
    else out.rpath = m[2];
  }
  return out;
}

function interpreterOf(file: string): string | null {
  const m = /\[Requesting program interpreter: (.*)\]/.exec(readelf(['-l'], file));
  return m ? m[1] : null;
}

/** Read `bytes` as `name`, expecting a clear ElfError naming the file. */
function expectElfError(bytes: Uint8Array, name: string, codes: string[]): ElfError {
  let caught: unknown;
  try {
    readElf(bytes, name);
  } catch (err) {
    caught = err;
  }
  expect(caught, `${name} should not be read`).toBeInstanceOf(ElfError);
  const e = caught as ElfError;
  expect(codes).toContain(e.code);
  expect(e.file).toBe(name);
  expect(e.message.startsWith(`${name}: `)).toBe(true);
  expect(e.message).not.toMatch(/\n/);
  return e;
}

function haveSample(s: Sample): boolean {
  const here = existsSync(s.file);
  if (!here && !IN_CI) console.warn(`skipping ${s.file}: install ${s.pkg} (CI does, and never skips)`);
  return here;
}

describe('the ELF reader, on real files of several machines (held to readelf)', () => {
  for (const s of SAMPLES) {
    it.skipIf(!haveSample(s) && !IN_CI)(`${s.file} (${s.pkg}): ${s.arch}`, () => {
      const e = readElf(readFileSync(s.file), s.file);
      expect([e.arch?.name, e.class, e.endian, e.machineName, e.type, e.static]).toEqual([s.arch, s.class, s.endian, s.machineName, s.type, s.static]);
      expect(e.interpreter).toBe(interpreterOf(s.file));
      const d = readelfDynamic(s.file);
      expect(e.dynamic?.needed ?? []).toEqual(d.needed);
      expect(e.dynamic?.soname ?? null).toBe(d.soname);
      expect(e.dynamic?.runpath?.join(':') ?? null).toBe(d.runpath);
      expect(e.dynamic?.rpath?.join(':') ?? null).toBe(d.rpath);
      const syms = readelfSymbols(s.file, e.versionDefinitions);
      expect(e.imports.map((i) => `${i.name}@${i.version ?? ''}`)).toEqual(syms.imports);
      expect(e.exports.map((x) => `${x.name}@${x.version ?? ''}`)).toEqual(syms.exports);
      expect(e.go).toBeNull();
    });
  }

  it.skipIf(!existsSync('/bin/ls') && !IN_CI)('names the libraries each import comes from, and the versions glibc defines', () => {
    const ls = readElf(readFileSync('/bin/ls'), '/bin/ls');
    const opendir = ls.imports.find((i) => i.name === 'opendir');
    expect(opendir).toMatchObject({ library: 'libc.so.6', kind: 'func', weak: false });
    expect(opendir?.version).toMatch(/^GLIBC_2\.\d+/);
    const libc = readElf(readFileSync('/usr/aarch64-linux-gnu/lib/libc.so.6'), 'libc');
    expect(libc.versionDefinitions).toContain('GLIBC_2.17');
    expect(libc.versionDefinitions).toContain('GLIBC_2.36');
    const fork = libc.exports.filter((x) => x.name === 'fork');
    expect(fork).toHaveLength(1);
    expect(fork[0]).toMatchObject({ kind: 'func', isDefault: true, version: 'GLIBC_2.17' });
    expect(fork[0].size).toBeGreaterThan(0);
  });

  it('builds a musl program and reads it as musl linked it (musl-gcc, from musl-tools)', () => {
    if (!haveOrCi('musl-gcc', 'musl-tools')) return;
    const d = tmpDir();
    writeFileSync(join(d, 'hello.c'), '#include <stdio.h>\n#include <unistd.h>\nint main(void) { fsync(1); return puts("hello") < 0; }\n');
    const exe = join(d, 'hello');
    const cc = spawnSync('musl-gcc', ['-o', exe, join(d, 'hello.c')], { encoding: 'utf8' });
    expect(cc.stderr).toBe('');
    const e = readElf(readFileSync(exe), exe);
    expect(e.interpreter).toBe('/lib/ld-musl-x86_64.so.1');
    expect(e.dynamic?.needed).toEqual(['libc.so']);
    expect(e.imports.map((i) => i.name)).toEqual(expect.arrayContaining(['fsync', 'puts']));
    // musl has no symbol versions
    expect(e.imports.every((i) => i.version === null)).toBe(true);
    expect(e.static).toBe(false);
  });

  it.skipIf(!existsSync('/usr/sbin/runc') && !IN_CI)('says a Go program is Go, with its toolchain version (runc)', () => {
    const e = readElf(readFileSync('/usr/sbin/runc'), 'runc');
    expect(e.go?.version).toMatch(/^go1\.\d+/);
    expect(e.arch?.name).toBe('x86_64');
    // stripped of its section headers, the build information is still found
    const bytes = new Uint8Array(readFileSync('/usr/sbin/runc'));
    const view = new DataView(bytes.buffer);
    view.setBigUint64(40, 0n, true); // e_shoff
    view.setUint16(60, 0, true); // e_shnum
    const stripped = readElf(bytes, 'runc-sstripped');
    expect(stripped.go?.version).toBe(e.go?.version);
    // and its symbols are read through the dynamic section alone (DT_SYMTAB, counted by its hash table)
    expect(stripped.imports).toEqual(e.imports);
    expect(stripped.exports).toEqual(e.exports);
    expect(stripped.dynamic).toEqual(e.dynamic);
  });

  it('maps machines to the audit architecture the records carry', () => {
    expect(archOf(62, true, true)?.name).toBe('x86_64');
    expect(archOf(62, false, true)?.name).toBe('x32');
    expect(archOf(3, false, true)?.name).toBe('i386');
    expect(archOf(183, true, true)?.name).toBe('aarch64');
    expect(archOf(8, false, false, 0x20)?.name).toBe('mips64n32');
    expect(archOf(8, false, true, 0x20)?.name).toBe('mips64eln32');
    expect(archOf(8, true, true)?.name).toBe('mips64el');
    expect(archOf(21, true, true)?.name).toBe('ppc64le');
    expect(archOf(0x1234, true, true)).toBeNull();
  });
});

describe('the ELF reader, on hostile files: one ElfError naming the file', () => {
  const ls = existsSync('/bin/ls') ? new Uint8Array(readFileSync('/bin/ls')) : new Uint8Array();
  const info: ElfFile | null = ls.length ? readElf(ls, '/bin/ls') : null;

  it('a file that is not ELF, or too short to be', () => {
    expectElfError(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'script.sh', ['not-elf']);
    expectElfError(new Uint8Array(), 'empty', ['not-elf']);
    expectElfError(ls.subarray(0, 3), 'three-bytes', ['not-elf']);
    const badClass = ls.slice(0, 64);
    badClass[4] = 7;
    expect(expectElfError(badClass, 'class7', ['not-elf']).message).toContain('EI_CLASS is 7');
  });

  it('cut short at many offsets, from inside the header to the last byte', () => {
    expect(info).not.toBeNull();
    const cuts = [4, 16, 20, 40, 63, 64, 100, 0x238, 0x400, 0x1000, 0x4000, ls.length >> 1, ls.length - 4096, ls.length - 64, ls.length - 1];
    for (const n of cuts) expectElfError(ls.subarray(0, n), `ls-cut-at-${n}`, ['truncated', 'out-of-bounds', 'not-elf']);
  });

  it('a symbol table, a string or a header table pointing outside the file', () => {
    const shoff = Number(new DataView(ls.buffer, ls.byteOffset).getBigUint64(40, true));
    const shnum = new DataView(ls.buffer, ls.byteOffset).getUint16(60, true);
    const withSection = (type: number, edit: (v: DataView, at: number) => void): Uint8Array => {
      const copy = ls.slice();
      const v = new DataView(copy.buffer);
      for (let i = 0; i < shnum; i++) {
        const at = shoff + i * 64;
        if (v.getUint32(at + 4, true) === type) {
          edit(v, at);
          return copy;
        }
      }
      throw new Error(`no section of type ${type}`);
    };
    // .dynsym (11) moved past the end; its size made to run past the end
    expect(expectElfError(withSection(11, (v, at) => v.setBigUint64(at + 24, BigInt(ls.length + 100), true)), 'ls-dynsym-outside', ['truncated', 'out-of-bounds']).message).toContain('.dynsym');
    expectElfError(withSection(11, (v, at) => v.setBigUint64(at + 32, 1n << 40n, true)), 'ls-dynsym-huge', ['truncated', 'out-of-bounds']);
    // .dynstr (the section .dynsym links to) made one byte long: names run past its end
    expectElfError(withSection(11, (v, at) => {
      const link = v.getUint32(at + 40, true);
      v.setBigUint64(shoff + link * 64 + 32, 1n, true);
    }), 'ls-dynstr-short', ['out-of-bounds']);
    // the program header table past the end; an entry size too small; the section header table past the end
    const phoffFar = ls.slice();
    new DataView(phoffFar.buffer).setBigUint64(32, BigInt(ls.length - 8), true);
    expectElfError(phoffFar, 'ls-phoff', ['truncated', 'out-of-bounds']);
    const phent = ls.slice();
    new DataView(phent.buffer).setUint16(54, 8, true);
    expect(expectElfError(phent, 'ls-phentsize', ['malformed']).message).toContain('e_phentsize is 8');
    const shoffFar = ls.slice();
    new DataView(shoffFar.buffer).setBigUint64(40, 0xffffffffffffn, true);
    expectElfError(shoffFar, 'ls-shoff', ['truncated', 'out-of-bounds']);
    const shoffHuge = ls.slice();
    new DataView(shoffHuge.buffer).setBigUint64(40, 0xffffffffffffffffn, true);
    expectElfError(shoffHuge, 'ls-shoff-huge', ['malformed']);
  });

  it('any byte of the headers and tables changed: read, or one ElfError naming the file (fast-check)', () => {
    // the first 16 KiB hold the headers, .dynsym, .dynstr and the version tables of /bin/ls
    const head = Math.min(ls.length, 0x4000);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(head - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = ls.slice();
        for (const [at, byte] of edits) copy[at] = byte;
        try {
          readElf(copy, 'ls-edited');
        } catch (err) {
          if (!(err instanceof ElfError) || err.file !== 'ls-edited') throw err;
        }
      }),
      { numRuns: 300, seed: 21 },
    );
  });
});
