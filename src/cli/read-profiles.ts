// Profiles as check, diff and merge read them: from any format, a learn state
// told apart, and a Docker template resolved as runc would get it on the
// assumed host (--native-arch, --cap-add, --kernel).
import { arch as osArch, endianness, release } from 'node:os';
import { SeccompLearnError } from '../core/error.js';
import { loadProfile } from '../io/profile-file.js';
import { DOCKER_DEFAULT_CAPS, resolveTemplate, type LoadedProfile } from '../profile/formats/index.js';
import { familyHead } from '../profile/formats/shared.js';
import type { Profile } from '../profile/model.js';
import { findArch, type Arch } from '../syscalls/index.js';
import type { AssumeArgs } from './options.js';

/** This machine's architecture, as the kernel names ABIs. */
export function machineArch(): Arch {
  const names: Record<string, string> = { x64: 'x86_64', ia32: 'i386', arm64: 'aarch64', arm: 'arm', loong64: 'loongarch64', riscv64: 'riscv64', s390x: 's390x', s390: 's390', mips: 'mips', mipsel: 'mipsel' };
  const n = osArch() === 'ppc64' ? (endianness() === 'LE' ? 'ppc64le' : 'ppc64') : (names[osArch()] ?? osArch());
  return findArch(n) ?? findArch('x86_64')!;
}

/** The host's native architecture: --native-arch, else the one family of the ABIs `seen` in the records, else this machine's. */
export function nativeFrom(a: AssumeArgs, seen: Arch[] = []): Arch {
  if (a['native-arch'] !== undefined) return a['native-arch'];
  const heads = [...new Set(seen.map(familyHead))];
  if (heads.length === 1 && heads[0].scmp) return heads[0];
  return machineArch();
}

function caps(a: AssumeArgs): string[] {
  const add = a['cap-add'].map((c) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`));
  return [...new Set([...DOCKER_DEFAULT_CAPS, ...add])];
}

/** A profile as runc gets it: a Docker template resolved for the assumed host, with what was assumed. */
export function asOci(l: LoadedProfile, native: Arch, a: AssumeArgs): { profile: Profile; notes: string[] } {
  if (l.groups.length > 0) throw new SeccompLearnError('profile-unsupported', `systemd groups (${l.groups.join(', ')}) can only be expanded by systemd: list the names (systemd-analyze syscall-filter ${l.groups[0]})`, { source: l.file });
  const notes: string[] = [];
  if (typeof l.profile.baseProfileName === 'string')
    notes.push(`baseProfileName ${l.profile.baseProfileName}: the base profile the operator unions in is not read here, so what only it allows is reported as not allowed`);
  if (l.kind === 'systemd' && l.profile.defaultAction !== 'SCMP_ACT_ALLOW') notes.push("a systemd allow list also allows systemd's @default set (systemd-analyze syscall-filter @default), which is not read here");
  if (l.kind !== 'docker') return { profile: l.profile, notes };
  return resolveTemplate(l.profile, { host: native, caps: caps(a), kernel: a.kernel ?? release() }, l.file);
}

/** Read a profile for `command`; a learn state is said to be one, and where it goes. */
export function loadFor(file: string, command: string): LoadedProfile {
  try {
    return loadProfile(file);
  } catch (err) {
    if (err instanceof SeccompLearnError && err.code === 'profile-is-state') throw err.withNote(`: ${command} takes profiles (OCI, Docker, SPO, systemd); learn states are merged with \`merge STATE...\` (then check the profile it writes)`);
    throw err;
  }
}
