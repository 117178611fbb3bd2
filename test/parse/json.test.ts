// Records inside JSON documents and shippers' prints (src/parse/json.ts). No
// shipper runs on this project's machines (no Fluent Bit package in Debian 12,
// no Docker engine, Loki is not to be used), so each form is made here from the
// kernel's real lines (fixtures/real/kmsg.log) in the shape the tool's own code
// writes: Fluent Bit's in_kmsg.c (priority = the level alone, FLB_KLOG_PRI;
// sequence; sec and usec since boot; msg) and msgpack-c's print for its stdout
// output (`\"` for a quote, `\xNN` for other bytes); Docker's jsonfilelog
// ({log, stream, time}); Loki's push API ({streams: [{stream, values: [[ns, line]]}]}).
import { describe, expect, it, vi } from 'vitest';
import { Learner, LineSplitter, Parser, type LineResult, type SeccompEvent } from '../../src/index.js';
import { readJsonLine, stringAround } from '../../src/parse/json.js';
import { cli, readFixture, tmpDir } from '../helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The kernel's lines of /dev/kmsg, split as Fluent Bit's in_kmsg splits them. */
const KMSG = readFixture('real/kmsg.log')
  .split('\n')
  .filter((l) => /^\d+,\d+,\d+,[^;]*;/.test(l))
  .map((l) => {
    const [pri, seq, usec] = l.slice(0, l.indexOf(';')).split(',').map(Number);
    return { pri, seq, usec, msg: l.slice(l.indexOf(';') + 1) };
  });
const RECORDS = KMSG.filter((k) => k.msg.startsWith('audit: type=1326 '));

const fluentJson = (k: (typeof KMSG)[number]) => JSON.stringify({ priority: k.pri & 7, sequence: k.seq, sec: Math.floor(k.usec / 1e6), usec: k.usec % 1e6, msg: k.msg });
const msgpackPrint = (t: string) => t.replace(/"/g, '\\"').replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const fluentStdout = (k: (typeof KMSG)[number], i: number) =>
  `[${i}] kernel: [1795935716, {"priority"=>${k.pri & 7}, "sequence"=>${k.seq}, "sec"=>${Math.floor(k.usec / 1e6)}, "usec"=>${k.usec % 1e6}, "msg"=>"${msgpackPrint(k.msg)}"}]`;
const docker = (t: string) => JSON.stringify({ log: `${t}\n`, stream: 'stdout', time: '2026-11-29T07:01:56.123456789Z' });

const all = (line: string): NonNullable<LineResult>[] => {
  const p = new Parser();
  const out: NonNullable<LineResult>[] = [];
  for (let r = p.parseText(line, 'x', 1); r !== null; r = p.more()) out.push(r.kind === 'seccomp' ? { ...r } : r);
  return out;
};
const one = (line: string) => {
  const r = all(line);
  expect(r, line.slice(0, 200)).toHaveLength(1);
  return r[0] as SeccompEvent;
};
/** What /dev/kmsg's own line gives: the record read from the kernel's line. */
const plain = (k: (typeof KMSG)[number]) => {
  const e = one(`${k.pri},${k.seq},${k.usec},-;${k.msg}`);
  return [e.pid, e.comm, e.exe, e.arch?.name, e.nr, e.syscall, e.action, e.time, e.serial];
};
const named = (e: SeccompEvent) => [e.pid, e.comm, e.exe, e.arch?.name, e.nr, e.syscall, e.action, e.time, e.serial];

describe('records inside JSON', () => {
  it('Fluent Bit kmsg (JSON): the record as /dev/kmsg gives it, its printk stamp from sec.usec, trusted as a kernel-tagged syslog line is (checked)', () => {
    expect(RECORDS.length).toBeGreaterThan(20);
    for (const k of RECORDS) {
      const e = one(fluentJson(k));
      expect(named(e)).toEqual(plain(k));
      expect(e).toMatchObject({ format: 'fluent-bit-kmsg', trusted: true, printk: Math.floor(k.usec / 1e6) + (k.usec % 1e6) / 1e6 });
    }
    // a message that does not begin with the record: no transport writes that
    const e = one(JSON.stringify({ priority: 5, sequence: 1, sec: 1, usec: 2, msg: `hello ${RECORDS[0].msg}` }));
    expect(e.trusted).toBe(false);
  });

  it("a kmsg-shaped document with a container log's keys (Fluent Bit's tail input, Kubernetes filter, Merge_Log: a program printed it) is read, and not trusted", () => {
    for (const k of RECORDS.slice(0, 3)) {
      const doc = JSON.parse(fluentJson(k)) as Record<string, unknown>;
      for (const extra of [{ stream: 'stdout', _p: 'F' }, { kubernetes: { pod_name: 'p', namespace_name: 'default' } }, { log: 'x' }]) {
        const e = one(JSON.stringify({ time: '2026-11-29T02:49:41.482539Z', ...extra, ...doc }));
        expect(named(e)).toEqual(plain(k));
        expect(e.trusted, JSON.stringify(extra)).toBe(false);
      }
      expect(one(JSON.stringify({ ...doc, hostname: 'node1' })).trusted).toBe(true);
    }
  });

  it('Fluent Bit kmsg through a whole log: learned as /dev/kmsg is; a line whose stamps the kernel lines around it deny is likely forged', () => {
    const learn = (lines: string[]) => {
      const l = new Learner();
      const s = new LineSplitter('fb.log', l);
      s.push(Buffer.from(lines.join('\n') + '\n'));
      s.end();
      l.finish();
      return l;
    };
    const real = learn(KMSG.map((k) => `${k.pri},${k.seq},${k.usec},-;${k.msg}`));
    const fb = learn(KMSG.map(fluentJson));
    expect(fb.names()).toEqual(real.names());
    expect(fb.records).toBe(real.records);
    // a forged line in the middle: a call no one made, with a printk stamp far ahead of its audit time
    const k = RECORDS[10];
    const forged = JSON.stringify({ priority: 5, sequence: k.seq, sec: Math.floor(k.usec / 1e6) + 100000, usec: 0, msg: k.msg.replace(/syscall=\d+/, 'syscall=169').replace(/:(\d+)\)/, (_, n) => `:${Number(n) + 1})`) });
    const withForged = KMSG.map(fluentJson);
    withForged.splice(KMSG.indexOf(k) + 1, 0, forged);
    const l = learn(withForged);
    expect(l.names()).toEqual(real.names());
    expect([...l.suspicious.keys()]).toEqual(['printk-ahead']);
  });

  it("Fluent Bit's stdout print (\"msg\"=>\"...\"): escapes undone as msgpack-c writes them (comm=\\\"x\\\" is comm x); not trusted", () => {
    RECORDS.forEach((k, i) => {
      const e = one(fluentStdout(k, i));
      expect(named(e)).toEqual(plain(k));
      expect(e).toMatchObject({ format: 'fluent-bit-kmsg', trusted: false });
    });
  });

  it("Docker's json-file: the container's line with its newline, not trusted", () => {
    for (const k of RECORDS) {
      const e = one(docker(k.msg));
      expect(named(e)).toEqual(plain(k));
      expect(e).toMatchObject({ format: 'docker-json', trusted: false });
    }
    // a container that prints a kernel-looking line is still a container
    expect(one(docker(`[ 1316.482539] ${RECORDS[0].msg}`))).toMatchObject({ format: 'docker-json', trusted: false });
  });

  it('Loki: several records in one line (a push body, an export), each read, in order, with its stream label host', () => {
    const values = RECORDS.slice(0, 5).map((k, i) => [String(1795935716000000000 + i), k.msg]);
    const push = JSON.stringify({ streams: [{ stream: { job: 'kmsg', host: 'node1' }, values: [['1795935716000000000', 'not a record'], ...values] }] });
    const got = all(push) as SeccompEvent[];
    expect(got.map(named)).toEqual(RECORDS.slice(0, 5).map(plain));
    for (const e of got) expect(e).toMatchObject({ format: 'loki', trusted: false, host: 'node1' });
    const exported = JSON.stringify({ stream: { job: 'kmsg' }, values });
    expect((all(exported) as SeccompEvent[]).map(named)).toEqual(RECORDS.slice(0, 5).map(plain));
    const query = JSON.stringify({ status: 'success', data: { resultType: 'streams', result: [{ stream: {}, values }] } });
    expect(all(query)).toHaveLength(5);
    // the learner and parse count each of them
    const dir = tmpDir();
    const f = join(dir, 'loki.json');
    writeFileSync(f, `${push}\n`);
    const p = cli(['parse', f]);
    expect(p.stdout.trim().split('\n')).toHaveLength(5);
    const r = cli(['report', '--json', '--trust-any-source', f]);
    expect(JSON.parse(r.stdout).totals.records).toBe(5);
  });

  it('any other JSON with a message (Vector, CloudWatch, an Elasticsearch export): read, not trusted, a string met twice read once', () => {
    const k = RECORDS[3];
    expect(named(one(JSON.stringify({ message: k.msg, host: 'n1', source_type: 'file', timestamp: '2026-11-29T07:01:56Z' })))).toEqual(plain(k));
    expect(one(JSON.stringify({ message: k.msg, host: 'n1' }))).toMatchObject({ format: 'json', trusted: false, host: 'n1' });
    expect(all(JSON.stringify({ logEvents: RECORDS.slice(0, 3).map((x, i) => ({ id: String(i), timestamp: 1795935716000, message: x.msg })) }))).toHaveLength(3);
    expect(named(one(JSON.stringify({ _index: 'logs', _source: { message: k.msg, event: { original: k.msg } } })))).toEqual(plain(k));
    expect(named(one(JSON.stringify([{ MSG: k.msg }])))).toEqual(plain(k));
  });

  it('a document pretty-printed over lines: the record in its JSON string is read, unescaped, not trusted; one cut short is skipped (bad-json)', () => {
    const k = RECORDS[4];
    expect(named(one(`    "log": ${JSON.stringify(k.msg)},`))).toEqual(plain(k));
    expect(one(`  "message" : ${JSON.stringify(k.msg)}`)).toMatchObject({ format: 'json', trusted: false });
    expect(one(`\t"MESSAGE" : ${JSON.stringify(k.msg)},`)).toMatchObject({ format: 'journal-export', trusted: false });
    expect(all(`    "log": ${JSON.stringify(k.msg).slice(0, -1)}`)).toEqual([expect.objectContaining({ kind: 'skip', code: 'bad-json' })]);
  });

  it('a record nested deeper than the reader looks is counted as skipped (bad-json), never dropped', () => {
    const rec = readFixture('real/kmsg.log').split('\n').find((l) => l.includes('type=1326'))!;
    let doc: unknown = { message: rec.slice(rec.indexOf('audit: ')) };
    for (let i = 0; i < 70; i++) doc = { a: doc };
    const r = new Parser().parseText(JSON.stringify(doc), 'f', 1);
    expect(r).toMatchObject({ kind: 'skip', code: 'bad-json' });
    expect(r?.kind === 'skip' && r.message).toMatch(/nested deeper than 64 levels/);
    // beside records the reader does read: those read, and the line counted as skipped too
    const rec2 = { message: rec.slice(rec.indexOf('audit: ')) };
    expect(all(JSON.stringify({ near: rec2, far: doc })).map((x) => x.kind)).toEqual(['seccomp', 'skip']);
  });

  it('a JSON line that holds a record but does not parse is counted as skipped (bad-json), never dropped', () => {
    const cut = docker(RECORDS[0].msg).slice(0, -20);
    expect(all(cut)).toEqual([expect.objectContaining({ kind: 'skip', code: 'bad-json' })]);
    const l = new Learner();
    l.lineText(cut, 'x', 1);
    l.finish();
    expect([...l.skipped.keys()]).toEqual(['bad-json']);
  });

  it('no JSON.parse for a JSON line without the bytes of a record', () => {
    const spy = vi.spyOn(JSON, 'parse');
    try {
      const b = Buffer.from(JSON.stringify({ log: 'GET / 200 (auditing off)\n', stream: 'stdout', time: '2026-11-29T07:01:56Z' }).replace('audit', 'aud1t'));
      expect(readJsonLine(b, 0, b.length, true)).toBeNull();
      expect(new Parser().parse(b, 0, b.length, 'x', 1)).toBeNull();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('a line beginning `[[` (a dmesg stamp after a stray bracket) is not taken for a JSON array', () => {
    const k = RECORDS[0];
    const e = one(`[[ 1316.482539] ${k.msg}`);
    expect(e.format).not.toMatch(/json/);
    expect(named(e)).toEqual(plain(k));
  });

  it('a JSON string with a raw control byte in it (a paste) still has its escapes undone', () => {
    const k = RECORDS[0];
    const e = one(`  "message": "\x01${JSON.stringify(k.msg).slice(1)}`);
    expect([e.comm, e.exe]).toEqual([plain(k)[1], plain(k)[2]]);
  });

  it('a quoted record outside JSON is not taken for a JSON string', () => {
    const b = Buffer.from(`msg="${RECORDS[0].msg.replace(/"/g, '')}"`);
    expect(stringAround(b, 0, 5)).toBe(-1);
  });
});

// JSON that stands inside another envelope, or inside a JSON string, and
// documents of many records: every record string of every document is read,
// and one that is not read is counted with its reason (the JSON faults of the
// issue 20 hostile test). Each form is built from the kernel's real lines:
// Fluent Bit's stdout output with `format json` (flb_pack_msgpack_to_json_format:
// one JSON array of the records of a flush, `date` first) and `json_stream`
// (the same documents one after the other, nothing between them); a
// container runtime's CRI log line (`TIME stdout F MESSAGE`); syslog's line of
// a program; journald's JSON of a program's stdout; Vector's `{message,
// source_type}`; an Elasticsearch `_search` response and elasticdump's lines.
describe('JSON in envelopes and in JSON strings: every record string read', () => {
  const fbDoc = (k: (typeof KMSG)[number]) => ({ date: 1795935716.123, priority: k.pri & 7, sequence: k.seq, sec: Math.floor(k.usec / 1e6), usec: k.usec % 1e6, msg: k.msg });
  const fbArray = (ks: typeof KMSG) => JSON.stringify(ks.map(fbDoc));
  const fbStream = (ks: typeof KMSG) => ks.map((k) => JSON.stringify(fbDoc(k))).join('');
  const cri = (t: string) => `2026-11-29T07:01:56.123456789Z stdout F ${t}`;
  const syslog = (t: string) => `Nov 29 07:01:56 vm fluent-bit[812]: ${t}`;
  const journald = (t: string) => JSON.stringify({ _TRANSPORT: 'stdout', SYSLOG_IDENTIFIER: 'fluent-bit', _PID: '812', _HOSTNAME: 'vm', __REALTIME_TIMESTAMP: '1795935716123456', MESSAGE: t });
  const vector = (t: string) => JSON.stringify({ message: t, source_type: 'docker_logs', host: 'vm' });
  const loki = (t: string) => JSON.stringify({ streams: [{ stream: { job: 'vector' }, values: [['1795935716000000000', t]] }] });
  /** KMSG's lines in flushes of 10, as Fluent Bit prints them. */
  const batches = (print: (ks: typeof KMSG) => string) => {
    const out: string[] = [];
    for (let i = 0; i < KMSG.length; i += 10) out.push(print(KMSG.slice(i, i + 10)));
    return out;
  };
  const read = (lines: string[]) => lines.flatMap((l) => all(l)).filter((r) => r.kind !== 'mark') as SeccompEvent[];

  it.each([
    ['an array at the line head', (t: string) => t, 'fluent-bit-kmsg'],
    ['an array in a CRI line', cri, 'fluent-bit-kmsg'],
    ["an array in Docker's json-file", docker, 'docker-json'],
    ['an array in a syslog line', syslog, 'fluent-bit-kmsg'],
    ["an array in journald's JSON (a program's stdout)", journald, 'journal-json'],
  ])("Fluent Bit's stdout `format json`, %s: each record of the array read, in order", (_, wrap, format) => {
    const got = read(batches(fbArray).map(wrap));
    expect(got.map(named)).toEqual(RECORDS.map(plain));
    for (const e of got) expect(e.format).toBe(format);
    if (wrap(fbArray(RECORDS)) !== fbArray(RECORDS)) for (const e of got) expect(e.trusted).toBe(false);
  });

  it.each([
    ['at the line head', (t: string) => t],
    ['in a CRI line', cri],
    ["in Docker's json-file", docker],
  ])("Fluent Bit's stdout `json_stream` (documents one after another), %s: each record read", (_, wrap) => {
    const got = read(batches(fbStream).map(wrap));
    expect(got.map(named)).toEqual(RECORDS.map(plain));
  });

  it('a Fluent Bit array in a CRI line, through the learner and the CLI: as many records as /dev/kmsg gives', () => {
    const dir = tmpDir();
    const f = join(dir, 'fb-cri.log');
    writeFileSync(f, batches(fbArray).map(cri).join('\n') + '\n');
    const kmsg = join(dir, 'kmsg.log');
    writeFileSync(kmsg, KMSG.map((k) => `${k.pri},${k.seq},${k.usec},-;${k.msg}`).join('\n') + '\n');
    const total = (file: string) => JSON.parse(cli(['report', '--json', '--trust-any-source', file]).stdout).totals;
    expect(total(f).records).toBe(total(kmsg).records);
    expect(cli(['parse', f]).stdout.trim().split('\n')).toHaveLength(RECORDS.length);
  });

  it('journald JSON in Docker in Vector in Loki (4 documents deep), and under an Elasticsearch hit (5): read, unescaped, not trusted, the outer format', () => {
    const journalLine = (k: (typeof KMSG)[number]) => JSON.stringify({ _TRANSPORT: 'kernel', _HOSTNAME: 'vm', __REALTIME_TIMESTAMP: '1795935716372620', MESSAGE: k.msg });
    const four = RECORDS.map((k) => loki(vector(docker(journalLine(k)))));
    const got = read(four);
    expect(got.map(named)).toEqual(RECORDS.map(plain));
    for (const e of got) expect(e).toMatchObject({ format: 'loki', trusted: false });
    const five = RECORDS.map((k) => JSON.stringify({ _index: 'x', _id: '0', _source: { message: loki(vector(docker(journalLine(k)))) } }));
    expect(read(five).map(named)).toEqual(RECORDS.map(plain));
  });

  it('JSON in JSON strings deeper than the reader goes: the line counted as skipped, the reason naming the depth', () => {
    let t = RECORDS[0].msg;
    for (let i = 0; i < 12; i++) t = JSON.stringify({ message: t });
    const r = all(t);
    expect(r).toEqual([expect.objectContaining({ kind: 'skip', code: 'bad-json' })]);
    expect(r[0].kind === 'skip' && r[0].message).toMatch(/\d+ documents deep/);
  });

  it('a document of 5000 record strings (an Elasticsearch _search of 5000 hits): all 5000 read', () => {
    const hits = Array.from({ length: 5000 }, (_, i) => ({ _index: 'filebeat', _id: String(i), _source: { message: RECORDS[i % RECORDS.length].msg } }));
    const got = read([JSON.stringify({ took: 9, hits: { total: { value: 5000 }, hits } })]);
    expect(got).toHaveLength(5000);
    expect(got.slice(0, RECORDS.length).map(named)).toEqual(RECORDS.map(plain));
  });

  it('identical record strings in separate hits of one document count each (as separate lines do); one hit that holds a string twice (message, event.original) counts it once', () => {
    const msg = JSON.parse(readFixture('real/journal-json.log').split('\n')[0]).MESSAGE as string;
    expect(msg).toMatch(/^SECCOMP /);
    const hits = [0, 1, 2].map((i) => ({ _index: 'filebeat', _id: String(i), _source: { message: msg, event: { original: msg } } }));
    expect(read([JSON.stringify({ hits: { hits } })])).toHaveLength(3);
    expect(read([JSON.stringify({ logEvents: [0, 1, 2].map((i) => ({ id: String(i), message: msg })) })])).toHaveLength(3);
    expect(read([JSON.stringify(hits[0])])).toHaveLength(1);
    // one object of many strings (past the few a look along them serves): each distinct one once
    const many = Object.fromEntries(RECORDS.flatMap((k, i) => [[`m${i}`, k.msg], [`o${i}`, k.msg]]));
    expect(read([JSON.stringify(many)]).map(named)).toEqual(RECORDS.map(plain));
  });
});
