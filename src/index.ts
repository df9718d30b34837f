// Public entry point of the engine.
export { Engine, WebGPUError, type Launch } from './engine/engine.js';
export { Tensor, type Shape } from './engine/tensor.js';
export { tidy, tidyAsync, keep } from './engine/scope.js';
export { backward, noGrad, requireGrad, isGradEnabled } from './engine/autograd.js';
export { registerShader } from './engine/shaders.js';
export * from './kernels/create.js';
export {
  neg, exp, log, sqrt, rsqrt, abs, relu, silu, sigmoid, tanh, square, reciprocal, affine, clamp, powScalar,
  add, sub, mul, div, pow, maximum, minimum, prelu, broadcastShapes,
} from './kernels/elementwise.js';
export { sum, mean, max } from './kernels/reduce.js';
export { matmul } from './kernels/matmul.js';
export { softmax } from './kernels/softmax.js';
export { expandTo, permute, transpose, slice, concat } from './kernels/copy.js';
export { randUniform, randNormal } from './kernels/random.js';
export { Adam, type AdamOptions } from './kernels/adam.js';
