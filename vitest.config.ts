import { defineConfig } from 'vitest/config';

// better-sqlite3 is a native addon: worker threads share one process and crash on it,
// so every test file runs in its own forked process.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
