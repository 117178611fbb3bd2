// Does an OCI runtime's init make the same calls after loading the filter in
// every run? Each workload of the end-to-end suite runs RUNS times under the
// audit profile with each runtime while /dev/kmsg is followed; for each run the
// calls of the runtime's init (its comm, exe "/", the workload's pid) are
// collected, and the calls made in some runs but not all are printed. A call
// that varies is one a profile learned from a single recording will sometimes
// lack, killing the workload in some starts: src/learn/runtime.ts adds such calls (the
// runtime's base) when the learner sees that runtime's init.
//
//   npm run build && npx vitest run --config test/e2e/measure.config.ts
//   RUNS=50 RUNTIMES=crun,podman npx vitest run --config test/e2e/measure.config.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_PROFILE, Bundle, cgroupsForCrun, initCalls, KmsgFollower, missingParts, printkRateLimitOff, RUNTIMES, sleep, waitForLogTakers, type Runtime } from './harness.js';
import { WORKLOADS } from './workloads.js';

const RUNS = Number(process.env.RUNS ?? 20);
const runtimes = (process.env.RUNTIMES?.split(',') ?? RUNTIMES) as Runtime[];

describe('the calls of a runtime\'s init after loading the filter, run after run', () => {
  let restoreCgroups: () => Promise<string[]> = () => Promise.resolve([]);
  const table: string[] = [];
  beforeAll(() => {
    const why = missingParts();
    if (why) throw new Error(why);
    restoreCgroups = cgroupsForCrun();
  });
  afterAll(async () => {
    console.log(`the calls of each runtime's init, over ${RUNS} runs under the audit profile:\n${table.join('\n')}`);
    expect(await restoreCgroups()).toEqual([]);
  });

  for (const rt of runtimes) {
    for (const w of WORKLOADS) {
      it(`${rt} ${w.name}`, async () => {
        const bundle = new Bundle(w.name, rt, w.hostDirs);
        try {
          w.setup?.(bundle);
          await w.exercise(bundle, null); // podman's first run writes /etc, /run and /sys into the rootfs
          const busy = await waitForLogTakers(240_000);
          if (busy) throw new Error(busy);
          const restore = printkRateLimitOff();
          let log = '';
          try {
            const kmsg = new KmsgFollower();
            for (let i = 0; i < RUNS; i++) await w.exercise(bundle, AUDIT_PROFILE);
            await sleep(300);
            log = kmsg.stop();
          } finally {
            restore();
          }
          expect(log).not.toMatch(/callbacks suppressed/);
          const file = join(bundle.dir, 'kmsg');
          writeFileSync(file, log);
          const runs = [...initCalls(rt, file).values()];
          expect(runs.length, 'one init per run').toBe(RUNS);
          const count = new Map<string, number>();
          for (const calls of runs) for (const c of calls) count.set(c, (count.get(c) ?? 0) + 1);
          const always = [...count].filter(([, n]) => n === RUNS).map(([c]) => c).sort();
          const sometimes = [...count].filter(([, n]) => n < RUNS).sort().map(([c, n]) => `${c} ${n}/${RUNS}`);
          table.push(`  ${rt.padEnd(7)} ${w.name.padEnd(9)} every run (${always.length}): ${always.join(' ')}\n  ${''.padEnd(17)} some runs: ${sometimes.join(', ') || 'none'}`);
        } finally {
          expect(bundle.remove()).toEqual([]);
        }
      });
    }
  }
});
