// What the profile formats share: the seccomp actions and architectures as the
// OCI runtime spec names them, and Docker's architecture families (the `archMap` of moby's
// default profile). Every format is read into, and written from, the OCI shape
// (`Profile` in profile/model.ts); a moby template keeps its `archMap` and each
// rule's `includes`/`excludes`/`comment` there until it is resolved (docker.ts).
import { ARCHES, findArch, type Arch } from '../../syscalls/index.js';

/** Every action the OCI runtime spec allows (defs-linux.json SeccompAction). */
export const SCMP_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;

/** Every architecture the OCI runtime spec allows (defs-linux.json SeccompArch). */
export const SCMP_ARCHES: readonly string[] = ARCHES.map((a) => a.scmp).filter((s): s is string => s !== null);

/** The ABI of an `SCMP_ARCH_*` name, or undefined. */
export function abiOfScmp(scmp: string): Arch | undefined {
  const a = findArch(scmp);
  return a && a.scmp === scmp ? a : undefined;
}

/** SCMP names in the fixed order of the architecture table; unknown ones after, sorted. */
export function orderScmp(names: Iterable<string>): string[] {
  const set = new Set(names);
  const out: string[] = [];
  for (const a of ARCHES) if (a.scmp && set.delete(a.scmp)) out.push(a.scmp);
  return [...out, ...[...set].sort()];
}

export interface ArchMapEntry {
  architecture: string;
  subArchitectures: string[] | null;
}

/**
 * Docker's architecture families, as moby's default profile (profiles/seccomp/default.json)
 * lists them in `archMap`: the daemon takes the entry of its own architecture and
 * puts it and its subarchitectures into the OCI profile's `architectures`.
 */
export const DOCKER_ARCH_MAP: readonly ArchMapEntry[] = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  { architecture: 'SCMP_ARCH_MIPS64', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'] },
  { architecture: 'SCMP_ARCH_MIPS64N32', subArchitectures: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'] },
  { architecture: 'SCMP_ARCH_MIPSEL64', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'] },
  { architecture: 'SCMP_ARCH_MIPSEL64N32', subArchitectures: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'] },
  { architecture: 'SCMP_ARCH_S390X', subArchitectures: ['SCMP_ARCH_S390'] },
  { architecture: 'SCMP_ARCH_RISCV64', subArchitectures: null },
  { architecture: 'SCMP_ARCH_LOONGARCH64', subArchitectures: null },
];

/**
 * The ABI a host of this family runs natively: the 64-bit member of Docker's
 * family for a 32-bit ABI seen on it (i386 and x32 -> x86_64, arm -> aarch64,
 * s390 -> s390x, mips o32 -> mips64), else the ABI itself.
 */
export function familyHead(abi: Arch): Arch {
  if (!abi.scmp) return abi;
  if (DOCKER_ARCH_MAP.some((e) => e.architecture === abi.scmp)) return abi;
  const e = DOCKER_ARCH_MAP.find((x) => x.subArchitectures?.includes(abi.scmp!));
  return e ? (abiOfScmp(e.architecture) ?? abi) : abi;
}
