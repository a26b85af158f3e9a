import { defineConfig } from 'vitest/config';

// Unit and integration tests: Node, fast, the store over fake-indexeddb.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
  },
});
