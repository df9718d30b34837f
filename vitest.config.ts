import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // deterministic kernel variants in tests (and in the CLI processes they spawn); autotune has its own tests
    env: { COMMIN_AUTOTUNE: '0' },
    hookTimeout: 60_000,
    pool: 'forks',
    // each test file owns one WebGPU device; two at a time matches the two cores here
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
