// Public entry point of the engine.
/// <reference types="@webgpu/types" preserve="true" />
export { Engine, WebGPUError } from './engine/engine.js';
export type { Kernel, KernelName, KernelSignatures, Launch, UserKernel, UserLaunch } from './engine/kernel_types.js';
export { Tensor, type Shape } from './engine/tensor.js';
export { tidy, tidyAsync, keep } from './engine/scope.js';
export { backward, noGrad, requireGrad, isGradEnabled } from './engine/autograd.js';
export { registerShader } from './engine/shaders.js';
export * from './kernels/create.js';
export {
  neg, exp, log, sqrt, rsqrt, abs, relu, silu, sigmoid, tanh, square, softplus, reciprocal, affine, clamp, powScalar,
  add, sub, mul, div, pow, maximum, minimum, prelu, broadcastShapes,
} from './kernels/elementwise.js';
export { sum, mean, max } from './kernels/reduce.js';
export { linear, matmul } from './kernels/matmul.js';
export { softmax } from './kernels/softmax.js';
export { expandTo, permute, transpose, slice, concat } from './kernels/copy.js';
export { randUniform, randNormal } from './kernels/random.js';
export { Adam, type AdamOptions } from './kernels/adam.js';
export { conv2d, convTranspose2d, convGeometry, type Conv2dOptions, type ConvTranspose2dOptions, type Activation } from './kernels/conv2d/index.js';
export { groupNorm, type GroupNormOptions } from './kernels/group_norm.js';
export { attention } from './kernels/attention.js';
export { upsampleNearest, avgPool, maxPool2d, pixelShuffle, pixelUnshuffle } from './kernels/resample.js';
export { polyphaseSplit, polyphaseMerge, type Bands } from './kernels/lifting.js';
export { diffusionStep, stepCoefficients, type StepCoefficients } from './kernels/diffusion_step.js';
export {
  awgnChannel, ofdmChannel, ofdmFrame, rayleighChannel, sendOverChannel,
  type ChannelOptions, type Equalised, type Equaliser, type OfdmFrame, type OfdmOptions, type OfdmReceived, type RayleighOptions, type SendOptions,
} from './channel/index.js';
export * as losses from './kernels/losses.js';
export * from './pipeline/index.js';
export { decodeImage, encodePng, imagesToNchw, nchwToImages, type RgbImage } from './data/image.js';
