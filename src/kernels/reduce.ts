// sum / mean / max over axes, differentiable; the launcher (shaders/reduce.wgsl) is reduce_launch.ts.
import { record } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { normAxes } from './util.js';
import { tidy } from '../engine/scope.js';
import { binary, scaleBy } from './elementwise.js';
import { expandTo } from './copy.js';
import { reduceRaw, sumToShape } from './reduce_launch.js';

function outShape(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/** Sum over axes (all when omitted; negative axes count from the end), keeping them as size 1 with keepDims. */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduceScaled(x, axes, keepDims, false);
}

/** Mean over axes (all when omitted; negative axes count from the end), keeping them as size 1 with keepDims. */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduceScaled(x, axes, keepDims, true);
}

function reduceScaled(x: Tensor, axesArg: number | readonly number[] | undefined, keepDims: boolean, isMean: boolean): Tensor {
  const axes = normAxes(axesArg, x.rank, isMean ? 'mean' : 'sum');
  const count = axes.reduce((a, i) => a * x.shape[i], 1);
  const scale = isMean ? 1 / count : 1;
  const flat = reduceRaw(x, axes, 'sum', scale);
  const y = flat.reshape(outShape(x.shape, axes, keepDims));
  flat.dispose();
  return record(y, isMean ? 'mean' : 'sum', [x], (g) =>
    tidy(() => {
      const ex = expandTo(g.reshape(outShape(x.shape, axes, true)), x.shape);
      return [scale === 1 ? ex : scaleBy(ex, scale)];
    }),
  );
}

/** Maximum over axes. The gradient is split evenly between tied maxima (like torch.amax). */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank, 'max');
  const flat = reduceRaw(x, ax, 'max', 1);
  const y = flat.reshape(outShape(x.shape, ax, keepDims));
  flat.dispose();
  return record(y, 'max', [x], (g) =>
    tidy(() => {
      const keptShape = outShape(x.shape, ax, true);
      const mask = binary('eq', x, y.reshape(keptShape));
      const share = binary('div', g.reshape(keptShape), sumToShape(mask, keptShape));
      return [binary('mul', mask, share)];
    }),
  );
}
