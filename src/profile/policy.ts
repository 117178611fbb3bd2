// What a system call meets under a seccomp profile, as runc builds the filter
// with libseccomp and the kernel runs it. Used by `check` (each recorded call),
// `diff` and `merge` (each name a profile mentions). Security-relevant: every
// rule below follows the code that decides, and says where it is.
//
// runc (libcontainer/seccomp/seccomp_linux.go, InitSeccomp and matchCall, at
// commit 76d9cf5; the same in the 1.1 series Debian ships):
// - the filter is libseccomp.NewFilter(defaultAction), which always holds the
//   native architecture (libseccomp src/db.c db_col_reset: _db_init(arch_def_native)),
//   then AddArch for each of `architectures`. A call on any other ABI meets the
//   filter's bad-architecture action, libseccomp's default SCMP_ACT_KILL (kill
//   the thread; src/db.c: act_badarch = SCMP_ACT_KILL), which runc keeps. An
//   x32 call under a filter for x86_64 without x32 meets it too (libseccomp
//   src/gen_bpf.c: "filter out x32", a jump to the bad-arch action).
// - actions: SCMP_ACT_KILL and SCMP_ACT_KILL_THREAD kill the thread;
//   SCMP_ACT_ERRNO returns errnoRet, else EPERM; `defaultErrnoRet` applies to
//   the default action only (getAction).
// - a rule whose action equals the default action is skipped ("if callAct ==
//   defAct { return nil }"), so a later rule for the same name still counts;
// - a name libseccomp does not know is ignored ("unknown seccomp syscall %q
//   ignored"); a name that does not exist on one of the filter's ABIs is left
//   out there only (libseccomp resolves it per ABI).
// libseccomp (src/db.c db_rule_add, v2.5.4 and main at 90d3f7d), when one
// syscall gets several rules: NOT by action priority, and not "last wins":
// - a rule without arguments replaces any earlier rules with arguments
//   ("syscall exists with chains but the new filter has no chains so we need
//   to clear the existing chains");
// - once a syscall has a rule without arguments, every later rule for it is
//   dropped, whatever its action ("syscall exists without any chains -
//   existing filter is at least as large as the new entry so cleanup and exit").
//   So the first unconditional rule decides. Checked on this machine with
//   libseccomp 2.5.4: ALLOW then KILL_PROCESS exports `action ALLOW`; KILL_PROCESS
//   then ALLOW exports `action KILL_PROCESS`; a conditional ALLOW and an
//   unconditional KILL_PROCESS export `action KILL_PROCESS` in either order.
// - rules with arguments are merged into one decision tree; what they return
//   depends on the arguments, which no audit record shows: such a call is
//   "allowed only for some arguments", never "allowed".
// The kernel: ALLOW and LOG let the call run (LOG writes a record); every other
// action stops it (seccomp(2)).
import type { Profile, SyscallRule } from './model.js';
import { abiOfScmp } from './formats/shared.js';
import { showErrno } from './formats/errno.js';
import { ARCHES, numberOf, type Arch } from '../syscalls/index.js';

/** An action as it takes effect: the canonical name (SCMP_ACT_KILL is KILL_THREAD) and the errno it returns. */
export interface Effect {
  action: string;
  /** For SCMP_ACT_ERRNO and SCMP_ACT_TRACE: the errno returned (EPERM unless errnoRet says). */
  errno: number | null;
}

export function effectOf(action: string, errnoRet: number | undefined): Effect {
  const a = action === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL_THREAD' : action;
  return { action: a, errno: a === 'SCMP_ACT_ERRNO' || a === 'SCMP_ACT_TRACE' ? (errnoRet ?? 1) : null };
}

/** `SCMP_ACT_ERRNO (EPERM)`, `SCMP_ACT_KILL_THREAD`. */
export function showEffect(e: Effect): string {
  return e.errno === null ? e.action : `${e.action} (${showErrno(e.errno)})`;
}

export function sameEffect(a: Effect, b: Effect): boolean {
  return a.action === b.action && a.errno === b.errno;
}

/** The call runs: ALLOW, or LOG (which also logs it). */
export function lets(e: Effect): boolean {
  return e.action === 'SCMP_ACT_ALLOW' || e.action === 'SCMP_ACT_LOG';
}

/**
 * How restrictive an action is: 8 for KILL_PROCESS down to 1 for ALLOW, the
 * kernel's precedence when several filters disagree (KILL_PROCESS, KILL_THREAD,
 * TRAP, ERRNO, USER_NOTIF, TRACE, LOG, ALLOW; seccomp(2)); 0 for an unknown
 * action. Used by merge: the least restrictive wins.
 */
export function restriction(action: string): number {
  const order = ['SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_TRACE', 'SCMP_ACT_LOG', 'SCMP_ACT_ALLOW'];
  const i = order.indexOf(action === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL_THREAD' : action);
  return i === -1 ? 0 : order.length - i;
}

export type Verdict = 'allowed' | 'denied' | 'conditional' | 'unknown';

export interface Outcome {
  verdict: Verdict;
  /** What the call meets; null when it cannot be known (unknown). */
  effect: Effect | null;
  /** Why, in words: `rule 3`, `default action`, `i386 is not in the profile's architectures: ...`. */
  why: string;
  /** Index of the deciding rule in the profile's `syscalls`. */
  rule: number | null;
  /** For `conditional`: what the rules with arguments return when their conditions hold. */
  conditions: Array<{ rule: number; effect: Effect; args: unknown }>;
}

/** The filter's action for a call on an ABI it does not hold (libseccomp's default, which runc keeps). */
export const BAD_ARCH: Effect = { action: 'SCMP_ACT_KILL_THREAD', errno: null };

interface Entry {
  /** The first unconditional rule, which decides (see above). */
  uncond: { rule: number; effect: Effect } | null;
  cond: Array<{ rule: number; effect: Effect; args: unknown }>;
}

/** A profile made ready to answer "what does this call meet" (an OCI profile: resolve a Docker template first). */
export class Policy {
  readonly defaultEffect: Effect;
  /** The ABIs of the filter: `architectures` and the native one. */
  readonly abis: Set<Arch>;
  /** `architectures` names no table knows (runc refuses them; listed for messages). */
  readonly unknownArches: string[] = [];
  /** Rule names that no architecture's table knows (runc ignores them). */
  readonly unknownNames = new Set<string>();
  private readonly byName = new Map<string, Entry>();

  /**
   * @param native the architecture of the host the profile runs on: runc's filter always holds it.
   */
  constructor(readonly profile: Profile, readonly native: Arch) {
    this.defaultEffect = effectOf(profile.defaultAction, profile.defaultErrnoRet);
    this.abis = new Set([native]);
    for (const s of profile.architectures ?? []) {
      const a = abiOfScmp(s);
      if (a) this.abis.add(a);
      else if (s !== 'SCMP_ARCH_NATIVE') this.unknownArches.push(s);
    }
    (profile.syscalls ?? []).forEach((r: SyscallRule, i) => {
      const effect = effectOf(r.action, r.errnoRet as number | undefined);
      if (sameEffect(effect, this.defaultEffect)) return; // runc skips it
      const args = r.args as unknown[] | undefined;
      const conditional = Array.isArray(args) && args.length > 0;
      for (const n of r.names) {
        if (!ARCHES.some((a) => a.column !== null && numberOf(a, n) !== undefined)) this.unknownNames.add(n);
        let e = this.byName.get(n);
        if (!e) this.byName.set(n, (e = { uncond: null, cond: [] }));
        if (e.uncond) continue; // dropped: the first unconditional rule decides
        if (conditional) e.cond.push({ rule: i, effect, args });
        else {
          e.uncond = { rule: i, effect };
          e.cond = [];
        }
      }
    });
  }

  /** Whether the filter holds this ABI (the native one always). */
  holds(abi: Arch): boolean {
    return this.abis.has(abi);
  }

  /**
   * What a call meets: by its ABI (null: the record had no arch=), its raw
   * number and its name on that ABI (null: no name). Never "allowed" for what
   * cannot be known.
   */
  evaluate(abi: Arch | null, nr: number, name: string | null): Outcome {
    const none = { rule: null, conditions: [] };
    if (abi === null) return { verdict: 'unknown', effect: null, why: 'the record has no arch=: the filter decides by architecture first', ...none };
    if (!this.holds(abi)) {
      const why = abi.scmp
        ? `${abi.name} (${abi.scmp}) is not in the profile's architectures nor the native ${this.native.name}: the filter's bad-architecture action`
        : `${abi.name} has no libseccomp architecture: the filter's bad-architecture action`;
      return { verdict: 'denied', effect: BAD_ARCH, why, ...none };
    }
    if (name === null) return { verdict: 'unknown', effect: null, why: `syscall ${nr} has no name on ${abi.name} in the table this tool has: what the filter does with it is not known here`, ...none };
    return this.evaluateName(abi, name);
  }

  /** What a call by name meets on an ABI the filter holds. */
  evaluateName(abi: Arch, name: string): Outcome {
    if (numberOf(abi, name) === undefined) {
      const d = this.defaultEffect;
      return { verdict: lets(d) ? 'allowed' : 'denied', effect: d, why: `default action (${name} is not a syscall on ${abi.name})`, rule: null, conditions: [] };
    }
    return this.ruleOutcome(name);
  }

  /** What the rules do with a name, on any ABI where it exists. */
  ruleOutcome(name: string): Outcome {
    const e = this.byName.get(name);
    if (e?.uncond) {
      const eff = e.uncond.effect;
      return { verdict: lets(eff) ? 'allowed' : 'denied', effect: eff, why: `rule ${e.uncond.rule}`, rule: e.uncond.rule, conditions: [] };
    }
    if (e && e.cond.length > 0) {
      const d = this.defaultEffect;
      if (e.cond.every((c) => lets(c.effect) === lets(d)) && lets(d)) return { verdict: 'allowed', effect: d, why: 'default action (rules with arguments do not stop it either)', rule: null, conditions: e.cond };
      return {
        verdict: 'conditional',
        effect: d,
        why: `only for some arguments: rule ${e.cond.map((c) => c.rule).join(', ')} (${[...new Set(e.cond.map((c) => showEffect(c.effect)))].join(', ')}) when the arguments match, else the default action`,
        rule: e.cond[0].rule,
        conditions: e.cond,
      };
    }
    const d = this.defaultEffect;
    return { verdict: lets(d) ? 'allowed' : 'denied', effect: d, why: 'default action', rule: null, conditions: [] };
  }

  /** Every name the profile's rules mention (rules that take effect: not those equal to the default). */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * What the rules say of a name, whatever the ABI: `SCMP_ACT_ALLOW`, or
   * `only for some arguments: ...`; null when no rule takes effect for it (the default).
   */
  ruleLabel(name: string): string | null {
    const e = this.byName.get(name);
    if (!e) return null;
    if (e.uncond) return showEffect(e.uncond.effect);
    if (e.cond.length === 0) return null;
    return `${[...new Set(e.cond.map((c) => showEffect(c.effect)))].join(', ')} for some arguments`;
  }
}

/** Whether `name` is a syscall on `abi` (libseccomp would add a rule for it there). */
export function existsOn(abi: Arch, name: string): boolean {
  return numberOf(abi, name) !== undefined;
}

