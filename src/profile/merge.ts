// `seccomp-learn merge PROFILE...`: the union of profiles, for one program
// recorded on several replicas or runs. Each profile is read as the runtime
// reads it (src/policy.ts); for each name the least restrictive action any
// profile gives it wins (the kernel's order: KILL_PROCESS, KILL_THREAD, TRAP,
// ERRNO, NOTIFY, TRACE, LOG, ALLOW), and so for the default action; every
// such choice between differing profiles is said. Rules with argument
// conditions are kept, because libseccomp lets them stand only beside the
// default action; where an unconditional action wins for the name they could
// not take effect, and dropping them is said too.
import type { Profile, SyscallRule } from './model.js';
import { orderScmp } from './formats/shared.js';
import { Policy, effectOf, restriction, sameEffect, showEffect, type Effect } from './policy.js';
import type { Arch } from '../syscalls/index.js';
import { SeccompLearnError } from '../core/error.js';

export interface MergeInput {
  file: string;
  /** An OCI profile (a Docker template resolved first). */
  profile: Profile;
}

export interface MergeResult {
  profile: Profile;
  /** Each choice between profiles that disagreed, in words. */
  notes: string[];
}

/** Whether `a` lets more through than `b` (ALLOW over LOG over ... over KILL_PROCESS). */
function lessRestrictive(a: Effect, b: Effect): boolean {
  return restriction(a.action) < restriction(b.action);
}

/** The union of `inputs` (two or more), on a host of architecture `native`. Throws a SeccompLearnError 'profiles-unmergeable' for profiles that name different listeners. */
export function mergeProfiles(inputs: MergeInput[], native: Arch): MergeResult {
  const notes: string[] = [];
  const policies = inputs.map((i) => new Policy(i.profile, native));
  // the default: the least restrictive of the defaults
  let dIdx = 0;
  policies.forEach((p, i) => {
    if (lessRestrictive(p.defaultEffect, policies[dIdx].defaultEffect)) dIdx = i;
  });
  const def = policies[dIdx].defaultEffect;
  const otherDefaults = policies.filter((p) => !sameEffect(p.defaultEffect, def));
  if (otherDefaults.length) notes.push(`default action: ${showEffect(def)} (${inputs[dIdx].file}) wins over ${otherDefaults.map((p) => `${showEffect(p.defaultEffect)} (${inputs[policies.indexOf(p)].file})`).join(', ')}`);

  const out: Profile = { defaultAction: policies[dIdx].profile.defaultAction === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL' : def.action };
  if (def.errno !== null && (def.errno !== 1 || inputs.some((i) => i.profile.defaultErrnoRet !== undefined))) out.defaultErrnoRet = def.errno;
  const arches = new Set<string>();
  for (const i of inputs) for (const a of i.profile.architectures ?? []) arches.add(a === 'SCMP_ARCH_NATIVE' && native.scmp ? native.scmp : a);
  if (arches.size) out.architectures = orderScmp(arches);
  const flags = new Set<string>();
  for (const i of inputs) for (const f of (i.profile.flags as string[] | undefined) ?? []) flags.add(f);
  if (flags.size) out.flags = [...flags];
  for (const k of ['listenerPath', 'listenerMetadata'] as const) {
    const values = [...new Set(inputs.map((i) => i.profile[k]).filter((v) => v !== undefined))];
    if (values.length > 1) throw new SeccompLearnError('profiles-unmergeable', `the profiles name different ${k}s (${values.map((v) => JSON.stringify(v)).join(', ')}): one filter has one listener`);
    if (values.length === 1) out[k] = values[0];
  }

  const uncond = new Map<string, Effect>();
  const conds: Array<{ name: string; effect: Effect; args: unknown }> = [];
  const names = [...new Set(policies.flatMap((p) => p.names()))].sort();
  for (const n of names) {
    // what each profile does with the name whatever the arguments: its first unconditional rule, else its default
    const each = policies.map((p, i) => {
      const o = p.ruleOutcome(n);
      const byRule = o.conditions.length === 0 && o.rule !== null;
      return { i, effect: byRule ? o.effect! : p.defaultEffect, why: byRule ? `rule ${o.rule}` : 'default action', conditions: o.conditions };
    });
    let best = each[0];
    for (const e of each) if (lessRestrictive(e.effect, best.effect)) best = e;
    const losers = each.filter((e) => !sameEffect(e.effect, best.effect));
    // defaults against defaults: said once, above
    const ruled = [best, ...losers].some((e) => e.why !== 'default action');
    if (losers.length && ruled) notes.push(`${n}: ${showEffect(best.effect)} (${inputs[best.i].file}${best.why === 'default action' ? ', default action' : ''}) wins over ${losers.map((e) => `${showEffect(e.effect)} (${inputs[e.i].file}${e.why === 'default action' ? ', default action' : ''})`).join(', ')}`);
    if (!sameEffect(best.effect, def)) uncond.set(n, best.effect);
    for (const e of each)
      for (const c of e.conditions) {
        if (!sameEffect(best.effect, def)) {
          notes.push(`${n}: the rule with arguments of ${inputs[e.i].file} (rule ${c.rule}, ${showEffect(c.effect)}) is left out: the unconditional ${showEffect(best.effect)} decides for ${n}`);
          continue;
        }
        if (!lessRestrictive(c.effect, def)) {
          notes.push(`${n}: the rule with arguments of ${inputs[e.i].file} (rule ${c.rule}, ${showEffect(c.effect)}) is left out: the union lets those calls meet ${showEffect(def)}`);
          continue;
        }
        if (!conds.some((x) => x.name === n && sameEffect(x.effect, c.effect) && JSON.stringify(x.args) === JSON.stringify(c.args))) conds.push({ name: n, effect: c.effect, args: c.args });
      }
  }
  // one rule per action, least restrictive first, then the rules with arguments
  const groups = new Map<string, { effect: Effect; names: string[] }>();
  for (const [n, e] of uncond) {
    const k = showEffect(e);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { effect: e, names: [] }));
    g.names.push(n);
  }
  const rules: SyscallRule[] = [...groups.values()].sort((x, y) => restriction(x.effect.action) - restriction(y.effect.action) || showEffect(x.effect).localeCompare(showEffect(y.effect))).map((g) => ruleOf(g.names.sort(), g.effect));
  const condGroups = new Map<string, SyscallRule>();
  for (const c of conds) {
    const k = `${showEffect(c.effect)} ${JSON.stringify(c.args)}`;
    const r = condGroups.get(k);
    if (r) r.names.push(c.name);
    else condGroups.set(k, { ...ruleOf([c.name], c.effect), args: c.args });
  }
  rules.push(...condGroups.values());
  out.syscalls = rules;
  return { profile: out, notes };
}

function ruleOf(names: string[], e: Effect): SyscallRule {
  const r: SyscallRule = { names, action: e.action };
  if (e.errno !== null && !(e.errno === 1 && sameEffect(effectOf(e.action, undefined), e))) r.errnoRet = e.errno;
  return r;
}
