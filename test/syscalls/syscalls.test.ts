import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, DENSE } from '../../src/syscalls/table.generated.js';
import { ARCHES, abiOf, archFromToken, findArch, listTable, nameOf, numberOf, resolve, TABLE_KERNEL_VERSION } from '../../src/syscalls/index.js';
import { cli, IN_CI, ROOT } from '../helpers.js';

const arch = (n: string) => {
  const a = findArch(n);
  if (!a) throw new Error(`no arch ${n}`);
  return a;
};

describe('architecture table', () => {
  it('has one entry per audit token, x32 aside', () => {
    const tokens = ARCHES.filter((a) => a.name !== 'x32').map((a) => a.token);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const a of ARCHES) expect(a.token).toBe(a.audit.toString(16));
  });

  it.each([
    ['c000003e', 'x86_64', 'SCMP_ARCH_X86_64'],
    ['40000003', 'i386', 'SCMP_ARCH_X86'],
    ['c00000b7', 'aarch64', 'SCMP_ARCH_AARCH64'],
    ['40000028', 'arm', 'SCMP_ARCH_ARM'],
    ['28', 'armeb', null],
    ['c0000102', 'loongarch64', 'SCMP_ARCH_LOONGARCH64'],
    ['4', 'm68k', 'SCMP_ARCH_M68K'],
    ['8', 'mips', 'SCMP_ARCH_MIPS'],
    ['40000008', 'mipsel', 'SCMP_ARCH_MIPSEL'],
    ['80000008', 'mips64', 'SCMP_ARCH_MIPS64'],
    ['c0000008', 'mips64el', 'SCMP_ARCH_MIPSEL64'],
    ['a0000008', 'mips64n32', 'SCMP_ARCH_MIPS64N32'],
    ['e0000008', 'mips64eln32', 'SCMP_ARCH_MIPSEL64N32'],
    ['f', 'parisc', 'SCMP_ARCH_PARISC'],
    ['8000000f', 'parisc64', 'SCMP_ARCH_PARISC64'],
    ['14', 'ppc', 'SCMP_ARCH_PPC'],
    ['80000015', 'ppc64', 'SCMP_ARCH_PPC64'],
    ['c0000015', 'ppc64le', 'SCMP_ARCH_PPC64LE'],
    ['c00000f3', 'riscv64', 'SCMP_ARCH_RISCV64'],
    ['16', 's390', 'SCMP_ARCH_S390'],
    ['80000016', 's390x', 'SCMP_ARCH_S390X'],
    ['4000002a', 'sh', 'SCMP_ARCH_SH'],
    ['2a', 'sheb', 'SCMP_ARCH_SHEB'],
    ['c0009026', 'alpha', null],
    ['8000002b', 'sparc64', null],
  ])('arch=%s is %s (%s)', (token, name, scmp) => {
    const a = archFromToken(token);
    expect(a?.name).toBe(name);
    expect(a?.scmp).toBe(scmp);
  });

  it('finds an architecture by short name, alias, SCMP name and hex', () => {
    for (const n of ['x86_64', 'amd64', 'SCMP_ARCH_X86_64', 'c000003e', '0xC000003E']) expect(findArch(n)?.name).toBe('x86_64');
    for (const n of ['x32', 'SCMP_ARCH_X32']) expect(findArch(n)?.name).toBe('x32');
    expect(findArch('x86')?.name).toBe('i386');
    expect(findArch('nonsense')).toBeUndefined();
    expect(findArch('deadbeef')).toBeUndefined();
  });
});

describe('resolve', () => {
  it('names numbers on the record\'s own architecture, not the host\'s', () => {
    expect(nameOf(arch('x86_64'), 59)).toBe('execve');
    expect(nameOf(arch('i386'), 11)).toBe('execve');
    expect(nameOf(arch('aarch64'), 221)).toBe('execve');
    expect(nameOf(arch('i386'), 59)).toBe('oldolduname');
  });

  it('takes x32 calls off x86_64 records by the x32 bit', () => {
    const r = resolve(arch('x86_64'), 0x40000001);
    expect(r.abi.name).toBe('x32');
    expect(r.name).toBe('write');
    expect(abiOf(arch('x86_64'), 1).name).toBe('x86_64');
    // x32-only numbers (512 and up)
    expect(resolve(arch('x86_64'), 0x40000000 + 520).name).toBe('execve');
    expect(nameOf(arch('x86_64'), 520)).toBeNull();
  });

  it('applies the MIPS bases', () => {
    expect(nameOf(arch('mipsel'), 4003)).toBe('read');
    expect(nameOf(arch('mips'), 4003)).toBe('read');
    expect(nameOf(arch('mips64'), 5000)).toBe('read');
    expect(nameOf(arch('mips64n32'), 6000)).toBe('read');
    expect(nameOf(arch('mipsel'), 3)).toBeNull();
    expect(numberOf(arch('mipsel'), 'read')).toBe(4003);
  });

  it('knows ARM\'s private 0x0f0000 calls', () => {
    expect(nameOf(arch('arm'), 0x0f0005)).toBe('set_tls');
    expect(numberOf(arch('arm'), 'cacheflush')).toBe(0x0f0002);
  });

  it('never guesses: unknown numbers, negative numbers and table-less arches give null', () => {
    expect(nameOf(arch('x86_64'), 100000)).toBeNull();
    expect(nameOf(arch('x86_64'), -1)).toBeNull();
    expect(nameOf(arch('x86_64'), 0x7fffffff)).toBeNull();
    expect(nameOf(arch('alpha'), 0)).toBeNull();
    expect(nameOf(arch('x86_64'), 400)).toBeNull(); // between 335 and 424: a hole in the x86_64 table
  });

  it('resolves the newest syscalls on x86_64 and aarch64', () => {
    for (const a of ['x86_64', 'aarch64']) {
      for (const n of ['mseal', 'listns', 'file_setattr', 'file_getattr', 'open_tree_attr']) {
        const nr = numberOf(arch(a), n);
        expect(nr, `${n} on ${a}`).toBeTypeOf('number');
        expect(nameOf(arch(a), nr!)).toBe(n);
      }
    }
  });

  it('round-trips name -> number -> name on every architecture with a table', () => {
    let checked = 0;
    for (const a of ARCHES) {
      if (a.column === null) continue;
      const table = listTable(a);
      expect(table.length).toBeGreaterThan(250);
      for (const [nr, name] of table) {
        expect(numberOf(a, name)).toBe(nr);
        expect(resolve(a.name === 'x32' ? arch('x86_64') : a, nr).name).toBe(name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8000);
  });

  it('keeps lookups O(1): dense arrays indexed by number', () => {
    for (const c of COLUMNS) expect(DENSE[c].length).toBeLessThan(1024);
  });
});

describe('generated table', () => {
  const csv = join(ROOT, '../shared/syscall-tables/syscalls.csv');
  const present = existsSync(csv);
  if (!present && !IN_CI) console.warn(`skipping the regeneration check: ${csv} is not here (it is beside the repository in CI)`);
  it.skipIf(!present && !IN_CI)('is what the generator makes from the shared table today', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/gen-syscalls.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('names the kernel version of its source', () => {
    expect(TABLE_KERNEL_VERSION).toMatch(/^v7\.1/);
  });
});

describe('seccomp-learn resolve', () => {
  it('prints names for numbers and numbers for names, as the kernel sees them', () => {
    expect(cli(['resolve', '--arch', 'x86_64', '1073741825']).stdout).toBe('write\n');
    expect(cli(['resolve', '--arch', 'mipsel', '4003']).stdout).toBe('read\n');
    expect(cli(['resolve', '--arch', 'c000003e', '59', 'execve']).stdout).toBe('execve\n59\n');
    expect(cli(['resolve', '--arch', 'SCMP_ARCH_X32', 'write']).stdout).toBe('1073741825\n');
    expect(cli(['resolve', '--arch', 'mips', 'read']).stdout).toBe('4003\n');
  });

  it('prints a whole table with --all', () => {
    const r = cli(['resolve', '--arch', 'x32', '--all']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('1073741824\tread');
    expect(lines).toContain('1073742344\texecve');
  });

  it('fails clearly on unknown input', () => {
    const a = cli(['resolve', '--arch', 'vax', '1']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--arch vax: not an architecture/);
    const b = cli(['resolve', '--arch', 'x86_64', '9999', 'no_such_call']);
    expect(b.code).toBe(1);
    expect(b.stdout).toBe('unknown\nunknown\n');
    expect(b.stderr).toMatch(/9999 is not a syscall number on x86_64/);
    expect(b.stderr).toMatch(/no_such_call is not a syscall on x86_64/);
  });
});
