import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { backward, requireGrad, sum, tensor, tidy, randUniform } from '../../src/index.js';
import { Lpips } from '../../src/metrics/lpips.js';
import { decodeImage, imagesToNchw } from '../../src/data/image.js';
import { listImages } from '../../src/data/folder.js';
import { BUNDLED_FACES, BUNDLED_KODAK } from '../../src/cli/defaults.js';
import { testRng, useEngine } from '../helpers.js';
import { LPIPS_FILE, lpipsExample } from '../data_helpers.js';

const engine = useEngine();
const load = () => Lpips.load(engine(), new Uint8Array(readFileSync(LPIPS_FILE)));
const img = (f: string) => {
  const { data, shape } = imagesToNchw([decodeImage(new Uint8Array(readFileSync(lpipsExample(f))), f)]);
  return tensor(engine(), data, shape);
};

describe('LPIPS (squeeze)', () => {
  it('reproduces the reference values: 0.7110, 0.1479 and 0 (within 1e-3)', async () => {
    const m = load();
    const ref = img('ex_ref.png'), p0 = img('ex_p0.png'), p1 = img('ex_p1.png');
    expect(Math.abs((await m.distance(ref, p0).item()) - 0.711)).toBeLessThan(1e-3);
    expect(Math.abs((await m.distance(ref, p1).item()) - 0.1479)).toBeLessThan(1e-3);
    expect(await m.distance(ref, ref).item()).toBe(0);
  });
  it('is symmetric, and a batch of 4 equals 4 single pairs', async () => {
    const m = load();
    const seed = testRng().int(0, 1e6);
    const a = randUniform(engine(), [4, 3, 48, 40], { seed });
    const b = randUniform(engine(), [4, 3, 48, 40], { seed: seed + 1 });
    const ab = await m.distance(a, b).data();
    const ba = await m.distance(b, a).data();
    for (let i = 0; i < 4; i++) expect(ba[i]).toBeCloseTo(ab[i], 6);
    const { slice } = await import('../../src/index.js');
    for (let i = 0; i < 4; i++) {
      const one = await m.distance(slice(a, 0, i, 1), slice(b, 0, i, 1)).item();
      expect(one).toBeCloseTo(ab[i], 5);
    }
  });
  it('gradient: directional derivatives match central differences', async () => {
    const m = load();
    const rng = testRng();
    const shape = [1, 3, 40, 40];
    const a0 = rng.f32(4800, 0.2, 0.8);
    const b = tensor(engine(), rng.f32(4800, 0.2, 0.8), shape);
    const a = requireGrad(tensor(engine(), a0, shape));
    tidy(() => backward(sum(m.distance(a, b))));
    const g = await a.grad!.data();
    // along the gradient itself the directional derivative is largest (|g|), so ReLU/max-pool kinks and
    // float32 rounding of the differences matter least
    const norm = Math.sqrt(g.reduce((acc, x) => acc + x * x, 0));
    const v = Array.from(g, (x) => x / norm);
    // a step of 1e-4: at 1e-3 the ReLU / max-pool kinks crossed between the two points cost up to 3.4 % on one
    // fresh draw (seed 1162751240: 0.1567 against 0.1621; 0.1618 at 1e-4), f32 rounding stays far below 2 %
    const eps = 1e-4;
    const f = async (s: number) => m.distance(tensor(engine(), a0.map((x, i) => x + s * eps * v[i]), shape), b).item();
    const numeric = ((await f(1)) - (await f(-1))) / (2 * eps);
    expect(Math.abs(norm - numeric)).toBeLessThan(2e-2 * norm);
  });
  it('a target computed once: distanceTo(a, target(b)) equals distance(a, b), values and gradient in a', async () => {
    const m = load();
    const seed = testRng().int(0, 1e6);
    const b = randUniform(engine(), [3, 3, 37, 45], { seed });
    const a0 = randUniform(engine(), [3, 3, 37, 45], { seed: seed + 1 });
    const [a1, a2] = [requireGrad(tensor(engine(), await a0.data(), a0.shape)), requireGrad(tensor(engine(), await a0.data(), a0.shape))];
    const t = m.target(b);
    const dPair = tidy(() => { const d = m.distance(a1, b); backward(sum(d)); return d; });
    const dTarget = tidy(() => { const d = m.distanceTo(a2, t); backward(sum(d)); return d; });
    const [p, q] = [await dPair.data(), await dTarget.data()];
    for (let i = 0; i < 3; i++) expect(Math.abs(q[i] - p[i])).toBeLessThan(1e-5 * Math.max(1, p[i]));
    const [g1, g2] = [await a1.grad!.data(), await a2.grad!.data()];
    const scale = g1.reduce((acc, x) => Math.max(acc, Math.abs(x)), 0);
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < g1.length; i++) expect(Math.abs(g2[i] - g1[i])).toBeLessThan(1e-4 * scale);
    // a target is used many times; another shape is refused by name
    expect(await m.distanceTo(a0, t).data()).toEqual(await m.distanceTo(a0, t).data());
    expect(() => m.distanceTo(randUniform(engine(), [2, 3, 37, 45], { seed }), t)).toThrow("LPIPS: images [2,3,37,45] against a target of [3,3,37,45]");
    t.dispose();
  });
  it('works at Kodak size (768×512)', async () => {
    const m = load();
    // a 768×512 mosaic of the bundled 64×64 Kodak crops (natural-image detail at every scale LPIPS sees)
    const tiles = [...listImages(BUNDLED_FACES), ...listImages(BUNDLED_KODAK)].map((f) => decodeImage(new Uint8Array(readFileSync(f)), f));
    const k = { width: 768, height: 512, data: new Uint8Array(768 * 512 * 3) };
    for (let ty = 0; ty < 8; ty++)
      for (let tx = 0; tx < 12; tx++)
        for (let y = 0; y < 64; y++) k.data.set(tiles[(ty * 12 + tx) % tiles.length].data.subarray(y * 192, (y + 1) * 192), ((ty * 64 + y) * 768 + tx * 64) * 3);
    const { data, shape } = imagesToNchw([k]);
    const rng = testRng();
    const a = tensor(engine(), data, shape);
    const b = tensor(engine(), data.map((v) => Math.min(1, Math.max(0, v + rng.uniform(-0.1, 0.1)))), shape);
    expect(shape).toEqual([1, 3, 512, 768]);
    expect(await m.distance(a, a).item()).toBe(0);
    const d = await m.distance(a, b).item();
    expect(d).toBeGreaterThan(0.01);
    expect(d).toBeLessThan(1);
  });
  it('a missing or mis-shaped tensor is named', async () => {
    const { parseSafetensors, serializeSafetensors } = await import('../../src/engine/safetensors.js');
    const f = parseSafetensors(new Uint8Array(readFileSync(LPIPS_FILE)));
    f.tensors.delete('lins.6.model.1.weight');
    expect(() => Lpips.load(engine(), serializeSafetensors(f.tensors), 'cut.safetensors', 'squeeze')).toThrow(/cut.safetensors: missing tensor 'lins.6.model.1.weight'/);
    f.tensors.set('lins.6.model.1.weight', { shape: [1, 3, 1, 1], data: new Float32Array(3) });
    expect(() => Lpips.load(engine(), serializeSafetensors(f.tensors), 'bad.safetensors', 'squeeze')).toThrow(/'lins.6.model.1.weight' has shape \[1, 3, 1, 1\]/);
  });
});
