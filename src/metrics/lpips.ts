// LPIPS (Zhang et al. 2018) on the engine: a backbone's feature taps, unit-normalised across channels,
// squared differences weighted per channel by the learned linear layers, averaged over space, summed over
// taps. Differentiable in both images. The backbone is a layer list, so the squeeze (shipped), alex and vgg
// variants load from files with the reference `lpips` module's tensor names.
import type { Engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { keep, tidy } from '../engine/scope.js';
import { isGradEnabled, noGrad } from '../engine/autograd.js';
import { parseSafetensors, type HostTensor } from '../engine/safetensors.js';
import { tensor } from '../kernels/create.js';
import { concat, slice } from '../kernels/copy.js';
import { add, affine, div, mul, sqrt, square, sub } from '../kernels/elementwise.js';
import { conv2d } from '../kernels/conv2d/index.js';
import { mean, sum } from '../kernels/reduce.js';
import { maxPool2d } from '../kernels/resample.js';
import { shapeStr } from '../kernels/util.js';

type Layer =
  | { kind: 'conv'; name: string; cin: number; cout: number; k: number; stride: number; pad: number }
  | { kind: 'fire'; name: string; cin: number; squeeze: number; expand: number }
  | { kind: 'pool'; ceil: boolean }
  | { kind: 'tap' };

const conv = (name: string, cin: number, cout: number, k: number, stride = 1, pad = 0): Layer => ({ kind: 'conv', name, cin, cout, k, stride, pad });
const fire = (name: string, cin: number, squeeze: number, expand: number): Layer => ({ kind: 'fire', name, cin, squeeze, expand });
const pool = (ceil = false): Layer => ({ kind: 'pool', ceil });
const tap: Layer = { kind: 'tap' };

/** Feature extractors as the reference module slices them (torchvision layer indices in the names). */
export const BACKBONES: Record<'squeeze' | 'alex' | 'vgg', Layer[]> = {
  squeeze: [
    conv('net.slice1.0', 3, 64, 3, 2), tap,
    pool(true), fire('net.slice2.3', 64, 16, 64), fire('net.slice2.4', 128, 16, 64), tap,
    pool(true), fire('net.slice3.6', 128, 32, 128), fire('net.slice3.7', 256, 32, 128), tap,
    pool(true), fire('net.slice4.9', 256, 48, 192), tap,
    fire('net.slice5.10', 384, 48, 192), tap,
    fire('net.slice6.11', 384, 64, 256), tap,
    fire('net.slice7.12', 512, 64, 256), tap,
  ],
  alex: [
    conv('net.slice1.0', 3, 64, 11, 4, 2), tap,
    pool(), conv('net.slice2.3', 64, 192, 5, 1, 2), tap,
    pool(), conv('net.slice3.6', 192, 384, 3, 1, 1), tap,
    conv('net.slice4.8', 384, 256, 3, 1, 1), tap,
    conv('net.slice5.10', 256, 256, 3, 1, 1), tap,
  ],
  vgg: [
    conv('net.slice1.0', 3, 64, 3, 1, 1), conv('net.slice1.2', 64, 64, 3, 1, 1), tap,
    pool(), conv('net.slice2.5', 64, 128, 3, 1, 1), conv('net.slice2.7', 128, 128, 3, 1, 1), tap,
    pool(), conv('net.slice3.10', 128, 256, 3, 1, 1), conv('net.slice3.12', 256, 256, 3, 1, 1), conv('net.slice3.14', 256, 256, 3, 1, 1), tap,
    pool(), conv('net.slice4.17', 256, 512, 3, 1, 1), conv('net.slice4.19', 512, 512, 3, 1, 1), conv('net.slice4.21', 512, 512, 3, 1, 1), tap,
    pool(), conv('net.slice5.24', 512, 512, 3, 1, 1), conv('net.slice5.26', 512, 512, 3, 1, 1), conv('net.slice5.28', 512, 512, 3, 1, 1), tap,
  ],
};

function linName(i: number, backbone: string): string {
  // the reference module names the first five lin0..lin4 and, for squeeze, the extra two lins.5, lins.6
  return backbone === 'squeeze' && i >= 5 ? `lins.${i}.model.1.weight` : `lin${i}.model.1.weight`;
}

/** Fixed images' unit-normalised feature taps (Lpips.target), kept until disposed. */
export interface LpipsTarget {
  readonly shape: number[];
  readonly taps: Tensor[];
  dispose(): void;
}

function checkPair(a: Tensor, b: Tensor): void {
  if (a.rank !== 4 || a.shape[1] !== 3 || a.shape.join() !== b.shape.join()) {
    throw new Error(`LPIPS: images must be two [N, 3, H, W] batches of one size, got ${shapeStr(a.shape, b.shape)}`);
  }
}

export class Lpips {
  private weights = new Map<string, Tensor>();
  private taps: number[] = [];

  private constructor(
    readonly engine: Engine,
    readonly backbone: keyof typeof BACKBONES,
  ) {}

  /** Loads LPIPS weights (safetensors, names as the reference module), checking every tensor's shape. */
  static load(engine: Engine, bytes: Uint8Array, what = 'LPIPS weights', backbone?: keyof typeof BACKBONES): Lpips {
    const f = parseSafetensors(bytes, what);
    const bb = backbone ?? (f.tensors.has('net.slice1.0.weight') && f.tensors.get('net.slice1.0.weight')!.shape[2] === 11 ? 'alex' : f.tensors.has('net.slice7.12.squeeze.weight') ? 'squeeze' : 'vgg');
    const m = new Lpips(engine, bb);
    const need = (name: string, shape: number[]): void => {
      const h: HostTensor | undefined = f.tensors.get(name);
      if (!h) throw new Error(`${what}: missing tensor '${name}' (shape [${shape.join(', ')}]) for the ${bb} backbone`);
      if (h.shape.join() !== shape.join()) throw new Error(`${what}: tensor '${name}' has shape [${h.shape.join(', ')}], the ${bb} backbone needs [${shape.join(', ')}]`);
      m.weights.set(name, keep(tensor(engine, h.data, h.shape)));
    };
    need('scaling_layer.shift', [1, 3, 1, 1]);
    need('scaling_layer.scale', [1, 3, 1, 1]);
    let ch = 3;
    for (const l of BACKBONES[bb]) {
      if (l.kind === 'conv') {
        need(`${l.name}.weight`, [l.cout, l.cin, l.k, l.k]);
        need(`${l.name}.bias`, [l.cout]);
        ch = l.cout;
      } else if (l.kind === 'fire') {
        need(`${l.name}.squeeze.weight`, [l.squeeze, l.cin, 1, 1]);
        need(`${l.name}.squeeze.bias`, [l.squeeze]);
        need(`${l.name}.expand1x1.weight`, [l.expand, l.squeeze, 1, 1]);
        need(`${l.name}.expand1x1.bias`, [l.expand]);
        need(`${l.name}.expand3x3.weight`, [l.expand, l.squeeze, 3, 3]);
        need(`${l.name}.expand3x3.bias`, [l.expand]);
        ch = 2 * l.expand;
      } else if (l.kind === 'tap') {
        need(linName(m.taps.length, bb), [1, ch, 1, 1]);
        m.taps.push(ch);
      }
    }
    return m;
  }

  private w(name: string): Tensor {
    return this.weights.get(name)!;
  }

  /** Feature taps of x (already scaled). */
  private features(x: Tensor): Tensor[] {
    const out: Tensor[] = [];
    let h = x;
    for (const l of BACKBONES[this.backbone]) {
      if (l.kind === 'conv') h = conv2d(h, this.w(`${l.name}.weight`), this.w(`${l.name}.bias`), { stride: l.stride, padding: l.pad, activation: 'relu' });
      else if (l.kind === 'pool') h = maxPool2d(h, 3, { stride: 2, ceilMode: l.ceil });
      else if (l.kind === 'fire') {
        const s = conv2d(h, this.w(`${l.name}.squeeze.weight`), this.w(`${l.name}.squeeze.bias`), { activation: 'relu' });
        const e1 = conv2d(s, this.w(`${l.name}.expand1x1.weight`), this.w(`${l.name}.expand1x1.bias`), { activation: 'relu' });
        const e3 = conv2d(s, this.w(`${l.name}.expand3x3.weight`), this.w(`${l.name}.expand3x3.bias`), { padding: 1, activation: 'relu' });
        h = concat([e1, e3], 1);
      } else out.push(h);
    }
    return out;
  }

  /**
   * LPIPS distance per image pair: a, b [N, 3, H, W] with values in [0, 1] (mapped to [−1, 1] here, once).
   * Returns [N]. Differentiable in a and b.
   */
  distance(a: Tensor, b: Tensor): Tensor {
    checkPair(a, b);
    // intermediates must outlive this call when a gradient will flow back through them: only tidy otherwise
    const recording = isGradEnabled() && [a, b].some((t) => t.requiresGrad || t.node !== null);
    const run = () => {
      // both images in one batch through the backbone
      const N = a.shape[0];
      const taps = this.unitTaps(concat([a, b], 0));
      return this.compare(taps.map((f) => slice(f, 0, 0, N)), taps.map((f) => slice(f, 0, N, N)));
    };
    return recording ? run() : tidy(run);
  }

  /**
   * The features of fixed images b [N, 3, H, W], computed once for many `distanceTo` calls against them
   * (an optimisation's target): half the backbone's work per call. The caller disposes the target.
   */
  target(b: Tensor): LpipsTarget {
    checkPair(b, b);
    const taps = noGrad(() => tidy(() => this.unitTaps(b))).map((t) => keep(t));
    return { shape: [...b.shape], taps, dispose: () => taps.forEach((t) => t.dispose()) };
  }

  /** LPIPS distance of a [N, 3, H, W] to a target's images, per pair [N]: distance(a, b); differentiable in a. */
  distanceTo(a: Tensor, t: LpipsTarget): Tensor {
    if (a.shape.join() !== t.shape.join()) throw new Error(`LPIPS: images ${shapeStr(a.shape)} against a target of ${shapeStr(t.shape)}`);
    checkPair(a, a);
    const recording = isGradEnabled() && (a.requiresGrad || a.node !== null);
    const run = () => this.compare(this.unitTaps(a), t.taps);
    return recording ? run() : tidy(run);
  }

  /** Feature taps of images in [0, 1], unit-normalised across channels at each position. */
  private unitTaps(x: Tensor): Tensor[] {
    // [0,1] → [−1,1] → (x − shift)/scale
    const scaled = div(sub(affine(x, 2, -1), this.w('scaling_layer.shift')), this.w('scaling_layer.scale'));
    return this.features(scaled).map((f) => {
      // ‖f‖ + 1e-10 as the reference, written √(‖f‖² + 1e-20): equal where f = 0, with a finite gradient there
      const norm = sqrt(add(sum(square(f), [1], true), tensor(this.engine, [1e-20], [1])));
      return div(f, norm);
    });
  }

  /** Σ over taps of the channel-weighted squared differences, averaged over space: [N]. */
  private compare(fa: Tensor[], fb: Tensor[]): Tensor {
    let total: Tensor | null = null;
    fa.forEach((f, i) => {
      const weighted = sum(mul(square(sub(f, fb[i])), this.w(linName(i, this.backbone))), [1]); // [N, h, w]
      const layer = mean(weighted, [1, 2]);
      total = total ? add(total, layer) : layer;
    });
    return total!;
  }

  /**
   * The embedding of the FD-squeeze / KID-squeeze set metrics: the last tap's features (512 channels for
   * squeeze), unit-normalised across channels at each position as LPIPS does, then averaged over space.
   * Images in [0, 1]; returns [N, C].
   */
  pooledFeatures(x: Tensor): Tensor {
    return noGrad(() =>
      tidy(() => {
        const taps = this.unitTaps(x);
        return mean(taps[taps.length - 1], [2, 3]);
      }),
    );
  }

  dispose(): void {
    for (const t of this.weights.values()) t.dispose();
    this.weights.clear();
  }
}
