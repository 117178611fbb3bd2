// A systemd drop-in for a service (`[Service]` with SystemCallArchitectures=,
// SystemCallFilter= and SystemCallErrorNumber=, systemd.exec(5)). systemd
// builds the filter with libseccomp as runc does, with two differences a
// reader must know: an allow list always has systemd's `@default` set added
// (systemd-analyze syscall-filter @default), and SystemCallArchitectures= turns
// away every other ABI with the process killed. Only what the profile says
// with an unconditional allow rule can be written; anything else is a
// SeccompLearnError 'format-cannot-express' naming it. Names are checked against the local systemd by the
// CLI (systemd-analyze syscall-filter), where it is installed.
import { LOG_FLAG, type Profile, type SyscallRule } from '../model.js';
import { errnoName, errnoNumber } from './errno.js';
import { orderScmp } from './shared.js';
import { SeccompLearnError } from '../../core/error.js';

/** systemd's names for libseccomp architectures (src/shared/seccomp-util.c seccomp_arch_from_string, v252). */
export const SYSTEMD_ARCHES: Readonly<Record<string, string>> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'x86-64',
  SCMP_ARCH_X32: 'x32',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'arm64',
  SCMP_ARCH_MIPS: 'mips',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64-n32',
  SCMP_ARCH_MIPSEL: 'mips-le',
  SCMP_ARCH_MIPSEL64: 'mips64-le',
  SCMP_ARCH_MIPSEL64N32: 'mips64-le-n32',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64-le',
  SCMP_ARCH_RISCV64: 'riscv64',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
};

/** The longest SystemCallFilter= line written; longer lists go on more lines (systemd joins them). */
const LINE = 76;

export interface SystemdOptions {
  /** Said in the comment at the top: what the profile was learned for. */
  program?: string;
}

/**
 * The drop-in text. Throws a SeccompLearnError 'format-cannot-express' for a default action systemd cannot
 * take (it kills, or returns an errno), an architecture it does not name, or
 * a rule other than an unconditional allow.
 */
export function renderSystemd(p: Profile, opts: SystemdOptions = {}): string {
  let errno: string | null = null;
  if (p.defaultAction === 'SCMP_ACT_ERRNO') {
    const n = p.defaultErrnoRet ?? 1;
    errno = errnoName(n) ?? String(n);
  } else if (p.defaultAction !== 'SCMP_ACT_KILL_PROCESS') {
    throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express defaultAction ${p.defaultAction}: SystemCallFilter= either returns an errno (SCMP_ACT_ERRNO) or kills the process (SCMP_ACT_KILL_PROCESS)`);
  }
  const arches = orderScmp(p.architectures ?? []);
  const badArch = arches.filter((a) => !SYSTEMD_ARCHES[a]);
  if (badArch.length) throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express the architecture ${badArch.join(', ')} (SystemCallArchitectures= has no name for it)`);
  if (Array.isArray(p.flags) && p.flags.includes(LOG_FLAG))
    throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express ${LOG_FLAG} (--log-denials): systemd has no setting that makes the kernel log a filter's denials; use --format oci with a runtime that honours it (crun), or leave --log-denials out`);
  const extra = Object.keys(p).filter((k) => !['defaultAction', 'defaultErrnoRet', 'architectures', 'syscalls'].includes(k));
  if (extra.length) throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express "${extra[0]}"`);
  const names = new Set<string>();
  (p.syscalls ?? []).forEach((r: SyscallRule, i) => {
    const fields = Object.keys(r).filter((k) => k !== 'names' && k !== 'action');
    if (r.action !== 'SCMP_ACT_ALLOW' || fields.length > 0)
      throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express syscalls[${i}] (${r.action}${fields.length ? ` with ${fields.join(', ')}` : ''} for ${r.names.slice(0, 3).join(', ')}${r.names.length > 3 ? ', ...' : ''}): SystemCallFilter= holds an allow list only`);
    for (const n of r.names) names.add(n);
  });
  const bad = [...names].filter((n) => !/^[a-z0-9_]+$/.test(n));
  if (bad.length) throw new SeccompLearnError('format-cannot-express', `--format systemd cannot express the syscall name ${bad.join(', ')}`);
  const lines: string[] = [];
  lines.push(`# Written by seccomp-learn${opts.program ? ` for ${opts.program}` : ''}: only these system calls (and systemd's @default set) are allowed.`);
  lines.push('# Install as /etc/systemd/system/UNIT.service.d/seccomp.conf, then systemctl daemon-reload.');
  lines.push('[Service]');
  if (arches.length) lines.push(`SystemCallArchitectures=${arches.map((a) => SYSTEMD_ARCHES[a]).join(' ')}`);
  let line = '';
  for (const n of [...names].sort()) {
    if (line && line.length + 1 + n.length > LINE - 'SystemCallFilter='.length) {
      lines.push(`SystemCallFilter=${line}`);
      line = '';
    }
    line = line ? `${line} ${n}` : n;
  }
  if (line) lines.push(`SystemCallFilter=${line}`);
  if (errno) lines.push(`SystemCallErrorNumber=${errno}`);
  return lines.join('\n') + '\n';
}

/** Whether text looks like a systemd unit or drop-in with a syscall filter. */
export function isSystemd(text: string): boolean {
  return /^\s*\[[A-Za-z]+\]\s*$/m.test(text) && /^\s*SystemCall(Filter|Architectures)\s*=/m.test(text);
}

/**
 * Read the [Service] filter settings of a unit or drop-in into the OCI shape:
 * an allow list as one SCMP_ACT_ALLOW rule with the default SCMP_ACT_ERRNO
 * (SystemCallErrorNumber=) or SCMP_ACT_KILL_PROCESS; a deny list (`~`) as
 * SCMP_ACT_ALLOW by default and one SCMP_ACT_ERRNO rule; `name:errno` entries
 * as their own rules; groups (`@system-service`) kept as names (only systemd
 * can expand them); `native` as SCMP_ARCH_NATIVE. An empty assignment resets
 * the list, as systemd does. Throws a SeccompLearnError 'profile-invalid' with the file and line.
 */
export function parseSystemd(text: string, file: string): { profile: Profile; groups: string[] } {
  let section = '';
  let allow: boolean | null = null;
  let names: string[] = [];
  const withErrno = new Map<string, number>();
  let arches: string[] = [];
  let errno: number | null | 'kill' = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i].trim();
    while (l.endsWith('\\') && i + 1 < lines.length) l = l.slice(0, -1) + ' ' + lines[++i].trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(l);
    if (sec) {
      section = sec[1];
      continue;
    }
    const kv = /^([A-Za-z]+)\s*=\s*(.*)$/.exec(l);
    if (!kv) throw new SeccompLearnError('profile-invalid', 'not a KEY=VALUE line', { source: file, line: i + 1 });
    if (section !== 'Service') continue;
    const [, key, value] = kv;
    const words = value.split(/\s+/).filter(Boolean);
    if (key === 'SystemCallFilter') {
      if (words.length === 0) {
        allow = null;
        names = [];
        withErrno.clear();
        continue;
      }
      let list = words;
      const invert = value.startsWith('~');
      if (invert) list = [list[0].slice(1), ...list.slice(1)].filter(Boolean);
      if (allow === null) allow = !invert;
      for (const w of list) {
        const [n, e] = w.split(':');
        if (e !== undefined) {
          const num = /^\d+$/.test(e) ? Number(e) : errnoNumber(e);
          if (num === undefined) throw new SeccompLearnError('profile-invalid', `${e} is not an errno name`, { source: file, line: i + 1 });
          withErrno.set(n, num);
        } else names.push(n);
      }
    } else if (key === 'SystemCallArchitectures') {
      if (words.length === 0) arches = [];
      for (const w of words) {
        const scmp = w === 'native' ? 'SCMP_ARCH_NATIVE' : Object.keys(SYSTEMD_ARCHES).find((k) => SYSTEMD_ARCHES[k] === w);
        if (!scmp) throw new SeccompLearnError('profile-invalid', `SystemCallArchitectures: systemd has no architecture named ${w}`, { source: file, line: i + 1 });
        arches.push(scmp);
      }
    } else if (key === 'SystemCallErrorNumber') {
      if (value === 'kill' || value === '') errno = value === 'kill' ? 'kill' : null;
      else {
        const num = /^\d+$/.test(value) ? Number(value) : errnoNumber(value);
        if (num === undefined) throw new SeccompLearnError('profile-invalid', `SystemCallErrorNumber: ${value} is not an errno name`, { source: file, line: i + 1 });
        errno = num;
      }
    }
  }
  if (allow === null) throw new SeccompLearnError('profile-invalid', 'no SystemCallFilter= in [Service]', { source: file });
  const profile: Profile = { defaultAction: 'SCMP_ACT_ERRNO' };
  if (allow) {
    if (errno === null || errno === 'kill') profile.defaultAction = 'SCMP_ACT_KILL_PROCESS';
    else profile.defaultErrnoRet = errno;
  } else profile.defaultAction = 'SCMP_ACT_ALLOW';
  if (arches.length) profile.architectures = [...new Set(arches)];
  const rules: SyscallRule[] = [];
  const uniq = [...new Set(names)].sort();
  if (uniq.length) {
    if (allow) rules.push({ names: uniq, action: 'SCMP_ACT_ALLOW' });
    else if (errno === null || errno === 'kill') rules.push({ names: uniq, action: 'SCMP_ACT_KILL_PROCESS' });
    else rules.push({ names: uniq, action: 'SCMP_ACT_ERRNO', errnoRet: errno });
  }
  for (const [n, e] of withErrno) rules.push({ names: [n], action: 'SCMP_ACT_ERRNO', errnoRet: e });
  profile.syscalls = rules;
  return { profile, groups: uniq.filter((n) => n.startsWith('@')) };
}
