// The bench's first two inputs, unchanged since they were introduced (same
// seed, same bytes), so that their rows compare with earlier runs:
// - a syslog where 30% of the lines are seccomp records of four processes
//   (one pid each, x86_64, aarch64, i386) among cron, sshd, systemd,
//   containerd and kubelet lines;
// - an audit.log made only of SECCOMP records of the same four processes.
// Returns the ground truth: per program (the exe's basename), the calls made.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prng } from './prng.mjs';
import { nr } from './syscalls.mjs';

const ARCH_OF = { c000003e: 'x86_64', c00000b7: 'aarch64', 40000003: 'i386' };

export const PROCS = [
  { comm: 'http-echo', exe: '/http-echo', arch: 'c000003e', calls: ['read', 'write', 'close', 'futex', 'accept4', 'getsockname', 'setsockopt', 'pselect6', 'epoll_wait', 'mmap'] },
  { comm: 'nginx', exe: '/usr/sbin/nginx', arch: 'c000003e', calls: ['read', 'write', 'close', 'openat', 'newfstatat', 'accept4', 'epoll_wait', 'ioctl', 'brk'] },
  { comm: 'java', exe: '/usr/lib/jvm/bin/java', arch: 'c00000b7', calls: ['read', 'write', 'futex', 'mmap', 'mprotect', 'clone3', 'getrandom', 'openat'] },
  { comm: 'legacy32', exe: '/opt/legacy/bin/legacy32', arch: '40000003', calls: ['read', 'write', 'close', 'brk', 'mmap2', 'openat', 'ioctl'] },
];

const NOISE = [
  (r) => `CRON[${1000 + Math.floor(r() * 9000)}]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)`,
  (r) => `sshd[${1000 + Math.floor(r() * 9000)}]: Accepted publickey for deploy from 10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)} port ${40000 + Math.floor(r() * 20000)} ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eA`,
  (r) => `systemd[1]: Started session-${Math.floor(r() * 99999)}.scope - Session ${Math.floor(r() * 999)} of User deploy.`,
  (r) => `kernel: [${(r() * 99999).toFixed(6).padStart(13)}] eth0: renamed from veth${Math.floor(r() * 0xffffff).toString(16)}`,
  (r) => `containerd[842]: time="2026-11-29T02:11:${String(Math.floor(r() * 60)).padStart(2, '0')}.123456789Z" level=info msg="StartContainer for \\"${Math.floor(r() * 0xffffffff).toString(16)}\\" returns successfully"`,
  (r) => `kubelet[901]: I1129 02:11:0${Math.floor(r() * 10)}.000000     901 kubelet_pods.go:1082] "Clean up probes for terminated pods"`,
];
const MONTH = 'Nov';

/**
 * Lines from line() in chunks of 2000 until `mb` MB are written (as when the
 * chunks were joined strings: the same stopping point, the same bytes), each
 * copied as latin1 into one 8 MiB buffer written when full.
 */
function write(path, mb, line) {
  const fd = openSync(path, 'w');
  const buf = Buffer.allocUnsafe(1 << 23);
  let at = 0;
  const flush = () => {
    let done = 0;
    while (done < at) done += writeSync(fd, buf, done, at - done);
    at = 0;
  };
  try {
    let bytes = 0;
    const target = mb * 1e6;
    while (bytes < target) {
      for (let i = 0; i < 2000; i++) {
        const s = line();
        if (at + s.length + 1 > buf.length) flush();
        at += buf.latin1Write(s, at);
        buf[at++] = 10;
        bytes += s.length + 1;
      }
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** Writes `syslog` and `audit.log` into dir; returns their paths and the ground truth (exe basename -> Set of names). */
export function generateClassic(dir, { syslogMB, auditMB }) {
  const r = prng(42);
  const byComm = new Map(PROCS.map((p) => [p.comm, new Set()]));
  const syslog = join(dir, 'syslog');
  const audit = join(dir, 'audit.log');
  let serial = 1000;
  let uptime = 1000;
  let t = 1795900000;
  // (the text between the stamp and the number, and the stamp's date, are made once)
  const seccomp = (p, n) => `audit(${t}.${String(Math.floor(r() * 1000)).padStart(3, '0')}:${++serial})${p.fields}${n}${p.compat}${Math.floor(r() * 0xffffffff).toString(16)} code=0x7ffc0000`;
  const pick = (p) => {
    const name = p.calls[Math.floor(r() * p.calls.length)];
    byComm.get(p.comm).add(name);
    return p.nrs[name];
  };
  for (const p of PROCS) {
    p.pid = 2000 + Math.floor(r() * 30000);
    p.fields = `: auid=4294967295 uid=0 gid=0 ses=4294967295 pid=${p.pid} comm="${p.comm}" exe="${p.exe}" sig=0 arch=${p.arch} syscall=`;
    p.compat = ` compat=${p.arch === '40000003' ? 1 : 0} ip=0x7f`;
    p.nrs = Object.fromEntries(p.calls.map((c) => [c, nr(ARCH_OF[p.arch], c)]));
  }

  let stampOf = -1;
  let stamp = '';
  write(syslog, syslogMB, () => {
    if (r() < 0.001) t++;
    uptime += 0.0001;
    if (t !== stampOf) {
      stampOf = t;
      const hh = String(Math.floor((t / 3600) % 24)).padStart(2, '0');
      const mm = String(Math.floor((t / 60) % 60)).padStart(2, '0');
      const ss = String(t % 60).padStart(2, '0');
      stamp = `${MONTH} 29 ${hh}:${mm}:${ss} node-7`;
    }
    if (r() < 0.3) {
      const p = PROCS[Math.floor(r() * PROCS.length)];
      return `${stamp} kernel: [${uptime.toFixed(6).padStart(12)}] audit: type=1326 ${seccomp(p, pick(p))}`;
    }
    serial += r() < 0.05 ? 1 : 0; // other audit records the syslog never shows
    return `${stamp} ${NOISE[Math.floor(r() * NOISE.length)](r)}`;
  });
  const syslogTruth = truthOf(byComm);
  for (const s of byComm.values()) s.clear();
  write(audit, auditMB, () => {
    const p = PROCS[Math.floor(r() * PROCS.length)];
    if (r() < 0.01) t++;
    return `type=SECCOMP msg=${seccomp(p, pick(p))}`;
  });
  return { syslog, audit, syslogTruth, auditTruth: truthOf(byComm) };
}

function truthOf(byComm) {
  return new Map(PROCS.map((p) => [p.exe.split('/').pop(), new Set(byComm.get(p.comm))]));
}
