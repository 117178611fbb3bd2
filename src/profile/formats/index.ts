// The profile formats seccomp-learn writes and reads: the OCI object (`oci`),
// the Docker/Podman template (`docker`), the Security Profiles Operator's
// SeccompProfile (`spo`) and a systemd drop-in (`systemd`). renderProfile writes
// one from the OCI shape; loadProfile reads any of them back, telling which it
// was, and tells a saved learn state (a JSON object with `seccompLearnState`)
// from a profile so that commands taking both can say what they got.
import { checkProfile, type Profile } from '../model.js';
import { SeccompLearnError } from '../../core/error.js';
import { isTemplate, renderDocker } from './docker.js';
import { SCMP_ACTIONS, SCMP_ARCHES } from './shared.js';
import { parseJson, renderOci } from './oci.js';
import { dnsName, parseSpo, renderSpo, SPO_ARCHES } from './spo.js';
import { isSystemd, parseSystemd, renderSystemd } from './systemd.js';

export const FORMATS = ['oci', 'docker', 'spo', 'systemd'] as const;
export type FormatName = (typeof FORMATS)[number];

/** What a file holds: a profile in one of the formats, or a saved learn state. */
export type InputKind = FormatName | 'state';

/** Words for each kind, for messages. */
export const KIND_NAMES: Readonly<Record<InputKind, string>> = {
  oci: 'OCI profile',
  docker: 'Docker/Podman template',
  spo: 'SPO SeccompProfile',
  systemd: 'systemd drop-in',
  state: 'seccomp-learn state',
};

/** The file name extension for a format's output (--out-dir). */
export function extensionOf(f: FormatName): string {
  return f === 'spo' ? '.yaml' : f === 'systemd' ? '.conf' : '.json';
}

export interface RenderOptions {
  /** The program the profile is for: the SeccompProfile's name (made DNS-1123) and the systemd comment. */
  program?: string;
  /** The SeccompProfile's metadata.name, as given (--name); checked, never changed. */
  name?: string;
}

/** The text of `p` in format `f`. Throws a SeccompLearnError 'format-cannot-express' for anything that format cannot express. */
export function renderProfile(f: FormatName, p: Profile, opts: RenderOptions = {}): string {
  switch (f) {
    case 'oci':
      return renderOci(p);
    case 'docker':
      return renderDocker(p);
    case 'spo':
      return renderSpo(p, opts.name ?? dnsName(opts.program ?? 'profile'));
    case 'systemd':
      return renderSystemd(p, { program: opts.program });
  }
}

export interface LoadedProfile {
  file: string;
  kind: FormatName;
  /** The OCI shape (a Docker template still unresolved: archMap, includes/excludes). */
  profile: Profile;
  /** The SeccompProfile's name. */
  name: string | null;
  /** systemd groups (`@system-service`) the drop-in names: only systemd can expand them. */
  groups: string[];
}

/**
 * Tell what a file holds without judging it: JSON with `seccompLearnState`
 * (a learn state), JSON with a moby field (`archMap`, `includes`, `excludes`,
 * `comment`, `name`), other JSON (OCI), a `[Service]` with SystemCall*= (systemd),
 * anything else as YAML (SPO).
 */
export function detectKind(text: string, file: string): { kind: InputKind; json: unknown } {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('{')) {
    const json = parseJson(text.replace(/^\uFEFF/, ''), file);
    const o = json as Record<string, unknown>;
    if (o && typeof o === 'object' && !Array.isArray(o)) {
      if ('seccompLearnState' in o) return { kind: 'state', json };
      if (o.kind === 'SeccompProfile') return { kind: 'spo', json };
      if (isTemplate(o)) return { kind: 'docker', json };
    }
    return { kind: 'oci', json };
  }
  if (isSystemd(t)) return { kind: 'systemd', json: null };
  return { kind: 'spo', json: null };
}

/** What a line of an audit log holds and no profile does: a record's stamp, or its type. */
const AUDIT_RECORD = /\baudit\(\d+\.\d+:\d+\)|\btype=(?:1326|SECCOMP)\b/;
/** Whether a file's text (its first 64 KB) holds audit records: a log, given where a profile goes. */
export const isLog = (text: string): boolean => AUDIT_RECORD.test(text.slice(0, 65536));
const logNotProfile = (file: string) =>
  new SeccompLearnError('profile-invalid', 'a log of audit records, not a profile: logs are learned (seccomp-learn FILE..., or learn --state STATE FILE... then merge STATE...)', { source: file });

/**
 * Read a profile of any format from its text. Throws a SeccompLearnError naming
 * the file (and line, for a syntax error): 'profile-invalid' when it is not a
 * profile, 'profile-is-state' when it is a learn state.
 */
export function parseProfile(text: string, file: string): LoadedProfile {
  // a log given where a profile goes (merge LOG): said so, not a JSON or YAML syntax error
  let detected: ReturnType<typeof detectKind>;
  try {
    detected = detectKind(text, file);
  } catch (err) {
    if (isLog(text)) throw logNotProfile(file);
    throw err;
  }
  const { kind, json } = detected;
  if (kind === 'state') throw new SeccompLearnError('profile-is-state', 'a seccomp-learn state, not a profile', { source: file });
  if (kind === 'spo' && json === null && isLog(text)) throw logNotProfile(file);
  let profile: Profile;
  let name: string | null = null;
  let groups: string[] = [];
  if (kind === 'systemd') ({ profile, groups } = parseSystemd(text, file));
  else if (kind === 'spo') {
    if (json !== null) ({ name, profile } = parseSpo(JSON.stringify(json), file));
    else {
      const t = text.trim();
      if (t === '') throw new SeccompLearnError('profile-invalid', 'the file is empty', { source: file });
      ({ name, profile } = parseSpo(text, file));
    }
  } else {
    const o = json as Record<string, unknown>;
    // a whole OCI bundle config: its linux.seccomp
    const seccomp = o && typeof o === 'object' && 'ociVersion' in o ? (o.linux as Record<string, unknown> | undefined)?.seccomp : undefined;
    profile = (seccomp ?? json) as Profile;
  }
  profile = checkProfile(profile, file);
  checkNames(profile, file, kind);
  return { file, kind, profile, name, groups };
}

/** Actions and architectures must be ones a runtime knows: runc refuses the profile otherwise. */
function checkNames(p: Profile, file: string, kind: FormatName): void {
  const actions = SCMP_ACTIONS as readonly string[];
  if (!actions.includes(p.defaultAction)) throw new SeccompLearnError('profile-invalid', `defaultAction: ${p.defaultAction} is not a seccomp action (${actions.join(', ')})`, { source: file });
  const arches = kind === 'spo' || kind === 'systemd' ? SPO_ARCHES : SCMP_ARCHES;
  (p.architectures ?? []).forEach((a, i) => {
    if (!arches.includes(a)) throw new SeccompLearnError('profile-invalid', `architectures[${i}]: ${a} is not an SCMP_ARCH_* name`, { source: file });
  });
  (p.syscalls ?? []).forEach((r, i) => {
    if (!actions.includes(r.action)) throw new SeccompLearnError('profile-invalid', `syscalls[${i}].action: ${r.action} is not a seccomp action`, { source: file });
    if (!r.names.every((n) => typeof n === 'string')) throw new SeccompLearnError('profile-invalid', `syscalls[${i}].names: not a list of strings`, { source: file });
    if (r.errnoRet !== undefined && !(Number.isInteger(r.errnoRet) && (r.errnoRet as number) >= 0)) throw new SeccompLearnError('profile-invalid', `syscalls[${i}].errnoRet: not an errno number`, { source: file });
    if (r.args !== undefined && !Array.isArray(r.args)) throw new SeccompLearnError('profile-invalid', `syscalls[${i}].args: not a list`, { source: file });
  });
}

export { archMapFor, DOCKER_DEFAULT_CAPS, mobyArchName, resolveTemplate, type ResolvedTemplate, type TemplateAssumptions } from './docker.js';
export { dnsName, isDns1123Subdomain, SPO_API_VERSION } from './spo.js';
export { SYSTEMD_ARCHES } from './systemd.js';
export { errnoName, errnoNumber, showErrno } from './errno.js';
