// The conv2d family, split as launchers (variants, autotune jobs, dispatch; no autograd) and the
// differentiable ops over them (forward + gradient closures):
//   geometry.ts        options, shape arithmetic, conv shader uniforms
//   variants.ts        which kernel variants apply (the untuned default first), and the pipeline (shader file) of each
//   weight_layouts.ts  weight re-layouts the kernels read
//   winograd.ts        Winograd F(2×2, 3×3) / F(4×4, 3×3): weight and input transforms, batched matmul, output transform
//   autotune_jobs.ts   scratch operands and candidate launches for the autotuner, and the conv jobs' time limit
//   launch_forward.ts, launch_input_grad.ts, launch_weight_grad.ts   the launchers
//   op.ts, conv1x1.ts, transpose.ts   conv2d (1×1 on matmul) and conv_transpose2d
export { convGeometry, type Activation, type Conv2dOptions, type ConvGeometry, type Padding } from './geometry.js';
export { convForwardVariants, convWeightGradVariants, type ConvForwardVariant, type ConvWeightGradVariant } from './variants.js';
export { conv2dRaw } from './launch_forward.js';
export { conv2dInputGradRaw } from './launch_input_grad.js';
export { conv2dWeightGradRaw } from './launch_weight_grad.js';
export { conv2d } from './op.js';
export { convTranspose2d, type ConvTranspose2dOptions } from './transpose.js';
