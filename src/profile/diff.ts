// `seccomp-learn diff A B`: how two profiles differ in what they do, for each
// architecture and action: the names only A gives that action and the names
// only B does, after each profile is read as the runtime reads it (the first
// unconditional rule decides, rules equal to the default do nothing, a Docker
// template resolved for one host; src/profile/policy.ts). Any of the formats, in any
// pair: a learned OCI profile against the SPO resource deployed, a Docker
// template against a systemd drop-in.
import { ARCHES, type Arch } from '../syscalls/index.js';
import { Policy, existsOn, sameEffect, showEffect } from './policy.js';
import { orderScmp } from './formats/shared.js';

export interface DiffSide {
  file: string;
  kind: string;
  defaultAction: string;
  architectures: string[];
}

export interface DiffSection {
  /** The ABIs (short names) this difference holds on. */
  architectures: string[];
  /** `SCMP_ACT_ALLOW`, `SCMP_ACT_ERRNO (ENOSYS)`, `SCMP_ACT_ALLOW for some arguments`. */
  action: string;
  onlyA: string[];
  onlyB: string[];
}

export interface DiffReport {
  a: DiffSide;
  b: DiffSide;
  /** Architectures (SCMP names) only one side's filter holds. */
  architectures: { onlyA: string[]; onlyB: string[] };
  sections: DiffSection[];
  assumptions: string[];
  same: boolean;
}

function archesOf(p: Policy): Arch[] {
  return ARCHES.filter((a) => p.holds(a));
}

/**
 * Compare two policies (profiles made ready with the same native architecture).
 * A name that no syscall table knows (a systemd group, a misspelling) is
 * compared as it is written, on every architecture.
 */
export function diffPolicies(a: Policy, b: Policy, sideA: Omit<DiffSide, 'defaultAction' | 'architectures'>, sideB: Omit<DiffSide, 'defaultAction' | 'architectures'>, assumptions: string[] = []): DiffReport {
  const archesA = archesOf(a);
  const archesB = archesOf(b);
  const listed = (p: Policy) => orderScmp(p.profile.architectures ?? []);
  const onlyA = orderScmp(archesA.filter((x) => !archesB.includes(x)).map((x) => x.scmp!));
  const onlyB = orderScmp(archesB.filter((x) => !archesA.includes(x)).map((x) => x.scmp!));
  const names = [...new Set([...a.names(), ...b.names()])].sort();
  const known = (n: string) => ARCHES.some((x) => x.column !== null && existsOn(x, n));
  // per ABI and action: the names only one side gives that action. An ABI only
  // one filter holds is said once (the architecture lines), not name by name,
  // unless the two have no ABI in common.
  const per = new Map<string, { onlyA: string[]; onlyB: string[]; arches: string[] }>();
  const common = ARCHES.filter((x) => archesA.includes(x) && archesB.includes(x));
  for (const abi of common.length ? common : ARCHES.filter((x) => archesA.includes(x) || archesB.includes(x))) {
    const local = new Map<string, { onlyA: string[]; onlyB: string[] }>();
    for (const n of names) {
      if (known(n) && !existsOn(abi, n)) continue;
      const la = archesA.includes(abi) ? a.ruleLabel(n) : null;
      const lb = archesB.includes(abi) ? b.ruleLabel(n) : null;
      if (la === lb) continue;
      if (la !== null) {
        let s = local.get(la);
        if (!s) local.set(la, (s = { onlyA: [], onlyB: [] }));
        s.onlyA.push(n);
      }
      if (lb !== null) {
        let s = local.get(lb);
        if (!s) local.set(lb, (s = { onlyA: [], onlyB: [] }));
        s.onlyB.push(n);
      }
    }
    for (const [action, s] of local) {
      const key = `${action}\u0000${s.onlyA.join(' ')}\u0000${s.onlyB.join(' ')}`;
      let g = per.get(key);
      if (!g) per.set(key, (g = { onlyA: s.onlyA, onlyB: s.onlyB, arches: [] }));
      g.arches.push(abi.name);
    }
  }
  const sections: DiffSection[] = [...per.entries()].map(([key, g]) => ({ architectures: g.arches, action: key.split('\u0000')[0], onlyA: g.onlyA, onlyB: g.onlyB }));
  const sameDefault = sameEffect(a.defaultEffect, b.defaultEffect);
  return {
    a: { ...sideA, defaultAction: showEffect(a.defaultEffect), architectures: listed(a) },
    b: { ...sideB, defaultAction: showEffect(b.defaultEffect), architectures: listed(b) },
    architectures: { onlyA, onlyB },
    sections,
    assumptions,
    same: sameDefault && onlyA.length === 0 && onlyB.length === 0 && sections.length === 0,
  };
}

/** Text like diff(1): `-` only in A, `+` only in B, a `@@ action on architectures @@` line per section. */
export function renderDiff(r: DiffReport): string {
  const out: string[] = [`--- ${r.a.file} (${r.a.kind})`, `+++ ${r.b.file} (${r.b.kind})`];
  for (const n of r.assumptions) out.push(`# assumed: ${n}`);
  if (r.a.defaultAction !== r.b.defaultAction) out.push(`-defaultAction ${r.a.defaultAction}`, `+defaultAction ${r.b.defaultAction}`);
  for (const x of r.architectures.onlyA) out.push(`-architecture ${x}`);
  for (const x of r.architectures.onlyB) out.push(`+architecture ${x}`);
  for (const s of r.sections) {
    out.push(`@@ ${s.action} on ${s.architectures.join(', ')} @@`);
    for (const n of s.onlyA) out.push(`-${n}`);
    for (const n of s.onlyB) out.push(`+${n}`);
  }
  return out.join('\n') + '\n';
}

