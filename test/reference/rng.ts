// Seeded host-side random numbers for test inputs, and a float64/integer reference of the GPU's Philox.

import { mulberry32 } from '../../src/util/rng.js';

export { mulberry32 };

export class Rng {
  private next: () => number;
  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  array(n: number, lo = -1, hi = 1): Float64Array {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = this.uniform(lo, hi);
    return a;
  }
  /** Values rounded to float32, so that GPU and reference see the same inputs. */
  f32(n: number, lo = -1, hi = 1): Float64Array {
    return Float64Array.from(Float32Array.from(this.array(n, lo, hi)));
  }
}

function mulhilo(a: number, b: number): [number, number] {
  const p = BigInt(a >>> 0) * BigInt(b >>> 0);
  return [Number(p >> 32n) >>> 0, Number(p & 0xffffffffn) >>> 0];
}

/** Philox4x32-10, as shaders/random.wgsl computes it. */
export function philox(ctr: [number, number, number, number], key: [number, number]): number[] {
  let [c0, c1, c2, c3] = ctr.map((v) => v >>> 0);
  let [k0, k1] = key.map((v) => v >>> 0);
  for (let r = 0; r < 10; r++) {
    const [hi0, lo0] = mulhilo(0xd2511f53, c0);
    const [hi1, lo1] = mulhilo(0xcd9e8d57, c2);
    [c0, c1, c2, c3] = [(hi1 ^ c1 ^ k0) >>> 0, lo1, (hi0 ^ c3 ^ k1) >>> 0, lo0];
    k0 = (k0 + 0x9e3779b9) >>> 0;
    k1 = (k1 + 0xbb67ae85) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The uniform (0,1) numbers random.wgsl makes for outputs 0..n-1. */
export function philoxUniform(n: number, seed: number, offset = 0): Float64Array {
  const out = new Float64Array(n);
  const key: [number, number] = [seed % 2 ** 32, Math.floor(seed / 2 ** 32)];
  for (let t = 0; t * 4 < n; t++) {
    const r = philox([t, offset, 0, 0], key);
    for (let j = 0; j < 4 && t * 4 + j < n; j++) out[t * 4 + j] = ((r[j] >>> 9) + 0.5) * 2 ** -23;
  }
  return out;
}

/** The normal numbers random.wgsl makes (Box-Muller on pairs of uniforms), in float64. */
export function philoxNormal(n: number, seed: number, offset = 0): Float64Array {
  const m = Math.ceil(n / 4) * 4;
  const u = philoxUniform(m, seed, offset);
  const out = new Float64Array(n);
  for (let i = 0; i < m; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u[i]));
    const z0 = r * Math.cos(2 * Math.PI * u[i + 1]);
    const z1 = r * Math.sin(2 * Math.PI * u[i + 1]);
    if (i < n) out[i] = z0;
    if (i + 1 < n) out[i + 1] = z1;
  }
  return out;
}
