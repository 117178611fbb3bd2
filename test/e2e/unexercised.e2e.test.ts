// Issue 21's fault, reproduced small: a dynamically linked program (built here
// with gcc against glibc, its C library copied into the container's root) is
// recorded under the audit profile while it serves, then run under the learned
// minimal profile while it saves (fork, waitpid, fsync, fdatasync, mkdir, rename,
// unlink, as redis's BGSAVE does): the minimal profile breaks the save. The
// first recording's `report --root` names every call the save needed and the
// serving never made (recall 100%), and the `--include-unexercised` profile runs
// the save as it runs unconfined.
//
// Needs root, runc and gcc; records through /dev/kmsg alone (no auditd: while
// one is registered the kernel hands it the records). Outside CI it skips with
// the reason.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, IN_CI } from '../helpers.js';
import { allowed, AUDIT_PROFILE, Bundle, KmsgFollower, logTakers, printkRateLimitOff, sleep, waitForLogTakers, type Profile } from './harness.js';

const SAVER = `#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
/* serve: read a page and write it; save: what a server's background save does */
static int fail(const char *what) { printf("%s: %m\\n", what); return 1; }
int main(int argc, char **argv) {
  if (argc < 2) return 2;
  if (strcmp(argv[1], "serve") == 0) {
    char buf[256];
    int fd = open("/www/index.html", O_RDONLY);
    if (fd < 0) return fail("open");
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) return fail("read");
    fwrite(buf, 1, (size_t)n, stdout);
    return 0;
  }
  pid_t pid = fork();
  if (pid < 0) return fail("fork");
  if (pid == 0) {
    int fd = open("/tmp/dump.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "data\\n", 5) != 5) _exit(3);
    if (fsync(fd) != 0 || fdatasync(fd) != 0) _exit(4);
    close(fd);
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid) return fail("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { printf("child: exit %d\\n", WEXITSTATUS(status)); return 1; }
  if (mkdir("/tmp/dir", 0700) != 0) return fail("mkdir");
  if (rename("/tmp/dump.tmp", "/tmp/dir/dump.rdb") != 0) return fail("rename");
  if (unlink("/tmp/dir/dump.rdb") != 0) return fail("unlink");
  if (rmdir("/tmp/dir") != 0) return fail("rmdir");
  printf("saved\\n");
  return 0;
}
`;

function missing(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (runc, /dev/kmsg)';
  for (const cmd of ['runc', 'gcc']) if (spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `needs ${cmd} (apt-get install -y runc gcc)`;
  return null;
}
const why = missing();
if (why && !IN_CI) console.warn(`skipping the unexercised-calls end-to-end test: ${why}`);

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });

describe.skipIf(why !== null && !IN_CI)('what a recording under one load did not see, named from the binary', () => {
  let bundle: Bundle;
  const logs: Record<'serve' | 'save', string> = { serve: '', save: '' };

  beforeAll(async () => {
    if (why) throw new Error(why);
    bundle = new Bundle('unexercised', 'runc');
    const src = join(bundle.dir, 'saver.c');
    writeFileSync(src, SAVER);
    const r = spawnSync('gcc', ['-O2', '-o', join(bundle.dir, 'saver'), src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`gcc: ${r.stderr}`);
    bundle.install(join(bundle.dir, 'saver'), 'bin/saver');
    // its C library and loader, where its loader finds them, as in an image
    for (const lib of ['/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']) {
      mkdirSync(dirname(join(bundle.rootfs, lib)), { recursive: true });
      copyFileSync(realpathSync(lib), join(bundle.rootfs, lib));
    }
    const busy = await waitForLogTakers(240_000);
    if (busy) throw new Error(`cannot record: ${busy}`);
  }, 250_000);
  afterAll(() => {
    if (bundle) expect(bundle.remove(), 'containers and mounts left behind').toEqual([]);
  });

  /** Run `saver MODE` under the audit profile, the kernel log followed meanwhile; the log's file. */
  async function record(mode: 'serve' | 'save'): Promise<string> {
    const restore = printkRateLimitOff();
    let text: string;
    try {
      const kmsg = new KmsgFollower();
      const r = await bundle.run(['/bin/saver', mode], AUDIT_PROFILE);
      expect(`exit ${r.code}: ${r.stdout}`, bundle.lastStderr).toBe(`exit 0: ${mode === 'save' ? 'saved\n' : 'just made some syscalls!\n'}`);
      await sleep(300);
      text = kmsg.stop();
    } finally {
      restore();
    }
    const taker = logTakers();
    if (taker) throw new Error(`someone else took records while recording: ${taker}`);
    const file = join(bundle.dir, `${mode}.kmsg`);
    writeFileSync(file, text);
    return file;
  }

  it('runs unconfined, and is recorded serving, then saving', async () => {
    expect((await bundle.run(['/bin/saver', 'serve'], null)).stdout).toBe('just made some syscalls!\n');
    expect((await bundle.run(['/bin/saver', 'save'], null)).stdout).toBe('saved\n');
    logs.serve = await record('serve');
    logs.save = await record('save');
  }, 60_000);

  it('the minimal profile of the serving breaks the save; report --root names every call the save needed; --include-unexercised runs it', async () => {
    const minimalFile = join(bundle.dir, 'minimal.json');
    const m = cli(['--comm', 'saver', logs.serve, '-o', minimalFile]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stderr).toContain('--root DIR');
    const minimal = JSON.parse(readFileSync(minimalFile, 'utf8')) as Profile;

    // the fault: the save fails under the profile learned while serving
    const broken = await bundle.run(['/bin/saver', 'save'], { file: minimalFile });
    expect(broken.stdout).not.toBe('saved\n');
    expect(broken.stdout).toMatch(/^fork: Operation not permitted\n$/);

    // what the save made that the serving never did: each is named from the binary
    const saving = JSON.parse(cli(['report', '--json', '--comm', 'saver', logs.save]).stdout).processes[0].syscalls.map((c: { name: string }) => c.name) as string[];
    const needed = saving.filter((n) => !allowed(minimal).includes(n));
    expect(needed).toEqual(expect.arrayContaining(['clone', 'wait4', 'fsync', 'fdatasync', 'mkdir', 'rename', 'unlink']));
    const report = cli(['report', '--json', '--comm', 'saver', '--root', bundle.rootfs, logs.serve]);
    expect(report.status, report.stderr).toBe(0);
    const p = JSON.parse(report.stdout).processes[0];
    expect(p.binary).toMatchObject({ path: '/bin/saver', error: null, problems: [] });
    const unexercised = new Map((p.unexercised as Array<{ name: string; via: string[] }>).map((c) => [c.name, c.via]));
    const missed = needed.filter((n) => !unexercised.has(n));
    // recall: every call of the second load that the first never made is in the first recording's list
    expect(missed).toEqual([]);
    expect(unexercised.get('clone')).toContain('fork');
    expect(unexercised.get('wait4')).toContain('waitpid');
    expect(unexercised.get('fsync')).toEqual(['fsync']);
    const text = cli(['report', '--comm', 'saver', '--root', bundle.rootfs, logs.serve]).stdout;
    expect(text).toMatch(/\n {4}clone +via .*fork/);
    expect(text).toMatch(/\n {4}fsync +via fsync\n/);
    console.log(`saver: minimal profile ${allowed(minimal).length} names; unexercised ${unexercised.size}; the save needed ${needed.length} more: ${needed.join(' ')}`);

    // the tier: what ran and what the binary can make; the save runs as unconfined
    const fullFile = join(bundle.dir, 'full.json');
    const f = cli(['--comm', 'saver', '--root', bundle.rootfs, '--include-unexercised', logs.serve, '-o', fullFile]);
    expect(f.status, f.stderr).toBe(0);
    expect(f.stderr).toMatch(/--include-unexercised: added \d+ syscalls the binaries can make but the recording never saw \(.*\), imported by \/bin\/saver from glibc 2\.\d+ \(\/lib\/x86_64-linux-gnu\/libc\.so\.6\)/);
    const full = JSON.parse(readFileSync(fullFile, 'utf8')) as Profile;
    expect(allowed(full)).toEqual(expect.arrayContaining(needed));
    for (let i = 0; i < 3; i++) expect((await bundle.run(['/bin/saver', 'save'], { file: fullFile })).stdout).toBe('saved\n');
    // and check says which of the minimal profile's denials the binary can make
    const c = JSON.parse(cli(['check', '--json', minimalFile, '--comm', 'saver', '--root', bundle.rootfs, logs.serve]).stdout);
    const latent = (c.processes[0].unexercised as Array<{ name: string; verdict: string }>).map((u) => u.name);
    expect(latent).toEqual(expect.arrayContaining(needed));
  }, 60_000);
});
