import { defineConfig } from 'vitest/config';

// Measurements behind src/learn/runtime.ts, run by hand (not part of `npm test`):
//   npm run build && npx vitest run --config test/e2e/measure.config.ts
// Like the end-to-end suite they share the kernel log: one test at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.measure.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 60_000,
  },
});
