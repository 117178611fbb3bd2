// The Kubernetes Security Profiles Operator's `SeccompProfile` resource
// (security-profiles-operator.x-k8s.io/v1, cluster-scoped since v1): YAML whose
// `spec` is the OCI object without `defaultErrnoRet`, with its own list of
// architectures (no LOONGARCH64, M68K, SH, SHEB) and `baseProfileName`. The
// operator writes the spec to each node for the kubelet. What the CRD's
// openAPIV3Schema (kubernetes-sigs/security-profiles-operator,
// deploy/base-crds/crds/seccompprofile.yaml) does not allow is a
// SeccompLearnError 'format-cannot-express' here, never dropped: the API server would prune an unknown field in silence.
import { createRequire } from 'node:module';
import type { Profile } from '../model.js';
import { SCMP_ACTIONS } from './shared.js';
import { SeccompLearnError } from '../../core/error.js';

export const SPO_API_VERSION = 'security-profiles-operator.x-k8s.io/v1';

/** The architectures the CRD's enum lists (v1). */
export const SPO_ARCHES: readonly string[] = [
  'SCMP_ARCH_NATIVE', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
];

// yaml is loaded when a SeccompProfile is read or written, not at start-up:
// the CLI's start-up time is a target (README), and most runs never need it
type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

const SPEC_FIELDS = ['baseProfileName', 'defaultAction', 'architectures', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls'];
const RULE_FIELDS = ['names', 'action', 'errnoRet', 'args'];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `name` is a valid Kubernetes object name (a DNS-1123 subdomain). */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && name.split('.').every((l) => DNS1123_LABEL.test(l));
}

/** A DNS-1123 name made from a program's name (`http_echo.bin` -> `http-echo.bin`, at most 63 characters). */
export function dnsName(program: string): string {
  const s = program
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/-?\.-?/g, '.')
    .slice(0, 63)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return s || 'profile';
}

/**
 * The SeccompProfile YAML for a profile, named `name` (a DNS-1123 subdomain).
 * Throws a SeccompLearnError 'format-cannot-express' for anything the CRD cannot hold: `defaultErrnoRet`, an
 * architecture outside its enum, a rule field it does not know.
 */
export function renderSpo(p: Profile, name: string): string {
  if (!isDns1123Subdomain(name)) throw new SeccompLearnError('format-cannot-express', `--format spo: '${name}' is not a valid Kubernetes name (lowercase letters, digits, '-' and '.'; --name sets it)`);
  const extra = Object.keys(p).filter((k) => !SPEC_FIELDS.includes(k));
  if (extra.length) throw new SeccompLearnError('format-cannot-express', `--format spo cannot express ${extra.map((k) => `"${k}"`).join(', ')}: the SeccompProfile spec has no such field${extra.includes('defaultErrnoRet') ? ' (leave out --errno-ret)' : ''}`);
  const badArch = (p.architectures ?? []).filter((a) => !SPO_ARCHES.includes(a));
  if (badArch.length) throw new SeccompLearnError('format-cannot-express', `--format spo cannot express the architecture ${badArch.join(', ')} (not in the SeccompProfile CRD's list)`);
  const actions = [p.defaultAction, ...(p.syscalls ?? []).map((r) => r.action)].filter((a) => !(SCMP_ACTIONS as readonly string[]).includes(a));
  if (actions.length) throw new SeccompLearnError('format-cannot-express', `--format spo cannot express the action ${[...new Set(actions)].join(', ')}`);
  if (p.listenerPath !== undefined && (typeof p.listenerPath !== 'string' || !/^\/var\/run\/security-profiles-operator\/[a-zA-Z0-9_\-.]+$/.test(p.listenerPath)))
    throw new SeccompLearnError('format-cannot-express', `--format spo cannot express listenerPath ${JSON.stringify(p.listenerPath)}: the CRD wants a socket under /var/run/security-profiles-operator/`);
  const syscalls = (p.syscalls ?? []).map((r, i) => {
    const bad = Object.keys(r).filter((k) => !RULE_FIELDS.includes(k));
    if (bad.length) throw new SeccompLearnError('format-cannot-express', `--format spo cannot express syscalls[${i}].${bad[0]} (rule of ${r.names.slice(0, 3).join(', ')})`);
    if (((r.args as unknown[] | undefined)?.length ?? 0) > 6) throw new SeccompLearnError('format-cannot-express', `--format spo cannot express syscalls[${i}]: more than 6 argument conditions`);
    const out: Record<string, unknown> = { action: r.action, names: r.names };
    if (r.errnoRet !== undefined) out.errnoRet = r.errnoRet;
    if (r.args !== undefined) out.args = r.args;
    return out;
  });
  const spec: Record<string, unknown> = {};
  for (const k of SPEC_FIELDS) if (k !== 'syscalls' && p[k] !== undefined) spec[k] = p[k];
  if (syscalls.length) spec.syscalls = syscalls;
  const doc = { apiVersion: SPO_API_VERSION, kind: 'SeccompProfile', metadata: { name }, spec };
  return yaml().stringify(doc, { lineWidth: 0 });
}

export interface SpoDocument {
  name: string | null;
  profile: Profile;
}

/**
 * Read a SeccompProfile from YAML (or JSON) text: its `spec` as the OCI shape.
 * Throws a SeccompLearnError 'profile-invalid' naming the file (and line, for a YAML syntax error), and for
 * text that holds no SeccompProfile or more than one.
 */
export function parseSpo(text: string, file: string): SpoDocument {
  const docs = yaml().parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(docs)) throw new SeccompLearnError('profile-invalid', 'no YAML document', { source: file });
  for (const d of docs) {
    const e = d.errors[0];
    if (e) {
      const lp = e.linePos?.[0];
      throw new SeccompLearnError('profile-invalid', `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '')}`, { source: file, line: lp?.line, column: lp?.col });
    }
  }
  const found = docs.map((d) => d.toJS() as Record<string, unknown> | null).filter((o) => o && typeof o === 'object' && o.kind === 'SeccompProfile') as Array<Record<string, unknown>>;
  if (found.length === 0) throw new SeccompLearnError('profile-invalid', 'no SeccompProfile in this YAML (kind: SeccompProfile)', { source: file });
  if (found.length > 1) throw new SeccompLearnError('profile-invalid', `${found.length} SeccompProfile documents; give one at a time`, { source: file });
  const o = found[0];
  if (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('security-profiles-operator.x-k8s.io/'))
    throw new SeccompLearnError('profile-invalid', `apiVersion ${String(o.apiVersion)} is not security-profiles-operator.x-k8s.io`, { source: file });
  const spec = o.spec;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new SeccompLearnError('profile-invalid', 'the SeccompProfile has no spec', { source: file });
  const meta = o.metadata as { name?: unknown } | undefined;
  const profile = structuredClone(spec) as Profile;
  delete profile.state;
  return { name: typeof meta?.name === 'string' ? meta.name : null, profile };
}

