// Float64 references of the fading channels (src/channel/rayleigh.ts, channel_ofdm.ts): the same
// Philox draws, then the channel simulated plainly — for OFDM with an explicit cyclic prefix, linear
// convolution over the whole frame (inter-symbol interference included), prefix removal and a direct DFT.
import { philox } from './rng.js';

type C = [number, number];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const conj = (a: C): C => [a[0], -a[1]];
const abs2 = (a: C) => a[0] * a[0] + a[1] * a[1];

/** Complex draw j of a stream as lib/channel_draws.wgsl makes it: CN(0, 1). */
export function cnDraw(j: number, seed: number, offset: number, image: number, stream: number): C {
  const r = philox([Math.floor(j / 2), offset, image, stream], [seed % 2 ** 32, Math.floor(seed / 2 ** 32)]);
  const u = r.map((v) => ((v >>> 9) + 0.5) * 2 ** -23);
  const h = (j % 2) * 2;
  const rad = Math.sqrt(-2 * Math.log(u[h]));
  return [(rad * Math.cos(2 * Math.PI * u[h + 1])) / Math.SQRT2, (rad * Math.sin(2 * Math.PI * u[h + 1])) / Math.SQRT2];
}

export interface RefOptions {
  snrDb: number[];
  seed: number;
  offset?: number;
  firstImage?: number;
  noise?: boolean;
  equaliser?: 'zf' | 'mmse';
  fading?: boolean;
}

export interface RefResult {
  y: Float64Array;
  channelGain: number[];
  effSnrDb: number[];
}

const equalise = (h: C, sigma2: number, mmse: boolean): C => {
  const d = abs2(h) + (mmse ? sigma2 : 0);
  return [h[0] / d, -h[1] / d];
};

function normalised(z: Float64Array, base: number, len: number): C[] {
  let ss = 0;
  for (let i = 0; i < len; i++) ss += z[base + i] ** 2;
  const a = Math.sqrt(len / 2 / ss);
  return Array.from({ length: len / 2 }, (_, j): C => [a * z[base + 2 * j], a * z[base + 2 * j + 1]]);
}

export function rayleighRef(z: Float64Array, N: number, o: RefOptions & { fast?: boolean }): RefResult {
  const len = z.length / N, k = len / 2;
  const y = new Float64Array(z.length);
  const res: RefResult = { y, channelGain: [], effSnrDb: [] };
  for (let s = 0; s < N; s++) {
    const image = (o.firstImage ?? 0) + s, offset = o.offset ?? 0;
    const sigma2 = 10 ** (-o.snrDb[s] / 10);
    const x = normalised(z, s * len, len);
    let g2 = 0;
    for (let j = 0; j < k; j++) {
      const h: C = o.fading === false ? [1, 0] : cnDraw(o.fast ? j : 0, o.seed, offset, image, 2);
      g2 += abs2(h);
      const w = o.noise === false ? [0, 0] : cnDraw(j, o.seed, offset, image, 1).map((v) => v * Math.sqrt(sigma2));
      const rx = cmul(h, x[j]);
      const out = cmul(equalise(h, sigma2, o.equaliser !== 'zf'), [rx[0] + w[0], rx[1] + w[1]]);
      y[s * len + 2 * j] = out[0];
      y[s * len + 2 * j + 1] = out[1];
    }
    const gain = g2 / k;
    res.channelGain.push(gain);
    res.effSnrDb.push(o.snrDb[s] + 10 * Math.log10(gain));
  }
  return res;
}

export interface OfdmRefOptions extends RefOptions {
  F?: number; L?: number; cp?: number; D?: number; decayTaps?: number; estimation?: 'ls' | 'perfect';
}

function dft(x: C[], sign: number): C[] {
  const F = x.length;
  return x.map((_, f) => {
    let re = 0, im = 0;
    for (let n = 0; n < F; n++) {
      const ang = (sign * 2 * Math.PI * ((f * n) % F)) / F;
      re += x[n][0] * Math.cos(ang) - x[n][1] * Math.sin(ang);
      im += x[n][0] * Math.sin(ang) + x[n][1] * Math.cos(ang);
    }
    return [re / Math.sqrt(F), im / Math.sqrt(F)];
  });
}

export const pilotRef = (f: number, F: number): C => {
  const ang = (Math.PI * ((f * f) % (2 * F))) / F;
  return [Math.cos(ang), Math.sin(ang)];
};

export function ofdmTapsRef(o: OfdmRefOptions, image: number): C[] {
  const L = o.L ?? 8, decay = o.decayTaps ?? 2;
  const pw = Array.from({ length: L }, (_, l) => Math.exp(-l / decay));
  const total = pw.reduce((a, b) => a + b, 0);
  return pw.map((p, l) => {
    const amp = Math.sqrt(p / total);
    if (o.fading === false) return [amp, 0];
    const d = cnDraw(l, o.seed, o.offset ?? 0, image, 2);
    return [amp * d[0], amp * d[1]];
  });
}

export function ofdmRef(z: Float64Array, N: number, o: OfdmRefOptions): RefResult & { csi: C[][][] } {
  const F = o.F ?? 64, L = o.L ?? 8, cp = o.cp ?? 16, D = o.D ?? 4;
  const len = z.length / N, k = len / 2;
  const nd = Math.ceil(k / F), blocks = Math.ceil(nd / D), M = nd + blocks;
  const y = new Float64Array(z.length);
  const res = { y, channelGain: [] as number[], effSnrDb: [] as number[], csi: [] as C[][][] };
  for (let s = 0; s < N; s++) {
    const image = (o.firstImage ?? 0) + s, offset = o.offset ?? 0;
    const sigma2 = 10 ** (-o.snrDb[s] / 10);
    const x = normalised(z, s * len, len);
    const taps = ofdmTapsRef(o, image);
    // transmitted frame in time, each OFDM symbol with its cyclic prefix
    const tx: C[] = [];
    for (let m = 0; m < M; m++) {
      const b = Math.floor(m / (D + 1)), r = m % (D + 1);
      const X = Array.from({ length: F }, (_, f): C => {
        if (r === 0) return pilotRef(f, F);
        const j = (b * D + r - 1) * F + f;
        return j < k ? x[j] : [0, 0];
      });
      const t = dft(X, 1);
      tx.push(...t.slice(F - cp), ...t);
    }
    // linear convolution over the frame, noise on the kept samples, prefix removed, DFT
    const Y: C[][] = [];
    for (let m = 0; m < M; m++) {
      const kept: C[] = [];
      for (let n = 0; n < F; n++) {
        const at = m * (F + cp) + cp + n;
        let acc: C = [0, 0];
        for (let l = 0; l < L; l++) {
          if (at - l < 0) continue;
          const p = cmul(taps[l], tx[at - l]);
          acc = [acc[0] + p[0], acc[1] + p[1]];
        }
        if (o.noise !== false) {
          const w = cnDraw(m * F + n, o.seed, offset, image, 1);
          acc = [acc[0] + Math.sqrt(sigma2) * w[0], acc[1] + Math.sqrt(sigma2) * w[1]];
        }
        kept.push(acc);
      }
      Y.push(dft(kept, -1));
    }
    const H = Array.from({ length: F }, (_, f): C => {
      let acc: C = [0, 0];
      for (let l = 0; l < L; l++) {
        const ang = (-2 * Math.PI * ((f * l) % F)) / F;
        const p = cmul(taps[l], [Math.cos(ang), Math.sin(ang)]);
        acc = [acc[0] + p[0], acc[1] + p[1]];
      }
      return acc;
    });
    const csi: C[][] = [H];
    let acc = 0;
    for (let b = 0; b < blocks; b++) {
      const est = H.map((h, f) => (o.estimation === 'perfect' ? h : cmul(Y[b * (D + 1)][f], conj(pilotRef(f, F)))));
      csi.push(est);
      for (let f = 0; f < F; f++) {
        acc += abs2(est[f]);
        const c = equalise(est[f], sigma2, o.equaliser !== 'zf');
        for (let r = 1; r <= D; r++) {
          const j = (b * D + r - 1) * F + f;
          if (j >= k) continue;
          const out = cmul(c, Y[b * (D + 1) + r][f]);
          y[s * len + 2 * j] = out[0];
          y[s * len + 2 * j + 1] = out[1];
        }
      }
    }
    const gain = acc / (F * blocks);
    res.csi.push(csi);
    res.channelGain.push(gain);
    res.effSnrDb.push(o.snrDb[s] + 10 * Math.log10(gain));
  }
  return res;
}
