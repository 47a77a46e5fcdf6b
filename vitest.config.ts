import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    restoreMocks: true,
    // Two cores in CI: network-heavy suites interfere when too many run at once.
    maxWorkers: 2,
  },
});
