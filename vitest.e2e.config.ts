import { defineConfig } from 'vitest/config';

/**
 * End-to-end and build-output tests against the production build served by `vite preview`, driven
 * by playwright-core in a real Chromium. One file at a time: this machine has two cores.
 */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts', 'tests/build/**/*.test.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
