import { defineConfig } from 'vitest/config';

// The end-to-end suite shares the machine's kernel log, its printk rate limit and
// the audit subsystem: one file, one test at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
