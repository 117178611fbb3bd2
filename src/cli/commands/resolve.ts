// `seccomp-learn resolve --arch ARCH NUMBER|NAME...`: syscall numbers to names and
// names to numbers, as the kernel sees them on an architecture.
import { SeccompLearnError } from '../../core/error.js';
import { findArch, listTable, nameOf, numberOf, type Arch } from '../../syscalls/index.js';
import type { Io, Say } from '../../io/read.js';
import { EXIT } from '../exit.js';
import type { ResolveArgs } from '../options.js';

export function resolveCommand(a: ResolveArgs, io: Io, say: Say): number {
  const arch = a.arch;
  if (arch.column === null) {
    say(`seccomp-learn: ${arch.name} (audit ${arch.token}) has no syscall table in libseccomp: no number can be named`);
    return EXIT.nothing;
  }
  if (a.all) {
    io.stdout.write(listTable(arch).map(([n, name]) => `${n}\t${name}\n`).join(''));
    return EXIT.ok;
  }
  if (a.syscalls.length === 0) throw new SeccompLearnError('usage', 'resolve needs syscall numbers or names, or --all');
  let code: number = EXIT.ok;
  for (const s of a.syscalls.map(String)) {
    if (/^-?\d+$/.test(s)) {
      const name = resolveNumber(arch, Number(s));
      if (name === null) {
        say(`seccomp-learn: ${s} is not a syscall number on ${arch.name}${arch.base ? ` (numbers there start at ${arch.base})` : ''}`);
        io.stdout.write('unknown\n');
        code = EXIT.nothing;
      } else io.stdout.write(`${name}\n`);
    } else {
      const n = numberOf(arch, s);
      if (n === undefined) {
        say(`seccomp-learn: ${s} is not a syscall on ${arch.name}`);
        io.stdout.write('unknown\n');
        code = EXIT.nothing;
      } else io.stdout.write(`${n}\n`);
    }
  }
  return code;
}

/** On x86_64 a number with the x32 bit is an x32 call, as in a record. */
function resolveNumber(arch: Arch, nr: number): string | null {
  const x32 = findArch('x32')!;
  if (arch.name === 'x86_64' && nr >= x32.base) return nameOf(x32, nr);
  return nameOf(arch, nr);
}
