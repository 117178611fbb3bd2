// Cross-checks our tables against Debian's scmp_sys_resolver (libseccomp 2.5.4,
// package `seccomp`): every number it names, on every architecture both know,
// must get the same name from us. CI installs the package; it must not skip there.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findArch, listTable, resolve } from '../../src/syscalls/index.js';
import { have, IN_CI } from '../helpers.js';

// scmp_sys_resolver's -a names; 2.5.4 has no loongarch64, m68k or sh.
const SCMP_ARCHES: Array<[string, string]> = [
  ['x86', 'i386'],
  ['x86_64', 'x86_64'],
  ['x32', 'x32'],
  ['arm', 'arm'],
  ['aarch64', 'aarch64'],
  ['mips', 'mips'],
  ['mipsel', 'mipsel'],
  ['mips64', 'mips64'],
  ['mipsel64', 'mips64el'],
  ['mips64n32', 'mips64n32'],
  ['mipsel64n32', 'mips64eln32'],
  ['parisc', 'parisc'],
  ['parisc64', 'parisc64'],
  ['ppc', 'ppc'],
  ['ppc64', 'ppc64'],
  ['ppc64le', 'ppc64le'],
  ['riscv64', 'riscv64'],
  ['s390', 's390'],
  ['s390x', 's390x'],
];

/**
 * Where the kernel changed after libseccomp 2.5.4 and our newer table follows it.
 * Each entry is `arch number` with the reason; anything else must agree.
 */
const KNOWN_CHANGES: Readonly<Record<string, string>> = {
  // arch/parisc/kernel/syscalls/syscall.tbl: `140 common _llseek` became `140 32 _llseek`
  // (64-bit parisc has lseek only); 2.5.4 still names it.
  'parisc64 140': '_llseek',
};

/** Ask scmp_sys_resolver about many numbers in one shell, one process per number. */
function askResolver(scmpArch: string, numbers: number[]): Promise<Map<number, string>> {
  const script = `for n in ${numbers.join(' ')}; do printf '%s\\t%s\\n' "$n" "$(scmp_sys_resolver -a ${scmpArch} "$n")"; done`;
  return new Promise((done, fail) => {
    const p = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('error', fail);
    p.on('close', (code) => {
      if (code !== 0) return fail(new Error(`scmp_sys_resolver -a ${scmpArch}: exit ${code}`));
      const m = new Map<number, string>();
      for (const line of out.trim().split('\n')) {
        const [n, name] = line.split('\t');
        m.set(Number(n), name);
      }
      done(m);
    });
  });
}

const present = have('scmp_sys_resolver');
if (!present && !IN_CI) console.warn('skipping the scmp_sys_resolver cross-check: apt-get install seccomp (CI installs it and never skips)');

describe.skipIf(!present && !IN_CI)('cross-check with scmp_sys_resolver', () => {
  it.each(SCMP_ARCHES)('-a %s agrees with our %s table on every number it names', async (scmpArch, ours) => {
    const abi = findArch(ours)!;
    const table = listTable(abi);
    const lo = abi.base;
    const hi = Math.max(...table.map(([n]) => n).filter((n) => n - abi.base < 4096));
    const numbers: number[] = [];
    for (let n = lo; n <= hi + 8; n++) numbers.push(n);
    for (const [n] of table) if (n - abi.base >= 4096) numbers.push(n); // ARM's private calls
    const theirs = await askResolver(scmpArch, numbers);
    // a number seen on x86_64 with the x32 bit is an x32 call, as in a record
    const recordArch = ours === 'x32' ? findArch('x86_64')! : abi;
    let agreed = 0;
    const disagreements: string[] = [];
    for (const n of numbers) {
      const t = theirs.get(n);
      if (t === undefined || t === 'UNKNOWN') continue;
      const mine = resolve(recordArch, n).name;
      if (mine === t) agreed++;
      else if (KNOWN_CHANGES[`${ours} ${n}`] === t && mine === null) continue;
      else disagreements.push(`${n}: scmp_sys_resolver ${t}, ours ${mine}`);
    }
    expect(disagreements).toEqual([]);
    expect(agreed).toBeGreaterThan(250);
  }, 120_000);
});
