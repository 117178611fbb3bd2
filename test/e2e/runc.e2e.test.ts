// The Kubernetes tutorial, replayed with real parts: each workload runs in a runc
// container under the audit profile (SCMP_ACT_LOG); seccomp-learn learns a
// profile from what the kernel log, rsyslogd and auditd recorded, with the
// command a user would type; the workload then starts 10 times under each
// learned profile (SCMP_ACT_ERRNO) and must behave exactly as it did unconfined.
// Removing one syscall it needs must break it, and the tutorial's violation
// profile (nothing allowed) must too.
//
// Needs root, runc, rsyslogd, auditd, busybox-static and gcc. Outside CI it
// skips with the reason; in CI (CI=true) it runs, and fails if a part is missing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, IN_CI } from '../helpers.js';
import { AUDIT_PROFILE, Auditd, Bundle, DmesgFollower, httpGet, KmsgFollower, missingParts, printkRateLimitOff, Rsyslog, sleep, VIOLATION_PROFILE, type Profile } from './harness.js';

const STARTS = 10;
const why = missingParts();
if (why && !IN_CI) console.warn(`skipping the runc end-to-end suite: ${why}`);

interface Workload {
  name: string;
  /** seccomp-learn's selection, as a user would type it. */
  select: string[];
  hostDirs?: string[];
  setup?: (b: Bundle) => void;
  /** Run once; a string that must be the same under the learned profile as unconfined. */
  exercise: (b: Bundle, profile: Profile | null) => Promise<string>;
  /** A learned syscall the workload cannot do without. */
  needed: (names: string[]) => string;
}

const command = (args: string[]) => async (b: Bundle, profile: Profile | null) => {
  const r = await b.run(args, profile);
  return `exit ${r.code}\n${r.stdout}`;
};

const port = 20000 + (process.pid % 20000);
const pick = (names: string[], options: string[]) => options.find((o) => names.includes(o)) ?? options[0];

const NODE_SCRIPT = `
const { Worker } = require('worker_threads');
const { execFileSync } = require('child_process');
const w = new Worker('require("worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
w.on('message', (m) => {
  console.log('worker says', m);
  console.log(execFileSync('/bin/busybox', ['echo', 'child says hi']).toString().trim());
  w.terminate();
});`;

const WORKLOADS: Workload[] = [
  {
    name: 'ls',
    select: ['--comm', 'ls'],
    exercise: command(['/bin/ls', '/']),
    needed: () => 'getdents64',
  },
  {
    name: 'httpd',
    select: ['--comm', 'httpd'],
    exercise: async (b, profile) => {
      const server = b.start(['/bin/httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'], profile);
      const body = await httpGet(port, '/index.html', 3000);
      const second = body.startsWith('200') ? await httpGet(port, '/index.html', 3000) : '';
      await server.stop();
      await sleep(100);
      return `${body}${second ? `\n${second}` : ''}`;
    },
    needed: (names) => pick(names, ['accept', 'accept4']),
  },
  {
    name: 'threads',
    select: ['--comm', 'threads'],
    setup: (b) => {
      const out = join(b.dir, 'threads');
      const r = spawnSync('gcc', ['-static', '-O2', '-pthread', '-o', out, join(import.meta.dirname, 'threads.c')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`gcc: ${r.stderr}`);
      b.install(out, 'bin/threads');
    },
    exercise: command(['/bin/threads']),
    needed: (names) => pick(names, ['clone3', 'clone']),
  },
  {
    name: 'pipeline',
    select: ['--exe', '/bin/busybox'],
    exercise: command(['/bin/sh', '-c', 'ls / | sort -r | wc -l']),
    needed: (names) => pick(names, ['pipe2', 'pipe']),
  },
  {
    name: 'node',
    select: ['--comm', 'node', '--exe', '/bin/busybox'],
    hostDirs: ['/usr', '/lib', '/lib64', '/etc'],
    exercise: command(['/usr/bin/node', '-e', NODE_SCRIPT]),
    // not clone3: denied with EPERM, node's threads still start
    needed: (names) => pick(names, ['epoll_pwait', 'epoll_wait']),
  },
];

const SOURCES = ['kmsg', 'dmesg', 'syslog', 'audit.log'] as const;
type Source = (typeof SOURCES)[number];

function learn(select: string[], log: string, out: string): { code: number | null; stderr: string; profile: Profile } {
  const r = spawnSync(process.execPath, [CLI, ...select, log, '-o', out], { encoding: 'utf8' });
  let profile: Profile = { defaultAction: '', syscalls: [] };
  try {
    profile = JSON.parse(readFileSync(out, 'utf8'));
  } catch {}
  return { code: r.status, stderr: r.stderr, profile };
}

describe.skipIf(why !== null && !IN_CI)('runc end to end', () => {
  let restore = () => {};
  const sizes: string[] = [];
  beforeAll(() => {
    if (why) throw new Error(`the end-to-end suite cannot run: ${why}`);
    restore = printkRateLimitOff();
  });
  afterAll(() => {
    restore();
    if (sizes.length) console.log(`learned profile sizes (allowed syscalls):\n${sizes.join('\n')}`);
  });

  for (const w of WORKLOADS) {
    describe(w.name, () => {
      let bundle: Bundle;
      let unconfined = '';
      const logs = new Map<Source, string>();
      const profiles = new Map<Source, Profile>();

      beforeAll(() => {
        bundle = new Bundle(w.name, w.hostDirs);
        w.setup?.(bundle);
      });
      afterAll(() => rmSync(bundle.dir, { recursive: true, force: true }));

      it('runs unconfined', async () => {
        unconfined = await w.exercise(bundle, null);
        expect(unconfined).not.toMatch(/unreachable|exit 1[0-9]{2}/);
      }, 60_000);

      it('is recorded under the audit profile by the kernel log (/dev/kmsg, dmesg) and rsyslogd', async () => {
        const dir = join(bundle.dir, 'logs');
        mkdirSync(dir, { recursive: true });
        const syslog = await Rsyslog.start(dir);
        const kmsg = new KmsgFollower();
        const dmesg = new DmesgFollower();
        const recorded = await w.exercise(bundle, AUDIT_PROFILE);
        await sleep(300);
        for (const [source, text] of [
          ['kmsg', kmsg.stop()],
          ['dmesg', await dmesg.stop()],
          ['syslog', await syslog.stop()],
        ] as const) {
          const file = join(dir, source);
          writeFileSync(file, text);
          logs.set(source, file);
          expect(text, source).toMatch(/type=1326 /);
        }
        expect(recorded).toBe(unconfined);
      }, 60_000);

      it('is recorded under the audit profile by auditd', async () => {
        const dir = join(bundle.dir, 'auditd');
        mkdirSync(dir, { recursive: true });
        const auditd = await Auditd.start(dir);
        let recorded = '';
        try {
          recorded = await w.exercise(bundle, AUDIT_PROFILE);
        } finally {
          const text = await auditd.stop();
          const file = join(dir, 'audit.log.copy');
          writeFileSync(file, text);
          logs.set('audit.log', file);
          expect(text).toMatch(/type=SECCOMP /);
        }
        expect(recorded).toBe(unconfined);
      }, 60_000);

      it.each(SOURCES)(`learns from %s and starts ${STARTS} times under the profile exactly as unconfined`, async (source) => {
        const log = logs.get(source)!;
        const out = join(bundle.dir, `profile-${source.replace('.', '-')}.json`);
        const l = learn(w.select, log, out);
        expect(l.code, l.stderr).toBe(0);
        expect(l.profile.defaultAction).toBe('SCMP_ACT_ERRNO');
        profiles.set(source, l.profile);
        for (let i = 0; i < STARTS; i++) expect(await w.exercise(bundle, l.profile), `${source} start ${i + 1}`).toBe(unconfined);
        if (source === 'kmsg') sizes.push(`  ${w.name}: ${l.profile.syscalls[0].names.length}`);
      }, 180_000);

      it('fails when one syscall it needs is taken out of the learned profile', async () => {
        const p = profiles.get('kmsg')!;
        const names = p.syscalls[0].names;
        const needed = w.needed(names);
        expect(names).toContain(needed);
        const tight: Profile = { ...p, syscalls: [{ names: names.filter((n) => n !== needed), action: 'SCMP_ACT_ALLOW' }] };
        expect(await w.exercise(bundle, tight)).not.toBe(unconfined);
      }, 60_000);

      it('fails under the tutorial\'s violation profile (nothing allowed)', async () => {
        expect(await w.exercise(bundle, VIOLATION_PROFILE)).not.toBe(unconfined);
      }, 60_000);
    });
  }
});
