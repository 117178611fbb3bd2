// The bench's production-like inputs: a busy Kubernetes node's syslog, and its
// full audit.log, simulated process by process.
//
// Eight programs run under a logging seccomp profile (SCMP_ACT_LOG), on three
// ABIs (x86_64, aarch64, i386 as compat=1), as replicas (pods), masters with
// long-lived workers, threads that name themselves (comm changes, pid stays),
// and short-lived children that end with exit_group. Containers restart: the
// new process begins as runc's init (comm="runc:[2:INIT]", exe="/", on the
// runtime's own ABI) and execs the workload. Pids are allocated as Linux does
// (the next free number, wrapping at pid_max, skipping pids in use), while
// processes no profile logs use up numbers too, so pids of exited processes
// are reused by later, unrelated ones.
//
// Around the seccomp records, what such a node logs:
// - syslog: 30% seccomp lines, kernel lines (veth, cni0, IPv6), other kernel
//   audit records (AppArmor denials and NETFILTER_CFG, each with its SYSCALL
//   and PROCTITLE records under one audit(TIME:SERIAL)), kubelet, containerd,
//   systemd, networkd, cron and sshd lines; a few `kauditd_printk_skb: N
//   callbacks suppressed` with the N serials they cost.
// - audit.log: the record types an auditd log is mostly made of (SYSCALL,
//   EXECVE, CWD, PATH, PROCTITLE, AVC, NETFILTER_CFG, BPF, ANOM_PROMISCUOUS,
//   USER_ACCT, CRED_ACQ, LOGIN, USER_START, CRED_DISP, USER_END, USER_AUTH,
//   USER_LOGIN, USER_CMD, SERVICE_START, SERVICE_STOP, CONFIG_CHANGE) with
//   SECCOMP among them (~30% of the lines), all sharing one serial sequence.
// The SYSCALL records of AppArmor denials name live seccomp-logged processes
// (their pid, comm, exe and ABI) and a call they never make: a reader that
// learned a SYSCALL record would add it to their profile. NETFILTER_CFG's
// SYSCALL records name iptables-restore, which no seccomp record names: a
// reader that learned them would write a profile for it.
//
// Audit clocks, serials and printk stamps only go forward; serials skip only
// where the syslog says records were suppressed (and, in the audit.log, at a
// few places). Everything comes from one seeded PRNG: the same bytes on every
// run. The ground truth is kept as seccomp-learn defines a process: one pid
// from its first record to its exit_group; all lives of one exe (the last one a
// life shows other than runc's "/") make one profile, named after the exe's
// basename. runc's init records are part of the life that execs the workload;
// the bench runs seccomp-learn with --no-runtime-base so the truth is exactly
// the calls in the file.
import { closeSync, openSync, writeSync } from 'node:fs';
import { prng } from './prng.mjs';
import { ARCH, exists, nr } from './syscalls.mjs';

// ------------------------------------------------------------------ programs

// `pool`: the program's calls, hottest first (a record picks index
// floor(n * r^2.6): the first few are most of the records, the last ones are
// seen a handful of times in a big file). `child`: calls only its forked
// children make. `start`: what a forked child does first. `rare`: calls made
// about once in 50,000 of the program's records (may not appear at all in a
// small file; the truth is what was written).
const PROGRAMS = [
  {
    name: 'nginx', exe: '/usr/sbin/nginx', arch: 'x86_64', uid: 101, subj: 'cri-containerd.apparmor.d', ip: '7f3a9c',
    weight: 16, pods: 3, threads: ['nginx'], workers: 4, recycle: 1 / 4000, restart: 1 / 3000,
    pool: ['epoll_wait', 'recvfrom', 'writev', 'accept4', 'close', 'sendfile', 'openat', 'newfstatat', 'read', 'write', 'setsockopt', 'epoll_ctl',
      'fstat', 'pread64', 'getsockname', 'ioctl', 'brk', 'mmap', 'munmap', 'shutdown', 'lseek', 'futex', 'rt_sigprocmask', 'gettid', 'getpid',
      'socketpair', 'rt_sigsuspend', 'kill', 'wait4', 'clone', 'mprotect', 'madvise', 'sched_setaffinity', 'getppid'],
    child: [], start: ['set_robust_list', 'rt_sigprocmask', 'getpid', 'prctl', 'setgid', 'setgroups', 'setuid', 'epoll_create1'],
    rare: ['uname', 'getrlimit'],
  },
  {
    name: 'http-echo', exe: '/http-echo', arch: 'x86_64', uid: 65532, subj: 'cri-containerd.apparmor.d', ip: '46',
    weight: 10, pods: 8, threads: ['http-echo'], workers: 0, restart: 1 / 250,
    pool: ['futex', 'epoll_pwait', 'read', 'write', 'nanosleep', 'accept4', 'close', 'getsockname', 'setsockopt', 'epoll_ctl', 'rt_sigreturn',
      'tgkill', 'getpid', 'madvise', 'mmap', 'sched_yield', 'rt_sigprocmask', 'sigaltstack', 'gettid', 'clone', 'munmap', 'rt_sigaction',
      'openat', 'fcntl', 'readlinkat', 'arch_prctl', 'prlimit64', 'uname', 'socket', 'bind', 'listen', 'epoll_create1', 'pipe2', 'newfstatat'],
    child: [], start: [], rare: ['getrandom', 'sched_getaffinity'],
  },
  {
    name: 'java', exe: '/usr/lib/jvm/java-17-openjdk-arm64/bin/java', arch: 'aarch64', uid: 1000, subj: 'cri-containerd.apparmor.d (enforce)', ip: 'ffff8f',
    weight: 18, pods: 6, workers: 0, restart: 1 / 250,
    threads: ['java', 'java', 'java', 'C2 CompilerThre', 'C1 CompilerThre', 'GC Thread#0', 'GC Thread#1', 'VM Thread', 'http-nio-8080-e', 'Signal Dispatch', 'G1 Refine#0'],
    pool: ['futex', 'read', 'write', 'epoll_pwait', 'ppoll', 'recvfrom', 'sendto', 'clock_nanosleep', 'mprotect', 'madvise', 'mmap', 'munmap',
      'openat', 'close', 'fstat', 'newfstatat', 'lseek', 'pread64', 'getdents64', 'sched_yield', 'accept', 'getsockname', 'setsockopt',
      'getsockopt', 'shutdown', 'socket', 'connect', 'epoll_ctl', 'epoll_create1', 'fcntl', 'ioctl', 'rt_sigaction', 'rt_sigprocmask',
      'rt_sigreturn', 'sigaltstack', 'gettid', 'getpid', 'tgkill', 'clone', 'clone3', 'set_robust_list', 'rseq', 'prctl',
      'sched_getaffinity', 'prlimit64', 'readlinkat', 'uname', 'exit'],
    child: [], start: [], rare: ['unlinkat', 'mkdirat'],
  },
  {
    name: 'python3.11', exe: '/usr/bin/python3.11', arch: 'aarch64', uid: 1000, subj: 'cri-containerd.apparmor.d', ip: 'ffffa1',
    weight: 14, pods: 3, threads: ['gunicorn'], workers: 4, recycle: 1 / 600, restart: 1 / 5000,
    pool: ['ppoll', 'read', 'recvfrom', 'sendto', 'write', 'accept4', 'close', 'fcntl', 'getpid', 'newfstatat', 'fstat', 'openat', 'lseek',
      'ioctl', 'mmap', 'munmap', 'brk', 'mprotect', 'futex', 'getsockname', 'getpeername', 'setsockopt', 'shutdown', 'getrandom',
      'rt_sigaction', 'rt_sigprocmask', 'kill', 'wait4', 'clone', 'getppid', 'fchmod', 'getcwd', 'readlinkat', 'getdents64', 'dup3',
      'pipe2', 'epoll_pwait', 'unlinkat', 'uname', 'sysinfo'],
    child: [], start: ['set_robust_list', 'rt_sigprocmask', 'getpid', 'close', 'fchmod', 'openat', 'rt_sigaction', 'getppid'],
    rare: ['sched_getaffinity', 'prlimit64'],
  },
  {
    name: 'postgres', exe: '/usr/lib/postgresql/15/bin/postgres', arch: 'x86_64', uid: 999, subj: null, ip: '55d1e',
    weight: 14, pods: 1, threads: ['postgres'], workers: 5, recycle: 0, restart: 0,
    spawn: 1 / 40, life: [20, 300], maxChildren: 40,
    pool: ['epoll_wait', 'recvfrom', 'sendto', 'read', 'pread64', 'pwrite64', 'lseek', 'write', 'openat', 'close', 'fdatasync', 'fsync',
      'kill', 'getpid', 'epoll_ctl', 'epoll_create1', 'futex', 'brk', 'mmap', 'munmap', 'rt_sigprocmask', 'rt_sigreturn', 'select',
      'newfstatat', 'fstat', 'ftruncate', 'unlink', 'rename', 'getrandom', 'getrusage', 'wait4', 'clone', 'accept', 'setsid', 'umask'],
    child: ['setsockopt', 'getsockname', 'getpeername', 'fadvise64', 'sync_file_range', 'shutdown', 'memfd_create'],
    start: ['set_robust_list', 'getpid', 'rt_sigprocmask', 'setsid', 'close', 'rt_sigaction'],
    rare: ['statfs', 'uname'],
  },
  {
    name: 'legacyd', exe: '/opt/legacy/bin/legacyd', arch: 'i386', uid: 0, subj: 'cri-containerd.apparmor.d', ip: 'f7e',
    weight: 10, pods: 2, threads: ['legacyd'], workers: 0, restart: 1 / 6000,
    spawn: 1 / 12, life: [5, 40], maxChildren: 20,
    pool: ['read', 'write', '_newselect', 'time', 'close', 'socketcall', '_llseek', 'fstat64', 'stat64', 'open', 'mmap2', 'munmap', 'brk',
      'gettimeofday', 'rt_sigaction', 'rt_sigprocmask', 'sigreturn', 'waitpid', 'fork', 'ioctl', 'fcntl64', 'getpid', 'nanosleep', 'access',
      'uname', 'getdents64', 'ugetrlimit', 'getuid32', 'geteuid32', 'kill'],
    child: ['dup2', 'pipe', 'poll', 'alarm'],
    start: ['getpid', 'rt_sigaction', 'close', 'set_robust_list'],
    rare: ['chdir', 'umask'],
  },
  {
    name: 'redis-server', exe: '/usr/local/bin/redis-server', arch: 'aarch64', uid: 999, subj: 'cri-containerd.apparmor.d', ip: 'aaaab',
    weight: 10, pods: 3, workers: 0, restart: 1 / 400,
    spawn: 1 / 150, life: [12, 50], maxChildren: 1, childComms: ['redis-rdb-bgsav'],
    threads: ['redis-server', 'redis-server', 'redis-server', 'bio_close_file', 'bio_aof', 'bio_lazy_free', 'io_thd_1', 'io_thd_2'],
    pool: ['epoll_pwait', 'read', 'write', 'openat', 'close', 'futex', 'getpid', 'accept4', 'setsockopt', 'getsockname', 'getpeername',
      'fcntl', 'epoll_ctl', 'fstat', 'newfstatat', 'lseek', 'fdatasync', 'fsync', 'madvise', 'mmap', 'munmap', 'brk', 'clone', 'wait4',
      'rt_sigaction', 'rt_sigprocmask', 'prctl', 'renameat', 'unlinkat', 'ftruncate', 'getrusage', 'sched_setaffinity', 'gettid'],
    // BGSAVE: a forked child writes the snapshot, renames it and exits
    child: ['setpriority', 'fadvise64'], start: ['set_robust_list', 'rt_sigaction', 'close', 'prctl', 'getpid'], rare: ['uname', 'sysinfo'],
  },
  {
    // liveness probes (`sh -c 'wget -q -O- localhost:8080/healthz'`) run by
    // runc exec: every one a new short process that begins as runc's init
    name: 'busybox', exe: '/bin/busybox', arch: 'x86_64', uid: 0, subj: 'cri-containerd.apparmor.d', ip: '4',
    weight: 8, pods: 0, threads: ['sh'], workers: 0, restart: 0,
    spawn: 1 / 3, life: [8, 40], maxChildren: 12, childComms: ['sh', 'wget'], probe: true,
    pool: ['read', 'write', 'close', 'rt_sigaction', 'rt_sigprocmask', 'getpid', 'getppid', 'getuid', 'brk', 'arch_prctl', 'set_tid_address',
      'stat', 'fstat', 'lstat', 'openat', 'ioctl', 'uname', 'getcwd', 'socket', 'connect', 'sendto', 'recvfrom', 'poll', 'fcntl', 'dup2',
      'vfork', 'wait4', 'pipe', 'setsockopt', 'getsockname'],
    child: [], start: ['brk', 'arch_prctl', 'set_tid_address', 'getuid', 'getpid'],
    rare: ['kill'],
  },
];

const RUNC = ['close', 'close', 'close', 'getdents64', 'openat', 'fstatfs', 'write', 'futex', 'epoll_ctl', 'getpid', 'fcntl', 'rt_sigreturn', 'nanosleep', 'read'];
/** Calls a program never makes, named by the SYSCALL record of an AppArmor denial (with the operation AppArmor names). */
const TRAPS = [['unlinkat', 'unlink'], ['fchmodat', 'chmod'], ['setxattr', 'setxattr'], ['mknodat', 'mknod'], ['linkat', 'link'], ['renameat2', 'rename_src'], ['mount', 'mount'], ['ptrace', 'ptrace'], ['chroot', 'chroot'], ['fchownat', 'chown']];

const PID_MAX = 32768; // the kernel's default on a machine with up to 32 CPUs
const EPOCH = Date.UTC(2026, 10, 29, 2, 0, 0) * 1000; // microseconds: Nov 29 02:00:00 UTC
const BOOT_UPTIME = 1234.5 * 1e6; // the printk clock when the file begins, in microseconds

// ------------------------------------------------------------------ helpers

/** comm=/exe= as the kernel writes them (audit_log_untrustedstring): quoted, or uppercase hex when a byte is '"', < 0x21 or > 0x7e. */
function auditString(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c < 0x21 || c > 0x7e) return Buffer.from(s, 'latin1').toString('hex').toUpperCase();
  }
  return `"${s}"`;
}
const hex = (s) => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const basename = (p) => p.split('/').pop();
const pad2 = (n) => (n < 10 ? '0' + n : '' + n);
const pad3 = (n) => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);
const pad6 = (n) => (n >= 100000 ? '' + n : n >= 10000 ? '0' + n : n >= 1000 ? '00' + n : n >= 100 ? '000' + n : n >= 10 ? '0000' + n : '00000' + n);

// ------------------------------------------------------------------ the node

class Node {
  constructor(seed, opts) {
    this.r = prng(seed);
    this.opts = opts;
    this.us = EPOCH; // the audit clock, microseconds since the epoch
    this.boot = EPOCH - BOOT_UPTIME;
    this.lastPrintk = 0;
    this.stampSec = 0;
    this.stampMs = 0;
    this.serial = 48211;
    this.nextPid = 1800;
    this.inUse = new Set();
    /** pids of ended seccomp-logged lives, oldest first */
    this.freed = [];
    /** pid -> exe basename of the last seccomp-logged life that had it (for reuse counts) */
    this.pidOwner = new Map();
    this.truth = new Map();
    this.stats = { lives: new Map(), pids: new Map(), reused: 0, reusedByOther: 0, seccomp: 0, traps: 0, gaps: 0, gapSerials: 0, lines: 0, restarts: 0 };
    /** every seccomp record as (pid, program or -1 for runc's init, call, last of its life), for replay() */
    this.trace = new Trace();
    /** call names, by id */
    this.callNames = [];
    this.callIds = new Map();
    this.programs = PROGRAMS.map((p, i) => this.setUp(p, i));
    this.cumWeight = [];
    let w = 0;
    for (const p of this.programs) this.cumWeight.push((w += p.weight));
    this.totalWeight = w;
    for (const p of this.programs) {
      this.truth.set(p.base, new Set());
      this.stats.lives.set(p.base, 0);
      this.stats.pids.set(p.base, new Set());
      for (let i = 0; i < p.pods; i++) this.startPod(p, i, false);
    }
  }

  setUp(spec, index) {
    const p = { ...spec, index, base: basename(spec.exe), archHex: ARCH[spec.arch].audit, compat: ARCH[spec.arch].compat, live: [], pods: spec.pods, spawn: spec.spawn ?? 0, children: 0 };
    p.runcArch = spec.arch === 'aarch64' ? 'aarch64' : 'x86_64'; // runc is a 64-bit program: i386 workloads are exec'd by an x86_64 init
    const all = new Set([...spec.pool, ...spec.child, ...spec.start, ...spec.rare, 'exit_group', 'execve', ...RUNC]);
    for (const n of [...spec.pool, ...spec.child, ...spec.start, ...spec.rare, 'exit_group']) nr(spec.arch, n); // throws on a name the ABI lacks
    // each call is made from three places (ip=); what follows syscall= is made once per place
    const calls = (names, arch) =>
      names.map((n) => {
        const number = nr(arch, n);
        const compat = ARCH[arch].compat;
        const tails = [0, 1, 2].map((k) => Buffer.from(`${number} compat=${compat} ip=0x${spec.ip}${(0x1a3c5 + n.length * 0x3b1 + k * 0x1e7).toString(16)} code=0x7ffc0000`, 'latin1'));
        if (!this.callIds.has(n)) this.callIds.set(n, this.callNames.push(n) - 1);
        return { name: n, id: this.callIds.get(n), nr: number, tails };
      });
    p.poolCalls = calls(spec.pool, spec.arch);
    p.childCalls = calls([...spec.pool, ...spec.child], spec.arch);
    p.startCalls = calls(spec.start, spec.arch);
    p.rareCalls = calls(spec.rare, spec.arch);
    p.exitCall = calls(['exit_group'], spec.arch)[0];
    p.runcCalls = calls(RUNC, p.runcArch);
    p.runcExec = calls(['execve'], p.runcArch)[0];
    p.traps = TRAPS.filter(([n]) => !all.has(n) && exists(spec.arch, n)).map(([n, op]) => ({ name: n, nr: nr(spec.arch, n), op }));
    p.exeEnc = auditString(spec.exe);
    p.head = `auid=4294967295 uid=${spec.uid} gid=${spec.uid} ses=4294967295${spec.subj ? ` subj=${spec.subj}` : ''} pid=`;
    p.runcHead = `auid=4294967295 uid=0 gid=0 ses=4294967295${spec.subj ? ` subj=${spec.subj}` : ''} pid=`;
    return p;
  }

  // ---- pids

  allocPid() {
    for (;;) {
      if (++this.nextPid >= PID_MAX) this.nextPid = 300;
      if (!this.inUse.has(this.nextPid)) return this.nextPid;
    }
  }

  /**
   * A pid for a new seccomp-logged process: the next free one; or, one time in
   * four, the longest-freed pid of an earlier seccomp-logged life, as once the
   * allocator has wrapped (a whole pid_max cycle compressed in time, so that
   * a small file has reuse too).
   */
  lifePid() {
    if (this.freed.length > 8 && this.r() < 0.25) {
      const pid = this.freed.shift();
      if (!this.inUse.has(pid)) return pid;
    }
    return this.allocPid();
  }

  /** A process no seccomp profile logs: it uses up a pid and ends. */
  otherPid() {
    return this.allocPid();
  }

  // ---- processes

  /** A new seccomp-logged process of program p. */
  spawn(p, kind, opts = {}) {
    const pid = this.lifePid();
    this.inUse.add(pid);
    const owner = this.pidOwner.get(pid);
    if (owner !== undefined) {
      this.stats.reused++;
      if (owner !== p.base) this.stats.reusedByOther++;
    }
    this.pidOwner.set(pid, p.base);
    this.stats.lives.set(p.base, this.stats.lives.get(p.base) + 1);
    this.stats.pids.get(p.base).add(pid);
    const r = this.r;
    const proc = {
      pid, p, kind, pod: opts.pod ?? -1,
      left: kind === 'child' ? p.life[0] + Math.floor(r() * (p.life[1] - p.life[0])) : Infinity,
      queue: [],
      calls: kind === 'child' ? p.childCalls : p.poolCalls,
      comm: kind === 'child' && p.childComms ? p.childComms[Math.floor(r() * p.childComms.length)] : p.threads[0],
      made: new Set(),
      lastExe: null,
      lastComm: null,
      prefix: new Map(),
    };
    if (opts.runc) {
      // runc's init: a few of its calls, then the execve of the workload
      const n = 2 + Math.floor(r() * 5);
      for (let i = 0; i < n; i++) proc.queue.push({ call: p.runcCalls[Math.floor(r() * p.runcCalls.length)], runc: true });
      proc.queue.push({ call: p.runcExec, runc: true });
    }
    if (kind !== 'root') for (const c of p.startCalls) proc.queue.push({ call: c, runc: false });
    p.live.push(proc);
    if (kind === 'child') p.children++;
    return proc;
  }

  startPod(p, pod, restarted) {
    this.spawn(p, 'root', { pod, runc: restarted });
    for (let i = 0; i < p.workers; i++) this.spawn(p, 'worker', { pod });
  }

  /** The process's life ends (after its exit_group record): its calls join its program's truth. */
  end(proc) {
    const p = proc.p;
    const i = p.live.indexOf(proc);
    p.live[i] = p.live[p.live.length - 1];
    p.live.pop();
    if (proc.kind === 'child') p.children--;
    this.inUse.delete(proc.pid);
    this.freed.push(proc.pid);
    this.commit(proc);
  }

  commit(proc) {
    if (proc.made.size === 0) return;
    // seccomp-learn names a life after its last exe other than "/", else its last comm
    const name = proc.lastExe !== null ? basename(proc.lastExe) : proc.lastComm;
    if (!this.truth.has(name)) this.truth.set(name, new Set());
    const t = this.truth.get(name);
    for (const n of proc.made) t.add(n);
  }

  /** End of file: every live process's calls join the truth (seccomp-learn retires them at the end of input). */
  finish() {
    for (const p of this.programs) for (const proc of p.live) this.commit(proc);
    const stats = this.stats;
    const programs = this.programs.map((p) => ({
      name: p.base, exe: p.exe, arch: p.arch, lives: stats.lives.get(p.base), pids: stats.pids.get(p.base).size, calls: this.truth.get(p.base).size,
    }));
    const trace = this.trace;
    const bases = this.programs.map((p) => p.base);
    const callNames = this.callNames;
    return { truth: this.truth, replay: (times) => replay(trace, bases, callNames, times), stats: { ...stats, lives: undefined, pids: undefined, programs } };
  }

  /** Writes the next seccomp record's text after `audit(...): ` to w. Lives begin, end and restart here. */
  seccompBody(w) {
    const r = this.r;
    // a program by weight, then one of its live processes
    const x = r() * this.totalWeight;
    let pi = 0;
    while (this.cumWeight[pi] <= x) pi++;
    const p = this.programs[pi];
    // the program's events: a child forked, workers recycled, a pod restarted
    if (p.spawn > 0 && p.children < p.maxChildren && r() < p.spawn) this.spawn(p, 'child', { runc: p.probe === true });
    if (p.recycle > 0 && r() < p.recycle) {
      const workers = p.live.filter((q) => q.kind === 'worker' && q.left === Infinity);
      if (workers.length > 0) {
        const w = workers[Math.floor(r() * workers.length)];
        w.left = 1;
        this.spawn(p, 'worker', { pod: w.pod });
      }
    }
    if (p.restart > 0 && r() < p.restart && p.pods > 0) {
      const pod = Math.floor(r() * p.pods);
      let any = false;
      for (const q of p.live) {
        if (q.pod === pod && q.left === Infinity) {
          q.left = 1;
          any = true;
        }
      }
      if (any) {
        this.stats.restarts++;
        this.startPod(p, pod, true);
      }
    }
    if (p.live.length === 0) this.spawn(p, 'child', { runc: p.probe === true });
    const proc = p.live[Math.floor(r() * p.live.length)];

    let call;
    let runc = false;
    let last = false;
    if (proc.queue.length > 0) {
      const q = proc.queue.shift();
      call = q.call;
      runc = q.runc;
    } else if (proc.left <= 1) {
      call = p.exitCall;
      last = true;
    } else if (p.rareCalls.length > 0 && r() < 2e-5) {
      call = p.rareCalls[Math.floor(r() * p.rareCalls.length)];
    } else {
      const calls = proc.calls;
      call = calls[Math.floor(calls.length * r() ** 2.6)];
    }
    if (!runc && proc.queue.length === 0 && proc.left !== Infinity) proc.left--;

    // who it is: runc's init, or the workload (one of its threads, for a root)
    let comm;
    let exe;
    let head;
    let arch;
    if (runc) {
      comm = 'runc:[2:INIT]';
      exe = '/';
      head = p.runcHead;
      arch = ARCH[p.runcArch].audit;
    } else {
      comm = proc.kind === 'root' && p.threads.length > 1 ? p.threads[Math.floor(r() * p.threads.length)] : proc.comm;
      exe = p.exe;
      head = p.head;
      arch = p.archHex;
      proc.lastExe = exe;
    }
    proc.made.add(call.name);
    proc.lastComm = comm;
    this.trace.push(proc.pid, runc ? -1 : p.index, call.id, last);
    let prefix = proc.prefix.get(comm);
    if (prefix === undefined) {
      prefix = Buffer.from(`${head}${proc.pid} comm=${auditString(comm)} exe=${exe === '/' ? '"/"' : p.exeEnc} sig=0 arch=${arch} syscall=`, 'latin1');
      proc.prefix.set(comm, prefix);
    }
    if (last) this.end(proc);
    this.stats.seccomp++;
    w.b(prefix);
    w.b(call.tails[Math.floor(r() * 3)]);
  }

  /** A live seccomp-logged process and a call it never makes, for a trap SYSCALL record. */
  trapTarget() {
    const r = this.r;
    for (let tries = 0; tries < 8; tries++) {
      const p = this.programs[Math.floor(r() * this.programs.length)];
      const live = p.live.filter((q) => q.lastExe !== null && q.queue.length === 0 && q.left === Infinity);
      if (live.length === 0 || p.traps.length === 0) continue;
      const proc = live[Math.floor(r() * live.length)];
      const trap = p.traps[Math.floor(r() * p.traps.length)];
      this.stats.traps++;
      return { proc, p, trap };
    }
    return null;
  }

  // ---- clocks

  /** Advance the audit clock by about `meanUs`. */
  tick(meanUs) {
    this.us += Math.floor(this.r() * 2 * meanUs);
    // processes no seccomp profile logs (probes, cron, exec) use pids as time passes
    while (this.r() < this.opts.forksPerLine) this.otherPid();
  }

  /** A new event's serial (records of one event share it); its time is the clock's now (stampSec, stampMs). */
  stamp() {
    const ms = Math.floor(this.us / 1000);
    this.stampSec = Math.floor(ms / 1000);
    this.stampMs = ms % 1000;
    return ++this.serial;
  }

  /** The printk uptime in microseconds: a little after the audit clock, never backwards. */
  printk() {
    let up = this.us - this.boot + 40 + Math.floor(this.r() * 400);
    if (up <= this.lastPrintk) up = this.lastPrintk + 1;
    this.lastPrintk = up;
    return up;
  }

  clockText() {
    const d = new Date(this.us / 1000);
    return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  }
}

// ------------------------------------------------------------------ replay

/** The seccomp records written, in order, in typed arrays (a million records: 9 MB). */
class Trace {
  constructor() {
    this.n = 0;
    this.grow(1 << 16);
  }
  grow(size) {
    const old = this.pid;
    this.pid = new Int32Array(size);
    const prog = new Int8Array(size);
    const call = new Int16Array(size);
    const last = new Uint8Array(size);
    if (old) {
      this.pid.set(old);
      prog.set(this.prog);
      call.set(this.call);
      last.set(this.last);
    }
    Object.assign(this, { prog, call, last });
  }
  push(pid, prog, call, last) {
    if (this.n === this.pid.length) this.grow(2 * this.n);
    this.pid[this.n] = pid;
    this.prog[this.n] = prog;
    this.call[this.n] = call;
    this.last[this.n] = last ? 1 : 0;
    this.n++;
  }
}

/**
 * What seccomp-learn must learn from the file read `times` times in a row
 * (seccomp-learn file file ...), worked out again from the records alone by
 * the definition: a life is a pid's records up to its exit_group; a pid seen
 * again after that starts a new life; a life's calls go to the program of the
 * last exe it showed other than runc's "/" (or to runc:[2:INIT] when it showed
 * none); lives still going at the end count too. Lives go on from one copy of
 * the file into the next, as they do from syslog.1 into syslog. With times = 1
 * it must give the generator's own truth (the bench checks that too).
 */
function replay(trace, bases, callNames, times) {
  const truth = new Map();
  const lives = new Map();
  const retire = (life) => {
    const name = life.prog >= 0 ? bases[life.prog] : 'runc:[2:INIT]';
    if (!truth.has(name)) truth.set(name, new Set());
    const t = truth.get(name);
    for (const c of life.calls) t.add(callNames[c]);
  };
  for (let k = 0; k < times; k++) {
    for (let i = 0; i < trace.n; i++) {
      const pid = trace.pid[i];
      let life = lives.get(pid);
      if (life === undefined) lives.set(pid, (life = { prog: -1, calls: new Set() }));
      life.calls.add(trace.call[i]);
      if (trace.prog[i] >= 0) life.prog = trace.prog[i];
      if (trace.last[i] === 1) {
        retire(life);
        lives.delete(pid);
      }
    }
  }
  for (const life of lives.values()) retire(life);
  return truth;
}

// ------------------------------------------------------------------ output

/**
 * Lines are written as bytes into one 8 MiB buffer, written out when full:
 * constant parts are copied from Buffers made once, numbers are written digit
 * by digit (a string per line, flattened and copied, cost four times as much).
 */
class Writer {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(1 << 23);
    this.at = 0;
    this.bytes = 0;
    this.lines = 0;
  }
  /** Before each line: room for one (every line is shorter than 16 KiB). */
  begin() {
    if (this.at > this.buf.length - 16384) this.flush();
  }
  b(x) {
    this.buf.set(x, this.at);
    this.at += x.length;
  }
  s(x) {
    this.at += this.buf.latin1Write(x, this.at);
  }
  c(ch) {
    this.buf[this.at++] = ch;
  }
  /** A non-negative integer. */
  n(v) {
    let len = 1;
    for (let t = v; t >= 10; t = Math.floor(t / 10)) len++;
    this.pad(v, len, 48);
  }
  /** v in `width` digits, padded with `fill` (48: zeros, 32: spaces). */
  pad(v, width, fill) {
    const buf = this.buf;
    let i = this.at + width;
    this.at = i;
    do {
      buf[--i] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0 && i > this.at - width);
    while (i > this.at - width) buf[--i] = fill;
  }
  v(x) {
    if (typeof x === 'number') this.n(x);
    else if (typeof x === 'string') this.s(x);
    else this.b(x);
  }
  end() {
    this.buf[this.at++] = 10;
    this.lines++;
  }
  get size() {
    return this.bytes + this.at;
  }
  flush() {
    let done = 0;
    while (done < this.at) done += writeSync(this.fd, this.buf, done, this.at - done);
    this.bytes += this.at;
    this.at = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * A line template: T`text ${'hole'} text` compiles the text to bytes once and
 * returns (w, ...values) => writes it and ends the line, each value where its
 * hole is (a Buffer, a string, or a non-negative integer). The holes' own text
 * only says what goes there. (w.begin() may flush the buffer in mid-line: the
 * file is the same.)
 */
function T(strings) {
  const parts = strings.map((x) => Buffer.from(x, 'latin1'));
  return (w, ...values) => {
    w.begin();
    w.b(parts[0]);
    for (let i = 0; i < values.length; i++) {
      w.v(values[i]);
      w.b(parts[i + 1]);
    }
    w.end();
  };
}
const B = (x) => Buffer.from(x, 'latin1');

/** A pool of `n` strings made by f (IDs and names that recur in a real log), as Buffers. */
function poolOf(r, n, f) {
  return Array.from({ length: n }, () => B(f(r)));
}
const hexId = (r, len) => {
  let s = '';
  while (s.length < len) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, len);
};
const pick = (r, a) => a[Math.floor(r() * a.length)];
const letters = (s, abc) => s.replace(/[0-9]/g, (d) => abc[d]);

function names(r) {
  const containers = poolOf(r, 60, (r) => hexId(r, 64));
  const vethes = poolOf(r, 40, (r) => `veth${hexId(r, 8)}`);
  const pods = poolOf(r, 40, (r) => `${pick(r, ['web', 'api', 'worker', 'cache', 'db-proxy', 'frontend', 'ingress-nginx-controller', 'coredns'])}-${letters(hexId(r, 9), 'bcdfghjklm')}-${letters(hexId(r, 5), 'npqrstvwxz')}`);
  const uids = poolOf(r, 40, (r) => `${hexId(r, 8)}-${hexId(r, 4)}-${hexId(r, 4)}-${hexId(r, 4)}-${hexId(r, 12)}`);
  const tmps = poolOf(r, 40, (r) => `tmp${hexId(r, 5)}`);
  const mounts = poolOf(r, 40, (r) => hexId(r, 6).replace(/^[0-9]/, 'x'));
  return { containers, vethes, pods, uids, tmps, mounts };
}

// ------------------------------------------------------------------ syslog

const S = {
  kernel: B('kernel: ['),
  seccomp: B('] audit: type=1326 audit('),
  fields: B('): '),
  suppressed: T`] kauditd_printk_skb: ${'n'} callbacks suppressed`,
  probe: T`kubelet[1342]: I1129 ${'hh:mm:ss'}.${'us'}    1342 prober.go:107] "Probe failed" probeType="Readiness" pod="default/${'pod'}" podUID="${'uid'}" containerName="app" probeResult="failure" output="HTTP probe failed with statuscode: 503"`,
  podStatus: T`kubelet[1342]: I1129 ${'hh:mm:ss'}.${'us'}    1342 kubelet_getters.go:187] "Pod status updated" pod="default/${'pod'}" status="Running"`,
  backoff: T`kubelet[1342]: E1129 ${'hh:mm:ss'}.${'us'}    1342 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"app\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=app pod=${'pod'}_default(${'uid'})\\"" pod="default/${'pod'}" podUID="${'uid'}"`,
  volumes: T`kubelet[1342]: I1129 ${'hh:mm:ss'}.${'us'}    1342 kubelet_volumes.go:163] "Cleaned up orphaned pod volumes dir" podUID="${'uid'}" path="/var/lib/kubelet/pods/${'uid'}/volumes"`,
  started: T`containerd[842]: time="2026-11-29T${'hh:mm:ss'}.${'us'}123Z" level=info msg="StartContainer for \\"${'id'}\\" returns successfully"`,
  shim: T`containerd[842]: time="2026-11-29T${'hh:mm:ss'}.${'us'}123Z" level=info msg="shim disconnected" id=${'id'} namespace=k8s.io`,
  exec: T`containerd[842]: time="2026-11-29T${'hh:mm:ss'}.${'us'}123Z" level=info msg="ExecSync for \\"${'id'}\\" with command [sh -c wget -q -O- http://localhost:8080/healthz] and timeout 1 (s)"`,
  mount: T`systemd[1]: run-containerd-runc-k8s.io-${'id'}-runc.${'x'}.mount: Deactivated successfully.`,
  scope: T`systemd[1]: Started cri-containerd-${'id'}.scope - libcontainer container ${'id'}.`,
  linkUp: T`systemd-networkd[612]: ${'veth'}: Link UP`,
  carrier: T`systemd-networkd[612]: ${'veth'}: Gained carrier`,
  forwarding: T`] cni0: port ${'n'}(${'veth'}) entered forwarding state`,
  ready: T`] IPv6: ADDRCONF(NETDEV_CHANGE): ${'veth'}: link becomes ready`,
  renamed: T`] eth0: renamed from ${'tmp'}`,
  cron: T`CRON[${'pid'}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
  sshd: T`sshd[${'pid'}]: Accepted publickey for deploy from 10.0.${'a'}.${'b'} port ${'port'} ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eA`,
  netfilter: T`] audit: type=1325 audit(${'stamp'}): table=nat:${'n'} family=2 entries=${'n'} op=xt_replace pid=${'pid'} subj=cri-containerd.apparmor.d comm="iptables-restor"`,
  netfilterSyscall: T`] audit: type=1300 audit(${'stamp'}): arch=c000003e syscall=54 success=yes exit=0 a0=4 a1=0 a2=40 a3=5699e8c84f50 items=0 ppid=${'ppid'} pid=${'pid'} auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="iptables-restor" exe="/usr/sbin/xtables-legacy-multi" subj=cri-containerd.apparmor.d key=(null)`,
  iptablesTitle: T`] audit: type=1327 audit(${'stamp'}): proctitle=69707461626C65732D726573746F7265002D770035002D5700313030303030002D2D6E6F666C757368002D2D636F756E74657273`,
  avc: T`] audit: type=1400 audit(${'stamp'}): apparmor="DENIED" operation="${'op'}" class="file" profile="cri-containerd.apparmor.d" name="/proc/sys/kernel/core_pattern" pid=${'pid'} comm=${'comm'} requested_mask="w" denied_mask="w" fsuid=${'uid'} ouid=0`,
  avcSyscall: T`] audit: type=1300 audit(${'stamp'}): arch=${'arch'} syscall=${'nr'} success=no exit=-13 a0=ffffff9c a1=${'a1'} a2=1b6 a3=0 items=1 ppid=1 pid=${'pid'} auid=4294967295 uid=${'uid'} gid=${'uid'} euid=${'uid'} suid=${'uid'} fsuid=${'uid'} egid=${'uid'} sgid=${'uid'} fsgid=${'uid'} tty=(none) ses=4294967295 comm=${'comm'} exe=${'exe'}${'subj'} key=(null)`,
  title: T`] audit: type=1327 audit(${'stamp'}): proctitle=${'hex'}`,
  resolved: T`systemd-resolved[590]: Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 10.96.0.10.`,
};

/** `SEC.MSEC:SERIAL` of the event just stamped, as text (for lines that are not the hot path). */
function stampText(node, serial) {
  return `${node.stampSec}.${pad3(node.stampMs)}:${serial}`;
}


/** A seccomp record from its head (`K.seccomp`: up to `audit(`) on: stamp, serial, fields (`K.fields`), the call; the line's end is the caller's. */
function seccompRecord(w, node, K) {
  w.b(K.seccomp);
  const serial = node.stamp();
  w.n(node.stampSec);
  w.c(46); // .
  w.pad(node.stampMs, 3, 48);
  w.c(58); // :
  w.n(serial);
  w.b(K.fields);
  node.seccompBody(w);
}

/**
 * The busy node's syslog: `bytes` bytes (at a line's end), 30% seccomp lines.
 * Returns { truth, stats }.
 */
export function generateBusySyslog(path, bytes, seed = 7) {
  const node = new Node(seed, { forksPerLine: 0.22 });
  const r = node.r;
  const w = new Writer(path);
  const { containers, vethes, pods, uids, tmps, mounts } = names(r);
  const HOST = 'node-7';
  // the few places the printk rate limit drops records (fractions of the file)
  const gapsAt = [0.13, 0.37, 0.58, 0.81].map((f) => Math.floor(f * bytes));
  let sec = -1;
  let env = null; // `Nov 29 02:11:03 node-7 `, made once a second
  let hms = null;
  /** The envelope, `kernel: ` and the printk stamp without its `]` (the templates begin with it). */
  const kernel = () => {
    const up = node.printk();
    w.b(env);
    w.b(S.kernel);
    w.pad(Math.floor(up / 1e6), 5, 32);
    w.c(46);
    w.pad(up % 1e6, 6, 48);
  };
  for (;;) {
    const size = w.size;
    if (size >= bytes) break;
    node.tick(1000);
    const s = Math.floor(node.us / 1e6);
    if (s !== sec) {
      sec = s;
      hms = B(node.clockText());
      env = B(`Nov 29 ${node.clockText()} ${HOST} `);
    }
    if (gapsAt.length > 0 && size >= gapsAt[0]) {
      gapsAt.shift();
      const n = 3 + Math.floor(r() * 30);
      node.serial += n;
      node.stats.gaps++;
      node.stats.gapSerials += n;
      w.begin();
      kernel();
      S.suppressed(w, n);
    }
    const x = r();
    if (x < 0.32) {
      // the hot path, written piece by piece
      w.begin();
      kernel();
      seccompRecord(w, node, S);
      w.end();
      continue;
    }
    const y = r();
    const us = pad6(node.us % 1e6);
    if (y < 0.34) {
      const pod = pick(r, pods);
      if (y < 0.14) line(w, env, S.probe, hms, us, pod, pick(r, uids));
      else if (y < 0.23) line(w, env, S.podStatus, hms, us, pod);
      else if (y < 0.28) line(w, env, S.backoff, hms, us, pod, pick(r, uids), pod, pick(r, uids));
      else {
        const uid = pick(r, uids);
        line(w, env, S.volumes, hms, us, uid, uid);
      }
    } else if (y < 0.52) {
      const id = pick(r, containers);
      line(w, env, y < 0.4 ? S.started : y < 0.46 ? S.shim : S.exec, hms, us, id);
    } else if (y < 0.7) {
      const id = pick(r, containers);
      if (y < 0.64) line(w, env, S.mount, id, pick(r, mounts));
      else line(w, env, S.scope, id, id);
    } else if (y < 0.78) {
      line(w, env, y < 0.74 ? S.linkUp : S.carrier, pick(r, vethes));
    } else if (y < 0.9) {
      // the kernel's own lines about the pods' network
      const z = r();
      w.begin();
      kernel();
      if (z < 0.4) more(w, S.forwarding, 1 + Math.floor(r() * 30), pick(r, vethes));
      else if (z < 0.7) more(w, S.ready, pick(r, vethes));
      else more(w, S.renamed, pick(r, tmps));
    } else if (y < 0.92) {
      line(w, env, S.cron, node.otherPid());
    } else if (y < 0.925) {
      line(w, env, S.sshd, node.otherPid(), Math.floor(r() * 255), Math.floor(r() * 255), 40000 + Math.floor(r() * 20000));
    } else if (y < 0.96) {
      // kube-proxy's iptables-restore: NETFILTER_CFG, SYSCALL and PROCTITLE under one serial
      const st = stampText(node, node.stamp());
      const pid = node.otherPid();
      w.begin();
      kernel();
      more(w, S.netfilter, st, 3 + Math.floor(r() * 40), 80 + Math.floor(r() * 40), pid);
      w.begin();
      kernel();
      more(w, S.netfilterSyscall, st, 2100 + Math.floor(r() * 10), pid);
      w.begin();
      kernel();
      more(w, S.iptablesTitle, st);
    } else if (y < 0.97) {
      // an AppArmor denial of a seccomp-logged process, with its SYSCALL record (a call it never makes)
      const t = node.trapTarget();
      if (t === null) continue;
      const { proc, p, trap } = t;
      const st = stampText(node, node.stamp());
      const comm = auditString(proc.comm);
      w.begin();
      kernel();
      more(w, S.avc, st, trap.op, proc.pid, comm, p.uid);
      w.begin();
      kernel();
      more(w, S.avcSyscall, st, p.archHex, trap.nr, hexId(r, 12), proc.pid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, comm, p.exeEnc, p.subj ? ` subj=${p.subj}` : '');
      w.begin();
      kernel();
      more(w, S.title, st, hex(p.exe));
    } else {
      line(w, env, S.resolved);
    }
  }
  w.close();
  const res = node.finish();
  res.stats.lines = w.lines;
  return res;
}

/** A whole line: the envelope, then the template. */
function line(w, env, tpl, ...values) {
  w.begin();
  w.b(env);
  tpl(w, ...values);
}

/** The rest of a line begun by its caller. */
function more(w, tpl, ...values) {
  tpl(w, ...values);
}

// ------------------------------------------------------------------ audit.log

const A = {
  seccomp: B('type=SECCOMP msg=audit('),
  fields: B('): '),
  daemonStart: T`type=DAEMON_START msg=audit(${'time'}:6021): op=start ver=3.1.2 format=raw kernel=6.8.0-49-generic auid=4294967295 pid=911 uid=0 ses=4294967295 subj=unconfined res=success`,
  execSyscall: T`type=SYSCALL msg=audit(${'stamp'}): arch=c000003e syscall=59 success=yes exit=0 a0=${'a0'} a1=${'a1'} a2=${'a2'} a3=8 items=2 ppid=${'ppid'} pid=${'pid'} auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="${'comm'}" exe="${'exe'}" subj=unconfined key="exec"`,
  execve: T`type=EXECVE msg=audit(${'stamp'}): ${'argc a0="..." ...'}`,
  cwdTask: T`type=CWD msg=audit(${'stamp'}): cwd="/run/containerd/io.containerd.runtime.v2.task/k8s.io/${'id'}"`,
  cwdRoot: T`type=CWD msg=audit(${'stamp'}): cwd="/"`,
  path: T`type=PATH msg=audit(${'stamp'}): item=${'n'} name="${'name'}" inode=${'inode'} dev=${'dev'} mode=${'mode'} ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0`,
  title: T`type=PROCTITLE msg=audit(${'stamp'}): proctitle=${'hex'}`,
  netfilter: T`type=NETFILTER_CFG msg=audit(${'stamp'}): table=${'table'}:${'n'} family=2 entries=${'n'} op=xt_replace pid=${'pid'} subj=cri-containerd.apparmor.d (enforce) comm="iptables-restor"`,
  netfilterSyscall: T`type=SYSCALL msg=audit(${'stamp'}): arch=c000003e syscall=54 success=yes exit=0 a0=4 a1=0 a2=40 a3=${'a3'} items=0 ppid=2104 pid=${'pid'} auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="iptables-restor" exe="/usr/sbin/xtables-legacy-multi" subj=cri-containerd.apparmor.d (enforce) key=(null)`,
  pam: T`type=${'type'} msg=audit(${'stamp'}): pid=${'pid'} uid=0 auid=${'auid'} ses=${'ses'} subj=unconfined msg='op=${'op'} grantors=${'grantors'} acct="${'acct'}" exe="${'exe'}" hostname=? addr=? terminal=${'terminal'} res=success'`,
  login: T`type=LOGIN msg=audit(${'stamp'}): pid=${'pid'} uid=0 subj=unconfined old-auid=4294967295 auid=${'auid'} tty=(none) old-ses=4294967295 ses=${'ses'} res=1`,
  userAuth: T`type=USER_AUTH msg=audit(${'stamp'}): pid=${'pid'} uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='op=PAM:authentication grantors=pam_permit acct="deploy" exe="/usr/sbin/sshd" hostname=${'addr'} addr=${'addr'} terminal=ssh res=success'`,
  userLogin: T`type=USER_LOGIN msg=audit(${'stamp'}): pid=${'pid'} uid=0 auid=1000 ses=${'ses'} subj=unconfined msg='op=login id=1000 exe="/usr/sbin/sshd" hostname=? addr=${'addr'} terminal=/dev/pts/0 res=success'`,
  userCmd: T`type=USER_CMD msg=audit(${'stamp'}): pid=${'pid'} uid=1000 auid=1000 ses=${'ses'} subj=unconfined msg='cwd="/home/deploy" cmd=63726963746C207073202D61 exe="/usr/bin/sudo" terminal=pts/0 res=success'`,
  service: T`type=${'SERVICE_START|STOP'} msg=audit(${'stamp'}): pid=1 uid=0 auid=4294967295 ses=4294967295 subj=unconfined msg='unit=${'unit'} comm="systemd" exe="/usr/lib/systemd/systemd" hostname=? addr=? terminal=? res=success'`,
  bpf: T`type=BPF msg=audit(${'stamp'}): prog-id=${'id'} op=${'LOAD|UNLOAD'}`,
  bpfSyscall: T`type=SYSCALL msg=audit(${'stamp'}): arch=c000003e syscall=321 success=yes exit=${'fd'} a0=5 a1=7ffd${'a1'} a2=90 a3=0 items=0 ppid=0 pid=1 auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="systemd" exe="/usr/lib/systemd/systemd" subj=unconfined key=(null)`,
  promisc: T`type=ANOM_PROMISCUOUS msg=audit(${'stamp'}): dev=${'veth'} prom=256 old_prom=0 auid=4294967295 uid=0 gid=0 ses=4294967295`,
  promiscSyscall: T`type=SYSCALL msg=audit(${'stamp'}): arch=c000003e syscall=46 success=yes exit=40 a0=3 a1=7ffc${'a1'} a2=0 a3=1 items=0 ppid=1 pid=${'pid'} auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="containerd" exe="/usr/bin/containerd" subj=unconfined key=(null)`,
  avc: T`type=AVC msg=audit(${'stamp'}): apparmor="DENIED" operation="${'op'}" class="file" profile="cri-containerd.apparmor.d" name="/proc/sys/kernel/core_pattern" pid=${'pid'} comm=${'comm'} requested_mask="w" denied_mask="w" fsuid=${'uid'} ouid=0`,
  avcSyscall: T`type=SYSCALL msg=audit(${'stamp'}): arch=${'arch'} syscall=${'nr'} success=no exit=-13 a0=ffffff9c a1=${'a1'} a2=1b6 a3=0 items=1 ppid=1 pid=${'pid'} auid=4294967295 uid=${'uid'} gid=${'uid'} euid=${'uid'} suid=${'uid'} fsuid=${'uid'} egid=${'uid'} sgid=${'uid'} fsgid=${'uid'} tty=(none) ses=4294967295 comm=${'comm'} exe=${'exe'}${'subj'} key=(null)`,
  configChange: T`type=CONFIG_CHANGE msg=audit(${'stamp'}): op=set audit_backlog_limit=8192 old=8192 auid=4294967295 ses=4294967295 subj=unconfined res=1`,
};

const EXECS = [
  ['runc', '/usr/bin/runc', ['runc', '--root', '/run/containerd/runc/k8s.io', '--log', '/run/containerd/io.containerd.runtime.v2.task/k8s.io/log.json', '--log-format', 'json', 'exec', '--process', '/tmp/runc-process1234', '--detach']],
  ['containerd-shim', '/usr/bin/containerd-shim-runc-v2', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-address', '/run/containerd/containerd.sock']],
  ['iptables-restor', '/usr/sbin/xtables-legacy-multi', ['iptables-restore', '-w', '5', '-W', '100000', '--noflush', '--counters']],
  ['sh', '/usr/bin/dash', ['/bin/sh', '-c', 'command -v debian-sa1 > /dev/null && debian-sa1 1 1']],
  ['ip6tables', '/usr/sbin/xtables-legacy-multi', ['ip6tables', '-w', '5', '-W', '100000', '-S', 'KUBE-KUBELET-CANARY', '-t', 'mangle']],
  ['mount', '/usr/bin/mount', ['mount', '-t', 'tmpfs', '-o', 'size=4g', 'tmpfs', '/var/lib/kubelet/pods/x/volumes/kubernetes.io~projected/kube-api-access']],
].map(([comm, exe, argv]) => ({ comm, exe, execve: `argc=${argv.length} ${argv.map((a, i) => `a${i}="${a}"`).join(' ')}`, title: hex(argv.join('\0')) }));
const UNITS = ['sysstat-collect', 'logrotate', 'systemd-tmpfiles-clean', 'apt-daily', 'fstrim', 'man-db', 'phpsessionclean', 'motd-news', 'e2scrub_all'];
const CRON_SESSION = 'pam_loginuid,pam_env,pam_env,pam_permit,pam_unix,pam_limits';
const SSH_SESSION = 'pam_selinux,pam_loginuid,pam_keyinit,pam_env,pam_env,pam_permit,pam_umask,pam_unix,pam_systemd,pam_mail,pam_limits,pam_env,pam_env,pam_selinux';

/**
 * The same kind of node's audit.log (auditd's RAW format): `bytes` bytes,
 * about 30% of the lines SECCOMP records. Returns { truth, stats }.
 */
export function generateBusyAudit(path, bytes, seed = 11) {
  const node = new Node(seed, { forksPerLine: 0.3 });
  const r = node.r;
  const w = new Writer(path);
  const { containers, vethes } = names(r);
  const gapsAt = [0.21, 0.52, 0.77].map((f) => Math.floor(f * bytes));
  const st = () => stampText(node, node.stamp());
  node.stamp();
  A.daemonStart(w, `${node.stampSec}.${pad3(node.stampMs)}`);
  node.serial--;
  let ses = 310;
  let progId = 812;
  for (;;) {
    const size = w.size;
    if (size >= bytes) break;
    node.tick(900);
    if (gapsAt.length > 0 && size >= gapsAt[0]) {
      gapsAt.shift();
      const n = 2 + Math.floor(r() * 9);
      node.serial += n; // records the kernel dropped (backlog) before auditd saw them
      node.stats.gaps++;
      node.stats.gapSerials += n;
    }
    const x = r();
    if (x < 0.67) {
      w.begin();
      seccompRecord(w, node, A);
      w.end();
      continue;
    }
    const y = r();
    if (y < 0.3) {
      // an exec audited by `-a always,exit -F arch=b64 -S execve -k exec`: runc, shims, probes
      const s = st();
      const pid = node.otherPid();
      const e = pick(r, EXECS);
      A.execSyscall(w, s, hexId(r, 12), hexId(r, 12), hexId(r, 12), pid - 1 - Math.floor(r() * 5), pid, e.comm, e.exe);
      A.execve(w, s, e.execve);
      A.cwdTask(w, s, pick(r, containers));
      A.path(w, s, 0, e.exe, 524000 + Math.floor(r() * 9000), '08:01', '0100755');
      A.path(w, s, 1, '/lib64/ld-linux-x86-64.so.2', 1100000 + Math.floor(r() * 900), '08:01', '0100755');
      A.title(w, s, e.title);
    } else if (y < 0.42) {
      // kube-proxy's iptables-restore: one NETFILTER_CFG per table, its SYSCALL and PROCTITLE
      const s = st();
      const pid = node.otherPid();
      const tables = 1 + Math.floor(r() * 3);
      for (let i = 0; i < tables; i++) A.netfilter(w, s, ['filter', 'nat', 'mangle'][i], 3 + Math.floor(r() * 40), 20 + Math.floor(r() * 90), pid);
      A.netfilterSyscall(w, s, hexId(r, 12), pid);
      A.title(w, s, '69707461626C65732D726573746F7265002D770035002D5700313030303030002D2D6E6F666C757368002D2D636F756E74657273');
    } else if (y < 0.6) {
      // a cron job's PAM session: six records, each its own serial
      const pid = node.otherPid();
      const s = ++ses;
      const CRON = '/usr/sbin/cron';
      A.pam(w, 'USER_ACCT', st(), pid, 4294967295, 4294967295, 'PAM:accounting', 'pam_permit', 'root', CRON, 'cron');
      A.pam(w, 'CRED_ACQ', st(), pid, 4294967295, 4294967295, 'PAM:setcred', 'pam_permit,pam_cap', 'root', CRON, 'cron');
      A.login(w, st(), pid, 0, s);
      A.pam(w, 'USER_START', st(), pid, 0, s, 'PAM:session_open', CRON_SESSION, 'root', CRON, 'cron');
      node.tick(4000);
      A.pam(w, 'CRED_DISP', st(), pid, 0, s, 'PAM:setcred', 'pam_permit,pam_cap', 'root', CRON, 'cron');
      A.pam(w, 'USER_END', st(), pid, 0, s, 'PAM:session_close', CRON_SESSION, 'root', CRON, 'cron');
    } else if (y < 0.64) {
      // an ssh login, and sudo
      const pid = node.otherPid();
      const s = ++ses;
      const addr = `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}`;
      A.userAuth(w, st(), pid, addr, addr);
      A.pam(w, 'USER_ACCT', st(), pid, 4294967295, 4294967295, 'PAM:accounting', 'pam_permit', 'deploy', '/usr/sbin/sshd', 'ssh');
      A.login(w, st(), pid, 1000, s);
      A.pam(w, 'USER_START', st(), pid, 1000, s, 'PAM:session_open', SSH_SESSION, 'deploy', '/usr/sbin/sshd', 'ssh');
      A.userLogin(w, st(), pid, s, addr);
      A.userCmd(w, st(), node.otherPid(), s);
    } else if (y < 0.74) {
      const unit = pick(r, UNITS);
      A.service(w, 'SERVICE_START', st(), unit);
      if (r() < 0.8) A.service(w, 'SERVICE_STOP', st(), unit);
    } else if (y < 0.88) {
      // systemd's cgroup BPF programs, loaded for each container scope
      const s = st();
      A.bpf(w, s, ++progId, 'LOAD');
      A.bpfSyscall(w, s, 14 + Math.floor(r() * 20), hexId(r, 8));
      A.title(w, s, '2F7362696E2F696E6974');
      if (progId > 830) A.bpf(w, st(), progId - 18, 'UNLOAD');
    } else if (y < 0.93) {
      const s = st();
      A.promisc(w, s, pick(r, vethes));
      A.promiscSyscall(w, s, hexId(r, 8), node.otherPid());
      A.title(w, s, '2F7573722F62696E2F636F6E7461696E657264');
    } else if (y < 0.995) {
      // an AppArmor denial of a seccomp-logged process, with its SYSCALL record (a call it never makes)
      const t = node.trapTarget();
      if (t === null) continue;
      const { proc, p, trap } = t;
      const s = st();
      const comm = auditString(proc.comm);
      A.avc(w, s, trap.op, proc.pid, comm, p.uid);
      A.avcSyscall(w, s, p.archHex, trap.nr, hexId(r, 12), proc.pid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, p.uid, comm, p.exeEnc, p.subj ? ` subj=${p.subj}` : '');
      A.cwdRoot(w, s);
      A.path(w, s, 0, '/proc/sys/kernel/core_pattern', 30000 + Math.floor(r() * 999), '00:17', '0100644');
      A.title(w, s, hex(p.exe));
    } else {
      A.configChange(w, st());
    }
  }
  w.close();
  const res = node.finish();
  res.stats.lines = w.lines;
  return res;
}
