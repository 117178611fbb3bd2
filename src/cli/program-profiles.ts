// Writing what was learned as profiles: in the chosen --format (systemd's names
// checked against the local systemd), for one program or one per program (--out-dir).
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { SeccompLearnError } from '../core/error.js';
import type { Calls } from '../learn/calls.js';
import type { Program } from '../learn/lives.js';
import { buildProfile, type BuildOptions, type Profile } from '../profile/model.js';
import { extensionOf, renderProfile, type FormatName } from '../profile/formats/index.js';
import { sameFile, safeFileName, writeAtomic } from '../io/output.js';
import type { Say } from '../io/read.js';
import { EXIT, exitStatus } from './exit.js';
import { podSnippet } from './pod.js';

/** The names the local systemd knows (systemd-analyze syscall-filter), or null where it is not installed. */
function systemdKnownNames(): Set<string> | null {
  const r = spawnSync('systemd-analyze', ['syscall-filter'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.error || r.status !== 0) return null;
  const names = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(?:\s{4}|#\s{3})([a-z0-9_]+)\s*$/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

/**
 * Learned profiles in one format, for one run: for systemd, each name is
 * checked against the local systemd where systemd-analyze is installed (asked
 * once; where it is not, said once unless `quiet`).
 */
export class LearnedRenderer {
  private known: Set<string> | null | undefined;
  private warned = false;

  constructor(
    readonly format: FormatName,
    private readonly say: Say,
    private readonly quiet: boolean,
  ) {}

  /** The profile's text; `name`: the SeccompProfile's (--name). Throws a SeccompLearnError 'format-cannot-express'. */
  render(p: Profile, program: string, name?: string): string {
    const text = renderProfile(this.format, p, { program, name });
    if (this.format !== 'systemd') return text;
    if (this.known === undefined) this.known = systemdKnownNames();
    const known = this.known;
    if (known === null) {
      if (!this.quiet && !this.warned) this.say('seccomp-learn: systemd-analyze is not installed: the names were not checked against a systemd');
      this.warned = true;
      return text;
    }
    const names = (p.syscalls ?? []).flatMap((r) => r.names);
    const unknown = [...new Set(names.filter((n) => !known.has(n)))].sort();
    if (unknown.length) throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express ${unknown.join(', ')}: this machine's systemd does not know ${unknown.length === 1 ? 'it' : 'them'} (systemd-analyze syscall-filter)`);
    return text;
  }
}

/** The program a single learned profile is for: --name, else the first --comm, else the first --exe's basename. */
export function programOf(a: { name?: string; comm: readonly string[]; exe: readonly string[] }): string {
  return a.name ?? a.comm[0] ?? (a.exe[0] ? basename(a.exe[0]) : 'profile');
}

/**
 * One profile per program (`--out-dir`): `dir/NAME.EXT`, NAME from the program's
 * name made safe for a file (`-2`, `-3` when two programs share one), in the
 * order of their executables; programs with no learned call are left out. A
 * profile the format cannot express is said, and the others are still written;
 * so is a file that is one of `keep` (an input, the state), which is not replaced.
 * `callsOf` gives the calls a program's profile allows (default: what it was
 * seen to make; --include-unexercised adds what its binary can make).
 * Returns 0, or 1 when one was not written.
 */
export function writeProgramProfiles(
  programs: readonly Program[],
  dir: string,
  renderer: LearnedRenderer,
  build: BuildOptions,
  say: Say,
  quiet: boolean,
  keep: readonly string[] = [],
  callsOf: (g: Program) => Calls = (g) => g.calls,
): number {
  let code: number = EXIT.ok;
  const used = new Set<string>();
  for (const g of [...programs].sort((x, y) => (x.exe ?? x.name).localeCompare(y.exe ?? y.name))) {
    if (g.calls.size === 0) continue;
    let name = safeFileName(g.name);
    for (let n = 2; used.has(name); n++) name = `${safeFileName(g.name)}-${n}`;
    used.add(name);
    const calls = callsOf(g);
    const names = new Set<string>();
    for (const set of calls.values()) for (const s of set) names.add(s);
    const file = join(dir, `${name}${extensionOf(renderer.format)}`);
    let text: string;
    try {
      text = renderer.render(buildProfile(names, calls.keys(), build), g.name);
    } catch (err) {
      if (!(err instanceof SeccompLearnError) || err.code !== 'format-cannot-express') throw err;
      say(`seccomp-learn: ${err.message}`);
      if (code === EXIT.ok) code = exitStatus(err.code);
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
    const pod = podSnippet(file, renderer.format);
    if (pod) say(pod);
  }
  return code;
}
