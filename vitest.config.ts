import { defineConfig, configDefaults } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the end-to-end suite has its own config (vitest.e2e.config.ts): one test at a time
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    testTimeout: 30_000,
    // a hook that removes a test's temporary files can wait on a busy disk and CPU
    hookTimeout: 60_000,
    // fails the run when a test leaves a temporary directory behind
    globalSetup: ['test/global-setup.ts'],
  },
});
