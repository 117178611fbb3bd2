// Docker's and Podman's seccomp template (moby's profiles/seccomp format, what
// `--security-opt seccomp=FILE` reads): the OCI object plus `archMap` (the
// daemon keeps the entry of its own architecture and its subarchitectures),
// per-rule `comment`, and `includes`/`excludes` by capability, architecture and
// minimum kernel. The daemon resolves the template into an OCI profile before
// runc sees it (moby profiles/seccomp/seccomp_linux.go setupSeccomp, commit
// cd3bed8): that resolution is resolveTemplate here, with every assumption it
// needs (host architecture, capabilities, kernel) said out loud.
import { serialiseProfile, type Profile, type SyscallRule } from '../model.js';
import type { Arch } from '../../syscalls/index.js';
import { checkOci } from './oci.js';
import { DOCKER_ARCH_MAP, orderScmp, type ArchMapEntry } from './shared.js';
import { SeccompLearnError } from '../../core/error.js';

/** The capabilities Docker gives a container by default (moby oci/caps/defaults.go). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/**
 * The `archMap` for a profile's architectures: each ABI's own entry (from moby's
 * default profile when it has one, so its subarchitectures come along), and for
 * an ABI that is a subarchitecture (i386, arm, s390, mips o32) also its 64-bit
 * family's entry: a 32-bit program on a 64-bit host is filtered through the
 * host's entry. Ordered as the architecture table.
 */
export function archMapFor(architectures: readonly string[]): ArchMapEntry[] {
  const heads = new Set<string>();
  for (const a of architectures) {
    heads.add(a);
    const family = DOCKER_ARCH_MAP.find((e) => e.subArchitectures?.includes(a));
    if (family && !DOCKER_ARCH_MAP.some((e) => e.architecture === a)) heads.add(family.architecture);
  }
  return orderScmp(heads).map((a) => {
    const known = DOCKER_ARCH_MAP.find((e) => e.architecture === a);
    return { architecture: a, subArchitectures: known?.subArchitectures ? [...known.subArchitectures] : null };
  });
}

/**
 * The moby template for a profile: `defaultErrnoRet` 1 (EPERM, as Docker's own
 * default) unless the profile has one, `archMap` instead of `architectures`
 * (moby refuses both), the rules as they are. Throws a SeccompLearnError
 * 'format-cannot-express' for what the OCI spec cannot name.
 */
export function renderDocker(p: Profile): string {
  checkOci(p, 'docker');
  const out: Profile = { defaultAction: p.defaultAction };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  else if (p.defaultAction === 'SCMP_ACT_ERRNO') out.defaultErrnoRet = 1;
  const have = (p.archMap as ArchMapEntry[] | undefined) ?? [];
  const made = archMapFor(p.architectures ?? []);
  const archMap = [...have, ...made.filter((m) => !have.some((h) => h.architecture === m.architecture))];
  for (const k of Object.keys(p)) if (!['defaultAction', 'defaultErrnoRet', 'architectures', 'archMap', 'syscalls'].includes(k)) out[k] = p[k];
  if (archMap.length) out.archMap = archMap;
  out.syscalls = p.syscalls ?? [];
  // key order: defaultAction, defaultErrnoRet, archMap, then the rest as OCI orders them
  const text = serialiseProfile(out);
  const obj = JSON.parse(text) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of ['defaultAction', 'defaultErrnoRet', 'archMap']) if (obj[k] !== undefined) ordered[k] = obj[k];
  for (const k of Object.keys(obj)) if (!(k in ordered)) ordered[k] = obj[k];
  return JSON.stringify(ordered, null, 2) + '\n';
}

/** Whether a parsed JSON profile uses anything of the moby template format. */
export function isTemplate(p: Record<string, unknown>): boolean {
  if ('archMap' in p) return true;
  const rules = Array.isArray(p.syscalls) ? (p.syscalls as Array<Record<string, unknown>>) : [];
  return rules.some((r) => r && typeof r === 'object' && ('includes' in r || 'excludes' in r || 'comment' in r || 'name' in r));
}

/** What resolving a template assumes about the container and host it runs on. */
export interface TemplateAssumptions {
  /** The host's (the daemon's) architecture: picks the archMap entry and `arches` filters. */
  host: Arch;
  /** The container's bounding capabilities: `caps` filters. */
  caps: readonly string[];
  /** The host kernel's version (`6.1.0`): `minKernel` filters. */
  kernel: string;
}

/** moby's name for the daemon's architecture in `includes`/`excludes` `arches` (its goToNative table). */
const MOBY_ARCH: Readonly<Record<string, string>> = {
  x86_64: 'amd64', i386: 'x86', aarch64: 'arm64', arm: 'arm', loongarch64: 'loongarch64', mips64: 'mips64', mips64n32: 'mips64n32',
  mips64el: 'mipsel64', mips64eln32: 'mips3l64n32', mipsel: 'mipsel', ppc: 'ppc', ppc64: 'ppc64', ppc64le: 'ppc64le',
  riscv64: 'riscv64', s390: 's390', s390x: 's390x',
};

export function mobyArchName(a: Arch): string {
  return MOBY_ARCH[a.name] ?? a.name;
}

function kernelAtLeast(have: string, want: string): boolean {
  const p = (v: string) => v.split(/[.-]/).slice(0, 2).map((x) => parseInt(x, 10) || 0);
  const [hm, hn] = p(have);
  const [wm, wn] = p(want);
  return hm > wm || (hm === wm && hn >= wn);
}

export interface ResolvedTemplate {
  profile: Profile;
  /** The assumptions that changed the result, in words. */
  notes: string[];
}

/**
 * Resolve a moby template as the Docker daemon does before handing it to runc
 * (moby profiles/seccomp/seccomp_linux.go setupSeccomp): `architectures` from the
 * archMap entry of the host's architecture, each rule kept only when its
 * `includes` hold and its `excludes` do not, `name` turned into `names`.
 * Throws a SeccompLearnError 'profile-invalid' naming `file` where moby refuses the template (both `architectures`
 * and `archMap`; both `name` and `names`).
 */
export function resolveTemplate(p: Profile, a: TemplateAssumptions, file: string): ResolvedTemplate {
  const notes = new Set<string>();
  const archMap = (p.archMap as ArchMapEntry[] | undefined) ?? [];
  if ((p.architectures?.length ?? 0) > 0 && archMap.length > 0) throw new SeccompLearnError('profile-invalid', 'both "architectures" and "archMap" (Docker refuses such a profile)', { source: file });
  const out: Profile = { defaultAction: p.defaultAction };
  for (const k of Object.keys(p)) if (k !== 'archMap' && k !== 'syscalls') out[k] = structuredClone(p[k]);
  const mobyArch = mobyArchName(a.host);
  if (archMap.length > 0) {
    const e = archMap.find((x) => x.architecture === a.host.scmp);
    out.architectures = e ? [e.architecture, ...(e.subArchitectures ?? [])] : [];
    notes.add(`archMap: the host is assumed to be ${a.host.name} (${mobyArch}), so architectures = ${out.architectures.length ? out.architectures.join(', ') : 'none (runc then filters the native one only)'}`);
  }
  const rules: SyscallRule[] = [];
  (p.syscalls ?? []).forEach((r0, i) => {
    const r = r0 as SyscallRule & { name?: string; includes?: Filter; excludes?: Filter };
    if (r.name !== undefined && (r.names?.length ?? 0) > 0) throw new SeccompLearnError('profile-invalid', `syscalls[${i}] has both "name" and "names" (Docker refuses such a profile)`, { source: file });
    const names = r.name !== undefined ? [r.name] : r.names;
    const ex = r.excludes;
    const inc = r.includes;
    const byArch = (ex?.arches?.length ?? 0) > 0 || (inc?.arches?.length ?? 0) > 0;
    const byCaps = (ex?.caps?.length ?? 0) > 0 || (inc?.caps?.length ?? 0) > 0;
    const byKernel = ex?.minKernel !== undefined || inc?.minKernel !== undefined;
    if (byArch) notes.add(`includes/excludes by architecture: the host is assumed to be ${a.host.name} (${mobyArch})`);
    if (byCaps) notes.add(`includes/excludes by capability: the container is assumed to have ${a.caps.length === DOCKER_DEFAULT_CAPS.length && a.caps.every((c) => DOCKER_DEFAULT_CAPS.includes(c)) ? "Docker's default capabilities" : 'the capabilities'} (${a.caps.join(' ')})`);
    if (byKernel) notes.add(`includes/excludes by minKernel: the kernel is assumed to be ${a.kernel}`);
    if (ex) {
      if (ex.arches?.includes(mobyArch)) return;
      if (ex.caps?.some((c) => a.caps.includes(c))) return;
      if (ex.minKernel !== undefined && kernelAtLeast(a.kernel, ex.minKernel)) return;
    }
    if (inc) {
      if ((inc.arches?.length ?? 0) > 0 && !inc.arches!.includes(mobyArch)) return;
      if ((inc.caps?.length ?? 0) > 0 && !inc.caps!.every((c) => a.caps.includes(c))) return;
      if (inc.minKernel !== undefined && !kernelAtLeast(a.kernel, inc.minKernel)) return;
    }
    const kept: SyscallRule = { names: [...names], action: r.action };
    for (const k of ['errnoRet', 'args'] as const) if (r[k] !== undefined) kept[k] = structuredClone(r[k]);
    rules.push(kept);
  });
  out.syscalls = rules;
  return { profile: out, notes: [...notes] };
}

interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}
