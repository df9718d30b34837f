// Softmax along the last axis (shaders/softmax.wgsl, shaders/softmax_backward.wgsl).
import { record } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { empty, grid1d, shapeStr } from './util.js';

/** Softmax along the last axis. */
export function softmax(x: Tensor): Tensor {
  const e = x.engine;
  if (x.rank < 1) throw new Error('softmax needs rank >= 1');
  const cols = x.shape[x.rank - 1];
  const rows = cols === 0 ? 0 : x.size / cols;
  const y = empty(e, x.shape);
  if (rows > 0) {
    e.launch('softmax', {
      buffers: [x.buffer, y.buffer],
      uniforms: { rows, cols },
      workgroups: grid1d(e, rows, 64),
      label: shapeStr(x.shape),
    });
  }
  return record(y, 'softmax', [x], (g) => {
    const dx = empty(e, x.shape);
    if (rows > 0) {
      e.launch('softmax_backward', {
        buffers: [y.buffer, g.buffer, dx.buffer],
        uniforms: { rows, cols },
        workgroups: grid1d(e, rows, 64),
        label: shapeStr(x.shape),
      });
    }
    return [dx];
  });
}
