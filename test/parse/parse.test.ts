import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Learner, LineSplitter, Parser, parseLine, type LineResult, type SeccompEvent } from '../../src/index.js';
import { EnvelopeReader } from '../../src/parse/envelope.js';
import { blankEvent, MARKERS } from '../../src/parse/event.js';
import { auditdStamp, RecordReader, type AuditdStamp } from '../../src/parse/record.js';

const isEvent = (r: LineResult): r is SeccompEvent => r?.kind === 'seccomp';
/** The envelope a line begins with (a copy), or null. */
const detectEnvelope = (line: string) => {
  const b = Buffer.from(line, 'utf8');
  const e = new EnvelopeReader().read(b, 0, b.length);
  return e && { ...e };
};
import { FIELD_CASES, fixture, readFixture } from '../helpers.js';

function lines(name: string): string[] {
  return readFixture(name).split('\n').filter((l) => l.length > 0);
}

/** A file's records, read by one Parser as a file is (plain ausearch's `time->` lines name the file's format). */
function events(name: string): SeccompEvent[] {
  const p = new Parser();
  return lines(name)
    .map((l, i) => p.parseText(l, name, i + 1))
    .filter(isEvent);
}

const isSeccompLine = (l: string) => /type=1326 |type=SECCOMP |: SECCOMP |"_AUDIT_TYPE":"1326"/.test(l);

describe('every real format', () => {
  // [fixture, format(s) of its seccomp lines, trusted]
  const table: Array<[string, string[]]> = [
    ['real/dmesg.log', ['dmesg']],
    ['real/dmesg-T.log', ['dmesg-T']],
    ['real/kmsg.log', ['kmsg']],
    ['real/syslog-traditional.log', ['syslog']],
    ['real/syslog-rfc3339.log', ['syslog-rfc3339']],
    ['real/audit-raw.log', ['auditd']],
    ['real/audit-enriched.log', ['auditd']],
    ['real/ausearch.log', ['ausearch']],
    ['real/ausearch-i.log', ['ausearch-i']],
    ['real/journal-short.log', ['journal', 'syslog']],
    ['real/journal-short-iso.log', ['journal', 'syslog-rfc3339']],
    ['real/journal-json.log', ['journal-json']],
    ['real/syslog-pri.log', ['syslog']],
    ['real/busybox-syslog.log', ['syslog']],
    ['real/audit-node.log', ['auditd']],
  ];

  it.each(table)('%s: one event per seccomp line, every field read', (name, formats) => {
    const all = lines(name);
    const evs = events(name);
    expect(evs.length).toBe(all.filter(isSeccompLine).length);
    expect(evs.length).toBeGreaterThan(10);
    for (const e of evs) {
      expect(formats).toContain(e.format);
      expect(e.pid).toBeGreaterThan(0);
      expect(e.arch?.name).toBe('x86_64');
      expect(e.syscall, `${e.file}:${e.line} nr ${e.nr}`).not.toBeNull();
      expect(e.action).not.toBeNull();
      // journalctl -o short drops the audit transport's serial; every other form keeps it
      if (e.trusted && e.format !== 'journal') expect(e.serial).not.toBeNull();
    }
    // the workload: busybox after the logrun wrapper exec'd it, with the same pid
    const busybox = evs.filter((e) => e.comm === 'busybox' && e.trusted);
    expect(busybox.length).toBeGreaterThan(10);
    expect(busybox.map((e) => e.syscall)).toContain('exit_group');
    expect(evs.filter((e) => e.comm === 'logrun').map((e) => e.syscall)).toContain('execve');
  });

  it('reads the kernel\'s hex-encoded comm (a process that named itself `evil "name`)', () => {
    for (const name of ['real/dmesg.log', 'real/kmsg.log', 'real/syslog-traditional.log', 'real/audit-raw.log', 'real/audit-enriched.log', 'real/ausearch-i.log', 'real/journal-json.log']) {
      const evil = events(name).filter((e) => e.comm === 'evil "name');
      expect(evil.length, name).toBeGreaterThan(0);
      expect(evil.map((e) => e.syscall)).toContain('getppid');
    }
    expect(lines('real/dmesg.log').some((l) => l.includes('comm=6576696C20226E616D65'))).toBe(true);
  });

  it('decodes the actions: LOG, an ERRNO denial logged by SECCOMP_FILTER_FLAG_LOG, KILL_PROCESS', () => {
    const evs = events('real/dmesg.log');
    const errno = evs.filter((e) => e.action === 'ERRNO');
    expect(errno.map((e) => e.syscall)).toEqual(['uname']);
    const kill = evs.filter((e) => e.action === 'KILL_PROCESS');
    expect(kill.map((e) => e.syscall)).toEqual(['uname', 'uname']);
    expect(kill.every((e) => e.sig === 31)).toBe(true);
    expect(evs.filter((e) => e.action === 'LOG').length).toBe(evs.length - 3);
  });

  it('keeps the ENRICHED record proper: the 0x1D tail is not read for the syscall', () => {
    const raw = lines('real/audit-enriched.log').filter(isSeccompLine);
    expect(raw.every((l) => l.includes('\x1d'))).toBe(true);
    const evs = events('real/audit-enriched.log');
    expect(evs.every((e) => e.syscall !== null && e.nr >= 0)).toBe(true);
  });

  it('dates ausearch -i records and resolves its names back to numbers', () => {
    const raw = events('real/audit-raw.log');
    const interpreted = events('real/ausearch-i.log');
    const bySerial = new Map(raw.map((e) => [e.serial, e]));
    for (const e of interpreted) {
      const r = bySerial.get(e.serial)!;
      expect(r, `serial ${e.serial}`).toBeDefined();
      expect(e.nr).toBe(r.nr);
      expect(e.syscall).toBe(r.syscall);
      expect(e.pid).toBe(r.pid);
      expect(e.comm).toBe(r.comm);
      expect(e.time).toBeCloseTo(r.time!, 3);
    }
  });

  it("reads ausearch -i's signals as the kernel's numbers: SIGSYS as 31, SIG0 (no signal) as 0, on x86_64 and i386", () => {
    for (const [rawName, name] of [['real/audit-raw.log', 'real/ausearch-i.log'], ['real/audit-raw-i386.log', 'real/ausearch-i-i386.log']]) {
      const bySerial = new Map(events(rawName).map((e) => [e.serial, e]));
      const interpreted = events(name);
      expect(interpreted.length).toBeGreaterThan(20);
      const sigs = new Set<number | null>();
      for (const e of interpreted) {
        expect(e.sig, `${name} serial ${e.serial}`).toBe(bySerial.get(e.serial)!.sig);
        sigs.add(e.sig);
      }
      expect(sigs).toEqual(new Set([0, 31]));
    }
  });

  it('never makes one record of two run together on a line (pasted, or a shipper\'s message joined): the line is skipped, counted', () => {
    const [a, b] = lines('real/dmesg.log').filter((l) => l.includes('type=1326')).map((l) => l.slice(l.indexOf('audit: ')));
    for (const joined of [`${a} ${b}`, `[ 1316.482539] ${a} ${b}`, JSON.stringify({ MESSAGE: `${a}\n${b}`, _TRANSPORT: 'kernel' }), JSON.stringify({ message: `${a}\n${b}` })]) {
      expect(parseLine(joined, 'f', 1), joined).toMatchObject({ kind: 'skip', code: 'several-records' });
    }
    // one record alone is still read
    expect(parseLine(a, 'f', 1)).toMatchObject({ kind: 'seccomp', serial: 3340, nr: 59 });
  });

  it('reads no syscall= the kernel would not print (%d: no leading zero) as a number, so never as 0 (read)', () => {
    const a = lines('real/dmesg.log').find((l) => l.includes('syscall=59 '))!;
    expect(parseLine(a.replace('syscall=59 ', 'syscall=00 '), 'f', 1)).toMatchObject({ kind: 'skip', code: 'bad-number' });
    expect(parseLine(a.replace('syscall=59 ', 'syscall=059 '), 'f', 1)).toMatchObject({ kind: 'skip', code: 'bad-number' });
    expect(parseLine(a.replace('syscall=59 ', 'syscall=0 '), 'f', 1)).toMatchObject({ kind: 'seccomp', nr: 0, syscall: 'read' });
  });

  it('gives journald\'s two transports the same record key', () => {
    // `TIME:SERIAL` as the kernel writes it (milliseconds): what identifies one record across sources
    const recordKey = (e: SeccompEvent) => (e.time === null || e.serial === null ? null : `${e.time.toFixed(3)}:${e.serial}`);
    const evs = events('real/journal-json.log').filter((e) => e.trusted);
    const keys = new Map<string, number>();
    for (const e of evs) keys.set(recordKey(e)!, (keys.get(recordKey(e)!) ?? 0) + 1);
    expect([...keys.values()].every((n) => n === 2)).toBe(true);
  });

  it('reads a journal MESSAGE given as an array of bytes (journald does so for non-UTF-8 values)', () => {
    // the audit transport's entry (its _TRANSPORT says audit, which the byte prefilter looks for)
    const line = lines('real/journal-json.log').find((l) => l.includes('"_TRANSPORT":"audit"') && l.includes('6576696C'))!;
    const o = JSON.parse(line);
    const asBytes = JSON.stringify({ ...o, MESSAGE: [...Buffer.from(o.MESSAGE)] });
    const a = parseLine(line, 'x', 1);
    const b = parseLine(asBytes, 'x', 1);
    expect(isEvent(b) && [b.comm, b.syscall, b.serial, b.trusted]).toEqual(isEvent(a) && [a.comm, a.syscall, a.serial, a.trusted]);
    expect(isEvent(b) && b.comm).toBe('evil "name');
  });

  it('finds a record after a newline in a journal MESSAGE, untrusted (no transport writes one there), instead of passing it over', () => {
    const rec = 'audit: type=1326 audit(1594067860.484:14536): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29064 comm="http-echo" exe="/http-echo" sig=0 arch=c000003e syscall=51 compat=0 ip=0x46fe1f code=0x7ffc0000';
    for (const transport of ['kernel', 'audit', 'syslog']) {
      const r = parseLine(JSON.stringify({ MESSAGE: `hello\n${rec}`, _TRANSPORT: transport }), 'j', 1) as SeccompEvent;
      expect(r.kind).toBe('seccomp');
      expect(r.syscall).toBe('getsockname');
      expect(r.trusted).toBe(false);
    }
  });

  it('reads the published lines of the reference', () => {
    const evs = events('published/reference-lines.log');
    expect(evs.map((e) => [e.format, e.arch?.name, e.syscall, e.action])).toEqual([
      ['dmesg', 'x86_64', 'rt_sigaction', 'LOG'],
      ['dmesg-T', 'x86_64', 'rt_sigaction', 'ERRNO'],
      ['auditd', 'x86_64', 'fchmodat', 'LOG'],
      ['ausearch-i', 'aarch64', 'msync', 'KILL_PROCESS'],
      ['journal', 'x86_64', 'capget', 'LOG'],
    ]);
    expect(evs[3].comm).toBe('AsyncLocalStore');
    expect(evs[3].exe).toBe('/opt/google/drive-file-stream/drivefs');
    expect(evs[4].comm).toBe('runc:[2:INIT]');
  });
});

describe('only real records become events', () => {
  it('passes over SYSCALL (1300), CONFIG_CHANGE (1305), PROCTITLE, ANOM_ABEND (1701) records', () => {
    for (const name of ['real/dmesg.log', 'real/audit-raw.log']) {
      const others = lines(name).filter((l) => /type=(1300|1305|1327|1701|SYSCALL|CONFIG_CHANGE|PROCTITLE|ANOM_ABEND|DAEMON_START) /.test(l));
      expect(others.length).toBeGreaterThan(0);
      for (const l of others) {
        const r = parseLine(l, name, 1);
        // not an event: at most a mark whose serial counts for gaps (auditd's DAEMON_* have auditd's own serials)
        expect(r === null || (!isEvent(r) && r.kind === 'mark'), l).toBe(true);
        if (/DAEMON_/.test(l)) expect(r).toBeNull();
      }
    }
  });

  it('marks lines a user-space program wrote as untrusted', () => {
    for (const name of ['real/syslog-traditional.log', 'real/syslog-rfc3339.log', 'real/journal-json.log', 'real/journal-short.log']) {
      const forged = events(name).filter((e) => !e.trusted);
      expect(forged.length, name).toBe(1);
      expect(forged[0].pid).toBe(4242);
    }
  });

  it('tells a forged busybox `user.notice kernel:` line and a `<PRI>` of another facility from the kernel\'s', () => {
    const forged = events('real/busybox-syslog.log').filter((e) => !e.trusted);
    expect(forged.map((e) => e.pid)).toEqual([4242]);
    expect(lines('real/busybox-syslog.log').some((l) => l.includes(' kern.notice kernel: [') && l.includes('type=1326'))).toBe(true);
    const pri = lines('real/syslog-pri.log');
    expect(pri[0]).toMatch(/^<12>.* kernel: /); // the fixture's own marker, written to /dev/kmsg by a user
    expect(detectEnvelope(pri[0])?.trusted).toBe(false);
    expect(events('real/syslog-pri.log').every((e) => e.trusted)).toBe(true);
  });

  it('trusts /dev/kmsg only for the kernel facility', () => {
    expect(detectEnvelope('5,2164,901567085,-;audit: type=1326 x')?.trusted).toBe(true);
    expect(detectEnvelope('12,1861,901514284,-;audit: type=1326 x')?.trusted).toBe(false);
  });

  const body = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29064 comm="http-echo" exe="/http-echo" sig=0 arch=c000003e syscall=51 compat=0 ip=0x46fe1f code=0x7ffc0000';
  const skipOf = (text: string) => {
    const r = parseLine(text, 'x.log', 7);
    return r !== null && !isEvent(r) && r.kind === 'skip' ? r.code : r === null ? null : 'event';
  };

  it('never reads a bad number as syscall 0', () => {
    expect(skipOf(`audit: type=1326 audit(1594067860.484:14536): ${body.replace('syscall=51', 'syscall=5x1')}`)).toBe('bad-number');
    expect(skipOf(`audit: type=1326 audit(1594067860.484:14536): ${body.replace('syscall=51', 'syscall=')}`)).toBe('bad-number');
    expect(skipOf(`audit: type=1326 audit(1594067860.484:14536): ${body.replace(' syscall=51', '')}`)).toBe('missing-field');
    expect(skipOf(`audit: type=1326 audit(1594067860.484:14536): ${body.replace('pid=29064', 'pid=abc')}`)).toBe('bad-number');
    expect(skipOf(`audit: type=1326 audit(1594067860.484:14536): ${body.replace('arch=c000003e', 'arch=deadbeef')}`)).toBe('unknown-arch');
    expect(skipOf('audit: type=1326 audit(1594067860.484:14536')).toBe('malformed');
    expect(skipOf('{"MESSAGE":"audit: type=1326 audit(')).toBe('bad-json');
  });

  it('never learns a record cut before ip= and code= (syscall=231 cut to syscall=23 names another call)', () => {
    const real = lines('real/dmesg.log').filter(isSeccompLine);
    expect(real.length).toBeGreaterThan(10);
    for (const l of real) {
      const ip = l.lastIndexOf(' ip=');
      for (let cut = l.indexOf(' syscall=') + 9; cut <= ip; cut++) {
        const r = parseLine(l.slice(0, cut), 'dmesg.log', 1);
        expect(r?.kind, l.slice(0, cut)).toBe('skip');
        expect((r as { code: string }).code, l.slice(0, cut)).toBe('incomplete');
      }
    }
  });

  it('reads a code= with any of its low 16 bits set as no action (the kernel logs the action without its data: a cut value)', () => {
    const line = (code: string) => `[  200.000001] audit: type=1326 audit(1622229872.180:1): ${body.replace('code=0x7ffc0000', `code=${code}`)}`;
    for (const cut of ['0x7', '0x7f', '0x7ffc', '0x7ffc0', '0x5000', '0x50001']) expect((parseLine(line(cut), 'f', 1) as SeccompEvent).action, cut).toBeNull();
    expect((parseLine(line('0x7ffc0000'), 'f', 1) as SeccompEvent).action).toBe('LOG');
    expect((parseLine(line('0x0'), 'f', 1) as SeccompEvent).action).toBe('KILL_THREAD');
  });

  it('reads fields by key: subj with spaces and =, unknown keys, old kernels without arch/exe', () => {
    const subj = parseLine(`audit: type=1326 audit(1.000:5): auid=1 uid=2 gid=3 ses=4 subj==cri-containerd.apparmor.d (enforce) pid=9 comm="a b" exe="/x" ppid=3 sig=0 arch=c00000b7 syscall=221 compat=0 ip=0x1 code=0x7ffc0000 future=1`, 'x', 1);
    expect(isEvent(subj) && [subj.pid, subj.comm, subj.syscall, subj.arch?.name]).toEqual([9, 'a b', 'execve', 'aarch64']);
    const old = parseLine('[  1.000] type=1326 audit(1.000:6): auid=1 uid=2 gid=3 ses=4 pid=9 comm="old" sig=0 syscall=2 compat=0 ip=0x1 code=0x7ffc0000', 'x', 1);
    expect(isEvent(old) && [old.arch, old.syscall, old.nr, old.exe]).toEqual([null, null, 2, null]);
    const nul = parseLine('type=SECCOMP msg=audit(1.000:7): auid=1 uid=2 gid=3 ses=4 pid=9 comm=6576696C exe=(null) sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x0', 'x', 1);
    expect(isEvent(nul) && [nul.comm, nul.exe, nul.syscall, nul.action]).toEqual(['evil', null, 'read', 'KILL_THREAD']);
    const node = parseLine('node=host1 type=UNKNOWN[1326] msg=audit(1.000:8): pid=9 comm="n" arch=40000003 syscall=11 compat=1 code=0x7ffc0000', 'x', 1);
    expect(isEvent(node) && [node.format, node.arch?.name, node.syscall, node.compat]).toEqual(['auditd', 'i386', 'execve', 1]);
  });

  it('reads a repeated record\'s changing tail every time (the part before ip= is read once)', () => {
    const base = 'audit: type=1326 audit(1.000:%S): auid=1 uid=2 gid=3 ses=4 pid=77 comm="rep" exe="/rep" sig=0 arch=c000003e syscall=1 compat=0 ip=0x1 ';
    const a = parseLine(base.replace('%S', '1') + 'code=0x7ffc0000', 'x', 1);
    const b = parseLine(base.replace('%S', '2') + 'code=0x80000000', 'x', 2);
    expect(isEvent(a) && [a.action, a.syscall, a.serial]).toEqual(['LOG', 'write', 1]);
    expect(isEvent(b) && [b.action, b.syscall, b.serial]).toEqual(['KILL_PROCESS', 'write', 2]);
    // a syscall= after ip= that the kernel never puts there: two values of one field, so no record is made of either (as when reading the whole record)
    const c = parseLine(base.replace('%S', '3') + 'code=0x7ffc0000 syscall=2', 'x', 3);
    expect(c).toMatchObject({ kind: 'skip', code: 'several-records' });
  });

  it('shows hostile names safely', () => {
    const e = parseLine('audit: type=1326 audit(1.000:9): pid=9 comm=1B5B33316D0A7E exe=C3A9 arch=c000003e syscall=0 code=0x7ffc0000', 'x', 1);
    expect(isEvent(e) && e.comm).toBe('\\x1b[31m\\x0a~');
    expect(isEvent(e) && e.exe).toBe('é');
  });

  it('reads x32 records by the bit, on the x86_64 token', () => {
    const e = parseLine('audit: type=1326 audit(1.000:9): pid=9 comm="x" arch=c000003e syscall=1073741825 compat=1 code=0x7ffc0000', 'x', 1);
    expect(isEvent(e) && [e.arch?.name, e.syscall]).toEqual(['x32', 'write']);
  });

  it('says what a loss notice is', () => {
    const r = (t: string) => parseLine(t, 'x', 1) as LineResult & { kind?: string; reason?: string; count?: number };
    expect(r('[  914.165275] kauditd_printk_skb: 52 callbacks suppressed')).toMatchObject({ kind: 'loss', reason: 'printk-suppressed', count: 52 });
    expect(r('[ 1.0] audit: audit_lost=494217 audit_rate_limit=0 audit_backlog_limit=4096')).toMatchObject({ kind: 'loss', reason: 'lost', count: 494217 });
    expect(r('[ 1.0] audit: audit_backlog=4097 > audit_backlog_limit=4096')).toMatchObject({ kind: 'loss', reason: 'backlog' });
    expect(r('Nov 29 02:42:59 vm kernel: [  914.165275] kauditd_printk_skb: 52 callbacks suppressed')).toMatchObject({ kind: 'loss', count: 52 });
  });

  it('ignores garbage, binary and empty lines', () => {
    for (const g of ['', ' ', 'hello', '\u0000\u0001\u0002', '[', '<>', '{', '1,2', 'type=', 'Jan  1 00:00:00', '\ufffd\ufffd audit: type=1326']) {
      const r = parseLine(g, 'x', 1);
      expect(r === null || (!isEvent(r) && r.kind === 'skip'), JSON.stringify(g)).toBe(true);
    }
  });
});

describe('line splitting', () => {
  const collect = (chunks: Buffer[], max = 1 << 16) => {
    const out: Array<[string, number]> = [];
    const long: number[] = [];
    const s = new LineSplitter('x', { line: (b, st, en, _s, n) => out.push([b.toString('utf8', st, en), n]), overlong: (_s, n) => long.push(n) }, max);
    for (const c of chunks) s.push(c);
    s.end();
    return { out, long };
  };

  it('gives the same events however the input is cut into chunks', () => {
    const input = Buffer.concat([
      Buffer.from(readFixture('real/syslog-traditional.log').split('\n').slice(0, 40).join('\r\n')),
      Buffer.from('\n'),
      Buffer.from(readFixture('real/audit-enriched.log').split('\n').slice(0, 20).join('\n')),
    ]);
    const whole = collect([input]).out;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: input.length }), { maxLength: 30 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(input.subarray(prev, p));
          prev = p;
        }
        chunks.push(input.subarray(prev));
        expect(collect(chunks).out).toEqual(whole);
      }),
      { numRuns: 200 },
    );
    expect(whole.length).toBe(60);
    expect(whole[0][0].endsWith('\r')).toBe(false);
  });

  it('counts and skips a line longer than the cap, without losing its neighbours', () => {
    const r = collect([Buffer.from('a\n' + 'x'.repeat(50)), Buffer.from('y'.repeat(50) + '\nb\n')], 64);
    expect(r.out).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
    expect(r.long).toEqual([2]);
  });

  it('keeps multi-byte characters cut across chunks', () => {
    const b = Buffer.from('comm=é\n');
    expect(collect([b.subarray(0, 6), b.subarray(6)]).out).toEqual([['comm=é', 1]]);
  });
});

describe('the byte prefilter', () => {
  it('never passes over a line that means something: every such fixture line holds a marker', () => {
    let meaningful = 0;
    for (const dir of ['real', 'published']) {
      // subdirectories too (real/rotated: a rotated pair of files)
      for (const f of readdirSync(fixture(dir), { recursive: true, encoding: 'utf8' }).filter((f) => statSync(fixture(`${dir}/${f}`)).isFile())) {
        lines(`${dir}/${f}`).forEach((l, i) => {
          const r = parseLine(l, f, i + 1);
          if (r === null) return;
          meaningful++;
          expect(MARKERS.some((m) => l.includes(m)), `${dir}/${f}:${i + 1}`).toBe(true);
        });
      }
    }
    expect(meaningful).toBeGreaterThan(3000);
  });

  it('gives the same events with and without it, and counts every line', () => {
    const input = Buffer.from(readFixture('real/syslog-traditional.log') + readFixture('real/journal-json.log') + 'no newline at the end');
    const run = (markers: readonly string[]) => {
      const got: string[] = [];
      let passed = 0;
      const s = new LineSplitter('x', { line: (b, st, en, _s, n) => got.push(`${n}:${b.toString('utf8', st, en)}`), overlong: () => {}, passed: (c) => (passed += c) }, 1 << 16, markers);
      for (let i = 0; i < input.length; i += 4096) s.push(input.subarray(i, i + 4096));
      s.end();
      return { got: got.filter((g) => parseLine(g.slice(g.indexOf(':') + 1), 'x', 1) !== null), all: got.length + passed, lines: s.lines };
    };
    const filtered = run(MARKERS);
    const plain = run([]);
    expect(filtered.got).toEqual(plain.got);
    expect(filtered.all).toBe(plain.all);
    expect(filtered.lines).toBe(plain.lines);
  });
});

describe('no line can stop a stream', () => {
  const seeds = ['real/dmesg.log', 'real/kmsg.log', 'real/syslog-traditional.log', 'real/audit-enriched.log', 'real/ausearch-i.log', 'real/journal-json.log', 'real/busybox-syslog.log', 'real/syslog-pri.log', 'published/reference-lines.log'].flatMap((f) =>
    lines(f).filter((l) => /1326|SECCOMP|kauditd/.test(l)).slice(0, 5),
  );

  it('parseLine and the learner never throw, on cut, spliced and mutated real lines', () => {
    const learner = new Learner({ detail: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 12 }),
        fc.constantFrom('cut', 'insert', 'replace', 'prefix', 'suffix'),
        (line, a, b, junk, how) => {
          const i = a % (line.length + 1);
          const j = Math.min(line.length, i + (b % 40));
          const mutated =
            how === 'cut' ? line.slice(0, i) : how === 'insert' ? line.slice(0, i) + junk + line.slice(i) : how === 'replace' ? line.slice(0, i) + junk + line.slice(j) : how === 'prefix' ? junk + line.slice(i) : line.slice(0, j) + junk;
          parseLine(mutated, 'fuzz', 1);
          learner.lineText(mutated, 'fuzz', 1);
        },
      ),
      { numRuns: 5000 },
    );
    learner.finish();
    expect(learner.lines).toBe(5000);
  });
});

describe('the record time', () => {
  it('is the double that the stamp\'s decimal text names', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), fc.integer({ min: 0, max: 999 }), (sec, ms) => {
        const stamp = `${sec}.${String(ms).padStart(3, '0')}`;
        const e = parseLine(`audit: type=1326 audit(${stamp}:5): pid=1 comm="t" arch=c000003e syscall=0 code=0x7ffc0000`, 'x', 1);
        expect(isEvent(e) && e.time).toBe(Number(stamp));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the bytes before ip=, read once per distinct text', () => {
  const seeds = ['real/syslog-traditional.log', 'real/audit-enriched.log', 'real/audit-raw.log', 'real/kmsg.log', 'published/reference-lines.log'].flatMap((f) =>
    lines(f).filter((l) => /type=1326 |type=SECCOMP /.test(l)).slice(0, 8),
  );
  const tails = [' ip=0x1 code=0x7ffc0000', ' ip=0x1 code=0x50000', ' ip=0x1', ' ip=0x1 code=log', ' ip=0x1 code=0x7ffc0000 pid=5', ' ip=0x1 code=0x7ffc0000\x1dAUID="unset" pid=6', '\x1d ip=0x1 code=0x0', ' ip=0x1 syscall=2 code=0x0', ' ip=', '', ' ip="0x1 code=0x0', ' ip="0x1" code=0x0', ' ip=0x1 code="0x7ffc0000"', ' ip=0x1 code="0x7ffc0000', ' ip=0x1 code=0x123456789', ' ip=a=b code=0x0', ' ip= code=0x0', ' ip=0x1 code=0x', ' ip=0x1  code=0x0', 'ip=0x1 code=0x5', ' ip=0x1 code=0xFfC', ' xip=0x1 code=0x0'];

  it('gives exactly what reading the whole record gives, whatever follows ip= and however often it repeats', () => {
    const reader = new RecordReader();
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.constantFrom(...tails), fc.nat(), fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', '\x1d', ' ip=', '=', ' "', ' code=0x1')), (line, tail, at, junk) => {
        const ip = line.indexOf(' ip=');
        const head = ip > 0 ? line.slice(0, ip) : line;
        // sometimes change a byte of the repeated part too: another process, another call
        const i = at % (head.length + 1);
        const body = at % 3 === 0 ? head.slice(0, i) + junk + head.slice(i) : head;
        const b = Buffer.from(body + tail, 'utf8');
        const h = reader.readHead(b, b.indexOf('type='), b.length);
        if (h.kind !== 'seccomp') return;
        // (`resolved` is filled in later by the event, once per shared Fields)
        const plain = (f: object) => ({ ...f, resolved: undefined });
        for (let k = 0; k < 2; k++) expect(plain(reader.readRecordFields(b, h.fields, b.length))).toEqual(plain(reader.readFields(b, h.fields, b.length, false)));
      }),
      { numRuns: 20000 },
    );
  });
});

describe("the kernel's order, read in one pass", () => {
  const files = ['real', 'published'].flatMap((d) => readdirSync(fixture(d)).filter((f) => statSync(fixture(`${d}/${f}`)).isFile()).map((f) => `${d}/${f}`));
  const records = files.flatMap((f) => lines(f).filter((l) => /type=1326 |type=SECCOMP |SECCOMP auid=/.test(l)));
  const plain = (f: object) => ({ ...f, resolved: undefined });

  it('gives what the general reader gives on every record of the real fixtures, and reads the kernel-written ones in one pass', () => {
    const reader = new RecordReader();
    let seccomp = 0;
    for (const line of records) {
      const b = Buffer.from(line, 'utf8');
      const found = reader.findRecord(b, 0, b.length);
      if (found?.head.kind !== 'seccomp') continue;
      seccomp++;
      expect(plain(reader.readRecordFields(b, found.head.fields, b.length)), line).toEqual(plain(reader.readFields(b, found.head.fields, b.length, false)));
    }
    expect(seccomp).toBeGreaterThan(1000);
    // most real records are the kernel's own text; those of ausearch -i and the like are not
    expect(reader.kernelOrderReads).toBeGreaterThan(seccomp * 0.8);
    expect(reader.kernelOrderReads).toBeLessThan(seccomp);
  });

  it('falls back to the general reader at any surprise, anywhere in the record, with the same fields', () => {
    const reader = new RecordReader();
    // a sample of every file's records, and every one with an LSM label (subj=, which runs up to ` pid=`)
    const seeds = records.filter((l, i) => i % 97 === 0 || l.includes(' subj='));
    const junk = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('"', '\x1d', ' ', '=', ' "', ' code=0x1', ' syscall=2', ' subj=a b', ' pid=', ' ip=', '\x7f', 'x=y ', '0', ' uid=7', ' ses=1 ', ' comm="x"'));
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.nat(), junk, fc.boolean(), (line, at, j, cut) => {
        const i = at % (line.length + 1);
        const body = cut ? line.slice(0, i) : line.slice(0, i) + j + line.slice(i);
        const b = Buffer.from(body, 'utf8');
        const found = reader.findRecord(b, 0, b.length);
        if (found?.head.kind !== 'seccomp') return;
        expect(plain(reader.readRecordFields(b, found.head.fields, b.length))).toEqual(plain(reader.readFields(b, found.head.fields, b.length, false)));
      }),
      { numRuns: 30000 },
    );
  });
});

describe("auditd's lines, read at their fixed place", () => {
  const files = [
    ...['real', 'published'].flatMap((d) => readdirSync(fixture(d)).filter((f) => statSync(fixture(`${d}/${f}`)).isFile()).map((f) => fixture(`${d}/${f}`))),
    ...(existsSync(FIELD_CASES) ? readdirSync(FIELD_CASES).filter((f) => f.endsWith('.log')).map((f) => join(FIELD_CASES, f)) : []),
  ];
  const all = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.length > 0));
  const blank = (): AuditdStamp => ({ seccomp: false, time: NaN, serial: -1, stamp: -1, stampEnd: -1, fields: -1 });

  /**
   * What the general path reads of a line: the envelope, the head, and for
   * another record, the mark's numbers from the stamp's text (Number(), not the
   * parser's readers).
   */
  function general(b: Buffer): object | null {
    const env = new EnvelopeReader().read(b, 0, b.length);
    if (env === null || env.format !== 'auditd' || !env.trusted || env.body !== 0) return null;
    const head = new RecordReader().readHead(b, env.body, b.length);
    if (head.kind === 'seccomp') return { seccomp: true, time: head.time, serial: head.serial, stamp: head.stamp, stampEnd: head.stampEnd, fields: head.fields, interpreted: head.interpreted };
    if (head.kind !== 'other' || head.stamp < 0) return null;
    const stamp = b.toString('latin1', head.stamp, head.stampEnd);
    const colon = stamp.lastIndexOf(':');
    return { seccomp: false, serial: Number(stamp.slice(colon + 1)), time: Number(stamp.slice(0, colon)) };
  }

  /** Checks one line; true when the fixed place read it. */
  function same(line: string): boolean {
    const b = Buffer.from(line, 'utf8');
    const st = blank();
    const fast = auditdStamp(b, 0, b.length, st);
    const p = new Parser().parse(b, 0, b.length, 'f', 1);
    if (!fast) return false;
    if (st.seccomp) {
      expect(general(b), line).toEqual({ seccomp: true, time: st.time, serial: st.serial, stamp: st.stamp, stampEnd: st.stampEnd, fields: st.fields, interpreted: false });
      // the same line after a space goes the general way (past a wrapper), to the same result
      expect(p, line).toEqual(new Parser().parseText(` ${line}`, 'f', 1));
    } else {
      expect(general(b), line).toEqual({ seccomp: false, serial: st.serial, time: st.time });
      expect(p, line).toEqual({ kind: 'mark', serial: st.serial, time: st.time, trusted: true, format: 'auditd', host: null, printk: null, file: 'f', line: 1 });
    }
    return true;
  }

  it('reads what the general path reads on every real line (fixtures and field cases): every line of its shape, and no other', () => {
    let read = 0;
    let seccomp = 0;
    let shaped = 0;
    for (const line of all) {
      if (same(line)) {
        read++;
        if (/type=(SECCOMP|1326) /.test(line)) seccomp++;
      }
      if (/^(node=\S+ )?type=(?!DAEMON_)[A-Z0-9_]+ msg=audit\(\d+\.\d+:\d+\): /.test(line)) shaped++;
    }
    expect(read).toBe(shaped);
    // seccomp records, and SYSCALL, PROCTITLE, ANOM_ABEND, of auditd's RAW and ENRICHED logs
    expect(seccomp).toBeGreaterThan(300);
    expect(read - seccomp).toBeGreaterThanOrEqual(15);
    // with node= (auditd's name_format) too
    expect(all.filter((l) => l.startsWith('node=') && same(l)).length).toBeGreaterThanOrEqual(20);
  });

  it('reads every line of a production audit.log (rules loaded) at its fixed place but auditd\'s own, each SECCOMP line as a seccomp record', () => {
    // fixtures/real/audit-full.log: SYSCALL, EXECVE, CWD, PATH, PROCTITLE, CONFIG_CHANGE... between the SECCOMP records
    const full = lines('real/audit-full.log');
    const st = blank();
    let seccomp = 0;
    for (const line of full) {
      const own = line.startsWith('type=DAEMON_');
      expect(same(line), line).toBe(!own);
      const b = Buffer.from(line);
      if (own) continue;
      auditdStamp(b, 0, b.length, st);
      expect(st.seccomp, line).toBe(line.startsWith('type=SECCOMP '));
      if (st.seccomp) seccomp++;
    }
    expect(seccomp).toBe(full.filter(isSeccompLine).length);
    expect(full.length - seccomp).toBeGreaterThan(50);
    // and the parser takes it: the envelope at the fixed place for each SECCOMP line, the general
    // envelope reader and head only for auditd's own two lines (DAEMON_START, DAEMON_END)
    const fixed = vi.spyOn(EnvelopeReader.prototype, 'auditdAt');
    const envelope = vi.spyOn(EnvelopeReader.prototype, 'read');
    const head = vi.spyOn(RecordReader.prototype, 'readHead');
    try {
      const p = new Parser();
      const results = full.map((l, i) => p.parseText(l, 'real/audit-full.log', i + 1));
      expect(results.filter(isEvent).length).toBe(seccomp);
      expect(fixed).toHaveBeenCalledTimes(seccomp);
      expect(envelope).toHaveBeenCalledTimes(full.filter((l) => l.startsWith('type=DAEMON_')).length);
      expect(head).toHaveBeenCalledTimes(envelope.mock.calls.length);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('leaves to the general path every line it does not read whole: auditd\'s own records, ausearch -i, odd stamps', () => {
    const out = blank();
    const no = [
      'type=UNKNOWN[1326] msg=audit(1764391230.123:42): auid=1 uid=0 gid=0 ses=1 pid=5 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000',
      'type=SECCOMP msg=audit(1764391230.123:42):auid=1 pid=5',
      'type=1326 msg=audit(1764391230.123:42):',
      'type=DAEMON_START msg=audit(1764391230.123:42): op=start',
      'type=1200 msg=audit(1764391230.123:42): op=start',
      'type=SYSCALL msg=audit(11/29/2026 02:43:01.134:2094) : arch=x86_64',
      'type=SECCOMP msg=audit(1764391230.123:42) : auid=1',
      'type=SYSCALL msg=audit(1764391230:42): arch=c000003e',
      'type=SYSCALL msg=audit(1764391230.123:): arch=c000003e',
      'type=SYSCALL msg=audit(1764391230.1234567890:42): arch=c000003e',
      'type=SYSCALL msg=audit(1764391230.123:1234567890123456): arch=c000003e',
      'type=SYSCALL msg=audit(1764391230.123:42)',
      'type=UNKNOWN[1334] msg=audit(1764391230.123:42): x=1',
      'type=A_VERY_LONG_RECORD_TYPE_NAME_XXXXXXXXX msg=audit(1764391230.123:42): x=1',
      'type=SYSCALL  msg=audit(1764391230.123:42): arch=c000003e',
      'node=x type=SYSCALL',
      'audit: type=1300 audit(1764391230.123:42): arch=c000003e',
    ];
    for (const l of no) {
      const b = Buffer.from(l);
      expect(auditdStamp(b, 0, b.length, out), l).toBe(false);
    }
    // nothing read past the line's end: the same bytes cut at every place, with the rest of a chunk after them
    // (another record needs its `):`, a seccomp record its `): ` before its fields)
    for (const [line, shortest] of [
      ['type=SYSCALL msg=audit(1764391230.123:42): arch=c000003e', 'type=SYSCALL msg=audit(1764391230.123:42):'],
      ['type=SECCOMP msg=audit(1764391230.123:42): auid=1', 'type=SECCOMP msg=audit(1764391230.123:42): '],
    ]) {
      const chunk = Buffer.from(`${line}\ntype=SYSCALL msg=audit(1764391230.123:43): x`);
      for (let e = 0; e < line.length; e++) expect(auditdStamp(chunk, 0, e, out), line.slice(0, e)).toBe(e >= shortest.length);
    }
  });

  // every real auditd line, retyped to the record types real logs hold (seccomp's too), then cut, spliced and mutated
  const seeds = all.filter((l) => /^(node=\S+ )?type=\S+ msg=audit\(/.test(l));
  const types = [...new Set(seeds.map((l) => /type=(\S+)/.exec(l)![1])), 'SYSCALL', 'PROCTITLE', 'PATH', 'CWD', 'EXECVE', 'AVC', 'USER_START', 'CRED_DISP', 'NETFILTER_CFG', 'BPF', '1300', '1327', '1400'];
  const retype = (l: string, t: string) => l.replace(/type=\S+/, `type=${t}`);

  it('reads what the general path reads on real lines retyped, cut, spliced and mutated', () => {
    expect(seeds.length).toBeGreaterThan(500);
    const junk = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom(' ', ':', ')', '(', '.', '0', '9', ' : ', ': ', 'node=a ', 'type=', ' msg=audit(', 'SECCOMP', '1326', 'DAEMON_', '12', '\r', '\x1d', 'é'));
    let read = 0;
    let seccomp = 0;
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.constantFrom(...types), fc.boolean(), fc.nat(), fc.nat(60), junk, fc.constantFrom('as is', 'cut', 'insert', 'replace'), (l0, t, keep, a, n, j, how) => {
        const l = keep ? l0 : retype(l0, t);
        const i = a % (l.length + 1);
        const text = how === 'as is' ? l : how === 'cut' ? l.slice(0, i) : how === 'insert' ? l.slice(0, i) + j + l.slice(i) : l.slice(0, i) + j + l.slice(i + n);
        if (same(text)) {
          read++;
          if (/type=(SECCOMP|1326) /.test(text)) seccomp++;
        }
      }),
      { numRuns: 20000 },
    );
    expect(read).toBeGreaterThan(5000);
    expect(seccomp).toBeGreaterThan(1000);
  });

  it('under parseInto, gives one mark of the parser\'s, rewritten line by line, each with its own serial', () => {
    const parser = new Parser();
    const event = blankEvent();
    let first: LineResult = null;
    let n = 0;
    for (const l0 of seeds) {
      const b = Buffer.from(retype(l0, 'SYSCALL'));
      const r = parser.parseInto(b, 0, b.length, 'a.log', 1, event);
      if (r?.kind !== 'mark') continue;
      first ??= r;
      expect(r).toBe(first);
      expect(general(b)).toEqual({ seccomp: false, serial: r.serial, time: r.time });
      n++;
    }
    expect(n).toBeGreaterThan(500);
  });
});

describe('values the kernel escaped', () => {
  it('show bytes that are not UTF-8 as \\xNN, quoted or hex', () => {
    const b = Buffer.concat([Buffer.from('audit: type=1326 audit(1.000:9): pid=9 comm="a'), Buffer.from([0xff, 0x41]), Buffer.from('" exe=2F78FF arch=c000003e syscall=0 code=0x7ffc0000')]);
    const e = new Parser().parse(b, 0, b.length, 'x', 1);
    expect(isEvent(e) && [e.comm, e.exe, e.syscall]).toEqual(['a\\xffA', '/x\\xff', 'read']);
  });
});

describe('numbers read in place', () => {
  it('are what Number() reads, or null: never a partial parse', async () => {
    const { decimalIn, intIn } = await import('../../src/parse/bytes.js');
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{0,17}(\.[0-9]{0,8})?[x ]?$/), (t) => {
        const b = Buffer.from(`<${t}>`);
        const n = Number(t);
        const digits = t.replace(/[^0-9]/g, '').length;
        const int = intIn(b, 1, b.length - 1);
        if (/^-?[0-9]{1,16}$/.test(t) && Number.isSafeInteger(n)) expect(int).toBe(n);
        else expect(int).toBe(null);
        const dec = decimalIn(b, 1, b.length - 1, true);
        if (/^[0-9]+\.[0-9]+$/.test(t) && digits <= 15) expect(dec).toBe(n);
        else expect(dec).toBe(null);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('code= in markup or prose', () => {
  // the kernel lines of a real i386 recording (KILL_PROCESS, ERRNO and LOG records), their messages as pages quote them
  const messages = lines('real/dmesg-i386.log')
    .filter((l) => l.includes(' code=0x'))
    .map((l) => l.slice(l.indexOf('audit: type=1326')));
  const wraps: Array<[string, string]> = [
    ['(', ')'],
    ['', '.'],
    ['', ','],
    ["'", "'"],
    ['"', '"'],
    ['[', ']'],
    ['<pre>', '</pre>'],
    ['<code>', '</code>'],
    ['**', '**.'],
    ['`', '`;'],
    ['', ':'],
    ['', '!'],
    ['', ')</p>'],
  ];

  it('reads the action from the hex digits up to the markup or punctuation that closes the quote', () => {
    const actions = new Set<string | null>();
    for (const m of messages) {
      const plain = parseLine(m, 't', 1);
      expect(isEvent(plain) && plain.action, m).toBeTruthy();
      actions.add(isEvent(plain) ? plain.action : null);
      for (const [open, close] of wraps) {
        const r = parseLine(`${open}${m}${close}`, 't', 1);
        expect(isEvent(r), `${open}...${close}`).toBe(true);
        expect([(r as SeccompEvent).action, (r as SeccompEvent).nr, (r as SeccompEvent).sig], `${open}...${close}`).toEqual([(plain as SeccompEvent).action, (plain as SeccompEvent).nr, (plain as SeccompEvent).sig]);
      }
    }
    // the recording has kills, denials and logs: each kind of value is read through the markup
    expect(actions).toEqual(new Set(['KILL_PROCESS', 'ERRNO', 'LOG']));
  });

  it('reads no action from a value cut short (an ellipsis) or glued to lowercase text: said unknown, never another action', () => {
    for (const m of messages) {
      const cut = m.replace(/code=0x([0-9a-f])[0-9a-f]*$/, 'code=0x$1');
      for (const tail of ['...', '\u2026', 'abc', 'g', '..']) {
        const r = parseLine(`${cut}${tail}`, 't', 1);
        expect(isEvent(r) && r.action, `${cut}${tail}`).toBe(null);
      }
    }
  });
});

describe('hex read in place', () => {
  it('is what parseInt(text, 16) reads for 1 to 8 hex digits, or null: never a partial parse', async () => {
    const { hexIn, hexEnd } = await import('../../src/parse/bytes.js');
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-fA-FxXg-]{0,10}$/), (t) => {
        const b = Buffer.from(`<${t}>`);
        const v = hexIn(b, 1, b.length - 1);
        if (/^[0-9a-fA-F]{1,8}$/.test(t)) expect(v).toBe(parseInt(t, 16));
        else expect(v).toBe(null);
        const m = /^[0-9a-fA-F]*/.exec(t)![0].length;
        expect(hexEnd(b, 1, b.length - 1)).toBe(1 + m);
      }),
      { numRuns: 5000 },
    );
  });

  it("reads code= as the kernel's hex digits, up to a glued ENRICHED key, a JSON string's end, or nothing else", async () => {
    const { codeIn } = await import('../../src/parse/record.js');
    const c = (t: string) => {
      const b = Buffer.from(t);
      return codeIn(b, 0, b.length);
    };
    expect(c('0x80000000AUID="unset"')).toBe(0x80000000);
    expect(c('0x50000AUID="unset"')).toBe(0x50000);
    expect(c('0x7ffc0000')).toBe(0x7ffc0000);
    expect(c('0x7FFC0000AUID=')).toBe(0x7ffc0000);
    expect(c('0x7ffc0000",')).toBe(0x7ffc0000);
    expect(c('0x5zz')).toBe(null);
    expect(c('0x123456789')).toBe(null);
    expect(c('0x')).toBe(null);
    expect(c('kill')).toBe(null);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom('', 'AUID="unset"', 'AUID=', 'UID="root"'), (n, tail) => {
        expect(c(`0x${n.toString(16)}${tail}`)).toBe(n);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads decimals in one pass as Number() does', async () => {
    const { scanDecimal, decimalValue } = await import('../../src/parse/bytes.js');
    const out = { n: 0, scale: 1, intDigits: 0, fracDigits: -1 };
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,12}(\.[0-9]{0,6})?:?[0-9]{0,3}$/), (t) => {
        const b = Buffer.from(t);
        const end = scanDecimal(b, 0, b.length, out);
        const m = /^[0-9]*(\.[0-9]*)?/.exec(t)![0];
        expect(end).toBe(m.length);
        const v = decimalValue(out, false);
        if (/^[0-9]+(\.[0-9]+)?$/.test(m) && m.replace('.', '').length <= 15) expect(v).toBe(Number(m));
        else expect(v).toBe(null);
      }),
      { numRuns: 5000 },
    );
  });
});


describe('NUL bytes before a line (a log after a crash: the file system kept the length, not the writes)', () => {
  it('the line after them is read as it would be without them: the same record, trusted, the same report', () => {
    const lines = readFixture('real/syslog-traditional.log').split('\n');
    const at = lines.findIndex((l) => l.includes(' kernel: ') && l.includes('type=1326'));
    expect(at).toBeGreaterThan(0);
    const damaged = [...lines];
    damaged[at] = '\0'.repeat(4096) + lines[at];
    const learn = (text: string) => {
      const l = new Learner({ detail: true });
      const s = new LineSplitter('syslog', l);
      s.push(Buffer.from(text, 'latin1'));
      s.end();
      l.finish();
      return l;
    };
    const [a, b] = [learn(lines.join('\n')), learn(damaged.join('\n'))];
    expect(b.records).toBe(a.records);
    expect(b.profile()).toEqual(a.profile());
    expect(JSON.stringify([...b.untrusted], null, 1)).toBe(JSON.stringify([...a.untrusted], null, 1));
    const r = new Parser().parseText(damaged[at], 'syslog', at + 1);
    expect(r).toMatchObject({ kind: 'seccomp', format: 'syslog', trusted: true });
  });
});

describe('ausearch -i of an x32 call', () => {
  it('auparse names x86_64 and prints unknown-syscall(N) with the x32 bit: read on the x32 ABI, as the raw form of the same record is', () => {
    const i = readFixture('real/ausearch-i.log').split('\n').find((l) => l.includes('type=SECCOMP') && l.includes(' syscall=execve '))!;
    const raw = readFixture('real/audit-raw.log').split('\n').find((l) => l.includes('type=SECCOMP') && l.includes(' syscall=59 '))!;
    expect(i).toBeTruthy();
    expect(raw).toBeTruthy();
    // the same call made through the x32 ABI: write (x32 1) with __X32_SYSCALL_BIT
    const nr = 0x40000000 + 1;
    const a = new Parser().parseText(i.replace(' syscall=execve ', ` syscall=unknown-syscall(${nr}) `), 'i', 1) as SeccompEvent;
    const b = new Parser().parseText(raw.replace(' syscall=59 ', ` syscall=${nr} `), 'raw', 1) as SeccompEvent;
    expect([a.arch?.name, a.nr, a.syscall]).toEqual(['x32', nr, 'write']);
    expect([b.arch?.name, b.nr, b.syscall]).toEqual(['x32', nr, 'write']);
  });
});
