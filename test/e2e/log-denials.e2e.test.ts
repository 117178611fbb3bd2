// learn --log-denials, end to end (issue 22): an enforcing profile with
// flags: [SECCOMP_FILTER_FLAG_LOG], under each runtime of the suite. Where the
// runtime honours the flag (crun, and podman through it), a call the profile
// denies with ERRNO reaches the kernel log, and `report --denied` names it;
// where it does not (Debian's runc 1.1.5, and containerd 1.6, which runs runc),
// the runtime refuses the profile and nothing runs. The README's table under
// "The tutorial, on a real kernel" says the same.
//
// The profile: the calls of a real recording of busybox (fixtures/real/dmesg.log,
// `--exe /usr/bin/busybox`), with --log-denials; the workload, a busybox shell
// pipeline that makes calls that recording never made (pipes, forks), so
// something is denied.
//
// Needs root, runc, crun, podman, containerd, busybox-static. Outside CI it skips with the reason; in CI it runs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, fixture, IN_CI } from '../helpers.js';
import { Bundle, cgroupsForCrun, Containerd, KmsgFollower, missingParts, printkRateLimitOff, RUNTIMES, sleep, waitForLogTakers, type Runtime } from './harness.js';

const why = missingParts();
if (why && !IN_CI) console.warn(`skipping --log-denials end to end: ${why}`);

const QUIET_WAIT_MS = 240_000;
/** What each runtime does with flags: [SECCOMP_FILTER_FLAG_LOG] (measured here with Debian 12's packages). */
const HONOURS: Record<Runtime, boolean> = { runc: false, crun: true, podman: true, containerd: false };
const WORKLOAD = ['/bin/sh', '-c', 'ls / | sort -r | wc -l'];

const seccompLearn = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

describe.skipIf(why !== null && !IN_CI)('learn --log-denials end to end', () => {
  let restoreCgroups: () => Promise<string[]> = () => Promise.resolve([]);
  let profileFile = '';
  beforeAll(() => {
    if (why) throw new Error(`--log-denials end to end cannot run: ${why}`);
    restoreCgroups = cgroupsForCrun();
  });
  afterAll(async () => {
    expect(await restoreCgroups(), 'the cgroups as they were').toEqual([]);
  });

  for (const rt of RUNTIMES) {
    describe(rt, () => {
      let containerd: Containerd | undefined;
      let bundle: Bundle;
      beforeAll(async () => {
        if (rt === 'containerd') containerd = await Containerd.start();
        bundle = new Bundle('denials', rt, [], containerd);
        profileFile = join(bundle.dir, 'denials.json');
        const r = seccompLearn(['-q', '--exe', '/usr/bin/busybox', '--log-denials', fixture('real/dmesg.log'), '-o', profileFile]);
        expect(r.status, r.stderr).toBe(0);
        const p = JSON.parse(readFileSync(profileFile, 'utf8')) as { defaultAction: string; flags?: string[] };
        expect([p.defaultAction, p.flags]).toEqual(['SCMP_ACT_ERRNO', ['SECCOMP_FILTER_FLAG_LOG']]);
      }, 30_000);
      afterAll(async () => {
        if (bundle) expect(bundle.remove(), 'containers and mounts left behind').toEqual([]);
        if (containerd) expect(await containerd.stop(), 'containerd: containers and mounts left behind').toEqual([]);
      }, 30_000);

      if (HONOURS[rt]) {
        it('honours the flag: the profile\'s ERRNO denials reach the kernel log, and report --denied names them', async () => {
          const busy = await waitForLogTakers(QUIET_WAIT_MS);
          if (busy) throw new Error(`cannot record: ${busy}`);
          const restore = printkRateLimitOff();
          const log = join(bundle.dir, 'denials.kmsg');
          let run: { code: number; stdout: string };
          try {
            const kmsg = new KmsgFollower();
            run = await bundle.run(WORKLOAD, { file: profileFile });
            await sleep(300);
            writeFileSync(log, kmsg.stop());
          } finally {
            restore();
          }
          // the profile breaks the workload (that is what the flag makes visible)
          expect(run.code === 0 && /^\d+\n$/.test(run.stdout), `the workload ran whole: ${run.stdout}`).toBe(false);
          const parsed = seccompLearn(['parse', log]);
          const denials = parsed.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; syscall: string | null; exe: string | null }).filter((e) => e.action === 'ERRNO');
          expect(denials.length, 'ERRNO records in the kernel log').toBeGreaterThan(0);
          const report = seccompLearn(['report', '--denied', '--json', log]);
          expect(report.status, report.stderr).toBe(0);
          const text = seccompLearn(['report', '--denied', log]).stdout;
          for (const name of new Set(denials.map((d) => d.syscall!))) expect(text, `report --denied names ${name}`).toContain(name);
        }, QUIET_WAIT_MS + 60_000);
      } else {
        it('refuses the flag: the profile is not loaded and nothing runs', async () => {
          const run = await bundle.run(WORKLOAD, { file: profileFile });
          expect(run.code, `stdout: ${run.stdout}`).not.toBe(0);
          expect(run.stdout).not.toMatch(/^\d+\n$/);
          // runc says why (containerd passes runc's words on)
          expect(run.stderr).toMatch(/seccomp flags are not yet supported by runc/);
        }, 60_000);
      }
    });
  }
});
