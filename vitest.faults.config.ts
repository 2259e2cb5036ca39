import { defineConfig } from 'vitest/config';

/** The fault-injection suite (npm run test:faults): long, one file at a time, never mixed with the others. */
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/faults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 1_200_000,
    hookTimeout: 300_000,
    retry: 0,
  },
});
