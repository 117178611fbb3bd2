// Real parts for the end-to-end suite: runc bundles, the kernel log followed live
// (/dev/kmsg and `dmesg -W`), rsyslogd and auditd started here and stopped by pid.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the suite cannot run here, or null when it can. */
export function missingParts(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (runc, /dev/kmsg, auditd)';
  for (const cmd of ['runc', 'rsyslogd', 'auditd', 'auditctl', 'dmesg', 'gcc']) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd} (apt-get install -y runc rsyslog auditd busybox-static gcc)`;
  }
  if (!existsSync('/bin/busybox') && !existsSync('/usr/bin/busybox')) return 'needs busybox-static';
  // the suite starts its own log readers; ones already running would take the records from it
  const auditPid = /pid (\d+)/.exec(spawnSync('auditctl', ['-s'], { encoding: 'utf8' }).stdout)?.[1];
  if (auditPid && auditPid !== '0') return `an audit daemon already runs (pid ${auditPid}): the kernel hands it the records, not the kernel log`;
  const readers = spawnSync('pgrep', ['-x', 'rsyslogd|klogd|syslog-ng'], { encoding: 'utf8' }).stdout.trim();
  if (readers) return `a syslog daemon already reads the kernel log (pids ${readers.split('\n').join(', ')})`;
  return null;
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
  private out = '';
  constructor() {
    this.child = spawn('dmesg', ['-W'], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.out += d));
  }
  async stop(): Promise<string> {
    await sleep(200);
    this.child.kill('SIGTERM');
    await new Promise((r) => this.child.once('exit', r));
    return this.out;
  }
}

/** A real rsyslogd reading the kernel log (imklog), writing a traditional-format syslog file. */
export class Rsyslog {
  private readonly child: ChildProcess;
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
    await new Promise((r) => this.child.once('exit', r));
    return existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
  }
}

/** A real auditd: while it runs, the kernel hands it the audit records instead of printk. */
export class Auditd {
  private readonly child: ChildProcess;
  readonly file: string;
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
  }
  static async start(dir: string): Promise<Auditd> {
    const a = new Auditd(dir, auditEnabled());
    for (let i = 0; i < 50 && !(existsSync(a.file) && readFileSync(a.file, 'utf8').includes('DAEMON_START')); i++) await sleep(100);
    await sleep(300);
    return a;
  }
  async stop(): Promise<string> {
    await sleep(500);
    this.child.kill('SIGTERM');
    await new Promise((r) => this.child.once('exit', r));
    spawnSync('auditctl', ['-e', this.enabledBefore], { stdio: 'ignore' });
    return readFileSync(this.file, 'utf8');
  }
}

// ------------------------------------------------------------------ runc

export interface Profile {
  defaultAction: string;
  architectures?: string[];
  syscalls: Array<{ names: string[]; action: string }>;
}

export const AUDIT_PROFILE: Profile = { defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] };
/** The tutorial's violation.json: nothing allowed. */
export const VIOLATION_PROFILE: Profile = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] };

const BUSYBOX = existsSync('/bin/busybox') ? '/bin/busybox' : '/usr/bin/busybox';
const APPLETS = ['sh', 'ls', 'httpd', 'cat', 'sort', 'wc', 'true', 'echo', 'sleep', 'head', 'tr'];

export class Bundle {
  readonly dir: string;
  readonly rootfs: string;
  private base: Record<string, unknown>;
  private count = 0;

  /** A bundle with busybox at /bin; `hostDirs` are bind-mounted read-only (for dynamic programs). */
  constructor(name: string, readonly hostDirs: string[] = []) {
    this.dir = mkdtempSync(join(tmpdir(), `seccomp-learn-e2e-${name}-`));
    this.rootfs = join(this.dir, 'rootfs');
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
    spec.process.env = ['PATH=/bin:/usr/bin', 'HOME=/tmp'];
    spec.root = { path: 'rootfs', readonly: false };
    spec.mounts = [
      { destination: '/proc', type: 'proc', source: 'proc' },
      ...hostDirs.map((h) => ({ destination: h, type: 'bind', source: h, options: ['rbind', 'ro'] })),
    ];
    this.base = spec;
  }

  /** Copy a file of the host into the bundle's rootfs. */
  install(from: string, to: string): void {
    copyFileSync(from, join(this.rootfs, to));
    spawnSync('chmod', ['755', join(this.rootfs, to)]);
  }

  /** Write config.json for `args` under `profile` (null: no seccomp at all) and return a fresh container name. */
  configure(args: string[], profile: Profile | null): string {
    const spec = structuredClone(this.base) as { process: { args: string[] }; linux: Record<string, unknown> };
    spec.process.args = args;
    if (profile) spec.linux.seccomp = profile;
    else delete spec.linux.seccomp;
    writeFileSync(join(this.dir, 'config.json'), JSON.stringify(spec, null, 2));
    return `sl-${process.pid}-${++this.count}`;
  }

  /** Run to the end; the container's stdout, and its exit status (a signal as 128+N). */
  run(args: string[], profile: Profile | null, timeoutMs = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
    const name = this.configure(args, profile);
    return new Promise((done) => {
      const child = spawn('runc', ['run', name], { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => spawnSync('runc', ['kill', name, 'KILL']), timeoutMs);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        spawnSync('runc', ['delete', '-f', name], { stdio: 'ignore' });
        done({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr });
      });
    });
  }

  /** Start a long-running container (a server); returns how to stop it. */
  start(args: string[], profile: Profile | null): { stop: () => Promise<number | null>; exited: () => boolean } {
    const name = this.configure(args, profile);
    const child = spawn('runc', ['run', name], { cwd: this.dir, stdio: ['ignore', 'ignore', 'ignore'] });
    let exited = false;
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => ((exited = true), r(code))));
    return {
      exited: () => exited,
      stop: async () => {
        spawnSync('runc', ['kill', name, 'KILL'], { stdio: 'ignore' });
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        const code = await exit;
        clearTimeout(t);
        spawnSync('runc', ['delete', '-f', name], { stdio: 'ignore' });
        return code;
      },
    };
  }
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
