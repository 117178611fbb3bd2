// The workloads of the end-to-end suite: each runs in a container of any runtime
// (runc, crun, podman; see harness.ts) and is selected the way a user would.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { sleep, httpGet, type Bundle, type Seccomp } from './harness.js';

export interface Workload {
  name: string;
  /** seccomp-learn's selection, as a user would type it. */
  select: string[];
  hostDirs?: string[];
  setup?: (b: Bundle) => void;
  /** Run once; a string that must be the same under the learned profile as unconfined. */
  exercise: (b: Bundle, seccomp: Seccomp) => Promise<string>;
  /** A learned syscall the workload cannot do without. */
  needed: (names: string[]) => string;
}

const command = (args: string[]) => async (b: Bundle, seccomp: Seccomp) => {
  const r = await b.run(args, seccomp);
  return `exit ${r.code}\n${r.stdout}`;
};

// one port per suite run: another engineer's suite may run on this machine at the same time
export const PORT = 20000 + (process.pid % 20000);
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

export const WORKLOADS: Workload[] = [
  {
    name: 'ls',
    select: ['--comm', 'ls'],
    exercise: command(['/bin/ls', '/']),
    needed: () => 'getdents64',
  },
  {
    name: 'httpd',
    select: ['--comm', 'httpd'],
    exercise: async (b, seccomp) => {
      const server = b.start(['/bin/httpd', '-f', '-p', `127.0.0.1:${PORT}`, '-h', '/www'], seccomp);
      const body = await httpGet(PORT, '/index.html', 3000);
      const second = body.startsWith('200') ? await httpGet(PORT, '/index.html', 3000) : '';
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
