// The kernel test files bench/gpu/kernel_tests.ts runs, each loaded when its turn comes (a test in
// test/tools/gpu_bench.test.ts checks that every test/kernels/*.test.ts is here).
export const KERNEL_TEST_FILES: [string, () => Promise<unknown>][] = [
  ['adam.test.ts', () => import('../../test/kernels/adam.test.js')],
  ['attention.test.ts', () => import('../../test/kernels/attention.test.js')],
  ['channel_fading.test.ts', () => import('../../test/kernels/channel_fading.test.js')],
  ['channel_ofdm.test.ts', () => import('../../test/kernels/channel_ofdm.test.js')],
  ['conv2d.test.ts', () => import('../../test/kernels/conv2d.test.js')],
  ['conv2d_winograd.test.ts', () => import('../../test/kernels/conv2d_winograd.test.js')],
  ['copy.test.ts', () => import('../../test/kernels/copy.test.js')],
  ['diffusion_channel.test.ts', () => import('../../test/kernels/diffusion_channel.test.js')],
  ['elementwise.test.ts', () => import('../../test/kernels/elementwise.test.js')],
  ['group_norm.test.ts', () => import('../../test/kernels/group_norm.test.js')],
  ['lifting.test.ts', () => import('../../test/kernels/lifting.test.js')],
  ['matmul.test.ts', () => import('../../test/kernels/matmul.test.js')],
  ['random.test.ts', () => import('../../test/kernels/random.test.js')],
  ['reduce.test.ts', () => import('../../test/kernels/reduce.test.js')],
  ['resample.test.ts', () => import('../../test/kernels/resample.test.js')],
  ['softmax.test.ts', () => import('../../test/kernels/softmax.test.js')],
];
