// Signal names to numbers, for `ausearch -i`, which prints `sig=SIGSYS` where the
// kernel wrote `sig=31`. Numbers differ by architecture family (Linux
// arch/*/include/uapi/asm/signal.h): most use the asm-generic numbering; MIPS
// and PA-RISC have their own. A name is read for the record's own architecture.
import type { Arch } from '../syscalls/index.js';

const GENERIC = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];
const MIPS = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'EMT', 'FPE', 'KILL', 'BUS', 'SEGV', 'SYS', 'PIPE', 'ALRM', 'TERM', 'USR1', 'USR2', 'CHLD', 'PWR', 'WINCH', 'URG', 'IO', 'STOP', 'TSTP', 'CONT', 'TTIN', 'TTOU', 'VTALRM', 'PROF', 'XCPU', 'XFSZ'];
const PARISC = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'STKFLT', 'FPE', 'KILL', 'BUS', 'SEGV', 'XCPU', 'PIPE', 'ALRM', 'TERM', 'USR1', 'USR2', 'CHLD', 'PWR', 'VTALRM', 'PROF', 'IO', 'WINCH', 'STOP', 'TSTP', 'CONT', 'TTIN', 'TTOU', 'URG', 'XFSZ', 'SYS'];
const ALIASES: Readonly<Record<string, string>> = { IOT: 'ABRT', POLL: 'IO', CLD: 'CHLD' };

function table(names: readonly string[]): ReadonlyMap<string, number> {
  return new Map(names.map((n, i) => [n, i + 1]));
}
const TABLES = { generic: table(GENERIC), mips: table(MIPS), parisc: table(PARISC) };

/**
 * The number of a signal name (`SIGSYS`, `SYS`, any case) on the architecture
 * of a record (null arch: the generic numbering), or null when it is not a name
 * Linux has there. `0`, and `SIG0` (what ausearch -i prints for the kernel's
 * `sig=0`: no signal), read as 0.
 */
export function signalNumber(name: string, arch: Arch | null): number | null {
  if (name === '0') return 0;
  let n = name.toUpperCase();
  if (n.startsWith('SIG')) n = n.slice(3);
  if (n === '0') return 0;
  n = ALIASES[n] ?? n;
  const family = arch?.column === 'mips' || arch?.column === 'mips64' || arch?.column === 'mips64n32' ? 'mips' : arch?.column === 'parisc' || arch?.column === 'parisc64' ? 'parisc' : 'generic';
  return TABLES[family].get(n) ?? null;
}
