// The public API: what index.ts exports is what the README documents. A change
// to the list is a change to the API: rewrite test/golden/exports.txt with
// UPDATE=1 (npm run build first: the list is read from dist/index.d.ts) and say
// so in the README's Library section.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import { LOG_FORMATS } from '../src/parse/envelope.js';
import { FINDING_KINDS, SEVERITY } from '../src/report/findings.js';
import { expectGolden, ROOT } from './helpers.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The rows of the README table under `## heading`: the first cell of each, without backticks. */
function tableRows(heading: string): string[][] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .map((l) => l.split('|').slice(1, -1).map((c) => c.trim().replace(/^`|`$/g, '')));
}

describe('the public API', () => {
  it('exports the documented names (values and types), no more', () => {
    const dts = readFileSync(join(ROOT, 'dist/index.d.ts'), 'utf8');
    const names = new Set<string>();
    for (const m of dts.matchAll(/export (?:type )?\{([^}]*)\}/g)) for (const n of m[1].split(',')) names.add(n.trim().replace(/^type /, '').split(' as ').pop()!);
    for (const m of dts.matchAll(/export (?:declare )?(?:function|class|const|type|interface) (\w+)/g)) names.add(m[1]);
    names.delete('');
    const list = [...names].sort();
    expectGolden(list.join('\n') + '\n', 'exports.txt');
    // every value the module has at run time is in the list
    for (const k of Object.keys(api)) expect(list).toContain(k);
  });

  it('names every value it exports in the README Library section, and keeps to forty', () => {
    const lib = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## Syscall tables'));
    const values = Object.keys(api);
    for (const n of values) expect(lib, n).toMatch(new RegExp(`\\b${n}\\b`));
    expect(values.length).toBeLessThanOrEqual(40);
  });

  it('gives a new object for every result (none is overwritten by the next call)', () => {
    const p = new api.Parser();
    const line = 'audit: type=1326 audit(1594067860.484:14536): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=29064 comm="http-echo" exe="/http-echo" sig=0 arch=c000003e syscall=51 compat=0 ip=0x46fe1f code=0x7ffc0000';
    const a = p.parseText(line, 'f', 1);
    const b = p.parseText(line.replace('syscall=51', 'syscall=0').replace(':14536', ':14537'), 'f', 2);
    expect(a).not.toBe(b);
    expect(a?.kind === 'seccomp' && [a.syscall, a.serial, a.line]).toEqual(['getsockname', 14536, 1]);
    expect(b?.kind === 'seccomp' && [b.syscall, b.serial, b.line]).toEqual(['read', 14537, 2]);
  });
});

describe('the README', () => {
  it("lists every finding kind, in order, with its severity", () => {
    expect(tableRows('Findings').map((r) => [r[0], r[1]])).toEqual(FINDING_KINDS.map((k) => [k, SEVERITY[k]]));
  });

  it('lists every format', () => {
    expect(tableRows('Formats read').map((r) => r[0])).toEqual(LOG_FORMATS.map((f) => f.name));
  });

  it('says of each format the trust LOG_FORMATS gives it', () => {
    const said = new Map(tableRows('Formats read').map((r) => [r[0], r[2]]));
    for (const f of LOG_FORMATS) {
      const trusted = said.get(f.name)!;
      expect(trusted.startsWith('no'), f.name).toBe(f.trust === 'never');
      expect(/with checks|the tag's pid/.test(trusted), f.name).toBe(f.trust === 'checked');
      expect(trusted.includes('_TRANSPORT'), f.name).toBe(f.trust === 'transport');
    }
  });
});
