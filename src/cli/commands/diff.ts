// `seccomp-learn diff A B`: how two profiles (any formats) differ, per
// architecture and action: the names only in A and only in B.
import { diffPolicies, renderDiff } from '../../profile/diff.js';
import { KIND_NAMES } from '../../profile/formats/index.js';
import type { Profile } from '../../profile/model.js';
import { Policy } from '../../profile/policy.js';
import type { Io } from '../../io/read.js';
import { EXIT } from '../exit.js';
import type { DiffArgs } from '../options.js';
import { asOci, loadFor, nativeFrom } from '../read-profiles.js';

export function diffCommand(a: DiffArgs, io: Io): number {
  const A = loadFor(a.a, 'diff');
  const B = loadFor(a.b, 'diff');
  const native = nativeFrom(a);
  const ra = A.groups.length ? { profile: A.profile, notes: [] } : asOci(A, native, a);
  const rb = B.groups.length ? { profile: B.profile, notes: [] } : asOci(B, native, a);
  const assumptions = [...new Set([...ra.notes, ...rb.notes])];
  const listsNone = (p: Profile) => (p.architectures ?? []).length === 0 || (p.architectures ?? []).includes('SCMP_ARCH_NATIVE');
  if (listsNone(ra.profile) || listsNone(rb.profile)) assumptions.push(`the native architecture is assumed to be ${native.name} (--native-arch to change)`);
  const r = diffPolicies(new Policy(ra.profile, native), new Policy(rb.profile, native), { file: a.a, kind: KIND_NAMES[A.kind] }, { file: a.b, kind: KIND_NAMES[B.kind] }, assumptions);
  if (a.json) io.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else if (!r.same) io.stdout.write(renderDiff(r));
  return r.same ? EXIT.ok : EXIT.nothing;
}
