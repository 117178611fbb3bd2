// The house: src/ is a stack of folders, each importing only from the folders
// below it (the order is LAYERS), with no import circle among its files; only
// the entry points (the CLI's bin.ts, the library's index.ts and the worker
// thread's worker.ts) stand at the top. Below io/, nothing touches the file
// system, the network, threads or processes: the parser, the learner and the
// profile formats are pure, and io/ and cli/ are the adapters around them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Bottom first: a folder may import from itself and from the folders before it. */
export const LAYERS = ['core', 'syscalls', 'elf', 'parse', 'profile', 'learn', 'state', 'report', 'io', 'cli'] as const;
/** The files at the top of src/: entry points, above every layer. */
const TOP = ['bin.ts', 'index.ts', 'worker.ts'];
/** Node modules that touch the world outside the process; only io/, cli/ and the entry points use them. */
const IMPURE = /^(node:)?(fs|fs\/promises|net|http|https|http2|tls|dgram|dns|dns\/promises|child_process|cluster|worker_threads|os|tty|readline|process)$/;

const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : n.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file names: static imports and re-exports (type-only too: they tie the layers all the same), dynamic import(), and createRequire(...)('x'). */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s*'([^']+)'|createRequire\([^)]*\)\(\s*'([^']+)'\s*\)/gm)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  return out;
}

/** The layer of a file below src/ (its first folder), or 'top'. */
function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0] : 'top';
}

function rank(layer: string): number {
  return layer === 'top' ? LAYERS.length : (LAYERS as readonly string[]).indexOf(layer);
}

const files = sourceFiles(SRC);
const graph = new Map<string, string[]>();
for (const f of files) {
  const local = importsOf(readFileSync(f, 'utf8'))
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(f), s.replace(/\.js$/, '.ts')));
  graph.set(f, local);
}

describe('the layers of src/', () => {
  it('has only the entry points at its top, and each folder is a layer', () => {
    const top = readdirSync(SRC).filter((n) => !statSync(join(SRC, n)).isDirectory());
    expect(top.sort()).toEqual([...TOP].sort());
    const folders = readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory());
    expect(folders.sort()).toEqual([...LAYERS].sort());
  });

  it('imports only downwards (or within a folder)', () => {
    const up: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        if (!graph.has(d)) up.push(`${relative(SRC, f)} imports ${relative(SRC, d)}, which does not exist`);
        else if (rank(layerOf(d)) > rank(layerOf(f))) up.push(`${relative(SRC, f)} (${layerOf(f)}) imports ${relative(SRC, d)} (${layerOf(d)}), a layer above it`);
      }
    }
    expect(up).toEqual([]);
  });

  it('has no import circle', () => {
    // Tarjan's strongly connected components: any component of more than one file is a circle
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const on = new Set<string>();
    const circles: string[][] = [];
    let next = 0;
    const visit = (v: string): void => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      on.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const c: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          on.delete(w);
          c.push(relative(SRC, w));
        } while (w !== v);
        if (c.length > 1) circles.push(c.sort());
      }
    };
    for (const f of graph.keys()) if (!index.has(f)) visit(f);
    expect(circles).toEqual([]);
  });

  it('keeps the file system, the network and threads out of the layers below io/', () => {
    const impure: string[] = [];
    for (const f of files) {
      if (rank(layerOf(f)) >= rank('io')) continue;
      for (const s of importsOf(readFileSync(f, 'utf8'))) if (IMPURE.test(s)) impure.push(`${relative(SRC, f)} imports ${s}`);
    }
    expect(impure).toEqual([]);
  });

  it('catches what it is for: an upward import and a circle are seen by its reader', () => {
    // the checks above pass only if importsOf finds imports in every form the tree uses
    expect(importsOf("import type { A } from '../learn/learner.js';\nexport { B } from './b.js';\nconst w = await import('./w.js');\nimport {\n  C,\n} from './c.js';")).toEqual(['../learn/learner.js', './b.js', './w.js', './c.js']);
    expect(importsOf("const { Ajv } = createRequire(import.meta.url)('ajv');\nimport { readFileSync } from 'fs';")).toEqual(['ajv', 'fs']);
    for (const m of ['fs', 'node:fs', 'node:http', 'https', 'node:dgram', 'node:worker_threads']) expect(IMPURE.test(m), m).toBe(true);
    for (const m of ['node:path', 'node:module', 'yaml', 'ajv', './fs.js']) expect(IMPURE.test(m), m).toBe(false);
    expect(rank('cli')).toBeGreaterThan(rank('parse'));
    expect(rank('top')).toBeGreaterThan(rank('cli'));
  });
});
