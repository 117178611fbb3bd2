#!/usr/bin/env node
// node [NODE_FLAGS] scripts/bench/memory.mjs [--every MB] [--alloc] [--snapshot] FILE...
//
// What grows, and what allocates, while seccomp-learn reads FILEs: drives the
// built library (dist/index.js) as the CLI does (256 KiB readSync chunks, the
// LineSplitter with the markers, a Learner with --no-runtime-base) and prints,
// every --every MB (default 100), process.memoryUsage() and V8's heap spaces:
// rss, heap total and used, external and array buffers (Buffer pool slabs),
// new space (the young generation: V8 doubles it, up to 2 x 16 MB on 64-bit,
// as objects survive scavenges), old space committed and used, processes tracked.
//   --alloc     V8's sampling heap profiler, counting objects that died too,
//               summed by allocating function: bytes allocated per record
//   --snapshot  a heap snapshot at the end (before finish()), summed by type:
//               what is still alive
// (one of --alloc and --snapshot at a time: the profiler's protocol objects
// stay in the heap). NODE_FLAGS such as --max-semi-space-size=1 show what the
// young generation's growth accounts for. Build first (npm run build).
import { closeSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { Learner, LineSplitter } = await import(join(root, 'dist/index.js'));
const { MARKERS } = await import(join(root, 'dist/parse/event.js'));

const args = process.argv.slice(2);
const flag = (k) => (args.includes(k) ? (args.splice(args.indexOf(k), 1), true) : false);
const every = (args.includes('--every') ? Number(args.splice(args.indexOf('--every'), 2)[1]) : 100) * 1e6;
const alloc = flag('--alloc');
const snapshot = flag('--snapshot');
const files = args;
if (files.length === 0) {
  console.error('usage: node scripts/bench/memory.mjs [--every MB] [--alloc] [--snapshot] FILE...');
  process.exit(2);
}

let session = null;
if (alloc) {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

const learner = new Learner({ noRuntimeBase: true });
const buf = Buffer.allocUnsafeSlow(1 << 18);
let read = 0;
let next = every;
const mb = (x) => (x / 1048576).toFixed(1);
const space = (name) => v8.getHeapSpaceStatistics().find((s) => s.space_name === name);
const COLUMNS = ['MB read', 'rss', 'heap', 'used', 'external', 'arrayBuf', 'new sp', 'old sp', 'old used', 'tracked'];
const row = () => {
  const m = process.memoryUsage();
  const ns = space('new_space');
  const os = space('old_space');
  console.log([(read / 1e6).toFixed(0), mb(m.rss), mb(m.heapTotal), mb(m.heapUsed), mb(m.external), mb(m.arrayBuffers), mb(ns.space_size), mb(os.space_size), mb(os.space_used_size), learner.tracked].map((c) => String(c).padStart(9)).join(''));
};
console.log(COLUMNS.map((c) => c.padStart(9)).join(''));
row();
const t0 = process.hrtime.bigint();
for (const f of files) {
  const fd = openSync(f, 'r');
  const splitter = new LineSplitter(f, learner, 65536, MARKERS);
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
    splitter.push(n === buf.length ? buf : buf.subarray(0, n));
    read += n;
    if (read >= next) {
      next += every;
      row();
    }
  }
  splitter.end();
  closeSync(fd);
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
row();
console.log(`read ${(read / 1e6).toFixed(0)} MB in ${secs.toFixed(2)} s: ${learner.records} records, ${learner.tracked} processes tracked at the end`);

// the allocation profile is summed up (and dropped) before the snapshot, whose
// reading is not counted as allocation, and which does not count the profile
const report = [];
if (alloc) {
  let { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  const by = new Map();
  let total = 0;
  const walk = (node) => {
    if (node.selfSize > 0) {
      const c = node.callFrame;
      const k = `${c.functionName || '(anonymous)'} ${c.url.split('/').pop()}:${c.lineNumber + 1}`;
      by.set(k, (by.get(k) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  profile = null;
  report.push(`\nallocated (sampled, dead objects included): ${(total / 1e6).toFixed(0)} MB, ${(total / learner.records).toFixed(0)} bytes a record; by function (dist/ line numbers):`);
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 15)) report.push(`${(v / 1e6).toFixed(1).padStart(8)} MB ${(v / learner.records).toFixed(0).padStart(6)} B/record  ${k}`);
}
if (snapshot) {
  const path = v8.writeHeapSnapshot();
  const s = JSON.parse(readFileSync(path, 'utf8'));
  rmSync(path);
  const fields = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const N = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const by = new Map();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += N) {
    const type = types[s.nodes[i + iType]];
    const name = type === 'object' || type === 'native' || type === 'closure' ? s.strings[s.nodes[i + iName]] : '';
    const k = `${type} ${name}`.trim().slice(0, 60);
    const e = by.get(k) ?? [0, 0];
    e[0]++;
    e[1] += s.nodes[i + iSize];
    total += s.nodes[i + iSize];
    by.set(k, e);
  }
  report.push(`\nalive at the end (heap snapshot): ${(total / 1e6).toFixed(1)} MB; by type:`);
  for (const [k, [count, bytes]] of [...by].sort((a, b) => b[1][1] - a[1][1]).slice(0, 15)) report.push(`${(bytes / 1e6).toFixed(2).padStart(8)} MB ${String(count).padStart(8)}  ${k}`);
}
for (const line of report) console.log(line);
learner.finish();
