import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // each test file owns one WebGPU device; two at a time matches the two cores here
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
