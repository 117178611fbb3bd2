// Build, merge and serialise OCI seccomp profiles (the file a kubelet's
// localhostProfile, docker --security-opt seccomp= and runc's linux.seccomp take).
import { ARCHES, type Arch } from '../syscalls/index.js';
import { SeccompLearnError } from '../core/error.js';

export const DEFAULT_ACTIONS = ['SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_LOG'] as const;
export type DefaultAction = (typeof DEFAULT_ACTIONS)[number];

export interface SyscallRule {
  names: string[];
  action: string;
  [key: string]: unknown;
}

export interface Profile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  syscalls?: SyscallRule[];
  [key: string]: unknown;
}

/** What the usual companions of an ABI are (Docker's archMap), for --arch-companions. */
const COMPANIONS: Readonly<Record<string, readonly string[]>> = {
  SCMP_ARCH_X86_64: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  SCMP_ARCH_AARCH64: ['SCMP_ARCH_ARM'],
  SCMP_ARCH_MIPS64: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32'],
  SCMP_ARCH_MIPS64N32: ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64'],
  SCMP_ARCH_MIPSEL64: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32'],
  SCMP_ARCH_MIPSEL64N32: ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64'],
  SCMP_ARCH_S390X: ['SCMP_ARCH_S390'],
};

/** SCMP names in the fixed order of the architecture table, so output never depends on input order. */
function orderArchitectures(names: Iterable<string>): string[] {
  const set = new Set(names);
  const ordered: string[] = [];
  for (const a of ARCHES) if (a.scmp && set.delete(a.scmp)) ordered.push(a.scmp);
  return [...ordered, ...[...set].sort()];
}

/** The OCI runtime spec's seccomp flag that makes the kernel log every action of the filter but ALLOW (ERRNO denials too). */
export const LOG_FLAG = 'SECCOMP_FILTER_FLAG_LOG';

export interface BuildOptions {
  defaultAction?: string;
  errnoRet?: number;
  archCompanions?: boolean;
  /** Add `flags: [SECCOMP_FILTER_FLAG_LOG]`: the kernel then logs the filter's denials (an ERRNO is otherwise silent). */
  logDenials?: boolean;
}

/** A minimal profile: the default action, the ABIs seen, and one sorted allow list. */
export function buildProfile(names: Iterable<string>, abis: Iterable<Arch>, opts: BuildOptions = {}): Profile {
  const arches = new Set<string>();
  for (const abi of abis) {
    if (!abi.scmp) continue;
    arches.add(abi.scmp);
    if (opts.archCompanions) for (const c of COMPANIONS[abi.scmp] ?? []) arches.add(c);
  }
  const profile: Profile = { defaultAction: opts.defaultAction ?? 'SCMP_ACT_ERRNO' };
  if (opts.errnoRet !== undefined) profile.defaultErrnoRet = opts.errnoRet;
  profile.architectures = orderArchitectures(arches);
  if (opts.logDenials) profile.flags = [LOG_FLAG];
  profile.syscalls = [{ names: sortedUnique(names), action: 'SCMP_ACT_ALLOW' }];
  return profile;
}

function sortedUnique(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

/** Check that a parsed JSON value has the shape of an OCI seccomp profile; a SeccompLearnError 'profile-invalid' naming `source` says what is not. */
export function checkProfile(value: unknown, source: string): Profile {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SeccompLearnError('profile-invalid', 'not a JSON object', { source });
  const p = value as Profile;
  if (typeof p.defaultAction !== 'string') throw new SeccompLearnError('profile-invalid', 'no "defaultAction" string', { source });
  if (p.architectures !== undefined && (!Array.isArray(p.architectures) || !p.architectures.every((a) => typeof a === 'string')))
    throw new SeccompLearnError('profile-invalid', '"architectures" is not a list of strings', { source });
  if (p.syscalls !== undefined) {
    if (!Array.isArray(p.syscalls)) throw new SeccompLearnError('profile-invalid', '"syscalls" is not a list', { source });
    p.syscalls.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || !Array.isArray(r.names) || typeof r.action !== 'string')
        throw new SeccompLearnError('profile-invalid', `syscalls[${i}] needs "names" (a list) and "action"`, { source });
    });
  }
  return p;
}

/** A rule that allows its names whatever the arguments and architecture. */
function unconditionalAllow(r: SyscallRule): boolean {
  return r.action === 'SCMP_ACT_ALLOW' && r.args === undefined && r.includes === undefined && r.excludes === undefined;
}

/** A profile field that should hold a list (`flags`): its items, or none when it holds something else. */
function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}

/**
 * Add what was learned to an existing profile. Everything already in it is kept
 * (other rules, their order, unknown fields); learned names that no
 * unconditional allow rule has yet go into the first such rule, or a new one.
 */
export function mergeProfile(base: Profile, learned: Profile, overrideDefault?: { defaultAction?: string; errnoRet?: number }): Profile {
  const out: Profile = structuredClone(base);
  if (overrideDefault?.defaultAction) out.defaultAction = overrideDefault.defaultAction;
  if (overrideDefault?.errnoRet !== undefined) out.defaultErrnoRet = overrideDefault.errnoRet;
  if (learned.architectures && learned.architectures.length > 0) {
    const have = out.architectures ?? [];
    out.architectures = [...have, ...learned.architectures.filter((a) => !have.includes(a))];
  }
  const learnedFlags = listOf(learned.flags);
  if (learnedFlags.length > 0) {
    const have = listOf(out.flags);
    out.flags = [...have, ...learnedFlags.filter((f) => !have.includes(f))];
  }
  const rules = (out.syscalls ??= []);
  const allowed = new Set<string>();
  for (const r of rules) if (unconditionalAllow(r)) for (const n of r.names) allowed.add(n);
  const missing = (learned.syscalls ?? []).flatMap((r) => r.names).filter((n) => !allowed.has(n));
  if (missing.length > 0) {
    const target = rules.find(unconditionalAllow);
    if (target) target.names = sortedUnique([...target.names, ...missing]);
    else rules.push({ names: sortedUnique(missing), action: 'SCMP_ACT_ALLOW' });
  }
  return out;
}

/** Deterministic text: 2-space JSON, keys in a fixed order for the fields we write, trailing newline. */
export function serialiseProfile(p: Profile): string {
  const ordered: Record<string, unknown> = {};
  for (const k of ['defaultAction', 'defaultErrnoRet', 'architectures', 'flags', 'listenerPath', 'listenerMetadata']) if (p[k] !== undefined) ordered[k] = p[k];
  for (const k of Object.keys(p)) if (!(k in ordered) && k !== 'syscalls') ordered[k] = p[k];
  if (p.syscalls !== undefined) ordered.syscalls = p.syscalls;
  return JSON.stringify(ordered, null, 2) + '\n';
}
