#!/usr/bin/env node
// node scripts/parser-diff.mjs REV [--mutations N] [--ignore KEY,KEY...]
//
// Runs the parser of git revision REV and the working tree's side by side on
// every fixture line and N cut, spliced and mutated ones (default 300,000), and
// on generated audit and printk stamps, and prints how their results differ,
// by kind, with one example of each. For changes meant to be pure speed: there
// every difference is a finding. (Session 2 found the tail of a repeated record
// read wrongly after a quote left open, this way.) Not a test: a change in
// behaviour may be intended; the output says what changed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { revisionArg, root, withRevision } from './lib/revision.mjs';

const { rev, opt } = revisionArg('node scripts/parser-diff.mjs REV [--mutations N] [--ignore KEY,KEY...]');
const mutations = Number(opt('--mutations', 300_000));
// keys one side has and the other never had (a field added on purpose): left out of the comparison
const ignored = new Set(opt('--ignore', '').split(',').filter(Boolean));

await withRevision(rev, (O, N) => {
  const show = (r) =>
    r === null
      ? null
      : JSON.stringify({ ...r, key: undefined }, (k, v) => (ignored.has(k) ? undefined : k === 'arch' && v && typeof v === 'object' ? v.name : typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v));
  const kinds = new Map();
  let total = 0;
  const compare = (text) => {
    total++;
    const a = show(O.parseLine(text, 'f', 1));
    const b = show(N.parseLine(text, 'f', 1));
    if (a === b) return;
    const pa = a && JSON.parse(a);
    const pb = b && JSON.parse(b);
    const fields = pa && pb ? Object.keys({ ...pa, ...pb }).filter((k) => JSON.stringify(pa[k]) !== JSON.stringify(pb[k])) : [a === null ? 'was nothing' : 'is nothing now'];
    const kind = `${fields.join(',')}${text.includes('\x1d') ? ' (0x1D in the line)' : ''} [${(pa ?? pb).format ?? (pa ?? pb).kind}]`;
    const k = kinds.get(kind);
    if (k) k.count++;
    else kinds.set(kind, { count: 1, text, a, b });
  };

  const lines = [];
  for (const d of ['real', 'published']) {
    for (const f of readdirSync(join(root, 'fixtures', d))) if (f.endsWith('.log')) lines.push(...readFileSync(join(root, 'fixtures', d, f), 'utf8').split('\n').filter(Boolean));
  }
  let seed = 12345;
  const r = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const junk = ['', ' ', '=', '"', ')', '(', ':', ' ip=', ' code=0x0', '\x1d', 'audit(', '0', 'x', ' pid=', ']', '[', '\u00e9', '\ufffd', '\r', 'kernel: ', ' msg=audit(1.2:3): '];
  for (const l of lines) compare(l);
  for (let n = 0; n < mutations; n++) {
    const l = lines[Math.floor(r() * lines.length)];
    const i = Math.floor(r() * (l.length + 1));
    const j = Math.min(l.length, i + Math.floor(r() * 30));
    const jk = junk[Math.floor(r() * junk.length)];
    const how = Math.floor(r() * 5);
    compare(how === 0 ? l.slice(0, i) : how === 1 ? l.slice(0, i) + jk + l.slice(i) : how === 2 ? l.slice(0, i) + jk + l.slice(j) : how === 3 ? jk + l.slice(i) : l.slice(0, j) + jk);
  }
  // stamps: audit(TIME:SERIAL) and the printk [SEC.USEC], from a small alphabet
  const stamp = (alpha, max) => {
    let s = '';
    const len = Math.floor(r() * max);
    for (let i = 0; i < len; i++) s += alpha[Math.floor(r() * (r() < 0.7 ? 10 : alpha.length))];
    return s;
  };
  const body = 'pid=5 comm="a" exe="/a" sig=0 arch=c000003e syscall=2 compat=0 ip=0x1 code=0x7ffc0000';
  for (let n = 0; n < mutations / 3; n++) {
    const st = stamp('0123456789.:-x /', 22);
    compare(`audit: type=1326 audit(${st}): ${body}`);
    compare(`type=SECCOMP msg=audit(${st}): ${body}`);
    const pk = stamp('0123456789. ]', 20);
    compare(`[${pk}] audit: type=1326 audit(1.000:5): ${body}`);
    compare(`Nov 29 02:49:41 vm kernel: [${pk}] audit: type=1326 audit(1.000:5): ${body}`);
  }

  const diffs = [...kinds.values()].reduce((n, k) => n + k.count, 0);
  console.log(`parser-diff: ${rev} and the working tree on ${total} lines: ${diffs} differ, in ${kinds.size} kinds`);
  for (const [kind, k] of [...kinds].sort((x, y) => y[1].count - x[1].count)) {
    console.log(`\n${k.count} x ${kind}\n  line: ${JSON.stringify(k.text).slice(0, 400)}\n  was:  ${k.a?.slice(0, 400)}\n  now:  ${k.b?.slice(0, 400)}`);
  }
});
