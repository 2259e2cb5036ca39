import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.test.ts', 'shared/**/*.test.ts', 'services/**/*.test.ts'],
    // The fault-injection suite runs on its own: npm run test:faults (vitest.faults.config.ts).
    exclude: ['test/faults/**', '**/node_modules/**'],
    // Integration tests share two cores with MariaDB, Kafka, Elasticsearch and Redis.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A flaky pass hides a real race; we want to see it.
    retry: 0,
  },
});
