import { defineConfig } from 'vitest/config';
import { bundleShaders } from './tools/bundle_shaders.js';

// the kernels under test are the shaders/*.wgsl on disk: refresh their bundled module first
bundleShaders();

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global_setup.ts'],
    setupFiles: ['test/trace_setup.ts'],
    testTimeout: 120_000,
    // deterministic kernel variants in tests (and in the CLI processes they spawn); autotune has its own tests
    env: { COMMIN_AUTOTUNE: '0' },
    hookTimeout: 60_000,
    pool: 'forks',
    // each test file owns one WebGPU device, and lavapipe already uses every core: one file at a time. Two
    // files at once starved the CLI tests' child processes past vitest's 60 s worker RPC timeout on a
    // 2-core AVX2 machine ("Timeout calling onTaskUpdate", which fails the run although every test passed)
    // The same timeout fires when a test blocks its worker for over 60 s: child processes run through
    // test/run_process.ts, never spawnSync.
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    // After each test file the pool ends its worker and starts the next one only once the old one has exited.
    // Under load a worker that held a WebGPU device has taken up to 15 s to exit after its SIGTERM (one thread stuck
    // in the kernel; the SIGKILL a second later does not hurry it). Past this timeout (vitest's default: 10 s)
    // tinypool gives up on the worker ("Failed to terminate worker") and never starts the next one; vitest's
    // main process, holding no handle, then ends with exit 0 and no report. With 10 s, 2 of 21 runs of this ended so:
    //   bash tools/loaded_test.sh 21 test/metrics/lpips.test.ts test/metrics/metrics.test.ts
    teardownTimeout: 120_000,
  },
});
