// `seccomp-learn arches`: the architectures: audit token, name, libseccomp name, table.
import { ARCHES } from '../../syscalls/index.js';
import type { Io } from '../../io/read.js';
import { EXIT } from '../exit.js';

export function archesCommand(io: Io): number {
  for (const a of ARCHES) io.stdout.write(`${a.name === 'x32' ? 'c000003e+x32' : a.token}\t${a.name}\t${a.scmp ?? '-'}\t${a.column ?? '-'}\n`);
  return EXIT.ok;
}
