// Bundles the CLI into one file (dist/cli.js) so that start-up reads one module,
// not a tree of them; the library (dist/index.js) is what tsc emitted.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: ['src/bin.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/cli.js',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  minify: !process.env.NO_MINIFY,
  logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
// the worker threads of --jobs (io/parallel.ts finds it beside cli.js, and one folder up from dist/io/parallel.js): one file, so a worker starts fast
await build({
  entryPoints: ['src/worker.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/worker.js',
  minify: !process.env.NO_MINIFY,
  allowOverwrite: true,
  logLevel: 'warning',
});
