// A 1×1 convolution (stride 1, no padding, one group) is a matrix product W [Cout, Cin] · x [N, Cin, H·W]:
// it runs on the matmul kernels, its gradients those of matmul and the elementwise ops.
import type { Tensor } from '../../engine/tensor.js';
import { add, prelu as preluOp, relu as reluOp, silu as siluOp, sub } from '../elementwise.js';
import { matmul } from '../matmul.js';
import type { Activation, ConvGeometry } from './geometry.js';

/** Whether conv2d takes the matmul path for g (the vec4 alignment the matmul kernels want included). */
export function isMatmulConv(g: ConvGeometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.strideH === 1 && g.strideW === 1 && g.groups === 1 && g.dilH === 1 && g.dilW === 1 &&
    g.padTop + g.padBottom + g.padLeft + g.padRight === 0 && g.Cin % 4 === 0 && (g.H * g.W) % 4 === 0;
}

/** 1×1 convolution as matmul + bias + activation (+ residual), each a differentiable op. */
export function conv1x1(x: Tensor, w: Tensor, bias: Tensor | null, g: ConvGeometry, act: Activation, slope: Tensor | null, res: Tensor | null, sign: 1 | -1): Tensor {
  let y = matmul(w.reshape([g.Cout, g.Cin]), x.reshape([g.N, g.Cin, g.H * g.W])).reshape([g.N, g.Cout, g.H, g.W]);
  if (bias) y = add(y, bias.reshape([g.Cout, 1, 1]));
  if (act === 'relu') y = reluOp(y);
  else if (act === 'silu') y = siluOp(y);
  else if (act === 'prelu') y = preluOp(y, slope!.reshape([g.Cout, 1, 1]));
  if (res) y = sign === 1 ? add(res, y) : sub(res, y);
  return y;
}
