// The Kubernetes tutorial, replayed with real parts, under each runtime (runc,
// crun, podman, containerd) with each workload (workloads.ts): the workload runs in a
// container under the audit profile (SCMP_ACT_LOG); seccomp-learn learns a
// profile from what the kernel log, rsyslogd and auditd recorded, with the
// command a user would type; the workload then starts 10 times under each
// learned profile (SCMP_ACT_ERRNO), with the runtime it was recorded with, and
// must behave exactly as it did unconfined under that runtime. Removing one
// syscall it needs must break it, and the tutorial's violation profile (nothing
// allowed) must too. Under podman, crun loads the filter before it drops
// privileges: a profile learned from a runc or plain crun recording lacks what
// crun's init does then, and fails; one learned from a podman recording passes.
//
// The kernel log and the audit daemon are shared by the whole machine: each
// recording waits until no other audit daemon or /proc/kmsg reader runs, and is
// made again if one took records meanwhile (see `recording`). Every container is
// deleted, every cgroup change put back, and the suite checks both.
//
// Needs root, runc, crun, podman, containerd, rsyslogd, auditd, busybox-static and gcc. Outside
// CI it skips with the reason; in CI (CI=true) it runs, and fails if a part is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CLI, IN_CI } from '../helpers.js';
import { spoValidator } from '../schemas.js';
import {
  AUDIT_PROFILE, Auditd, Bundle, cgroupsForCrun, DmesgFollower, events, initCalls, KmsgFollower, logTakers, missingParts, printkRateLimitOff,
  Containerd, Rsyslog, RUNTIME_INIT, RUNTIMES, sleep, VIOLATION_PROFILE, waitForLogTakers, type Profile, type Runtime,
} from './harness.js';
import { WORKLOADS, type Workload } from './workloads.js';

const STARTS = 10;
const why = missingParts();
if (why && !IN_CI) console.warn(`skipping the end-to-end suite: ${why}`);

const SOURCES = ['kmsg', 'dmesg', 'syslog', 'audit.log'] as const;
type Source = (typeof SOURCES)[number];
/**
 * The sources whose learned profiles start the workload 10 times, per runtime. dmesg
 * and the syslog copy hold the same records as /dev/kmsg (the recording checks that,
 * record by record); under crun and podman their profiles are learned and compared
 * with /dev/kmsg's instead of started: 200 podman starts less, about a minute here.
 */
const ENFORCED: Record<Runtime, readonly Source[]> = { runc: SOURCES, crun: ['kmsg', 'audit.log'], podman: ['kmsg', 'audit.log'], containerd: ['kmsg', 'audit.log'] };

/** Learned profiles and recordings, by `runtime/workload/source`: the podman runs use runc's and crun's. */
const learned = new Map<string, Profile>();
const recordings = new Map<string, string>();
const key = (rt: Runtime, w: Workload, source: Source) => `${rt}/${w.name}/${source}`;

/**
 * The kernel log, rsyslogd and auditd are shared by the whole machine, and another
 * engineer's suite or the fixture scripts may run at the same time: wait until no
 * one else takes the records, record, and record again when someone did meanwhile.
 * The recording is then checked as strictly as ever; this only keeps another run's
 * daemons from making it incomplete.
 */
const QUIET_WAIT_MS = 240_000;
const ATTEMPTS = 3;
let gaveUp: string | null = null;

/** Wait until no one else takes the records; after one wait in vain, the others fail at once. */
async function quiet(what: string): Promise<void> {
  if (gaveUp) throw new Error(`cannot record ${what}: ${gaveUp}`);
  const busy = await waitForLogTakers(QUIET_WAIT_MS);
  if (busy) throw new Error(`cannot record ${what}: ${(gaveUp = `${busy}, still after ${QUIET_WAIT_MS / 1000} s`)}`);
}

async function recording<T>(what: string, attempt: () => Promise<{ result: T; interference: string | null }>): Promise<T> {
  for (let i = 1; ; i++) {
    await quiet(what);
    const { result, interference } = await attempt();
    if (!interference) return result;
    if (i === ATTEMPTS) throw new Error(`${what}: someone else took records, ${ATTEMPTS} times: ${interference}`);
    console.warn(`${what}: recording again, someone else took records: ${interference}`);
  }
}

/** The `audit(TIME:SERIAL)` of each seccomp record of a copy of the kernel log. */
const seccompKeys = (text: string) => [...text.matchAll(/type=1326 audit\((\d+\.\d+:(\d+))\)/g)].map((m) => ({ key: m[1], serial: Number(m[2]) }));

/**
 * Why a copy of the kernel log may lack records, or null: printk was rate-limited
 * again meanwhile (another run put back what it found), a copy lacks records
 * /dev/kmsg has (a reader of /proc/kmsg took them), or records are missing from
 * /dev/kmsg itself. Another run's records in a copy do no harm.
 */
function incomplete(files: Record<'kmsg' | 'dmesg' | 'syslog', string>): string | null {
  if (readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8').trim() !== '0') return 'the printk rate limit was put back meanwhile';
  const text = readFileSync(files.kmsg, 'utf8');
  const kmsg = seccompKeys(text);
  for (const source of ['dmesg', 'syslog'] as const) {
    const other = seccompKeys(readFileSync(files[source], 'utf8'));
    const has = new Set(other.map((r) => r.key));
    // dmesg -W starts just after the /dev/kmsg reader: what came before it is not missing
    const from = source === 'dmesg' ? Math.min(...other.map((r) => r.serial)) : 0;
    const missing = kmsg.filter((r) => r.serial >= from && !has.has(r.key));
    if (missing.length || (kmsg.length && !other.length)) return `${source} lacks ${missing.length || kmsg.length} of the ${kmsg.length} records /dev/kmsg has`;
  }
  return missingSerials(text, files.kmsg);
}

/**
 * Records missing from a log, or null: the kernel's own word (printk suppression,
 * the audit backlog, as `seccomp-learn report --json` finds them), or audit serials
 * never seen between the first and the last one read (an audit daemon took those
 * records for a while). Serials are compared as a set: with two CPUs the kernel
 * often prints serial N+1 before N.
 */
function missingSerials(text: string, file: string): string | null {
  const r = spawnSync(process.execPath, [CLI, 'report', '--json', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  try {
    const loss = (JSON.parse(r.stdout).findings as Array<{ kind: string; detail: string }>).filter((f) => f.kind === 'printk-suppressed' || f.kind === 'audit-loss');
    if (loss.length) return `${file}: ${loss.map((f) => f.detail).join('; ')}`;
  } catch {
    // no report: the caller's own assertions say what failed
  }
  // auditd's DAEMON_* records carry auditd's own serials
  const serials = [...text.matchAll(/type=(\w+) (?:msg=)?audit\(\d+\.\d+:(\d+)\)/g)].filter((m) => !m[1].startsWith('DAEMON')).map((m) => Number(m[2]));
  if (!serials.length) return null;
  const seen = new Set(serials);
  const lo = Math.min(...serials);
  const hi = Math.max(...serials);
  const holes: number[] = [];
  for (let n = lo + 1; n < hi; n++) if (!seen.has(n)) holes.push(n);
  return holes.length ? `${file}: no record with audit serial ${holes.slice(0, 5).join(', ')}${holes.length > 5 ? `, ... (${holes.length})` : ''}` : null;
}

/** `seccomp-learn SELECT LOG -o OUT`, as a user types it; the profile written (JSON formats). */
function learn(select: string[], log: string, out: string): { code: number | null; stderr: string; profile: Profile; text: string } {
  const r = spawnSync(process.execPath, [CLI, ...select, log, '-o', out], { encoding: 'utf8' });
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  let profile: Profile = { defaultAction: '', syscalls: [] };
  try {
    profile = JSON.parse(text);
  } catch {
    // not JSON: `profile` stays as it was and the caller fails on it
  }
  return { code: r.status, stderr: r.stderr, profile, text };
}

const allowed = (p: { syscalls?: Array<{ names: string[]; action: string }> }) =>
  (p.syscalls ?? []).filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names).sort();

describe.skipIf(why !== null && !IN_CI)('the tutorial end to end', () => {
  let restoreCgroups: () => Promise<string[]> = () => Promise.resolve([]);
  const sizes = new Map<string, Map<Runtime, number>>();
  /** Per workload and runtime: each program's `report --root` unexercised list's length (issue 21), or why it has none. */
  const unexercised = new Map<string, Map<Runtime, string>>();
  beforeAll(async () => {
    if (why) throw new Error(`the end-to-end suite cannot run: ${why}`);
    await quiet('anything');
    restoreCgroups = cgroupsForCrun();
  }, QUIET_WAIT_MS + 10_000);
  afterAll(async () => {
    if (sizes.size) {
      const rows = [...sizes].map(([w, n]) => `  ${w.padEnd(10)}${RUNTIMES.map((rt) => String(n.get(rt) ?? '-').padStart(8)).join('')}`);
      console.log(`learned profile sizes (allowed syscalls, from /dev/kmsg):\n  ${''.padEnd(10)}${RUNTIMES.map((rt) => rt.padStart(8)).join('')}\n${rows.join('\n')}`);
    }
    if (unexercised.size) {
      const rows = [...unexercised].flatMap(([w, n]) => [...n].map(([rt, text]) => `  ${w.padEnd(10)}${rt.padEnd(12)}${text}`));
      console.log(`what report --root names beyond the /dev/kmsg recording (unexercised names per program):\n${rows.join('\n')}`);
    }
    expect(await restoreCgroups(), 'the cgroups as they were').toEqual([]);
  });

  for (const rt of RUNTIMES) {
    describe(rt, () => {
      // containerd: a daemon of the suite's own for this runtime's workloads
      let containerd: Containerd | undefined;
      if (rt === 'containerd') {
        beforeAll(async () => {
          containerd = await Containerd.start();
        }, 30_000);
        afterAll(async () => {
          if (containerd) expect(await containerd.stop(), 'containerd: containers and mounts left behind').toEqual([]);
        }, 30_000);
      }
      for (const w of WORKLOADS) {
        describe(w.name, () => {
          let bundle: Bundle;
          let unconfined = '';

          beforeAll(() => {
            bundle = new Bundle(w.name, rt, w.hostDirs, containerd);
            w.setup?.(bundle);
          });
          afterAll(() => {
            if (bundle) expect(bundle.remove(), 'containers and mounts left behind').toEqual([]);
          });

          it('runs unconfined', async () => {
            unconfined = await w.exercise(bundle, null);
            expect(unconfined).not.toMatch(/unreachable|exit 1[0-9]{2}/);
          }, 60_000);

          it('is recorded under the audit profile by the kernel log (/dev/kmsg, dmesg) and rsyslogd', async () => {
            const dir = join(bundle.dir, 'logs');
            mkdirSync(dir, { recursive: true });
            const files = { kmsg: join(dir, 'kmsg'), dmesg: join(dir, 'dmesg'), syslog: join(dir, 'syslog.copy') };
            const out = await recording(`${rt}/${w.name} (kernel log)`, async () => {
              // the printk rate limit is off only while recording
              const restore = printkRateLimitOff();
              try {
                const syslog = await Rsyslog.start(dir);
                const kmsg = new KmsgFollower();
                const dmesg = new DmesgFollower();
                const out = await w.exercise(bundle, AUDIT_PROFILE);
                await sleep(300);
                writeFileSync(files.kmsg, kmsg.stop());
                writeFileSync(files.dmesg, await dmesg.stop());
                const taken = logTakers([syslog.pid]);
                writeFileSync(files.syslog, await syslog.stop());
                return { result: out, interference: taken ?? incomplete(files) };
              } finally {
                restore();
              }
            });
            for (const source of ['kmsg', 'dmesg', 'syslog'] as const) {
              recordings.set(key(rt, w, source), files[source]);
              expect(readFileSync(files[source], 'utf8'), source).toMatch(/type=1326 /);
            }
            expect(out).toBe(unconfined);
          }, ATTEMPTS * (QUIET_WAIT_MS + 20_000));

          it('is recorded under the audit profile by auditd', async () => {
            const dir = join(bundle.dir, 'auditd');
            const file = join(bundle.dir, 'audit.log.copy');
            const { out, text } = await recording(`${rt}/${w.name} (auditd)`, async () => {
              rmSync(dir, { recursive: true, force: true });
              mkdirSync(dir, { recursive: true });
              const auditd = await Auditd.start(dir);
              let out = '';
              let text = '';
              try {
                if (auditd.ours) out = await w.exercise(bundle, AUDIT_PROFILE);
              } finally {
                text = await auditd.stop();
              }
              writeFileSync(file, text);
              return { result: { out, text }, interference: auditd.ours ? missingSerials(text, file) : `another audit daemon registered first (${logTakers() ?? 'gone since'})` };
            });
            recordings.set(key(rt, w, 'audit.log'), file);
            expect(text).toMatch(/type=SECCOMP /);
            expect(out).toBe(unconfined);
          }, ATTEMPTS * (QUIET_WAIT_MS + 20_000));

          it(`shows ${rt}'s init (comm "${RUNTIME_INIT[rt].comm}", exe "/") with the workload's pid, before the workload`, () => {
            const log = recordings.get(key(rt, w, 'kmsg'))!;
            const all = events(log);
            const init = initCalls(rt, log);
            expect(init.size, 'pids of the init').toBeGreaterThan(0);
            for (const [pid, calls] of init) {
              // the same pid goes on as the workload: the init execs it
              expect(calls, `init ${pid}`).toContain('execve');
              expect(all.some((e) => e.pid === pid && e.comm !== RUNTIME_INIT[rt].comm), `pid ${pid} goes on as the workload`).toBe(true);
              // under podman crun loads the filter before it drops privileges; run directly (the spec's
              // noNewPrivileges), runc and crun load it last
              const beforeDrop = ['setresgid', 'setresuid', 'capset'].filter((c) => calls.has(c));
              expect(beforeDrop, `init ${pid}: ${[...calls].join(' ')}`).toEqual(rt === 'podman' ? ['setresgid', 'setresuid', 'capset'] : []);
            }
          });

          it.each(ENFORCED[rt])(`learns from %s and starts ${STARTS} times under the profile exactly as unconfined`, async (source) => {
            const l = learnFrom(source);
            for (let i = 0; i < STARTS; i++) expect(await w.exercise(bundle, l.profile), `${source} start ${i + 1} (stderr: ${bundle.lastStderr.trim() || 'none'})`).toBe(unconfined);
            if (source === 'kmsg') {
              if (!sizes.has(w.name)) sizes.set(w.name, new Map());
              sizes.get(w.name)!.set(rt, l.profile.syscalls[0].names.length);
              // the tier above the minimal profile (issue 21): what the programs' own files say they can make and the
              // recording never saw; the node workload's /usr, /lib and /etc are the host's, bound in: read at /
              const root = w.hostDirs?.length ? '/' : bundle.rootfs;
              const r = spawnSync(process.execPath, [CLI, 'report', '--json', ...w.select, '--root', root, recordings.get(key(rt, w, 'kmsg'))!], { encoding: 'utf8', maxBuffer: 64 << 20 });
              expect(r.status, r.stderr).toBe(0);
              const procs = JSON.parse(r.stdout).processes as Array<{ name: string; binary: { error: string | null }; unexercised: unknown[] | null }>;
              if (!unexercised.has(w.name)) unexercised.set(w.name, new Map());
              const said = (p: (typeof procs)[number]) => (p.unexercised ? String(p.unexercised.length) : /statically linked/.test(p.binary.error ?? '') ? 'none: statically linked' : `none: ${p.binary.error}`);
              unexercised.get(w.name)!.set(rt, procs.map((p) => `${p.name} ${said(p)}`).join(', '));
            }
          }, 180_000);

          const copies = SOURCES.filter((s) => !ENFORCED[rt].includes(s));
          if (copies.length) {
            it.each(copies)('learns from %s, a copy of the same records, every call the profile learned from /dev/kmsg (started above) allows', (source) => {
              const l = learnFrom(source);
              expect(allowed(l.profile)).toEqual(expect.arrayContaining(allowed(learned.get(key(rt, w, 'kmsg'))!)));
            });
          }

          /** Learn from one source's log, as a user does; the OCI profile, kept for the tests that follow. */
          function learnFrom(source: Source) {
            const l = learn(w.select, recordings.get(key(rt, w, source))!, join(bundle.dir, `profile-${source.replace('.', '-')}.json`));
            expect(l.code, l.stderr).toBe(0);
            expect(l.profile.defaultAction).toBe('SCMP_ACT_ERRNO');
            learned.set(key(rt, w, source), l.profile);
            return l;
          }

          if (rt === 'podman') {
            // podman reads Docker's template format too (archMap, includes/excludes): the format `docker run` and
            // `podman run --security-opt seccomp=` users keep their profiles in
            it.each(SOURCES)(`learns the Docker template (--format docker) from %s: the calls of the OCI profile; from ${ENFORCED[rt].join(' and ')}, ${STARTS} starts under it exactly as unconfined`, async (source) => {
              const log = recordings.get(key(rt, w, source))!;
              const out = join(bundle.dir, `profile-${source.replace('.', '-')}.docker.json`);
              const l = learn([...w.select, '--format', 'docker'], log, out);
              expect(l.code, l.stderr).toBe(0);
              const template = JSON.parse(l.text);
              expect(template.defaultAction).toBe('SCMP_ACT_ERRNO');
              expect(template.architectures, 'a template names its ABIs in archMap').toBeUndefined();
              expect(template.archMap).toContainEqual(expect.objectContaining({ architecture: 'SCMP_ARCH_X86_64' }));
              expect(allowed(template)).toEqual(allowed(learned.get(key(rt, w, source))!));
              if (!ENFORCED[rt].includes(source)) return;
              for (let i = 0; i < STARTS; i++) expect(await w.exercise(bundle, { file: out }), `${source} start ${i + 1} (stderr: ${bundle.lastStderr.trim() || 'none'})`).toBe(unconfined);
            }, 180_000);
          }

          it('writes the formats with no consumer here from the /dev/kmsg recording, with the same calls: a SeccompProfile valid against the SPO CRD, a systemd drop-in', () => {
            const log = recordings.get(key(rt, w, 'kmsg'))!;
            const oci = allowed(learned.get(key(rt, w, 'kmsg'))!);
            const spo = learn([...w.select, '--format', 'spo'], log, join(bundle.dir, 'profile-kmsg.spo.yaml'));
            expect(spo.code, spo.stderr).toBe(0);
            const doc = parseYaml(spo.text);
            const valid = spoValidator();
            expect(valid(doc), JSON.stringify(valid.errors)).toBe(true);
            expect(allowed(doc.spec)).toEqual(oci);
            // systemd-analyze verify reads this format in test/profile/formats.test.ts; systemd is not PID 1 here
            const unit = learn([...w.select, '--format', 'systemd'], log, join(bundle.dir, 'profile-kmsg.systemd.conf'));
            expect(unit.code, unit.stderr).toBe(0);
            const names = unit.text.split('\n').filter((l) => l.startsWith('SystemCallFilter=')).flatMap((l) => l.slice('SystemCallFilter='.length).split(' '));
            expect(names.sort()).toEqual(oci);
          });

          it('fails when one syscall it needs is taken out of the learned profile', async () => {
            const p = learned.get(key(rt, w, 'kmsg'))!;
            const names = p.syscalls[0].names;
            const needed = w.needed(names);
            expect(names).toContain(needed);
            const tight: Profile = { ...p, syscalls: [{ names: names.filter((n) => n !== needed), action: 'SCMP_ACT_ALLOW' }] };
            expect(await w.exercise(bundle, tight)).not.toBe(unconfined);
          }, 60_000);

          it('fails under the tutorial\'s violation profile (nothing allowed)', async () => {
            expect(await w.exercise(bundle, VIOLATION_PROFILE)).not.toBe(unconfined);
          }, 60_000);

          if (rt === 'podman') {
            it.each(['runc', 'crun'] as const)('fails with the profile learned from a %s recording: what crun\'s init does under podman is not in it', async (other) => {
              const theirs = learned.get(key(other, w, 'kmsg'));
              expect(theirs, `the ${other} runs learned a profile for ${w.name}`).toBeDefined();
              const allowed = new Set(theirs!.syscalls[0].names);
              const ours = initCalls('podman', recordings.get(key('podman', w, 'kmsg'))!);
              const missing = [...new Set([...ours.values()].flatMap((s) => [...s]))].filter((c) => !allowed.has(c)).sort();
              expect(missing, 'calls of crun\'s init under podman that the profile lacks').toEqual(expect.arrayContaining(['capset', 'setresuid']));
              expect(await w.exercise(bundle, theirs!)).not.toBe(unconfined);
            }, 60_000);
          }
        });
      }
    });
  }
});
