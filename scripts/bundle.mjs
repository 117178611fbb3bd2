// Bundles the CLI into one file (dist/cli.js) so that start-up reads one module,
// not a tree of them; the library (dist/index.js) is what tsc emitted.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

// yargs' string-width (and cliui's copies) make an Intl.Segmenter when they are
// loaded, which brings ICU's break data into memory: 2 MB of RSS for every run,
// though widths are only measured to lay out --help and usage errors. Here it
// is made at its first use, the same object after that. The statement must be
// found once in each copy, or the build fails.
const LAZY_FROM = 'const segmenter = new Intl.Segmenter();';
const LAZY_TO = 'let segmenterMade; const segmenter = { segment: (s) => (segmenterMade ??= new Intl.Segmenter()).segment(s) };';
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (text.split(LAZY_FROM).length !== 2) throw new Error(`bundle: ${args.path} no longer holds "${LAZY_FROM}" once: see scripts/bundle.mjs`);
      return { contents: text.replace(LAZY_FROM, LAZY_TO), loader: 'js' };
    });
  },
};

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
  plugins: [lazySegmenter],
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
