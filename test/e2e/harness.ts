// Real parts for the end-to-end suite: containers of four runtimes (runc, crun,
// podman, containerd's ctr with its own daemon), the kernel log followed live (/dev/kmsg and `dmesg -W`), rsyslogd and
// auditd started here and stopped by pid, and the cgroup change crun needs here.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI } from '../helpers.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the suite cannot run here, or null when it can. */
export function missingParts(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (runc, crun, podman, containerd, /dev/kmsg, auditd, mount)';
  for (const cmd of ['runc', 'crun', 'podman', 'conmon', 'containerd', 'ctr', 'rsyslogd', 'auditd', 'auditctl', 'dmesg', 'gcc', 'mount', 'umount']) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd} (apt-get install -y runc crun podman containerd rsyslog auditd busybox-static gcc)`;
  }
  if (!existsSync('/bin/busybox') && !existsSync('/usr/bin/busybox')) return 'needs busybox-static';
  return null;
}

/**
 * Who else takes the records this suite's readers need: an audit daemon (while one
 * is registered the kernel hands it the records instead of printk), or a reader of
 * /proc/kmsg (rsyslogd's imklog, klogd: each read there consumes what it reads).
 * `own`: the pids of this suite's own readers. Another engineer's suite, or the
 * fixture scripts, may run on this machine at the same time.
 */
export function logTakers(own: number[] = []): string | null {
  const auditPid = Number(/^pid (\d+)/m.exec(spawnSync('auditctl', ['-s'], { encoding: 'utf8' }).stdout)?.[1] ?? 0);
  if (auditPid && !own.includes(auditPid)) return `an audit daemon runs (pid ${auditPid}): the kernel hands it the records, not the kernel log`;
  const readers = spawnSync('pgrep', ['-x', 'rsyslogd|klogd|syslogd|syslog-ng'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => !own.includes(p));
  if (readers.length) return `a syslog daemon reads the kernel log (pids ${readers.join(', ')})`;
  return null;
}

/** Wait until no one else takes the records; what still does after `ms`, or null. */
export async function waitForLogTakers(ms: number): Promise<string | null> {
  let busy = logTakers();
  for (const end = Date.now() + ms; busy && Date.now() < end; busy = logTakers()) await sleep(1000);
  return busy;
}

// ------------------------------------------------------------------ kernel knobs

/** Turn the printk rate limit off; returns what puts it back. */
export function printkRateLimitOff(): () => void {
  const path = '/proc/sys/kernel/printk_ratelimit';
  const old = readFileSync(path, 'utf8').trim();
  writeFileSync(path, '0');
  return () => writeFileSync(path, old);
}

export function auditEnabled(): string {
  const r = spawnSync('auditctl', ['-s'], { encoding: 'utf8' });
  return /enabled (\d)/.exec(r.stdout)?.[1] ?? '0';
}

// ------------------------------------------------------------------ log sources

/** Follows /dev/kmsg from now on: each read returns one record, in the kernel's own format. */
export class KmsgFollower {
  private fd: number;
  private timer: NodeJS.Timeout;
  private readonly buf = Buffer.alloc(16384);
  readonly lines: string[] = [];

  constructor() {
    this.fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
    this.drain(false); // skip what is already in the buffer
    this.timer = setInterval(() => this.drain(true), 10);
  }

  private drain(keep: boolean): void {
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') return;
        if (code === 'EPIPE') continue; // records overwritten before we read them
        throw err;
      }
      if (n <= 0) return;
      if (keep) this.lines.push(this.buf.toString('utf8', 0, n).replace(/\n$/, ''));
    }
  }

  stop(): string {
    clearInterval(this.timer);
    this.drain(true);
    closeSync(this.fd);
    // a record's continuation lines (" SUBSYSTEM=...") belong to it
    return this.lines.join('\n') + '\n';
  }
}

/** `dmesg -W`: new kernel messages, in dmesg's format, as they come. */
export class DmesgFollower {
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  private out = '';
  constructor() {
    this.child = spawn('dmesg', ['-W'], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
  }
  async stop(): Promise<string> {
    await sleep(200);
    this.child.kill('SIGTERM');
    await this.exited;
    return this.out;
  }
}

/** A real rsyslogd reading the kernel log (imklog), writing a traditional-format syslog file. */
export class Rsyslog {
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  readonly file: string;
  private constructor(readonly dir: string) {
    this.file = join(dir, 'syslog');
    writeFileSync(
      join(dir, 'rsyslog.conf'),
      [
        `module(load="imuxsock" SysSock.Name="${join(dir, 'log.sock')}")`,
        'module(load="imklog")',
        `global(workDirectory="${dir}")`,
        `*.*;auth,authpriv.none action(type="omfile" file="${this.file}" template="RSYSLOG_TraditionalFileFormat")`,
      ].join('\n') + '\n',
    );
    this.child = spawn('rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: 'ignore' });
    this.exited = new Promise((r) => this.child.once('exit', r));
  }
  get pid(): number {
    return this.child.pid ?? 0;
  }
  static async start(dir: string): Promise<Rsyslog> {
    // rsyslog would replay what is still in the kernel's buffer
    spawnSync('timeout', ['0.3', 'cat', '/proc/kmsg'], { stdio: 'ignore' });
    const r = new Rsyslog(dir);
    await sleep(800);
    return r;
  }
  async stop(): Promise<string> {
    await sleep(500);
    this.child.kill('SIGTERM');
    await this.exited;
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
  }
}

/** A real auditd: while it runs, the kernel hands it the audit records instead of printk. */
export class Auditd {
  private readonly child: ChildProcess;
  private readonly exited: Promise<unknown>;
  readonly file: string;
  /** The kernel handed the records to this auditd: it registered (another one may have been first). */
  ours = false;
  private constructor(readonly dir: string, private readonly enabledBefore: string) {
    this.file = join(dir, 'audit.log');
    mkdirSync(join(dir, 'plugins.d'), { recursive: true });
    writeFileSync(
      join(dir, 'auditd.conf'),
      [
        `log_file = ${this.file}`,
        'log_format = RAW',
        'log_group = root',
        'flush = INCREMENTAL_ASYNC',
        'freq = 20',
        'max_log_file = 100',
        'max_log_file_action = IGNORE',
        'space_left = 2',
        'space_left_action = IGNORE',
        'admin_space_left = 1',
        'admin_space_left_action = IGNORE',
        'disk_full_action = IGNORE',
        'disk_error_action = IGNORE',
        `plugin_dir = ${join(dir, 'plugins.d')}`,
      ].join('\n') + '\n',
    );
    this.child = spawn('auditd', ['-n', '-c', dir], { stdio: 'ignore' });
    this.exited = new Promise((r) => this.child.once('exit', r));
  }
  static async start(dir: string): Promise<Auditd> {
    const a = new Auditd(dir, auditEnabled());
    for (let i = 0; i < 50 && !(existsSync(a.file) && readFileSync(a.file, 'utf8').includes('DAEMON_START')); i++) await sleep(100);
    await sleep(300);
    a.ours = a.registered();
    return a;
  }
  /** Whether the kernel hands the records to this auditd (not to another one that registered first). */
  registered(): boolean {
    return /^pid (\d+)/m.exec(spawnSync('auditctl', ['-s'], { encoding: 'utf8' }).stdout)?.[1] === String(this.child.pid);
  }
  async stop(): Promise<string> {
    await sleep(500);
    this.child.kill('SIGTERM');
    await this.exited;
    // auditd set enabled=1 when it registered; one that did not register changed nothing
    if (this.ours) spawnSync('auditctl', ['-e', this.enabledBefore], { stdio: 'ignore' });
    return readFileSync(this.file, 'utf8');
  }
}

// ------------------------------------------------------------------ runtimes

export const RUNTIMES = ['runc', 'crun', 'podman', 'containerd'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/**
 * How each runtime's own init shows in the records made under the container's
 * filter: the workload's pid, before it execs the workload, exe "/" (its binary
 * is not reachable from the container's root). Seen here: runc 1.1.5 logs
 * `comm="runc:[2:INIT]"` (the Go init: close, futex, execve, ...); crun 1.8.1 logs
 * `comm="crun"`, run directly only `close` and `execve`, because with the spec's
 * noNewPrivileges it loads the filter last; under podman 4.3.1 (which leaves
 * no_new_privileges off) crun loads the filter before it drops privileges and
 * its init makes about a hundred calls: prctl (PR_CAPBSET_DROP, 31 times),
 * setresgid, setresuid, capset, 62 rt_sigaction, pselect6, read, ...
 * containerd 1.6.20 (`ctr run`) runs runc: its init is runc's, and with the
 * default spec's noNewPrivileges it loads the filter last, as runc run directly.
 */
export const RUNTIME_INIT: Record<Runtime, { comm: string; exe: string }> = {
  runc: { comm: 'runc:[2:INIT]', exe: '/' },
  crun: { comm: 'crun', exe: '/' },
  podman: { comm: 'crun', exe: '/' },
  containerd: { comm: 'runc:[2:INIT]', exe: '/' },
};

export interface Profile {
  defaultAction: string;
  architectures?: string[];
  syscalls: Array<{ names: string[]; action: string }>;
}

/** What a container runs under: a profile, a profile file (as written by seccomp-learn), or no seccomp at all. */
export type Seccomp = Profile | { file: string } | null;

/** The names a profile allows (its SCMP_ACT_ALLOW rules). */
export const allowed = (p: Profile): string[] => p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names);

interface Event {
  pid: number;
  comm: string | null;
  exe: string | null;
  syscall: string | null;
}

/** The seccomp records of a log, as `seccomp-learn parse` reads them. */
export function events(log: string): Event[] {
  const r = spawnSync(process.execPath, [CLI, 'parse', log], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`parse ${log}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
}

/** The calls the runtime's init made (its comm, exe "/"), per pid, from a recording. */
export function initCalls(rt: Runtime, log: string): Map<number, Set<string>> {
  const init = RUNTIME_INIT[rt];
  const byPid = new Map<number, Set<string>>();
  for (const e of events(log)) {
    if (e.comm !== init.comm || e.exe !== init.exe) continue;
    if (!byPid.has(e.pid)) byPid.set(e.pid, new Set());
    byPid.get(e.pid)!.add(e.syscall ?? '?');
  }
  return byPid;
}

export const AUDIT_PROFILE: Profile = { defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] };
/** The tutorial's violation.json: nothing allowed. */
export const VIOLATION_PROFILE: Profile = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] };

const BUSYBOX = existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox';
const APPLETS = ['sh', 'ls', 'httpd', 'cat', 'sort', 'wc', 'true', 'echo', 'sleep', 'head', 'tr'];
const ENV = ['PATH=/bin:/usr/bin', 'HOME=/tmp'];

/**
 * A container of one runtime: busybox at /bin in a rootfs of its own, and the
 * runtime's state in the bundle's directory too (`--root` for runc and crun;
 * `--root`, `--runroot` and `--tmpdir` for podman), so that nothing of it is
 * left on the machine once the bundle is removed, and another engineer's suite
 * running at the same time never sees these containers.
 *
 * runc and crun run the bundle's config.json. podman makes its own spec from its
 * options, the way a user runs it with no image registry:
 *
 *   podman --cgroup-manager=cgroupfs --events-backend=file run --rm --network=host \
 *     --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --security-opt seccomp=PROFILE --rootfs DIR CMD...
 *
 * (the suite adds its own state directories, a container name and --log-driver=passthrough).
 *
 * What podman needs on this VM (no systemd, no journald, hybrid cgroups), seen here:
 * - the ulimits: podman's defaults (nofile 1048576) exceed this VM's hard limits and
 *   crun fails with "setrlimit `RLIMIT_NOFILE`: Operation not permitted";
 * - `--cgroup-manager=cgroupfs` and `--events-backend=file`: there is no systemd or
 *   journald (podman 4.3.1 falls back to cgroupfs by itself; the flags say so);
 * - crun's cgroup fix (cgroupsForCrun below): podman runs crun, which refuses the
 *   hybrid layout exactly as when run directly;
 * - the cgroupfs manager leaves `libpod_parent/` (and `libpod_parent/conmon/`,
 *   conmon's cgroup) in every hierarchy, even when crun fails: cgroupsForCrun
 *   removes them, or the hugetlb hierarchy outlives its umount;
 * - podman refuses a runroot longer than 50 characters (hence the short state paths);
 * - its overlay storage bind-mounts `ROOT/overlay` onto itself, and a podman that exits
 *   with an error (crun refused to start the container) leaves that mount behind until
 *   the next podman command with the same root: remove() unmounts it;
 * - `--log-driver=passthrough` (the container's stdout and stderr are podman's, as with
 *   runc and crun here), for the suite only: once in about 2,000 starts under load the
 *   default (conmon copies the output to a log and to podman through its attach
 *   socket) gave exit 0 and no output at all; crun's init makes the same calls either way;
 * - nothing else: no image, registry, network backend (host network), fuse-overlayfs,
 *   slirp4netns or catatonit; conmon (a dependency of podman) exits with the container.
 * podman writes /etc (hostname, hosts, resolv.conf, mtab), /run and /sys into the
 * rootfs on its first run, so `ls /` differs from runc's: each runtime's runs are
 * compared with that runtime's own unconfined run, each in its own bundle.
 */
export class Bundle {
  readonly dir: string;
  readonly rootfs: string;
  private readonly state: string;
  private base: Record<string, unknown>;
  private count = 0;
  /** What the runtime (or the workload) said on stderr in the last run: for a failure's message. */
  lastStderr = '';

  /**
   * `hostDirs` are bind-mounted read-only (for dynamic programs); `containerd`: the
   * daemon whose `ctr` runs this bundle's containers (runtime 'containerd' only).
   */
  constructor(
    name: string,
    readonly runtime: Runtime,
    readonly hostDirs: string[] = [],
    private readonly containerd?: Containerd,
  ) {
    if (runtime === 'containerd' && !containerd) throw new Error('a containerd bundle needs the containerd daemon it runs under');
    this.dir = mkdtempSync(join(tmpdir(), `sl-e2e-${runtime}-${name}-`));
    this.rootfs = join(this.dir, 'rootfs');
    this.state = join(this.dir, 's');
    mkdirSync(this.state);
    // podman refuses a runroot longer than 50 characters
    if (runtime === 'podman' && join(this.state, 'run').length > 50) throw new Error(`podman's runroot would be longer than 50 characters: ${join(this.state, 'run')} (set TMPDIR to a shorter directory)`);
    for (const d of ['bin', 'proc', 'tmp', 'www', 'dev', ...hostDirs.map((h) => h.slice(1))]) mkdirSync(join(this.rootfs, d), { recursive: true });
    copyFileSync(BUSYBOX, join(this.rootfs, 'bin/busybox'));
    spawnSync('chmod', ['755', join(this.rootfs, 'bin/busybox')]);
    for (const a of APPLETS) symlinkSync('busybox', join(this.rootfs, 'bin', a));
    writeFileSync(join(this.rootfs, 'www/index.html'), 'just made some syscalls!\n');
    const r = spawnSync('runc', ['spec'], { cwd: this.dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`runc spec: ${r.stderr}`);
    const spec = JSON.parse(readFileSync(join(this.dir, 'config.json'), 'utf8'));
    // what this machine needs (no UTS namespace, no cgroup limits, no sysfs), and the host's network
    delete spec.hostname;
    spec.linux.resources = {};
    spec.linux.namespaces = spec.linux.namespaces.filter((n: { type: string }) => n.type !== 'network' && n.type !== 'uts');
    delete spec.linux.maskedPaths;
    delete spec.linux.readonlyPaths;
    spec.process.terminal = false;
    spec.process.env = ENV;
    spec.root = { path: 'rootfs', readonly: false };
    spec.mounts = [
      { destination: '/proc', type: 'proc', source: 'proc' },
      ...hostDirs.map((h) => ({ destination: h, type: 'bind', source: h, options: ['rbind', 'ro'] })),
    ];
    this.base = spec;
  }

  /**
   * Give the container more capabilities than runc's sample spec (audit_write, kill,
   * net_bind_service), as a server needs that starts as root and drops to its own user
   * (chown, setgid, setuid): runc and crun get them in the spec, podman (whose defaults
   * hold most) and ctr as `--cap-add`. `caps`: `CAP_*` names.
   */
  grant(caps: string[]): void {
    const c = (this.base as { process: { capabilities: Record<string, string[]> } }).process.capabilities;
    for (const set of ['bounding', 'effective', 'permitted']) c[set] = [...new Set([...(c[set] ?? []), ...caps])];
    this.capAdd = [...new Set([...this.capAdd, ...caps])];
  }
  private capAdd: string[] = [];

  /** Copy a file of the host into the bundle's rootfs. */
  install(from: string, to: string): void {
    copyFileSync(from, join(this.rootfs, to));
    spawnSync('chmod', ['755', join(this.rootfs, to)]);
  }

  /** podman with this bundle's state and this VM's settings. */
  private podman(...args: string[]): string[] {
    const s = this.state;
    return ['--root', join(s, 'root'), '--runroot', join(s, 'run'), '--tmpdir', join(s, 'tmp'), '--cgroup-manager=cgroupfs', '--events-backend=file', ...args];
  }

  /** The program that runs this bundle's containers. */
  private get command(): string {
    return this.runtime === 'containerd' ? 'ctr' : this.runtime;
  }

  /** A profile as a file (podman and ctr read a path), or the path given. */
  private profileFile(name: string, seccomp: Profile | { file: string }): string {
    if ('file' in seccomp) return seccomp.file;
    const file = join(this.dir, `${name}.seccomp.json`);
    writeFileSync(file, JSON.stringify(seccomp, null, 2));
    return file;
  }

  /** The runtime's command line that runs `args` under `seccomp` in a new container `name`. */
  private runArgs(name: string, args: string[], seccomp: Seccomp): string[] {
    if (this.runtime === 'containerd') {
      // the loader the CRI plugin uses for a localhostProfile (contrib/seccomp WithProfile);
      // ctr wants --seccomp (the default profile) with --seccomp-profile, which replaces it
      return this.containerd!.ctr(
        'run', '--rm', '--net-host', ...ENV.flatMap((e) => ['--env', e]), ...this.capAdd.flatMap((c) => ['--cap-add', c]),
        ...this.hostDirs.flatMap((h) => ['--mount', `type=bind,src=${h},dst=${h},options=rbind:ro`]),
        ...(seccomp ? ['--seccomp', '--seccomp-profile', this.profileFile(name, seccomp)] : []),
        '--rootfs', this.rootfs, name, ...args,
      );
    }
    if (this.runtime === 'podman') {
      const opt = seccomp ? this.profileFile(name, seccomp) : 'unconfined';
      return this.podman(
        'run', '--rm', '--name', name, '--network=host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024', '--log-driver=passthrough',
        ...this.capAdd.flatMap((c) => ['--cap-add', c]),
        '--security-opt', `seccomp=${opt}`, ...ENV.flatMap((e) => ['--env', e]), ...this.hostDirs.flatMap((h) => ['--volume', `${h}:${h}:ro`]),
        '--rootfs', this.rootfs, ...args,
      );
    }
    const spec = structuredClone(this.base) as { process: { args: string[] }; linux: Record<string, unknown> };
    spec.process.args = args;
    if (seccomp && 'file' in seccomp) spec.linux.seccomp = JSON.parse(readFileSync(seccomp.file, 'utf8'));
    else if (seccomp) spec.linux.seccomp = seccomp;
    else delete spec.linux.seccomp;
    writeFileSync(join(this.dir, 'config.json'), JSON.stringify(spec, null, 2));
    return ['--root', this.state, 'run', '--bundle', this.dir, name];
  }

  private kill(name: string): void {
    const args =
      this.runtime === 'podman' ? this.podman('kill', '--signal', 'KILL', name)
      : this.runtime === 'containerd' ? this.containerd!.ctr('task', 'kill', '--signal', 'SIGKILL', name)
      : ['--root', this.state, 'kill', name, 'KILL'];
    spawnSync(this.command, args, { stdio: 'ignore' });
  }

  private delete(name: string): void {
    if (this.runtime === 'containerd') {
      spawnSync('ctr', this.containerd!.ctr('task', 'delete', '--force', name), { stdio: 'ignore' });
      spawnSync('ctr', this.containerd!.ctr('container', 'delete', name), { stdio: 'ignore' });
      return;
    }
    const args = this.runtime === 'podman' ? this.podman('rm', '--force', '--ignore', name) : ['--root', this.state, 'delete', '-f', name];
    spawnSync(this.runtime, args, { stdio: 'ignore' });
  }

  private spawn(args: string[], seccomp: Seccomp, stdio: 'pipe' | 'ignore'): { name: string; child: ChildProcess } {
    const name = `sl-${process.pid}-${++this.count}`;
    const child = spawn(this.command, this.runArgs(name, args, seccomp), { cwd: this.dir, stdio: ['ignore', stdio, stdio] });
    return { name, child };
  }

  /** Run to the end; the container's stdout, and its exit status (a signal as 128+N). */
  run(args: string[], seccomp: Seccomp, timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
    const { name, child } = this.spawn(args, seccomp, 'pipe');
    return new Promise((done) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => this.kill(name), timeoutMs);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.delete(name);
        this.lastStderr = stderr;
        done({ code: code ?? 128 + (signal ? osConstants.signals[signal] : 0), stdout, stderr });
      });
    });
  }

  /**
   * Start a long-running container (a server); returns how to stop it, and `pid()`: the
   * host's pid of the container's first process (to signal a server, as `kill -HUP` does),
   * or 0 while the runtime does not know it yet.
   */
  start(args: string[], seccomp: Seccomp): { stop: () => Promise<number | null>; exited: () => boolean; pid: () => number } {
    const { name, child } = this.spawn(args, seccomp, 'ignore');
    let exited = false;
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => ((exited = true), r(code))));
    return {
      exited: () => exited,
      pid: () => this.pid(name),
      stop: async () => {
        this.kill(name);
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        const code = await exit;
        clearTimeout(t);
        this.delete(name);
        return code;
      },
    };
  }

  /** The host's pid of a running container's first process; 0 when the runtime does not know it (yet). */
  private pid(name: string): number {
    if (this.runtime === 'containerd') {
      const out = spawnSync('ctr', this.containerd!.ctr('task', 'list'), { encoding: 'utf8' }).stdout ?? '';
      const row = out.split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f[0] === name);
      return Number(row?.[1] ?? 0) || 0;
    }
    const args = this.runtime === 'podman' ? this.podman('inspect', '--format', '{{.State.Pid}}', name) : ['--root', this.state, 'state', name];
    const r = spawnSync(this.runtime, args, { encoding: 'utf8' });
    if (r.status !== 0) return 0;
    if (this.runtime === 'podman') return Number(r.stdout.trim()) || 0;
    try {
      return Number((JSON.parse(r.stdout) as { pid?: number }).pid ?? 0);
    } catch {
      return 0;
    }
  }

  /** The containers the runtime still knows in this bundle's state (none once each was deleted). */
  leftovers(): string[] {
    const args =
      this.runtime === 'podman' ? this.podman('ps', '--all', '--format', '{{.Names}}')
      : this.runtime === 'containerd' ? this.containerd!.ctr('container', 'list', '--quiet')
      : ['--root', this.state, 'list', '--quiet'];
    const r = spawnSync(this.command, args, { encoding: 'utf8' });
    if (r.status !== 0) return [`${this.runtime} could not list its containers: ${r.stderr.trim()}`];
    return r.stdout.split('\n').filter(Boolean);
  }

  /** Remove the bundle (rootfs, state, logs, profiles); what was left behind, if anything. */
  remove(): string[] {
    const left = this.leftovers().map((n) => `${this.runtime} container ${n} was not deleted`);
    // podman's overlay storage bind-mounts its directory (here s/root/overlay) onto itself, and a podman
    // that exits with an error (crun refused to start the container) leaves that mount behind
    const within = (dir: string) => mounts().filter((m) => m.point === dir || m.point.startsWith(`${dir}/`));
    for (const m of within(this.state).reverse()) spawnSync('umount', [m.point], { stdio: 'ignore' });
    // never remove files through a mount that is still there (a host directory bound into the rootfs)
    const mounted = within(this.dir);
    if (mounted.length) return [...left, `still mounted, not removed: ${mounted.map((m) => m.point).join(', ')}`];
    rmSync(this.dir, { recursive: true, force: true });
    return left;
  }
}

// ------------------------------------------------------------------ containerd

/**
 * A containerd of the suite's own: its root, state and socket in a directory of
 * its own, the CRI plugin off (it would look for a CNI network), started from
 * its binary and stopped by pid, with every shim it started. Kubernetes nodes
 * (kind, the tutorial's cluster, too) load a `localhostProfile` through
 * containerd's own loader; `ctr run --seccomp-profile` uses that loader.
 */
export class Containerd {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly child: ChildProcess,
  ) {}

  /** `ctr` arguments that talk to this daemon, in the suite's namespace. */
  ctr(...args: string[]): string[] {
    return ['--address', this.socket, '--namespace', 'seccomp-learn', ...args];
  }

  static async start(): Promise<Containerd> {
    // a unix socket's path may not pass 107 bytes: a short directory
    const dir = mkdtempSync('/tmp/sl-ctr-');
    const socket = join(dir, 'c.sock');
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      [
        'version = 2',
        `root = "${join(dir, 'root')}"`,
        `state = "${join(dir, 'state')}"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${socket}"`,
        '[ttrpc]',
        `  address = "${socket}.ttrpc"`,
        '',
      ].join('\n'),
    );
    const log = openSync(join(dir, 'containerd.log'), 'w');
    const child = spawn('containerd', ['--config', config], { stdio: ['ignore', log, log] });
    closeSync(log);
    const d = new Containerd(dir, socket, child);
    for (const end = Date.now() + 20_000; Date.now() < end; await sleep(200)) {
      if (child.exitCode !== null) break;
      if (spawnSync('ctr', d.ctr('version'), { stdio: 'ignore' }).status === 0) return d;
    }
    await d.stop();
    throw new Error(`containerd did not answer on ${socket}: ${readFileSync(join(dir, 'containerd.log'), 'utf8').slice(-2000)}`);
  }

  /** Stop the daemon and its shims; what was left behind (containers, mounts), if anything. */
  async stop(): Promise<string[]> {
    const left = spawnSync('ctr', this.ctr('container', 'list', '--quiet'), { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean).map((n) => `containerd container ${n} was not deleted`) ?? [];
    const exited = new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.on('exit', () => r())));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
    // a shim outlives its daemon by design: those started with this socket are ours
    spawnSync('pkill', ['-KILL', '-f', `containerd-shim.*${this.socket}`], { stdio: 'ignore' });
    // runc put each container's cgroup under one named after the namespace, in every
    // hierarchy, and leaves that parent behind (a v1 hierarchy with a cgroup in it
    // never goes back to cgroup v2: cgroupsForCrun's put-back would fail)
    for (const m of cgroupMounts()) removeCgroup(join(m.point, 'seccomp-learn'), left);
    const within = () => mounts().filter((m) => m.point.startsWith(`${this.dir}/`));
    for (const m of within().reverse()) spawnSync('umount', [m.point], { stdio: 'ignore' });
    const mounted = within();
    if (mounted.length) return [...left, `still mounted, not removed: ${mounted.map((m) => m.point).join(', ')}`];
    rmSync(this.dir, { recursive: true, force: true });
    return left;
  }
}

// ------------------------------------------------------------------ cgroups for crun

interface Mount {
  point: string;
  type: string;
  options: string[];
}

/** The mounts this process sees (/proc/self/mounts, octal escapes decoded). */
function mounts(): Mount[] {
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' '))
    .map(([, point, type, options]) => ({ point: unescape(point), type, options: options.split(',') }));
}

const cgroupMounts = () => mounts().filter((m) => m.type === 'cgroup' || m.type === 'cgroup2');

function v2Controllers(): string[] {
  const v2 = cgroupMounts().find((m) => m.type === 'cgroup2');
  return v2 ? readFileSync(join(v2.point, 'cgroup.controllers'), 'utf8').split(/\s+/).filter(Boolean) : [];
}

/** /proc/cgroups: the controller's hierarchy (0: cgroup v2) and how many cgroups it has. */
function controllerState(name: string): { hierarchy: number; cgroups: number } {
  const row = readFileSync('/proc/cgroups', 'utf8').split('\n').map((l) => l.split('\t')).find((f) => f[0] === name);
  return { hierarchy: Number(row?.[1] ?? 0), cgroups: Number(row?.[2] ?? 0) };
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; !pred(); await sleep(50)) if (Date.now() > end) return false;
  return true;
}

/** rmdir a cgroup and its children, deepest first; what could not be removed. */
function removeCgroup(dir: string, problems: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroup(join(dir, e.name), problems);
  try {
    rmdirSync(dir);
  } catch (err) {
    problems.push(`could not remove the cgroup ${dir}: ${(err as Error).message}`);
  }
}

/**
 * crun (1.8.1) refuses a hybrid cgroup layout (v1 controllers plus a v2 hierarchy)
 * while the v2 hierarchy still offers a controller: "cgroups in hybrid mode not
 * supported, drop all controllers from cgroupv2", even with
 * `--cgroup-manager=disabled`. On this VM the one controller v2 offers is hugetlb;
 * mounting it as a v1 hierarchy takes it from v2 and crun runs (runc does not mind
 * either way):
 *
 *   mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
 *
 * Only what is needed is done (nothing when v2 offers no controller, or there is no
 * v1 hierarchy), and the returned function puts back exactly that, and checks it:
 * - podman's cgroupfs manager leaves `libpod_parent/` (and `libpod_parent/conmon/`)
 *   in every hierarchy, hugetlb's included; those that were not there before are
 *   removed (rmdir, deepest first);
 * - a v1 hierarchy that still has child cgroups outlives its umount, and keeps the
 *   controller from v2 (seen here: /proc/cgroups still gave hugetlb a hierarchy,
 *   and v2's cgroup.controllers stayed empty). Removed cgroups are released a little
 *   later, so this waits until the hierarchy has only its root before the umount;
 *   and if the controller still has not come back to v2, the orphaned hierarchy is
 *   mounted once more, now empty, and unmounted, which destroys it;
 * - the mount point is removed if this made it.
 * It returns what it could not put back (the caller fails with it).
 */
export function cgroupsForCrun(): () => Promise<string[]> {
  const all = cgroupMounts();
  const v1 = all.filter((m) => m.type === 'cgroup');
  const taken: Array<{ controller: string; point: string; made: boolean }> = [];
  if (v1.length && all.some((m) => m.type === 'cgroup2')) {
    const parent = dirname(v1[0].point);
    for (const controller of v2Controllers()) {
      const point = join(parent, controller);
      const made = !existsSync(point);
      mkdirSync(point, { recursive: true });
      const r = spawnSync('mount', ['-t', 'cgroup', '-o', controller, 'cgroup', point], { encoding: 'utf8' });
      if (r.status !== 0) {
        if (made) rmdirSync(point);
        // put back the ones already taken (none here: this VM's v2 offers hugetlb alone)
        for (const t of taken.reverse()) {
          spawnSync('umount', [t.point]);
          if (t.made) rmdirSync(t.point);
        }
        throw new Error(`crun needs cgroup v2 to offer no controller; mounting ${controller} as cgroup v1 failed: ${r.stderr.trim()}`);
      }
      taken.push({ controller, point, made });
    }
  }
  const hadLibpod = new Set(cgroupMounts().filter((m) => existsSync(join(m.point, 'libpod_parent'))).map((m) => m.point));

  return async () => {
    const problems: string[] = [];
    for (const m of cgroupMounts()) if (!hadLibpod.has(m.point)) removeCgroup(join(m.point, 'libpod_parent'), problems);
    for (const t of taken.reverse()) {
      await until(() => controllerState(t.controller).cgroups <= 1, 5000);
      const r = spawnSync('umount', [t.point], { encoding: 'utf8' });
      if (r.status !== 0) problems.push(`umount ${t.point}: ${r.stderr.trim()}`);
      if (!(await until(() => v2Controllers().includes(t.controller), 1000)) && controllerState(t.controller).cgroups <= 1) {
        // the hierarchy outlived the umount: mount it again, now with only its root, and let it go
        spawnSync('mount', ['-t', 'cgroup', '-o', t.controller, 'cgroup', t.point]);
        spawnSync('umount', [t.point]);
        await until(() => v2Controllers().includes(t.controller), 2000);
      }
      if (t.made) rmdirSync(t.point);
      if (!v2Controllers().includes(t.controller))
        problems.push(`the ${t.controller} controller did not come back to cgroup v2 (/proc/cgroups: ${JSON.stringify(controllerState(t.controller))})`);
    }
    return problems;
  };
}

/** GET http://127.0.0.1:port/path, with a deadline; the body, or an error string. */
export async function httpGet(port: number, path = '/index.html', deadlineMs = 3000): Promise<string> {
  const until = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
      return `${res.status} ${await res.text()}`;
    } catch (err) {
      last = `unreachable (${(err as Error).message})`;
      await sleep(50);
    }
  }
  return last;
}
