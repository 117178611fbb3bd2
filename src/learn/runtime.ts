// What an OCI runtime's own init can do after it loads the container's filter
// and before it execs the workload, in any run, whether or not one recording
// happened to show it.
//
// runc's init (comm `runc:[2:INIT]`, exe "/", the workload's pid) is a Go
// program. After loading the filter it closes inherited descriptors, waits on
// its exec FIFO and execs; those calls are logged in every run. The Go runtime
// also makes calls at moments no one controls: seen here, `futex` and
// `rt_sigreturn` appear in about 4 runs in 20 (runc 1.1.5, Debian 12), and a
// profile learned from a run without them kills about one start in five
// (exit 139). So when the learned records include runc's init, its base set is
// added: the calls seen from it over 20 recorded runs (close, epoll_ctl, execve,
// fstatfs, futex, getdents64, getpid, openat, rt_sigreturn, write) and the calls
// the Go runtime makes for scheduling, signals and preemption on a running thread
// (gettid, madvise, mmap, munmap, nanosleep, rt_sigprocmask, sched_yield,
// sigaltstack, tgkill). `--no-runtime-base` leaves them out.
//
// crun's init (comm `crun`, exe "/") needs no base: measured the same way
// (test/e2e/init-calls.measure.ts: 50 runs of each of the five end-to-end
// workloads, crun 1.8.1 run directly and under podman 4.3.1 with its default log
// driver and with the passthrough one the suite uses, Debian 12), it made
// the same set of calls in every run: `close` and `execve` run directly; under
// podman, which has crun load the filter before it drops privileges, `capset`,
// `close`, `execve`, `prctl`, `pselect6`, `read`, `rt_sigaction`,
// `rt_sigprocmask`, `setresgid`, `setresuid` and `write`. One recording shows
// them all, but only a recording made under podman shows the second set: a
// profile learned under runc or plain crun fails under podman.
import { ARCHES, type Arch } from '../syscalls/index.js';
import { archNamed, byName } from './saved.js';
import { SeccompLearnError } from '../core/error.js';

export interface RuntimeBase {
  /** The runtime's init as its records name it. */
  readonly comm: string;
  readonly runtime: string;
  readonly names: readonly string[];
}

export const RUNTIME_BASES: readonly RuntimeBase[] = [
  {
    comm: 'runc:[2:INIT]',
    runtime: 'runc',
    names: [
      'close', 'epoll_ctl', 'execve', 'fstatfs', 'futex', 'getdents64', 'getpid', 'gettid', 'madvise', 'mmap', 'munmap',
      'nanosleep', 'openat', 'rt_sigprocmask', 'rt_sigreturn', 'sched_yield', 'sigaltstack', 'tgkill', 'write',
    ],
  },
];

/** The runtime base whose init logs `comm`, if any. */
export function runtimeBaseOf(comm: string | null): RuntimeBase | undefined {
  if (comm === null) return undefined;
  for (const b of RUNTIME_BASES) if (b.comm === comm) return b;
  return undefined;
}

/** The runtime base a state names by its init's comm; throws a SeccompLearnError 'state-invalid' when this version knows none. */
export function runtimeBaseNamed(comm: string): RuntimeBase {
  const base = runtimeBaseOf(comm);
  if (!base) throw new SeccompLearnError('state-invalid', `runtime ${JSON.stringify(comm)} is not one this version knows`);
  return base;
}

// The runtimes whose init was seen, as a state saves them: by comm, with the ABIs (ARCHES order).
/** @internal */
export interface RuntimeJSON {
  comm: string;
  arches: string[];
}

/** Runtimes seen, with their ABIs (Learner.runtimes), as a state saves them: sorted by comm. */
export function saveRuntimes(m: ReadonlyMap<RuntimeBase, ReadonlySet<Arch>>): RuntimeJSON[] {
  return [...m].map(([b, abis]) => ({ comm: b.comm, arches: ARCHES.filter((a) => abis.has(a)).map((a) => a.name) })).sort((a, b) => byName(a.comm, b.comm));
}

/** Add saved runtimes into `into`; throws a SeccompLearnError 'state-invalid' for a runtime or an architecture this version does not know. */
export function loadRuntimes(into: Map<RuntimeBase, Set<Arch>>, saved: readonly RuntimeJSON[]): void {
  for (const r of saved) {
    const base = runtimeBaseNamed(r.comm);
    let set = into.get(base);
    if (!set) into.set(base, (set = new Set()));
    for (const a of r.arches) set.add(archNamed(a, 'runtimes'));
  }
}
