// Following /dev/kmsg when the kernel's ring buffer overwrites lines before
// seccomp-learn reads them: the read fails with EPIPE once, which must not end
// the run (it did: fs.ReadStream gave up) but be counted as a finding that says
// records may be missing, and reading goes on from the oldest line left.
//
// The reader is stopped (SIGSTOP) while more lines than the buffer holds are
// written to /dev/kmsg, then let go. Needs root (to write /dev/kmsg and let user
// space write it without its rate limit: kernel.printk_devkmsg, put back after).
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI, IN_CI } from '../helpers.js';
import { sleep } from './harness.js';

const why = process.getuid?.() !== 0 ? 'needs root: writes /dev/kmsg and kernel.printk_devkmsg' : null;
if (why && !IN_CI) console.warn(`skipping the /dev/kmsg overrun test: ${why}`);

describe.skipIf(why !== null && !IN_CI)('following /dev/kmsg when the kernel overwrites unread lines', () => {
  it('counts the overrun as a loss finding, and reads on', async () => {
    const knob = '/proc/sys/kernel/printk_devkmsg';
    const old = readFileSync(knob, 'utf8').trim();
    writeFileSync(knob, 'on\n'); // (the kernel wants the newline)
    const nonce = `${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, [CLI, 'report', '--json', '/dev/kmsg'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const kmsg = openSync('/dev/kmsg', 'w');
    try {
      await sleep(1500); // it has opened /dev/kmsg and read what was there
      child.kill('SIGSTOP');
      // several times what the ring buffer holds (128 KiB to a few MiB), one record a write
      const filler = `seccomp-learn-test kmsg-overrun ${nonce} ${'x'.repeat(900)}\n`;
      const bufferBytes = Math.max(1 << 20, Number(/(\d+)/.exec(readFileSync('/proc/cmdline', 'utf8').match(/log_buf_len=\S+/)?.[0] ?? '')?.[1] ?? 0));
      for (let n = 0; n * filler.length < 4 * bufferBytes; n++) writeSync(kmsg, filler);
      child.kill('SIGCONT');
      // a record after the overrun (written by user space, so counted as untrusted): it read on
      writeSync(kmsg, `audit: type=1326 audit(1795900000.001:77): auid=0 uid=0 gid=0 ses=1 pid=4242 comm="after-overrun-${process.pid}" exe="/bin/x" sig=0 arch=c000003e syscall=39 compat=0 ip=0x1 code=0x7ffc0000\n`);
      await sleep(1500);
    } finally {
      closeSync(kmsg);
      writeFileSync(knob, old + '\n');
      child.kill('SIGCONT');
      child.kill('SIGTERM');
    }
    // 0, or 1 when nothing was learned (the buffer may hold no kernel-written record by then); never a crash
    expect([0, 1], err).toContain(await exited);
    expect(err).not.toMatch(/internal error|EPIPE/);
    const report = JSON.parse(out);
    const overrun = report.findings.find((f: { kind: string }) => f.kind === 'kmsg-overrun');
    expect(overrun, JSON.stringify(report.findings)).toBeDefined();
    expect(overrun.severity).toBe('loss');
    expect(overrun.file).toBe('/dev/kmsg');
    expect(report.findings.some((f: { kind: string }) => f.kind === 'untrusted')).toBe(true);
  });

  it('stops at once on SIGTERM while the kernel logs nothing (no read waits in the kernel)', async () => {
    const child = spawn(process.execPath, [CLI, 'learn', '-q', '/dev/kmsg'], { stdio: 'ignore' });
    const exited = new Promise<number>((r) => child.on('exit', () => r(Date.now())));
    await sleep(1500);
    const sent = Date.now();
    child.kill('SIGTERM');
    expect((await exited) - sent).toBeLessThan(1000);
  });
});
