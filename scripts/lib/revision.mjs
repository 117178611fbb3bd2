// The library of a git revision and the working tree's, side by side: REV's
// src/ copied out of git into a temporary directory, both bundled the same way
// (esbuild, one ESM file each) and imported. For the scripts that compare a
// revision with the tree: parser-diff.mjs (output) and speed-diff.mjs (time).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Calls `use(old, now)` with REV's library and the working tree's (each module's
 * exports, from src/index.ts), and removes the temporary directory after.
 */
export async function withRevision(rev, use) {
  const tmp = mkdtempSync(join(tmpdir(), 'revision-'));
  try {
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', rev, 'src'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    for (const f of files) {
      mkdirSync(join(tmp, dirname(f)), { recursive: true });
      writeFileSync(join(tmp, f), execFileSync('git', ['show', `${rev}:${f}`], { cwd: root }));
    }
    const bundle = (entry, out) => build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'error' });
    await bundle(join(tmp, 'src/index.ts'), join(tmp, 'old.mjs'));
    await bundle(join(root, 'src/index.ts'), join(tmp, 'new.mjs'));
    const old = await import(pathToFileURL(join(tmp, 'old.mjs')).href);
    const now = await import(pathToFileURL(join(tmp, 'new.mjs')).href);
    return await use(old, now);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The usage line and REV, or exit 2 with the usage when REV is missing. */
export function revisionArg(usage) {
  const args = process.argv.slice(2);
  const rev = args[0];
  if (!rev || rev.startsWith('-')) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  return { rev, args, opt: (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt) };
}
