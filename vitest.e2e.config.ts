import { defineConfig } from 'vitest/config';

// End-to-end tests: the built app served on 127.0.0.1, driven in Debian's
// Chromium. One file at a time: each launches a browser, and there are 2 cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/helpers/browser.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
