// Every test run leaves /tmp as it found it. tmpDir() names its directories after
// this run (SECCOMP_LEARN_TEST_RUN, inherited by the test workers), so that runs
// side by side on one machine are told apart; one left behind fails the run.
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const run = `${process.pid}`;
  process.env.SECCOMP_LEARN_TEST_RUN = run;
  return () => {
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith(`seccomp-learn-test-${run}-`));
    if (left.length === 0) return;
    console.error(`the tests left ${left.length} temporary directories in ${tmpdir()}: ${left.join(', ')}`);
    for (const d of left) rmSync(join(tmpdir(), d), { recursive: true, force: true });
    process.exitCode = 1;
  };
}
