import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // the e2e and cross-check suites share the machine's kernel log and tools
    fileParallelism: true,
  },
});
