// The kernel tests in a second WebGPU implementation: headless Chromium (Debian's, no browser download) on
// its SwiftShader adapter, through Vitest's browser mode. The engine's browser platform module stands in for
// the Node one, as in a user's bundle. `npx vitest run --config vitest.browser.config.ts [files]`.
import { defineConfig } from 'vitest/config';
import { bundleShaders } from './tools/bundle_shaders.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './test/browser/browser_helpers.js';

bundleShaders();

export default defineConfig({
  resolve: { alias: [{ find: /^\.\/platform\.js$/, replacement: './platform.browser.js' }] },
  // the tests read TEST_SEED from process.env, as in Node
  define: { 'process.env.TEST_SEED': JSON.stringify(process.env.TEST_SEED ?? '') },
  test: {
    // every kernel family forward and backward, and the models' golden tests against the PyTorch reference
    include: ['test/kernels/**/*.test.ts', 'test/models/ddpm_golden.test.ts', 'test/models/gan_golden.test.ts', 'test/models/control.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      provider: 'playwright',
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: 'chromium', launch: { executablePath: CHROMIUM, args: CHROMIUM_FLAGS } }],
    },
  },
});
