// Every architecture the kernel can name in an audit record's `arch=` field.
//
// `arch=` is AUDIT_ARCH_*: the ELF machine number (EM_*) with
//   0x80000000 (__AUDIT_ARCH_64BIT)  for 64-bit ABIs,
//   0x40000000 (__AUDIT_ARCH_LE)     for little-endian ones,
//   0x20000000 (__AUDIT_ARCH_CONVENTION_MIPS64_N32) for MIPS n32,
// printed as lowercase hex with no 0x and no padding (include/uapi/linux/audit.h).
//
// How the raw `syscall=` number maps onto a libseccomp table column:
// - x32 is not an AUDIT_ARCH of its own: x32 calls are logged as arch=c000003e
//   (x86_64) with bit 0x40000000 (__X32_SYSCALL_BIT) set in the number. The
//   x86_64 entry points at the x32 ABI for such numbers (see abiOf in index.ts).
// - MIPS numbers carry a base per ABI: o32 4000, n64 5000, n32 6000. The table
//   holds them without it.
// - Big- and little-endian twins (arm/armeb, mips/mipsel, ppc64/ppc64le, sh/sheb)
//   share a column: the numbers are the same, only the token differs.
// - Architectures libseccomp has no table for (alpha, ia64, sparc, ...) are
//   named, but their syscall numbers resolve to nothing: never a guess.
import type { Column } from './table.generated.js';

export interface Arch {
  /** Short name: what `ausearch -i` prints where it has one (x86_64, i386, aarch64...). */
  readonly name: string;
  /** The `arch=` token exactly as the kernel prints it. x32 shares x86_64's. */
  readonly token: string;
  /** The AUDIT_ARCH_* value. */
  readonly audit: number;
  /** libseccomp / OCI name, or null where libseccomp has no such architecture. */
  readonly scmp: string | null;
  /** Table column, or null where no table is known. */
  readonly column: Column | null;
  /** Added to a table number to give the number the kernel sees (MIPS bases, the x32 bit). */
  readonly base: number;
  /** Other names accepted on the command line. */
  readonly aliases: readonly string[];
}

export const X32_SYSCALL_BIT = 0x40000000;

function arch(name: string, audit: number, scmp: string | null, column: Column | null, base = 0, aliases: string[] = []): Arch {
  return { name, token: audit.toString(16), audit, scmp, column, base, aliases };
}

/** One entry per ABI; x32 is the only one whose token is not unique. */
export const ARCHES: readonly Arch[] = [
  arch('x86_64', 0xc000003e, 'SCMP_ARCH_X86_64', 'x86_64', 0, ['amd64']),
  arch('x32', 0xc000003e, 'SCMP_ARCH_X32', 'x32', X32_SYSCALL_BIT),
  arch('i386', 0x40000003, 'SCMP_ARCH_X86', 'x86', 0, ['x86', 'i686']),
  arch('aarch64', 0xc00000b7, 'SCMP_ARCH_AARCH64', 'aarch64', 0, ['arm64']),
  arch('arm', 0x40000028, 'SCMP_ARCH_ARM', 'arm'),
  arch('armeb', 0x28, null, 'arm'),
  arch('loongarch64', 0xc0000102, 'SCMP_ARCH_LOONGARCH64', 'loongarch64'),
  arch('m68k', 0x4, 'SCMP_ARCH_M68K', 'm68k'),
  arch('mips', 0x8, 'SCMP_ARCH_MIPS', 'mips', 4000),
  arch('mipsel', 0x40000008, 'SCMP_ARCH_MIPSEL', 'mips', 4000),
  arch('mips64', 0x80000008, 'SCMP_ARCH_MIPS64', 'mips64', 5000),
  arch('mips64el', 0xc0000008, 'SCMP_ARCH_MIPSEL64', 'mips64', 5000, ['mipsel64']),
  arch('mips64n32', 0xa0000008, 'SCMP_ARCH_MIPS64N32', 'mips64n32', 6000),
  arch('mips64eln32', 0xe0000008, 'SCMP_ARCH_MIPSEL64N32', 'mips64n32', 6000, ['mipsel64n32', 'mips64n32el']),
  arch('parisc', 0xf, 'SCMP_ARCH_PARISC', 'parisc'),
  arch('parisc64', 0x8000000f, 'SCMP_ARCH_PARISC64', 'parisc64'),
  arch('ppc', 0x14, 'SCMP_ARCH_PPC', 'ppc', 0, ['powerpc']),
  arch('ppc64', 0x80000015, 'SCMP_ARCH_PPC64', 'ppc64'),
  arch('ppc64le', 0xc0000015, 'SCMP_ARCH_PPC64LE', 'ppc64'),
  arch('riscv64', 0xc00000f3, 'SCMP_ARCH_RISCV64', 'riscv64'),
  arch('s390', 0x16, 'SCMP_ARCH_S390', 's390'),
  arch('s390x', 0x80000016, 'SCMP_ARCH_S390X', 's390x'),
  arch('sh', 0x4000002a, 'SCMP_ARCH_SH', 'sh', 0, ['shel']),
  arch('sheb', 0x2a, 'SCMP_ARCH_SHEB', 'sh'),
  // Audit knows these; libseccomp has no table for them.
  arch('alpha', 0xc0009026, null, null),
  arch('arcompact', 0x4000005d, null, null),
  arch('arcompactbe', 0x5d, null, null),
  arch('arcv2', 0x400000c3, null, null),
  arch('arcv2be', 0xc3, null, null),
  arch('c6x', 0x4000008c, null, null),
  arch('c6xbe', 0x8c, null, null),
  arch('cris', 0x4000004c, null, null),
  arch('csky', 0x400000fc, null, null),
  arch('frv', 0x5441, null, null),
  arch('h8300', 0x2e, null, null),
  arch('hexagon', 0xa4, null, null),
  arch('ia64', 0xc0000032, null, null),
  arch('loongarch32', 0x40000102, null, null),
  arch('m32r', 0x58, null, null),
  arch('microblaze', 0xbd, null, null),
  arch('nds32', 0x400000a7, null, null),
  arch('nds32be', 0xa7, null, null),
  arch('nios2', 0x40000071, null, null),
  arch('openrisc', 0x5c, null, null),
  arch('riscv32', 0x400000f3, null, null),
  arch('sh64', 0x8000002a, null, null),
  arch('shel64', 0xc000002a, null, null),
  arch('sparc', 0x2, null, null),
  arch('sparc64', 0x8000002b, null, null),
  arch('tilegx', 0xc00000bf, null, null),
  arch('tilegx32', 0x400000bf, null, null),
  arch('tilepro', 0x400000bc, null, null),
  arch('unicore', 0x4000006e, null, null),
  arch('xtensa', 0x5e, null, null),
];
