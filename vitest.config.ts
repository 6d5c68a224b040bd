import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    reporters: ['default', './test/reporters/plainSummary.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests open real sockets on 127.0.0.1 with random ports; run files in
    // parallel but keep the count bounded on the 2-core machines.
    maxWorkers: 2,
  },
});
