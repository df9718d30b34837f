// A float64 forward of the DDPM U-Net, written from the reference implementation's structure with the
// float64 reference ops (not with the engine), for checking the engine's U-Net on tiny configs.
import { attentionRef, conv2dRef, groupNormRef, permuteRef, type Arr } from './ops.js';
import type { UNetConfig } from '../../src/networks/unet.js';

type P = Map<string, { shape: number[]; data: Float32Array }>;

const silu = (v: number) => v / (1 + Math.exp(-v));

export function unetRef(params: P, cfg: UNetConfig, x: Arr, shape: number[], t: number[]): Arr {
  const W = (n: string) => Float64Array.from(params.get(n)!.data);
  const S = (n: string) => params.get(n)!.shape;
  const has = (n: string) => params.has(n);
  const N = shape[0];
  type T = { d: Arr; s: number[] };
  const conv = (h: T, name: string, stride = 1, pad: [number, number, number, number] = [1, 1, 1, 1]): T => {
    const k = S(`${name}.weight`)[2];
    const p: [number, number, number, number] = k === 1 ? [0, 0, 0, 0] : pad;
    const r = conv2dRef(h.d, h.s, W(`${name}.weight`), S(`${name}.weight`), W(`${name}.bias`), { stride: [stride, stride], pad: p, dil: [1, 1], groups: 1 });
    return { d: r.out, s: r.shape };
  };
  const norm = (h: T, name: string, sw: boolean): T => {
    const o = groupNormRef(h.d, h.s, cfg.groups, W(`${name}.weight`), W(`${name}.bias`), cfg.eps);
    return { d: sw ? o.map(silu) : o, s: h.s };
  };
  const linear = (v: Arr, rows: number, name: string): Arr => {
    const [o, i] = S(`${name}.weight`);
    const w = W(`${name}.weight`), b = W(`${name}.bias`);
    const out = new Float64Array(rows * o);
    for (let r = 0; r < rows; r++) for (let a = 0; a < o; a++) {
      let s = b[a];
      for (let c = 0; c < i; c++) s += v[r * i + c] * w[a * i + c];
      out[r * o + a] = s;
    }
    return out;
  };
  const addT = (a: T, b: T): T => ({ d: a.d.map((v, i) => v + b.d[i]), s: a.s });
  const resblock = (x0: T, temb: Arr, name: string): T => {
    let h = conv(norm(x0, `${name}.norm1`, true), `${name}.conv1`);
    const C = h.s[1], HW = h.s[2] * h.s[3];
    const tp = linear(temb.map(silu), N, `${name}.temb_proj`);
    h = { d: h.d.map((v, i) => v + tp[Math.floor(i / (C * HW)) * C + (Math.floor(i / HW) % C)]), s: h.s };
    h = conv(norm(h, `${name}.norm2`, true), `${name}.conv2`);
    const skip = has(`${name}.nin_shortcut.weight`) ? conv(x0, `${name}.nin_shortcut`) : x0;
    return addT(skip, h);
  };
  const attn = (x0: T, name: string): T => {
    const [, C, H, Wd] = x0.s;
    const h = norm(x0, `${name}.norm`, false);
    const tok = (v: T) => permuteRef(v.d, [N, C, H * Wd], [0, 2, 1]);
    const o = attentionRef(tok(conv(h, `${name}.q`)), tok(conv(h, `${name}.k`)), tok(conv(h, `${name}.v`)), N, H * Wd, C, 1 / Math.sqrt(C));
    const back = { d: permuteRef(o, [N, H * Wd, C], [0, 2, 1]), s: x0.s };
    return addT(x0, conv(back, `${name}.proj_out`));
  };
  const cat = (a: T, b: T): T => {
    const [n, ca, H, Wd] = a.s, cb = b.s[1];
    const out = new Float64Array(n * (ca + cb) * H * Wd);
    for (let i = 0; i < n; i++) {
      out.set(a.d.subarray(i * ca * H * Wd, (i + 1) * ca * H * Wd), i * (ca + cb) * H * Wd);
      out.set(b.d.subarray(i * cb * H * Wd, (i + 1) * cb * H * Wd), i * (ca + cb) * H * Wd + ca * H * Wd);
    }
    return { d: out, s: [n, ca + cb, H, Wd] };
  };
  const up2 = (a: T): T => {
    const [n, c, H, Wd] = a.s;
    const out = new Float64Array(n * c * 4 * H * Wd);
    for (let p = 0; p < n * c; p++) for (let y = 0; y < 2 * H; y++) for (let z = 0; z < 2 * Wd; z++) out[(p * 2 * H + y) * 2 * Wd + z] = a.d[(p * H + (y >> 1)) * Wd + (z >> 1)];
    return { d: out, s: [n, c, 2 * H, 2 * Wd] };
  };
  // timestep embedding, computed independently of the engine's helper
  const half = cfg.ch / 2;
  const emb = new Float64Array(N * cfg.ch);
  t.forEach((tt, n) => {
    for (let i = 0; i < half; i++) {
      const a = tt * Math.exp((-Math.log(10000) * i) / (half - 1));
      emb[n * cfg.ch + i] = Math.sin(a);
      emb[n * cfg.ch + half + i] = Math.cos(a);
    }
  });
  const temb = linear(linear(emb, N, 'temb.dense.0').map(silu), N, 'temb.dense.1');
  const hs: T[] = [conv({ d: x, s: shape }, 'conv_in')];
  cfg.chMult.forEach((_, i) => {
    for (let j = 0; j < cfg.numResBlocks; j++) {
      let h = resblock(hs[hs.length - 1], temb, `down.${i}.block.${j}`);
      if (has(`down.${i}.attn.${j}.q.weight`)) h = attn(h, `down.${i}.attn.${j}`);
      hs.push(h);
    }
    if (i !== cfg.chMult.length - 1) hs.push(conv(hs[hs.length - 1], `down.${i}.downsample.conv`, 2, [0, 1, 0, 1]));
  });
  let h = hs[hs.length - 1];
  h = attn(resblock(h, temb, 'mid.block_1'), 'mid.attn_1');
  h = resblock(h, temb, 'mid.block_2');
  for (let i = cfg.chMult.length - 1; i >= 0; i--) {
    for (let j = 0; j <= cfg.numResBlocks; j++) {
      h = resblock(cat(h, hs.pop()!), temb, `up.${i}.block.${j}`);
      if (has(`up.${i}.attn.${j}.q.weight`)) h = attn(h, `up.${i}.attn.${j}`);
    }
    if (i !== 0) h = conv(up2(h), `up.${i}.upsample.conv`);
  }
  return conv(norm(h, 'norm_out', true), 'conv_out').d;
}
