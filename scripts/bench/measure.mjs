// How the bench measures: wall time and peak RSS of a child process, the best
// of n runs, start-up time, and what the CLI offers (--help).
import { spawn, spawnSync } from 'node:child_process';

/**
 * Runs cmd argv once: exit code, wall seconds, peak RSS in MB (python's
 * RUSAGE_CHILDREN: the child's own ru_maxrss, exact), the first 200 characters
 * of stdout and all of stderr.
 */
const PY = 'import resource,subprocess,sys,time\nt=time.perf_counter()\np=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE)\nd=time.perf_counter()-t\nsys.stderr.buffer.write(p.stderr)\nprint(p.returncode,d,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\nsys.stdout.write(p.stdout.decode("utf8","replace")[:200])';

function result(stdout, stderr) {
  const [code, secs, rssKb] = stdout.split('\n')[0].split(' ');
  return { code: Number(code), secs: Number(secs), rssMb: Number(rssKb) / 1024, stdout: stdout.split('\n').slice(1).join('\n'), stderr };
}

export function timeRun(cmd, argv) {
  const r = spawnSync('python3', ['-c', PY, cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return result(r.stdout, r.stderr);
}

/** timeRun without waiting: for runs whose peak RSS matters and whose time does not. */
export function timeRunAsync(cmd, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', PY, cmd, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', () => resolve(result(out, err)));
  });
}

/** Runs the thunks (each returning a promise) `n` at a time; their results in order. */
export async function pool(n, thunks) {
  const results = new Array(thunks.length);
  let next = 0;
  const lane = async () => {
    while (next < thunks.length) {
      const i = next++;
      results[i] = await thunks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, thunks.length) }, lane));
  return results;
}

/** The fastest of n runs of f (peak RSS: the highest seen). */
export function best(n, f) {
  let b = null;
  let rss = 0;
  for (let i = 0; i < n; i++) {
    const x = f();
    rss = Math.max(rss, x.rssMb);
    if (!b || x.secs < b.secs) b = x;
  }
  return { ...b, rssMb: rss };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function startupMs(argv, n = 11) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(times);
}

/** Whether `seccomp-learn --help` offers an option (`--jobs`). */
export function cliHas(cli, option) {
  const r = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.includes(option);
}
