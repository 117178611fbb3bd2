// Issue 21 on real servers: Debian's nginx and redis-server, each in a container whose
// root file system holds what an image would (the server's binary, its libraries where
// the loader finds them, its configuration), under runc, crun and podman.
//
// Each server is recorded by auditd under the audit profile while it serves a plain
// load (load 1: `ab` against nginx, `redis-benchmark -t set,get` against redis), and
// the minimal profile is learned from that recording, selected by the executable as an
// operator would (`--exe`: nginx's master and workers, and redis's main thread, its
// save child and its threads, which name themselves bio_close_file, bio_aof_fsync,
// bio_lazy_free and jemalloc_bg_thd, all share it, where --comm would need each name,
// and a thread added in a later version would be missed). Then load 2
// exercises other paths of the same server: nginx's keep-alive, a large file, a 404,
// the logs reopened (SIGUSR1, after a rotation) and a reload (SIGHUP); redis's large
// value, BGSAVE, CONFIG SET appendonly yes (a rewrite of the append-only file),
// BGREWRITEAOF, SAVE and an error reply. The test asserts that:
// - load 2 fails under the minimal profile of load 1, in the named way (the problem is real);
// - every call load 2 made (recorded by auditd too) that the minimal profile lacks is in
//   `report --root`'s `unexercised` list of the load-1 recording (recall 100%);
// - the profile learned from load 1 with `--root --include-unexercised` runs load 2
//   with no failure.
// The sizes (minimal names, unexercised names, what load 2 needed) are printed.
//
// Needs root, runc, crun, podman, auditd, nginx, redis-server, redis-tools and
// apache2-utils (ab). Outside CI it skips with the reason; in CI it fails if a part is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, IN_CI } from '../helpers.js';
import { allowed, AUDIT_PROFILE, Auditd, Bundle, cgroupsForCrun, logTakers, missingParts, sleep, waitForLogTakers, type Profile, type Runtime, type Seccomp } from './harness.js';
import { PORT } from './workloads.js';

function missing(): string | null {
  const parts = missingParts();
  if (parts) return parts;
  for (const [cmd, pkg] of [['nginx', 'nginx'], ['redis-server', 'redis-server'], ['redis-cli', 'redis-tools'], ['redis-benchmark', 'redis-tools'], ['ab', 'apache2-utils'], ['ldd', 'libc-bin']]) {
    if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd} (apt-get install -y ${pkg})`;
  }
  return null;
}
const why = missing();
if (why && !IN_CI) console.warn(`skipping the servers end-to-end test: ${why}`);

const RUNS: Runtime[] = ['runc', 'crun', 'podman'];
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });

// ------------------------------------------------------------------ a root file system from the host's packages

/**
 * Copy a host file into `rootfs` at the same path, as its package put it there: each
 * symbolic link on the way (merged /usr's `/lib -> usr/lib`, a library's soname link, the
 * loader's `/lib64/ld-linux-x86-64.so.2`) is made again inside, with its own target.
 * Files are only ever written under directories made here, never through a link.
 */
function copyIn(rootfs: string, path: string, depth = 0): void {
  if (depth > 20) throw new Error(`too many symbolic links: ${path}`);
  const parts = path.split('/').filter(Boolean);
  let cur = '/';
  for (let i = 0; i < parts.length; i++) {
    const next = join(cur, parts[i]);
    const st = lstatSync(next);
    const inside = join(rootfs, next);
    if (st.isSymbolicLink()) {
      const target = readlinkSync(next);
      if (!existsSync(inside) && !isLink(inside)) symlinkSync(target, inside);
      return copyIn(rootfs, join(resolve(cur, target), ...parts.slice(i + 1)), depth + 1);
    }
    if (st.isDirectory()) {
      if (!existsSync(inside)) mkdirSync(inside);
    } else {
      copyFileSync(next, inside);
      chmodSync(inside, st.mode & 0o7777);
    }
    cur = next;
  }
}
function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A program with the libraries `ldd` resolves for it and its loader, copied in at their paths. */
function copyProgram(rootfs: string, program: string): void {
  copyIn(rootfs, program);
  const r = spawnSync('ldd', [program], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ldd ${program}: ${r.stderr}`);
  for (const m of r.stdout.matchAll(/(?:=> )?(\/\S+) \(0x/g)) copyIn(rootfs, m[1]);
}

function write(rootfs: string, path: string, text: string | Buffer): void {
  mkdirSync(dirname(join(rootfs, path)), { recursive: true });
  writeFileSync(join(rootfs, path), text);
}

// ------------------------------------------------------------------ small clients

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), done(true)));
    s.once('error', () => done(false));
  });
}

async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; ; await sleep(100)) {
    if (await pred()) return true;
    if (Date.now() > end) return false;
  }
}

/**
 * GET once on a connection of its own (no keep-alive pool: after a reload the old
 * workers close their idle connections, and a pooled one would fail): status and body
 * bytes, or the error.
 */
function get(port: number, path: string): Promise<{ status: number; body: Buffer; error?: string }> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', (err) => done({ status: 0, body: Buffer.alloc(0), error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', (err) => done({ status: 0, body: Buffer.alloc(0), error: err.message }));
    req.end();
  });
}

/** `ab`'s figures: complete, failed, non-2xx and keep-alive requests; the failures as sentences. */
function ab(url: string, n: number, keepAlive: boolean): string[] {
  const r = spawnSync('ab', ['-q', '-n', String(n), '-c', '4', '-s', '10', ...(keepAlive ? ['-k'] : []), url], { encoding: 'utf8', timeout: 60_000 });
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(r.stdout)?.[1] ?? -1);
  const failures: string[] = [];
  if (r.status !== 0) failures.push(`ab ${keepAlive ? '-k ' : ''}exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-1)[0]}`);
  else {
    if (field('Complete requests') !== n) failures.push(`ab: ${field('Complete requests')} of ${n} requests complete`);
    if (field('Failed requests') !== 0) failures.push(`ab: ${field('Failed requests')} failed requests`);
    if (/^Non-2xx responses:/m.test(r.stdout)) failures.push(`ab: ${/^Non-2xx responses:\s+(\d+)/m.exec(r.stdout)![1]} non-2xx responses`);
    if (keepAlive && field('Keep-Alive requests') !== n) failures.push(`ab -k: ${field('Keep-Alive requests')} of ${n} requests kept alive`);
  }
  return failures;
}

/** The pids whose parent is `pid` (an nginx master's workers). */
function children(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out.sort((a, b) => a - b);
}

/** Send a signal; false when the process is gone. */
function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
/** How a process ended, as far as the host can still see it. */
const describeExit = (pid: number) => (existsSync(`/proc/${pid}`) ? 'a zombie' : 'gone');
function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
const tail = (file: string, lines = 3) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join(' | ') : `${file} missing`);

// ------------------------------------------------------------------ the servers

interface Server {
  name: string;
  /** seccomp-learn's selection, as an operator types it (see the top of this file). */
  select: string[];
  /** Names load 2's processes and threads give themselves, all taken by the selection. */
  comms: string[];
  port: number;
  /** Make the container's root file system. */
  build: (rootfs: string) => void;
  /** Put its data and logs back as they were before the first run: each run starts the same. */
  reset: (rootfs: string) => void;
  args: string[];
  ready: (port: number) => Promise<boolean>;
  /** The loads; each returns its failures, [] when it ran as it should. `pid`: the server's first process on the host. */
  load1: (port: number) => Promise<string[]>;
  load2: (port: number, rootfs: string, pid: number) => Promise<string[]>;
  /** How load 2 fails under the minimal profile of load 1 under a runtime, in the server's own words: what the test asserts (each must match). */
  breaks: (rt: Runtime) => RegExp[];
}

const BIG = Buffer.alloc(8 << 20);
for (let i = 0; i < BIG.length; i += 4) BIG.writeUInt32LE((Math.imul(i, 2654435761) ^ 0x5eed) >>> 0, i);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const NGINX_CONF = (port: number) => `# as an image holds it: a master and two workers, logs in files, a large file sent with sendfile
user www-data;
worker_processes 2;
daemon off;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log notice;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  keepalive_timeout 30;
  access_log /var/log/nginx/access.log;
  server {
    listen 127.0.0.1:${port};
    root /www;
  }
}
`;

const nginx: Server = {
  name: 'nginx',
  select: ['--exe', '/usr/sbin/nginx'],
  comms: ['nginx'],
  port: PORT + 1,
  build(rootfs) {
    copyProgram(rootfs, '/usr/sbin/nginx');
    for (const f of ['/etc/nginx/mime.types', '/etc/passwd', '/etc/group', '/etc/nsswitch.conf']) copyIn(rootfs, f);
    write(rootfs, '/etc/nginx/nginx.conf', NGINX_CONF(this.port));
    write(rootfs, '/www/big.bin', BIG);
    for (const d of ['/var/lib/nginx', '/var/log/nginx', '/run']) mkdirSync(join(rootfs, d), { recursive: true });
  },
  reset(rootfs) {
    for (const f of readdirSync(join(rootfs, 'var/log/nginx'))) rmSync(join(rootfs, 'var/log/nginx', f));
  },
  args: ['/usr/sbin/nginx'],
  ready: async (port) => (await get(port, '/index.html')).status === 200,
  load1: (port) => Promise.resolve(ab(`http://127.0.0.1:${port}/index.html`, 1000, false)),
  async load2(port, rootfs, master) {
    const failures = ab(`http://127.0.0.1:${port}/index.html`, 500, true);
    const big = await get(port, '/big.bin');
    if (big.status !== 200 || sha(big.body) !== sha(BIG)) failures.push(`GET /big.bin: ${big.error ?? `${big.status}, ${big.body.length} of ${BIG.length} bytes${big.body.length === BIG.length ? ', other bytes' : ''}`}`);
    const error = join(rootfs, 'var/log/nginx/error.log');
    const nf = await get(port, '/missing.html');
    if (nf.status !== 404) failures.push(`GET /missing.html: ${nf.error ?? nf.status}`);
    else if (!(await until(() => readFileSync(error, 'utf8').includes('open() "/www/missing.html" failed'), 2000))) failures.push(`the 404 is not in error.log: ${tail(error)}`);
    // logrotate's way: rename the logs, then SIGUSR1: the master reopens them (as root) and tells the workers
    const access = join(rootfs, 'var/log/nginx/access.log');
    renameSync(access, `${access}.1`);
    renameSync(error, `${error}.1`);
    if (!signal(master, 'SIGUSR1')) return [...failures, 'SIGUSR1: no master to signal'];
    if (!(await until(() => existsSync(access) && existsSync(error), 5000))) {
      failures.push(`SIGUSR1: the logs were not reopened (error.log.1: ${tail(`${error}.1`, 2)})`);
    } else {
      // each worker reopens them when the master tells it: a request lands in the new log once its worker has
      let n = 0;
      const landed = await until(async () => {
        const r = await get(port, `/index.html?reopened-${++n}`);
        return r.status === 200 && readFileSync(access, 'utf8').includes('/index.html?reopened-');
      }, 5000);
      if (!landed) failures.push(`SIGUSR1: no request in the new access.log (error.log.1: ${tail(`${error}.1`, 2)})`);
    }
    if (!alive(master)) return [...failures, `SIGUSR1: the master exited (${describeExit(master)})`];
    // a reload: the master reads its configuration again, starts new workers and retires the old ones
    const before = children(master);
    if (!signal(master, 'SIGHUP')) return [...failures, 'SIGHUP: no master to signal'];
    const replaced = await until(() => {
      const now = children(master);
      return now.length === before.length && now.every((p) => !before.includes(p));
    }, 10_000);
    if (!alive(master)) failures.push(`SIGHUP: the master exited (error.log: ${tail(error)})`);
    else if (!replaced) failures.push(`SIGHUP: workers ${before.join(' ')} were not replaced (now ${children(master).join(' ') || 'none'}; error.log: ${tail(error)})`);
    const after = await get(port, '/index.html?reloaded');
    if (after.status !== 200) failures.push(`GET after SIGHUP: ${after.error ?? after.status}`);
    if (existsSync(error) && / \[(alert|crit|emerg)\] /.test(readFileSync(error, 'utf8'))) failures.push(`error.log: ${readFileSync(error, 'utf8').split('\n').filter((l) => / \[(alert|crit|emerg)\] /.test(l)).slice(0, 3).join(' | ')}`);
    return failures;
  },
  // Under runc, whose init's base set (src/learn/runtime.ts) holds rt_sigreturn, the master survives the
  // signals and, after the reload, cannot reap its old workers (wait4): they stay zombies. Under crun
  // (run directly or by podman) load 1 never returned from a signal handler: the master's first
  // handler (SIGUSR1) returns through rt_sigreturn, denied, and the master dies.
  breaks: (rt) =>
    rt === 'runc'
      ? [/SIGHUP: workers [\d ]+ were not replaced/, /\[alert\] 1#1: waitpid\(\) failed \(1: Operation not permitted\)/]
      : [/SIGUSR1: the master exited/],
};

const REDIS_CONF = (port: number) => `# as an image holds it; no automatic saves ("save"): load 2 saves when it asks
bind 127.0.0.1
port ${port}
daemonize no
logfile /var/log/redis/redis.log
dir /var/lib/redis
save ""
appendonly no
`;

/** redis-cli's answer to one command (`input`: the last argument, read from stdin with -x). */
function redis(port: number, args: string[], input?: Buffer): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...(input ? ['-x'] : []), ...args], { input, encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.trim() : `redis-cli exit ${r.status}: ${r.stderr.trim()}`;
}

const info = (port: number) => Object.fromEntries(redis(port, ['INFO', 'persistence']).split(/\r?\n/).filter((l) => l.includes(':')).map((l) => l.split(':', 2)));

const REDIS_LOG = 'var/log/redis/redis.log';
const redisServer: Server = {
  name: 'redis',
  // the kernel logs the file the process runs: redis-server is a link to redis-check-rdb
  select: ['--exe', '/usr/bin/redis-check-rdb'],
  // the save child keeps redis-server's comm (it retitles itself redis-rdb-bgsave in its argv only)
  comms: ['redis-server', 'bio_close_file', 'bio_aof_fsync', 'jemalloc_bg_thd'],
  port: PORT + 2,
  build(rootfs) {
    copyProgram(rootfs, '/usr/bin/redis-server');
    write(rootfs, '/etc/redis/redis.conf', REDIS_CONF(this.port));
    for (const d of ['/var/lib/redis', '/var/log/redis']) mkdirSync(join(rootfs, d), { recursive: true });
  },
  reset(rootfs) {
    for (const d of ['var/lib/redis', 'var/log/redis']) for (const f of readdirSync(join(rootfs, d))) rmSync(join(rootfs, d, f), { recursive: true });
  },
  args: ['/usr/bin/redis-server', '/etc/redis/redis.conf'],
  ready: async (port) => (await listening(port)) && redis(port, ['PING']) === 'PONG',
  load1(port) {
    const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-n', '20000', '-c', '4', '-q'], { encoding: 'utf8', timeout: 60_000 });
    const rates = [...r.stdout.matchAll(/^(SET|GET): [\d.]+ requests per second/gm)].map((m) => m[1]);
    return Promise.resolve(r.status === 0 && rates.join(' ') === 'SET GET' ? [] : [`redis-benchmark exit ${r.status}: ${(r.stdout + r.stderr).trim().slice(-300)}`]);
  },
  async load2(port, rootfs) {
    const failures: string[] = [];
    const expectReply = (args: string[], want: string, input?: Buffer) => {
      const got = redis(port, args, input);
      if (got !== want) failures.push(`${args.join(' ')}: ${got}`);
    };
    const value = BIG.subarray(0, 4 << 20).toString('base64');
    expectReply(['SET', 'big'], 'OK', Buffer.from(value));
    expectReply(['STRLEN', 'big'], String(value.length));
    for (let i = 0; i < 100; i++) expectReply(['SET', `key:${i}`, `value ${i}`], 'OK');
    expectReply(['INCR', 'big'], 'ERR value is not an integer or out of range');
    const log = join(rootfs, REDIS_LOG);
    /** Wait for a background save or rewrite to end; its status in INFO persistence. */
    const settled = async (what: string, busy: string[], status: string) => {
      const done = await until(() => {
        const i = info(port);
        return busy.every((b) => i[b] === '0');
      }, 15_000);
      const i = info(port);
      if (!done) failures.push(`${what}: still running after 15 s`);
      else if (i[status] !== 'ok') failures.push(`${what}: ${status} ${i[status]} (redis.log: ${tail(log, 2)})`);
    };
    const bg = redis(port, ['BGSAVE']);
    if (bg !== 'Background saving started') failures.push(`BGSAVE: ${bg} (redis.log: ${tail(log, 1)})`);
    else await settled('BGSAVE', ['rdb_bgsave_in_progress'], 'rdb_last_bgsave_status');
    if (!existsSync(join(rootfs, 'var/lib/redis/dump.rdb'))) failures.push('no dump.rdb');
    const aof = redis(port, ['CONFIG', 'SET', 'appendonly', 'yes']);
    if (aof !== 'OK') failures.push(`CONFIG SET appendonly yes: ${aof} (redis.log: ${tail(log, 1)})`);
    else await settled('CONFIG SET appendonly yes', ['aof_rewrite_in_progress', 'aof_rewrite_scheduled'], 'aof_last_bgrewrite_status');
    const rw = redis(port, ['BGREWRITEAOF']);
    if (rw !== 'Background append only file rewriting started') failures.push(`BGREWRITEAOF: ${rw} (redis.log: ${tail(log, 1)})`);
    else await settled('BGREWRITEAOF', ['aof_rewrite_in_progress', 'aof_rewrite_scheduled'], 'aof_last_bgrewrite_status');
    expectReply(['SET', 'after', 'rewrite'], 'OK');
    expectReply(['SAVE'], 'OK');
    if (info(port).aof_enabled !== '1') failures.push('the append-only file is not on');
    if (!existsSync(join(rootfs, 'var/lib/redis/appendonlydir'))) failures.push('no appendonlydir');
    return failures;
  },
  // the issue's words: the background save cannot fork
  breaks: () => [/BGSAVE: ERR \(redis\.log: .*Can't save in background: fork: Operation not permitted\)/],
};

const SERVERS = [nginx, redisServer];
/** podman's default capabilities (containers.conf's default_capabilities). */
const CAPABILITIES = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT'];

/** Start the server under `seccomp`, run one load, stop it; the load's failures. */
async function serve(s: Server, b: Bundle, seccomp: Seccomp, load: 'load1' | 'load2'): Promise<string[]> {
  s.reset(b.rootfs);
  const server = b.start(s.args, seccomp);
  try {
    if (!(await until(async () => server.exited() || (await s.ready(s.port)), 15_000)) || server.exited()) {
      // once more with its output kept, for the failure's message
      await server.stop();
      const again = await b.run(s.args, seccomp, 5000);
      return [`${s.name} did not start (exit ${again.code}: ${(again.stderr + again.stdout).trim().split('\n').slice(-3).join(' | ') || 'no output'})`];
    }
    const pid = server.pid();
    if (!pid) return [`the runtime does not say ${s.name}'s pid`];
    return load === 'load1' ? await s.load1(s.port) : await s.load2(s.port, b.rootfs, pid);
  } finally {
    await server.stop();
    await sleep(200);
  }
}

/** Record `run` with auditd (the servers' records overflow /dev/kmsg's ring); the audit.log's copy, checked for losses. */
async function record<T>(dir: string, file: string, run: () => Promise<T>): Promise<T> {
  const busy = await waitForLogTakers(240_000);
  if (busy) throw new Error(`cannot record: ${busy}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const auditd = await Auditd.start(dir);
  let out: T;
  let text = '';
  try {
    if (!auditd.ours) throw new Error(`another audit daemon registered first (${logTakers() ?? 'gone since'})`);
    out = await run();
  } finally {
    text = await auditd.stop();
  }
  writeFileSync(file, text);
  const r = cli(['report', '--json', file]);
  const loss = (JSON.parse(r.stdout).findings as Array<{ severity: string; detail: string }>).filter((f) => f.severity === 'loss');
  expect(loss.map((f) => f.detail), `${file}: records may be missing`).toEqual([]);
  return out;
}

describe.skipIf(why !== null && !IN_CI)('real servers: what load 1 never made, load 2 needs, and --root names it', () => {
  let restoreCgroups: () => Promise<string[]> = () => Promise.resolve([]);
  const figures: string[] = [];
  beforeAll(async () => {
    if (why) throw new Error(`the servers end-to-end test cannot run: ${why}`);
    const busy = await waitForLogTakers(240_000);
    if (busy) throw new Error(`cannot record: ${busy}`);
    restoreCgroups = cgroupsForCrun();
  }, 250_000);
  afterAll(async () => {
    if (figures.length) console.log(`servers (names in each profile or list):\n${figures.join('\n')}`);
    expect(await restoreCgroups(), 'the cgroups as they were').toEqual([]);
  });

  for (const rt of RUNS) {
    describe(rt, () => {
      for (const s of SERVERS) {
        describe(s.name, () => {
          let bundle: Bundle;
          const logs = { load1: '', load2: '' };
          let minimalFile = '';
          let needed: string[] = [];

          beforeAll(() => {
            bundle = new Bundle(s.name, rt);
            // what podman gives by default and runc's sample spec does not: nginx's master, as root,
            // makes its temporary directories www-data's and its workers drop to www-data
            bundle.grant(CAPABILITIES);
            s.build(bundle.rootfs);
          });
          afterAll(() => {
            if (bundle) expect(bundle.remove(), 'containers and mounts left behind').toEqual([]);
          });

          it('serves load 1 and load 2 unconfined', async () => {
            expect(await serve(s, bundle, null, 'load1')).toEqual([]);
            expect(await serve(s, bundle, null, 'load2')).toEqual([]);
          }, 120_000);

          it('is recorded by auditd under the audit profile: load 1, then load 2, each as unconfined', async () => {
            for (const load of ['load1', 'load2'] as const) {
              logs[load] = join(bundle.dir, `${load}.audit.log`);
              expect(await record(join(bundle.dir, `auditd-${load}`), logs[load], () => serve(s, bundle, AUDIT_PROFILE, load)), load).toEqual([]);
            }
          }, 600_000);

          it('the minimal profile of load 1 breaks load 2', async () => {
            minimalFile = join(bundle.dir, 'minimal.json');
            const m = cli([...s.select, logs.load1, '-o', minimalFile]);
            expect(m.status, m.stderr).toBe(0);
            expect(await serve(s, bundle, null, 'load1'), 'load 1 runs under its own minimal profile').toEqual([]);
            const failures = await serve(s, bundle, { file: minimalFile }, 'load2');
            console.log(`${rt}/${s.name}: load 2 under the minimal profile of load 1: ${failures.join('; ')}`);
            for (const b of s.breaks(rt)) expect(failures.join('\n')).toMatch(b);
          }, 180_000);

          it('report --root of load 1 names every call load 2 needed beyond the minimal profile (recall 100%)', () => {
            const minimal = allowed(JSON.parse(readFileSync(minimalFile, 'utf8')) as Profile);
            const r2 = cli(['report', '--json', ...s.select, logs.load2]);
            expect(r2.status, r2.stderr).toBe(0);
            const procs2 = JSON.parse(r2.stdout).processes as Array<{ comms: string[]; syscalls: Array<{ name: string }> }>;
            // the selection by executable takes every process and thread of the server, whatever it calls itself
            const comms = [...new Set(procs2.flatMap((p) => p.comms))].sort();
            expect(comms).toEqual(expect.arrayContaining(s.comms));
            const calls2 = procs2.flatMap((p) => p.syscalls.map((c) => c.name));
            needed = [...new Set(calls2.filter((n) => !minimal.includes(n)))].sort();
            expect(needed.length, 'load 2 made calls load 1 never did').toBeGreaterThan(0);
            const r1 = cli(['report', '--json', ...s.select, '--root', bundle.rootfs, logs.load1]);
            expect(r1.status, r1.stderr).toBe(0);
            const procs = JSON.parse(r1.stdout).processes as Array<{ binary: { path: string; error: string | null; problems: string[] }; unexercised: Array<{ name: string; via: string[] }> | null }>;
            expect(procs.length).toBeGreaterThan(0);
            for (const p of procs) expect(p.binary.error, p.binary.path).toBeNull();
            const unexercised = new Map(procs.flatMap((p) => p.unexercised ?? []).map((c) => [c.name, c.via]));
            const missed = needed.filter((n) => !unexercised.has(n));
            figures.push(
              `  ${rt}/${s.name}: minimal ${minimal.length}, unexercised ${unexercised.size}, load 2 needed ${needed.length} more: ` +
                needed.map((n) => `${n} (${unexercised.get(n)?.slice(0, 3).join(', ') ?? 'MISSED'})`).join(' ') +
                `; load 2's comms: ${comms.join(', ')}`,
            );
            expect(missed, 'calls of load 2 that the first recording\'s unexercised list lacks').toEqual([]);
            // and check names them as the latent denials of the minimal profile
            const c = cli(['check', '--json', minimalFile, ...s.select, '--root', bundle.rootfs, logs.load1]);
            expect(c.status, c.stderr).toBe(0);
            const latent = (JSON.parse(c.stdout).processes as Array<{ unexercised: Array<{ name: string; verdict: string }> | null }>).flatMap((p) => p.unexercised ?? []);
            expect(latent.filter((u) => u.verdict === 'denied').map((u) => u.name)).toEqual(expect.arrayContaining(needed));
          });

          it('the --include-unexercised profile of load 1 runs load 2 with no failure', async () => {
            const fullFile = join(bundle.dir, 'full.json');
            const f = cli([...s.select, '--root', bundle.rootfs, '--include-unexercised', logs.load1, '-o', fullFile]);
            expect(f.status, f.stderr).toBe(0);
            const full = allowed(JSON.parse(readFileSync(fullFile, 'utf8')) as Profile);
            expect(full).toEqual(expect.arrayContaining(needed));
            figures.push(`  ${rt}/${s.name}: the --include-unexercised profile ${full.length}`);
            expect(await serve(s, bundle, { file: fullFile }, 'load2')).toEqual([]);
          }, 120_000);
        });
      }
    });
  }
});

