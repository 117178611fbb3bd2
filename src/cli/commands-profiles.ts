// The commands that read profiles: check, diff, merge; and what learn needs to
// write the other formats (--format, --name) and to show the Pod
// securityContext for a profile written under profiles/. Each command takes
// its parsed options and the Io and returns an exit code; cli/main.ts wires them.
import { spawnSync } from 'node:child_process';
import { arch as osArch, endianness, release } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { buildCheck, checkPassed, renderCheck } from '../report/check.js';
import { diffPolicies, renderDiff } from '../profile/diff.js';
import {
  DOCKER_DEFAULT_CAPS,
  extensionOf,
  FormatError,
  KIND_NAMES,
  renderProfile,
  resolveTemplate,
  StateInputError,
  type FormatName,
  type LoadedProfile,
} from '../profile/formats/index.js';
import { familyHead } from '../profile/formats/shared.js';
import { Learner } from '../learn/learner.js';
import { SourceError } from '../io/input.js';
import { findArch, type Arch } from '../syscalls/index.js';
import { type Profile } from '../profile/model.js';
import { EXIT, stopCode, stopNote } from './exit.js';
import { jobsOf } from './options.js';
import { prepareOutput, sameFile, safeFileName, writeAtomic } from '../io/output.js';
import { readAll, type Io, type ReadAllResult, type Say } from '../io/read.js';
import { UsageError } from '../core/error.js';
import type { Program } from '../learn/lives.js';
import { buildProfile, type BuildOptions } from '../profile/model.js';
import { MergeError, mergeProfiles } from '../profile/merge.js';
import { Policy } from '../profile/policy.js';
import type { SelectArgs } from './options.js';
import { loadProfile } from '../io/profile-file.js';
import { nothingLearned } from './summary.js';

// ---------------------------------------------------------------- shared

/** What reading a Docker template and the native architecture rest on (--native-arch, --cap-add, --kernel). */
export interface AssumeArgs {
  'native-arch'?: string;
  'cap-add': string[];
  kernel?: string;
}

/** This machine's architecture, as the kernel names ABIs. */
export function machineArch(): Arch {
  const names: Record<string, string> = { x64: 'x86_64', ia32: 'i386', arm64: 'aarch64', arm: 'arm', loong64: 'loongarch64', riscv64: 'riscv64', s390x: 's390x', s390: 's390', mips: 'mips', mipsel: 'mipsel' };
  const n = osArch() === 'ppc64' ? (endianness() === 'LE' ? 'ppc64le' : 'ppc64') : (names[osArch()] ?? osArch());
  return findArch(n) ?? findArch('x86_64')!;
}

function nativeFrom(a: AssumeArgs, seen: Arch[] = []): { native: Arch; why: string } {
  if (a['native-arch'] !== undefined) {
    const n = findArch(a['native-arch']);
    if (!n || !n.scmp) throw new UsageError(`--native-arch ${a['native-arch']}: not an architecture libseccomp knows`);
    return { native: n, why: 'given' };
  }
  const heads = [...new Set(seen.map(familyHead))];
  if (heads.length === 1 && heads[0].scmp) return { native: heads[0], why: 'from the records' };
  return { native: machineArch(), why: 'this machine' };
}

function caps(a: AssumeArgs): string[] {
  const add = a['cap-add'].map((c) => (c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`));
  return [...new Set([...DOCKER_DEFAULT_CAPS, ...add])];
}

/** A profile as runc gets it: a Docker template resolved for the assumed host, with what was assumed. */
function asOci(l: LoadedProfile, native: Arch, a: AssumeArgs): { profile: Profile; notes: string[] } {
  if (l.groups.length > 0) throw new FormatError(`${l.file}: systemd groups (${l.groups.join(', ')}) can only be expanded by systemd: list the names (systemd-analyze syscall-filter ${l.groups[0]})`);
  const notes: string[] = [];
  if (typeof l.profile.baseProfileName === 'string')
    notes.push(`baseProfileName ${l.profile.baseProfileName}: the base profile the operator unions in is not read here, so what only it allows is reported as not allowed`);
  if (l.kind === 'systemd' && l.profile.defaultAction !== 'SCMP_ACT_ALLOW') notes.push("a systemd allow list also allows systemd's @default set (systemd-analyze syscall-filter @default), which is not read here");
  if (l.kind !== 'docker') return { profile: l.profile, notes };
  try {
    return resolveTemplate(l.profile, { host: native, caps: caps(a), kernel: a.kernel ?? release() }, l.file);
  } catch (err) {
    throw err;
  }
}

/** Load a profile for a command: a bad one is a FormatError (exit 2, one line naming the file). */
function load(file: string, command: string): LoadedProfile {
  try {
    return loadProfile(file);
  } catch (err) {
    if (err instanceof StateInputError) throw new FormatError(`${err.message}: ${command} takes profiles (OCI, Docker, SPO, systemd); learn states are merged with \`merge STATE...\` (then check the profile it writes)`);
    throw err;
  }
}

// ---------------------------------------------------------------- check

export interface CheckArgs extends SelectArgs, AssumeArgs {
  profile: string;
  json: boolean;
  all: boolean;
}

export async function checkCommand(a: CheckArgs, io: Io, say: Say): Promise<number> {
  if (!(a['max-line-length'] > 0)) throw new UsageError('--max-line-length must be a positive number of bytes');
  const jobs = jobsOf(a);
  const loaded = load(a.profile, 'check');
  const learner = new Learner({ selection: { comms: a.comm, exes: a.exe, pids: a.pid }, trustAnySource: a['trust-any-source'], detail: true });
  let read: ReadAllResult;
  try {
    read = await readAll(a.files, io, learner, { maxLength: a['max-line-length'], jobs, count: () => learner.records, say });
  } catch (err) {
    // an unreadable log: exit 2 here, where exit 1 means "something would be denied"
    if (err instanceof SourceError) throw new FormatError(err.message);
    throw err;
  }
  learner.finish();
  const seen: Arch[] = [];
  for (const g of learner.programs()) for (const c of g.detail?.calls.values() ?? []) if (c.abi && !seen.includes(c.abi)) seen.push(c.abi);
  const { native } = nativeFrom(a, seen);
  const { profile, notes } = asOci(loaded, native, a);
  const policy = new Policy(profile, native);
  const report = buildCheck(learner, policy, { file: a.profile, kind: KIND_NAMES[loaded.kind], assumptions: notes }, a.all);
  if (report.processes.length === 0) {
    say(nothingLearned(learner).replace('nothing to learn', 'nothing to check'));
    if (a.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    // cut short before a record was read: say so, as for a check of a part
    const cut = stopCode(read);
    if (cut !== null && read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the check covers'));
    return cut ?? EXIT.nothing;
  }
  io.stdout.write(a.json ? JSON.stringify(report, null, 2) + '\n' : renderCheck(report));
  // a run over files cut short (130, 143; 141 for stdout's reader gone): the answer is about a part
  const stopped = stopCode(read);
  if (stopped !== null) {
    if (read.stoppedBy !== 'EPIPE') say(stopNote(read, 'the check covers'));
    return stopped;
  }
  return checkPassed(report) ? EXIT.ok : EXIT.nothing;
}

// ---------------------------------------------------------------- diff

export interface DiffArgs extends AssumeArgs {
  a: string;
  b: string;
  json: boolean;
}

export function diffCommand(a: DiffArgs, io: Io): number {
  const A = load(a.a, 'diff');
  const B = load(a.b, 'diff');
  const { native } = nativeFrom(a);
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

// ---------------------------------------------------------------- merge

export interface MergeArgs extends AssumeArgs {
  profiles: string[];
  output?: string;
  format: FormatName;
  name?: string;
  quiet: boolean;
}

export function mergeCommand(a: MergeArgs, io: Io, say: Say): number {
  if (a.profiles.length === 0) throw new UsageError('merge needs one or more PROFILE files');
  // before any profile is read: -o can be written
  if (a.output !== undefined) prepareOutput(a.output);
  const loaded = a.profiles.map((f) => load(f, 'merge'));
  const { native } = nativeFrom(a);
  const inputs = loaded.map((l) => {
    const r = asOci(l, native, a);
    if (!a.quiet) for (const n of r.notes) say(`seccomp-learn: ${l.file}: assumed: ${n}`);
    return { file: l.file, profile: r.profile };
  });
  let merged;
  try {
    merged = mergeProfiles(inputs, native);
  } catch (err) {
    if (err instanceof MergeError) throw new FormatError(err.message);
    throw err;
  }
  const program = a.name ?? loaded.find((l) => l.name)?.name ?? basename(a.profiles[0]).replace(/\.[^.]*$/, '');
  let text: string;
  try {
    text = renderProfile(a.format, merged.profile, { program, name: a.name });
  } catch (err) {
    if (err instanceof FormatError) {
      say(`seccomp-learn: ${err.message}${a.output ? ` (${a.output} not written)` : ''}`);
      return EXIT.nothing;
    }
    throw err;
  }
  if (!a.quiet) for (const n of merged.notes) say(`seccomp-learn: merge: ${n}`);
  if (a.output !== undefined) writeAtomic(a.output, text);
  else io.stdout.write(text);
  return EXIT.ok;
}

// ---------------------------------------------------------------- learn's formats

/** The names the local systemd knows (systemd-analyze syscall-filter), or null where it is not installed. */
let knownCache: Set<string> | null | undefined;
export function systemdKnownNames(): Set<string> | null {
  if (knownCache !== undefined) return knownCache;
  const r = spawnSync('systemd-analyze', ['syscall-filter'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) return (knownCache = null);
  const names = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(?:\s{4}|#\s{3})([a-z0-9_]+)\s*$/.exec(line);
    if (m) names.add(m[1]);
  }
  return (knownCache = names);
}

/**
 * Render a learned profile in a format; for systemd, check each name against
 * the local systemd where systemd-analyze is installed. Throws FormatError.
 */
export function renderLearned(format: FormatName, p: Profile, program: string, name: string | undefined, say: Say, quiet: boolean): string {
  const text = renderProfile(format, p, { program, name });
  if (format === 'systemd') {
    const known = systemdKnownNames();
    if (known === null) {
      if (!quiet && !warned) say('seccomp-learn: systemd-analyze is not installed: the names were not checked against a systemd');
      warned = true;
    } else {
      const names = (p.syscalls ?? []).flatMap((r) => r.names);
      const unknown = [...new Set(names.filter((n) => !known.has(n)))].sort();
      if (unknown.length) throw new FormatError(`--format systemd cannot express ${unknown.join(', ')}: this machine's systemd does not know ${unknown.length === 1 ? 'it' : 'them'} (systemd-analyze syscall-filter)`);
    }
  }
  return text;
}
let warned = false;

/** The program a single learned profile is for: --name, else the first --comm, else the first --exe's basename. */
export function programOf(a: { name?: string; comm: string[]; exe: string[] }): string {
  return a.name ?? a.comm[0] ?? (a.exe[0] ? basename(a.exe[0]) : 'profile');
}


/**
 * One profile per program (`--out-dir`): `dir/NAME.EXT`, NAME from the program's
 * name made safe for a file (`-2`, `-3` when two programs share one), in the
 * order of their executables; programs with no learned call are left out. A
 * profile `format` cannot express is given to `failed` (which says why and
 * returns the exit code) and the others are still written. Returns 0 or the
 * first such code.
 */
export function writeProgramProfiles(programs: readonly Program[], dir: string, format: FormatName, build: BuildOptions, say: Say, quiet: boolean, failed: (err: unknown) => number, keep: readonly string[] = []): number {
  let code: number = EXIT.ok;
  const used = new Set<string>();
  for (const g of [...programs].sort((x, y) => (x.exe ?? x.name).localeCompare(y.exe ?? y.name))) {
    if (g.calls.size === 0) continue;
    let name = safeFileName(g.name);
    for (let n = 2; used.has(name); n++) name = `${safeFileName(g.name)}-${n}`;
    used.add(name);
    const names = new Set<string>();
    for (const set of g.calls.values()) for (const s of set) names.add(s);
    const file = join(dir, `${name}${extensionOf(format)}`);
    let text: string;
    try {
      text = renderLearned(format, buildProfile(names, g.calls.keys(), build), g.name, undefined, say, quiet);
    } catch (err) {
      if (code === EXIT.ok) code = failed(err);
      else failed(err);
      continue;
    }
    // an input or the state where a profile would go (--out-dir . beside the logs): never replaced
    const input = keep.find((k) => sameFile(file, k));
    if (input !== undefined) {
      say(`seccomp-learn: --out-dir: ${file} is ${input === '-' ? 'standard input' : 'an input or the state'}: not written (name another --out-dir)`);
      code = EXIT.nothing;
      continue;
    }
    writeAtomic(file, text);
    if (quiet) continue;
    say(`seccomp-learn: wrote ${file} (${g.exe ?? g.name}: ${names.size} syscalls)`);
    const pod = podSnippet(file, format);
    if (pod) say(pod);
  }
  return code;
}

/**
 * For a profile written into a `profiles/` directory: the Pod securityContext
 * that uses it, as the Kubernetes tutorial does (the kubelet looks under its
 * seccomp root, /var/lib/kubelet/seccomp). Null for other paths and formats.
 */
export function podSnippet(path: string, format: FormatName): string | null {
  if (format !== 'oci' || basename(dirname(path)) !== 'profiles') return null;
  const rel = `profiles/${basename(path)}`;
  return [
    `seccomp-learn: to use it in a Pod, copy it to /var/lib/kubelet/seccomp/${rel} on the node and set:`,
    '  securityContext:',
    '    seccompProfile:',
    '      type: Localhost',
    `      localhostProfile: ${rel}`,
  ].join('\n');
}
