// The field cases (../shared/field-cases/): lines from public bug reports and docs,
// each read as its README says. They are examples of kinds; test/parse/log-formats.test.ts
// holds the kinds (every prefix, every locale) on the project's real fixtures.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FIELD_CASES, fixture, IN_CI, readFixture, tmpDir } from './helpers.js';

const here = existsSync(join(FIELD_CASES, 'README.md'));
if (!here && !IN_CI) console.warn(`skipping the field cases: ${FIELD_CASES} is not beside the repository`);
const file = (prefix: string) => {
  const name = ['01-crun683-journal-both-transports-errno', '01a-forged-journal-tag-pid-mismatch', '03-systemd9939-journal-audit-no-prefix', '03a-journalctl-o-cat', '03b-journalctl-short-precise', '05-firedancer766-grep-n-enriched-gs-lost', '06-libreswan782-ausearch-i-ppc64le-wrapped', '07-libreswan2068-ausearch-i-aarch64-yyyy', '08-snapcraft-arm-set_tls-indented', '09-virtiofsd-s390x-enriched-gs-lost', '10-debian-dmesg-H-fr-locale', '13-gke-cos-journal-runc-init-subj-enforce', '27-dhcpcd460-markdown-bold-i386', '29-chromeos-debugd-enriched-and-ausearch-i-aarch64-killproc', '37-ubuntuforum-ocr-dmesg-mangled-fields', '39-electronbuilder9517-snappy-debug', '40-sekoia-auditbeat-seccomp-document', '41-openshift-docs52698-spo-log-enricher-klog', '43-chestnut-lab-ausearch-m-seccomp-time-headers-serial-jumps'].find((n) => n.startsWith(`${prefix}-`));
  return join(FIELD_CASES, `${name}.log`);
};
const parse = (prefix: string) => {
  const r = cli(['parse', file(prefix)]);
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
};
const pick = (e: Record<string, unknown>) => [e.pid, e.arch, e.syscall, e.nr, e.action, e.sig];

describe.skipIf(!here && !IN_CI)('field cases, as their README reads them', () => {
  it('01: journald shows one ERRNO denial twice (both transports): one record, one denial; parse prints it once (both with --all)', () => {
    const evs = parse('01');
    expect(evs.map(pick)).toEqual([[7645, 'x86_64', 'mount', 165, 'ERRNO', 0]]);
    const all = cli(['parse', '--all', file('01')]).stdout.trim().split('\n');
    expect(all.map((l) => pick(JSON.parse(l)))).toEqual([
      [7645, 'x86_64', 'mount', 165, 'ERRNO', 0],
      [7645, 'x86_64', 'mount', 165, 'ERRNO', 0],
    ]);
    const r = cli(['report', '--json', file('01')]);
    const j = JSON.parse(r.stdout);
    expect(j.totals).toMatchObject({ records: 1, duplicates: 1, denied: 1 });
    expect(j.processes[0].syscalls).toEqual([expect.objectContaining({ name: 'mount', action: 'ERRNO', denied: true, count: 1 })]);
  });

  it("01a: a journal line whose tag pid is not the record's is likely forged, and not learned", () => {
    const r = cli([file('01a')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/likely forged was not learned \(tag-pid-mismatch; first: .*01a-.*:1:/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
  });

  it.each(['03', '03a'])('%s: a journald record with no envelope: read, named, not trusted', (n) => {
    const evs = parse(n);
    expect(evs.map(pick)).toEqual([[7053, 'x86_64', 'setpriority', 141, 'KILL_THREAD', 31]]);
    expect(evs[0].trusted).toBe(false);
    const r = cli([file(n)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 record in message lines was not learned .*journalctl -o json/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
  });

  it('03b: the same record in journalctl -o short-precise: trusted, learned', () => {
    const evs = parse('03b');
    expect(evs.map(pick)).toEqual([[7053, 'x86_64', 'setpriority', 141, 'KILL_THREAD', 31]]);
    expect(evs[0]).toMatchObject({ format: 'journal', trusted: true, host: 'host1' });
    const r = cli(['--comm', 'pyzor', file('03b')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).syscalls[0].names).toEqual(['setpriority']);
  });

  it('05: grep -n over an ENRICHED audit.log whose 0x1D was lost', () => {
    const evs = parse('05');
    expect(evs.map(pick)).toEqual([[53620, 'x86_64', 'write', 1, 'KILL_PROCESS', 31]]);
    expect(evs[0].trusted).toBe(true);
  });

  it('06: an ausearch -i record wrapped over four lines: reported as incomplete, never "no seccomp records"', () => {
    expect(parse('06')).toEqual([]);
    const r = cli([file('06')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/skipped 1 line: incomplete; .*06-.*:1: the record stops before pid= and syscall=/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
  });

  it('07: ausearch -i on aarch64 with a four-digit year and sig=SIGSYS', () => {
    const evs = parse('07');
    expect(evs.map(pick)).toEqual([[6464, 'aarch64', 'faccessat', 48, 'KILL_THREAD', 31]]);
    expect(evs[0].serial).toBe(201);
  });

  it('08: an indented kernel line, ARM private call: read, not trusted', () => {
    const evs = parse('08');
    expect(evs.map(pick)).toEqual([[1491, 'arm', 'set_tls', 983045, 'KILL_THREAD', 31]]);
    expect(evs[0].trusted).toBe(false);
  });

  it('09: s390x ENRICHED line with its 0x1D lost: a denied sigreturn that report --denied names', () => {
    const evs = parse('09');
    expect(evs.map(pick)).toEqual([[6649, 's390x', 'sigreturn', 119, 'KILL_PROCESS', 31]]);
    const r = cli(['report', '--denied', '--width', '100', file('09')]);
    expect(r.stdout).toMatch(/! sigreturn +s390x +KILL_PROCESS +1 +sig 31/);
  });

  it('10: dmesg -H in a French locale: 3 ERRNO records, the loss reported, --strict exits 3', () => {
    const evs = parse('10');
    expect(evs.map(pick)).toEqual([
      [1483, 'x86_64', 'pkey_alloc', 330, 'ERRNO', 0],
      [1909, 'x86_64', 'pkey_alloc', 330, 'ERRNO', 0],
      [2766, 'x86_64', 'pkey_alloc', 330, 'ERRNO', 0],
    ]);
    const r = cli(['--strict', file('10')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/printk rate limit dropped about 34 log lines/);
  });

  it("13: runc's init then sleep on one pid, subj with a space: --comm sleep learns brk, nanosleep and runc's init base", () => {
    const r = cli(['--comm', 'sleep', file('13')]);
    expect(r.code).toBe(0);
    const names: string[] = JSON.parse(r.stdout).syscalls[0].names;
    expect(names).toEqual(expect.arrayContaining(['brk', 'nanosleep', 'fstatfs', 'futex', 'execve']));
    expect(r.stderr).toMatch(/runc's init \(runc:\[2:INIT\]\) was seen/);
  });

  it('27: a record in markdown bold (code=0x0**): i386 rt_sigprocmask, KILL_THREAD, a bare message (untrusted); report counts it denied', () => {
    const evs = parse('27');
    expect(evs.map(pick)).toEqual([[798, 'i386', 'rt_sigprocmask', 175, 'KILL_THREAD', 31]]);
    expect(evs[0]).toMatchObject({ format: 'message', trusted: false, serial: 2 });
    const j = JSON.parse(cli(['report', '--json', '--trust-any-source', file('27')]).stdout);
    expect(j.totals).toMatchObject({ records: 1, denied: 1 });
    expect(j.findings.map((f: { kind: string }) => f.kind)).not.toContain('unknown-action');
  });

  it.each(['UTC', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kolkata'])('29: one record raw and in ausearch -i (local time, no zone), read in TZ=%s: one record, one denial', (tz) => {
    const env = { ...process.env, TZ: tz };
    const r = cli(['report', '--json', file('29')], { env });
    const j = JSON.parse(r.stdout);
    expect(j.totals).toMatchObject({ records: 1, duplicates: 1, denied: 1 });
    expect(j.processes[0].syscalls).toEqual([expect.objectContaining({ name: 'msync', arch: 'aarch64', action: 'KILL_PROCESS', sig: 31, count: 1 })]);
    expect(j.processes[0].first).toBe(1750922692.83);
    const p = cli(['parse', file('29')], { env });
    expect(p.stdout.trim().split('\n').map((l) => JSON.parse(l)).map(pick)).toEqual([[83658, 'aarch64', 'msync', 227, 'KILL_PROCESS', 31]]);
  });

  it.each(['UTC', 'Australia/Sydney', 'America/Los_Angeles'])('29 reversed (ausearch -i first, then raw), read in TZ=%s: one record at the raw time; the zone assumed for the -i date is said', (tz) => {
    const env = { ...process.env, TZ: tz };
    const dir = tmpDir();
    const f = join(dir, 'reversed.log');
    const [raw, interpreted] = readFileSync(file('29'), 'utf8').split('\n').filter(Boolean);
    expect(interpreted).toMatch(/msg=audit\(06\/26\/25 17:24:52\.830:4911\) : /);
    writeFileSync(f, `${interpreted}\n${raw}\n`);
    const j = JSON.parse(cli(['report', '--json', f], { env }).stdout);
    expect(j.totals).toMatchObject({ records: 1, duplicates: 1, denied: 1 });
    expect([j.processes[0].first, j.processes[0].last]).toEqual([1750922692.83, 1750922692.83]);
    // the -i date's zone, where its raw twin shows it was not the one read in: the zone it was written in is said
    const local = j.findings.find((x: { kind: string }) => x.kind === 'local-time');
    if (tz === 'Australia/Sydney') expect(local).toBeUndefined();
    else expect(local.detail).toMatch(/ausearch -i form was written at UTC\+10:00, and read as .*UTC[-+]0[07]:00/);
    // the -i form alone: its time read as local time in the zone this run has, said
    const alone = join(dir, 'alone.log');
    writeFileSync(alone, `${interpreted}\n`);
    const a = JSON.parse(cli(['report', '--json', alone], { env }).stdout);
    expect(a.processes[0].first).toBe(tz === 'UTC' ? 1750958692.83 : tz === 'Australia/Sydney' ? 1750922692.83 : 1750983892.83);
    expect(a.findings.find((x: { kind: string }) => x.kind === 'local-time')).toMatchObject({ count: 1, detail: expect.stringMatching(/ausearch -i.*local time/) });
  });

  it.each(['UTC', 'Australia/Sydney'])('29, learned in two states cut between its raw and -i forms and merged (TZ=%s): one record, no span', (tz) => {
    const env = { ...process.env, TZ: tz };
    const dir = tmpDir();
    const [raw, interpreted] = readFileSync(file('29'), 'utf8').split('\n').filter(Boolean);
    const states: string[] = [];
    for (const [name, line] of [['aa', raw], ['ab', interpreted]]) {
      const f = join(dir, `part-${name}`);
      writeFileSync(f, `${line}\n`);
      const st = join(dir, `${name}.json`);
      expect(cli(['learn', '-q', '--state', st, f], { env }).code).toBe(0);
      states.push(st);
    }
    for (const order of [states, [...states].reverse()]) {
      const j = JSON.parse(cli(['merge', '--report', '--json', ...order], { env }).stdout);
      expect(j.processes[0].first).toBe(1750922692.83);
      expect(j.processes[0].last).toBe(1750922692.83);
    }
  });

  it('37: OCR-mangled dmesg: record 94 read; record 95 skipped for its pid, its serial still counted: the printk loss, no serial gap', () => {
    expect(parse('37').map(pick)).toEqual([[1516, 'x86_64', 'fchown', 93, 'ERRNO', 0]]);
    const j = JSON.parse(cli(['report', '--json', file('37')]).stdout);
    const kinds = j.findings.map((f: { kind: string }) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['printk-suppressed', 'skipped']));
    expect(kinds).not.toContain('serial-gap');
    expect(j.findings.find((f: { kind: string }) => f.kind === 'skipped')).toMatchObject({ line: 7, detail: expect.stringMatching(/pid=/) });
  });

  it('37, damaged further: a seccomp record whose type= OCR broke (type-1326, type=l326, type=I326) is counted as skipped with its reason, never passed over', () => {
    const dir = tmpDir();
    const text = readFileSync(file('37'), 'utf8');
    for (const damaged of ['type-1326', 'type=l326', 'type=I326', 'tyqe=1326']) {
      const f = join(dir, `${damaged.replace(/[^a-z0-9]/gi, '_')}.log`);
      writeFileSync(f, text.replaceAll('type=1326', damaged));
      const j = JSON.parse(cli(['report', '--json', f]).stdout);
      const skipped = j.findings.filter((x: { kind: string }) => x.kind === 'skipped');
      expect(skipped.map((x: { detail: string }) => x.detail).join(' '), damaged).toMatch(/type= is not readable, with a seccomp record's fields/);
      // both records: the one read before and the one skipped for its pid
      expect(skipped.reduce((n: number, x: { count: number }) => n + x.count, 0), damaged).toBe(2);
    }
  });

  it('43: ausearch -m seccomp output: 4 records, no serial-gap loss (it shows only the types asked for); --strict exits 0', () => {
    const evs = parse('43');
    expect(evs.map(pick)).toEqual([
      [140679, 'x86_64', 'getuid', 102, 'KILL_THREAD', 31],
      [140693, 'x86_64', 'set_tid_address', 218, 'KILL_THREAD', 31],
      [140727, 'x86_64', 'set_tid_address', 218, 'KILL_THREAD', 31],
      [144107, 'x86_64', 'set_tid_address', 218, 'KILL_THREAD', 31],
    ]);
    expect(evs.map((e) => [e.format, e.serial])).toEqual([
      ['ausearch', 2699],
      ['ausearch', 2709],
      ['ausearch', 2719],
      ['ausearch', 2794],
    ]);
    const r = cli(['--strict', file('43')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/may be missing/);
  });

  it('39: snappy-debug blocks: 3 records, the number the kernel logged (not the NUMBER(NAME) text), untrusted and said so', () => {
    const evs = parse('39');
    expect(evs.map(pick)).toEqual([
      [9794, 'x86_64', 'pkey_alloc', 330, 'ERRNO', 0],
      [9795, 'x86_64', 'pkey_alloc', 330, 'ERRNO', 0],
      [9729, 'x86_64', 'setpriority', 141, 'ERRNO', 0],
    ]);
    expect(evs.every((e) => e.format === 'snappy-debug' && e.trusted === false && e.comm === 'electron-builde')).toBe(true);
    const r = cli([file('39')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/3 records in snappy-debug lines were not learned .*snappy-debug prints what it read/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
    const t = cli(['--trust-any-source', file('39')]);
    expect(JSON.parse(t.stdout).syscalls[0].names).toEqual(['pkey_alloc', 'setpriority']);
    expect(cli(['report', '--json', '--trust-any-source', file('39')]).stdout).toMatch(/"denied": 3/);
  });

  it('40: an auditbeat document: one record (x86_64 stat, ERRNO, serial 12522), its names read as ausearch -i names; untrusted, said naming auditbeat', () => {
    const evs = parse('40');
    expect(evs.map(pick)).toEqual([[2720, 'x86_64', 'stat', 4, 'ERRNO', 0]]);
    expect(evs[0]).toMatchObject({ format: 'auditbeat', trusted: false, comm: 'ThreadPoolSingl', exe: '/opt/google/chrome/chrome', serial: 12522, time: 1636484857.325, host: 'host1' });
    const r = cli([file('40')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/1 record in auditbeat lines was not learned .*auditbeat document/);
  });

  it('40, where auditbeat documents are stored: inside an Elasticsearch _search response and elasticdump\'s lines, read as the document alone is; pretty-printed over lines, counted as skipped with the reason', () => {
    const doc = JSON.parse(readFileSync(file('40'), 'utf8').trim()) as Record<string, unknown>;
    const alone = parse('40');
    const dir = tmpDir();
    const write = (name: string, text: string) => {
      const f = join(dir, name);
      writeFileSync(f, `${text}\n`);
      return f;
    };
    const hit = { _index: '.ds-auditbeat-7.15.1-2021.11.09-000001', _id: 'Xq2aB30BX', _score: 1.0, _source: doc };
    const search = { took: 5, timed_out: false, hits: { total: { value: 1, relation: 'eq' }, max_score: 1.0, hits: [hit] } };
    for (const f of [write('search.json', JSON.stringify(search)), write('elasticdump.json', JSON.stringify(hit))]) {
      const evs = cli(['parse', f]).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(evs.map(pick), f).toEqual(alone.map(pick));
      expect(evs[0]).toMatchObject({ format: 'auditbeat', trusted: false, serial: 12522, time: 1636484857.325, host: 'host1' });
    }
    for (const f of [write('pretty.json', JSON.stringify(doc, null, 2)), write('search-pretty.json', JSON.stringify(search, null, 2))]) {
      const r = cli(['report', '--json', f]);
      const skipped = JSON.parse(r.stdout).findings.filter((x: { kind: string }) => x.kind === 'skipped');
      expect(skipped, f).toEqual([expect.objectContaining({ count: 1, detail: expect.stringMatching(/pretty-printed/) })]);
      expect(cli([f]).stderr).not.toMatch(/no seccomp records/);
    }
  });

  it('41: a log-enricher line: pid 234142 getpid (39), serial 9822782; no arch and no action, said, never guessed', () => {
    const evs = parse('41');
    expect(evs.map(pick)).toEqual([[234142, null, 'getpid', 39, null, null]]);
    expect(evs[0]).toMatchObject({ format: 'spo-enricher', trusted: false, serial: 9822782, time: 1670509555.86, exe: '/usr/local/bin/redis-server' });
    const r = cli([file('41')]);
    expect(r.stderr).toMatch(/1 record in spo-enricher lines was not learned .*no arch= and no action/);
    // learned anyway, it is a number with no architecture: not in any profile
    const t = cli(['--trust-any-source', file('41')]);
    expect(t.stderr).toMatch(/without arch=/);
    expect(t.stderr).toMatch(/no readable code=/);
  });

  it("41, in the enricher's current klog form (unquoted keys: `pid=234142 syscallID=39`): read as the older form is, the missing arch said as the enricher's", () => {
    // the published line rewritten as the operator's current release prints it: the message first, keys bare, the same values
    const old = readFileSync(file('41'), 'utf8').split('\n').find((l) => l.includes('log-enricher'))!;
    const head = old.slice(0, old.indexOf('log-enricher '));
    const kv = [...old.matchAll(/"(\w+)"=("(?:[^"\\]|\\.)*"|[^ "]+)/g)].filter((m) => m[1] !== 'msg');
    const current = `${head}"audit" logger="log-enricher" ${kv.map((m) => `${m[1]}=${m[2]}`).join(' ')}`;
    expect(current).toMatch(/ pid=234142 .*syscallID=39 syscallName="getpid" timestamp="1670509555\.860:9822782" type="seccomp"$/);
    const dir = tmpDir();
    const f = join(dir, 'spo-current.log');
    writeFileSync(f, `${current}\n`);
    const evs = cli(['parse', f]).stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(evs.map(pick)).toEqual([[234142, null, 'getpid', 39, null, null]]);
    expect(evs[0]).toMatchObject({ format: 'spo-enricher', trusted: false, serial: 9822782, time: 1670509555.86, exe: '/usr/local/bin/redis-server' });
    const r = cli([f]);
    expect(r.stderr).toMatch(/1 record in spo-enricher lines was not learned .*no arch= and no action/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
    // taken anyway: a number with no architecture, said as the enricher's lack, not an old kernel's
    const t = cli(['--trust-any-source', f]);
    expect(t.stderr).toMatch(/without arch=/);
    expect(t.stderr).toMatch(/log-enricher/);
    expect(t.stderr).not.toMatch(/kernel before 3\.16/);
  });

  it('39, its Log: lines wrapped by a 120-column terminal: each record counted as incomplete, naming snappy-debug; never "no seccomp records"', () => {
    const text = readFileSync(file('39'), 'utf8');
    // what a terminal 120 columns wide shows when the output is copied: each long line cut into 120-byte rows
    const wrapped = text
      .split('\n')
      .flatMap((l) => (l.length <= 120 ? [l] : Array.from({ length: Math.ceil(l.length / 120) }, (_, i) => l.slice(i * 120, (i + 1) * 120))))
      .join('\n');
    const dir = tmpDir();
    const f = join(dir, 'snappy-wrapped.log');
    writeFileSync(f, wrapped);
    const logLines = wrapped.split('\n').filter((l) => l.startsWith('Log: '));
    expect(logLines).toHaveLength(3);
    expect(logLines.every((l) => !/ \d+\([a-z_0-9]+\) /.test(l))).toBe(true);
    const r = cli([f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/0 seccomp records and 3 more not learned/);
    expect(r.stderr).toMatch(/incomplete.*snappy-debug/);
    expect(r.stderr).not.toMatch(/no seccomp records/);
    const j = JSON.parse(cli(['report', '--json', f]).stdout);
    expect(j.findings.find((x: { kind: string }) => x.kind === 'skipped')).toMatchObject({ count: 3, detail: expect.stringMatching(/^incomplete: .*snappy-debug/) });
  });

  it("41, hostile: an enricher value with Go's escapes (\\x1b) among kernel lines: counted as the enricher's, the run goes on to a profile", () => {
    const dir = tmpDir();
    const enricher = readFileSync(file('41'), 'utf8').trim().replace('redis-server', 'redis\\x1bserver');
    expect(enricher).toContain('redis\\x1bserver');
    const kmsg = readFixture('real/kmsg.log').split('\n').filter(Boolean);
    const text = [...kmsg.slice(0, 3), enricher, ...kmsg.slice(3)].join('\n') + '\n';
    const log = join(dir, 'kmsg-and-enricher.log');
    writeFileSync(log, text);
    const evs = cli(['parse', '--all', log]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(evs.filter((e) => e.format === 'spo-enricher')).toEqual([expect.objectContaining({ pid: 234142, nr: 39, exe: expect.stringContaining('redis') })]);
    const out = join(dir, 'p.json');
    const r = cli(['-o', out, log]);
    expect(r.stderr).not.toMatch(/Bad escaped|internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 record in spo-enricher lines was not learned/);
    const whole = cli(['-o', join(dir, 'q.json'), fixture('real/kmsg.log')]);
    expect(whole.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'q.json'), 'utf8'));
    const piped = cli(['-q'], { input: text });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(readFileSync(out, 'utf8'));
  });
});
