#!/usr/bin/env node
// node scripts/bench/follow.mjs CLI DIR [SAMPLES]
//
// Follow latency: how long from a seccomp record written to seccomp-learn's
// standard input (a pipe, as `tail -f /var/log/syslog | seccomp-learn -o FILE`)
// to the profile FILE holding its call. Prints one JSON object: startupMs (the
// first record, which waits for the CLI to start: not a sample), samples[] of
// { ms, cpuMs, waitMs }, and the bench process's own event-loop delay.
//
// Run in its own small process (not in the bench's, whose heap holds the
// generators' garbage) so that the measuring side adds no GC pauses. Each
// sample waits on inotify (fs.watch of the directory: the CLI renames a new
// file into place) with a 1 ms poll as a fallback, instead of spinning on
// readFileSync, which took a core away from the CLI on a 2-core machine. The
// first record waits as long as start-up takes (up to 60 s): an earlier version
// gave up after 2 s and counted the rest of a slow start-up in the next sample.
// For each sample, /proc/PID/schedstat of the CLI's main thread says how much
// of the wait it spent on a CPU (cpuMs: the CLI working) and how much runnable
// but waiting for a CPU (waitMs: the machine busy), so a slow sample can be
// told apart: the CLI, or the machine.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [cli, dir, n = '40'] = process.argv.slice(2);
const samples = Number(n);
const out = join(dir, 'follow.json');
rmSync(out, { force: true });

// x86_64 calls (any distinct names do: each sample is a call not learned yet)
const CALLS = [
  ['read', 0], ['write', 1], ['close', 3], ['openat', 257], ['mmap', 9], ['brk', 12], ['ioctl', 16], ['futex', 202], ['pselect6', 270], ['accept4', 288],
  ['execve', 59], ['getrandom', 318], ['getpid', 39], ['socket', 41], ['connect', 42], ['accept', 43], ['sendto', 44], ['recvfrom', 45], ['bind', 49], ['listen', 50],
  ['clone', 56], ['fork', 57], ['vfork', 58], ['kill', 62], ['uname', 63], ['fcntl', 72], ['flock', 73], ['fsync', 74], ['truncate', 76], ['getcwd', 79],
  ['chdir', 80], ['rename', 82], ['mkdir', 83], ['rmdir', 84], ['link', 86], ['unlink', 87], ['symlink', 88], ['readlink', 89], ['chmod', 90], ['umask', 95],
  ['getuid', 102], ['getgid', 104], ['setuid', 105], ['setgid', 106], ['geteuid', 107],
];
if (samples + 1 > CALLS.length) throw new Error(`at most ${CALLS.length - 1} samples`);

const child = spawn(process.execPath, [cli, '-q', '-o', out], { stdio: ['pipe', 'ignore', 'inherit'] });
const exited = new Promise((r) => child.on('exit', r));

/** The CLI's main thread: [ns on a CPU, ns runnable but waiting for one]. */
function schedstat() {
  try {
    const [run, wait] = readFileSync(`/proc/${child.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return [run, wait];
  } catch {
    return [NaN, NaN];
  }
}

let wake = null;
const watcher = watch(dir, () => wake?.());
const has = (name) => {
  try {
    return readFileSync(out, 'utf8').includes(`"${name}"`);
  } catch {
    return false; // not written yet
  }
};

/** Write record i and wait until the profile holds its call (or `limitMs`). */
async function sample(i, limitMs) {
  const [name, nr] = CALLS[i];
  const [run0, wait0] = schedstat();
  const t0 = process.hrtime.bigint();
  child.stdin.write(`Nov 29 02:00:00 node-7 kernel: [  100.${String(i).padStart(6, '0')}] audit: type=1326 audit(1795900000.${String(i).padStart(3, '0')}:${100 + i}): pid=7 comm="f" exe="/f" sig=0 arch=c000003e syscall=${nr} compat=0 ip=0x1 code=0x7ffc0000\n`);
  let found = false;
  while (!(found = has(name))) {
    if (Number(process.hrtime.bigint() - t0) / 1e6 > limitMs) break;
    await new Promise((r) => {
      wake = r;
      setTimeout(r, 1);
    });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const [run1, wait1] = schedstat();
  return { ms, found, cpuMs: (run1 - run0) / 1e6, waitMs: (wait1 - wait0) / 1e6 };
}

const loop = monitorEventLoopDelay({ resolution: 1 });
const first = await sample(0, 60000);
loop.enable();
const result = { startupMs: first.ms, started: first.found, samples: [] };
if (first.found) {
  for (let i = 1; i <= samples; i++) {
    await new Promise((r) => setTimeout(r, 10)); // lines arrive over time, not back to back
    result.samples.push(await sample(i, 5000));
  }
}
loop.disable();
result.benchLoopDelayMaxMs = loop.max / 1e6;
watcher.close();
child.stdin.end();
await exited;
console.log(JSON.stringify(result));
