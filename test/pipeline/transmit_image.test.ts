// transmitImage: one photo through a system as an embedding page or script calls it — at its own size through
// the natural family, as a 64×64 square through the faces — with the same received symbols for every method
// and a seed that repeats them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeImage, resize, type RgbImage } from '../../src/data/image.js';
import { getMethod, loadSystem, transmitImage } from '../../src/pipeline/index.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { psnr } from '../../src/metrics/psnr.js';
import { tensor } from '../../src/kernels/create.js';
import { imagesToNchw } from '../../src/data/image.js';
import { DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS, MODELS_DIR } from '../../src/cli/defaults.js';
import { kodakCrop } from '../data_helpers.js';
import { useEngine } from '../helpers.js';

const kodim05 = () => decodeImage(new Uint8Array(readFileSync(kodakCrop('05'))), 'kodim05');

describe('transmitImage', () => {
  const engine = useEngine();

  it('natural family: a 97×61 photo comes back at 97×61 from every method, the scores those of the images returned', async () => {
    const system = await loadSystem(engine(), fileSource({ jscc: `${MODELS_DIR}/natural_bcr1-48.safetensors`, lpips: LPIPS_WEIGHTS }));
    const photo = resize(kodim05(), 97, 61);
    const r = await transmitImage(system, photo, { snr: 4, seed: 3, methods: [getMethod('deepjscc'), getMethod('separation')] });
    expect(r.original).toBe(photo);
    expect(r.symbols).toBe(system.jscc.symbolsFor(64, 100)); // padded to the stride: 100 × 64
    expect(r.results.map((x) => x.method)).toEqual(['deepjscc', 'separation']);
    const nchw = (img: RgbImage) => { const { data, shape } = imagesToNchw([img]); return tensor(engine(), data, shape); };
    for (const x of r.results) {
      expect([x.image.width, x.image.height]).toEqual([97, 61]);
      expect(x.lpips).toBeGreaterThan(0);
      const [p] = await psnr(nchw(x.image), nchw(photo));
      expect(Math.abs(p - x.psnr)).toBeLessThan(0.05); // the returned image is 8-bit: its PSNR within rounding
    }
    // the seed repeats the received symbols
    const again = await transmitImage(system, photo, { snr: 4, seed: 3 });
    expect(Array.from(again.results[0].image.data)).toEqual(Array.from(r.results[0].image.data));
    system.jscc.dispose();
  }, 120_000);

  it('face family: a 100×80 photo is centre-cropped and resized to 64×64 and sent in the model\'s k symbols', async () => {
    const system = await loadSystem(engine(), fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS }));
    const r = await transmitImage(system, resize(kodim05(), 100, 80), { snr: 7 });
    expect([r.original.width, r.original.height]).toEqual([64, 64]);
    expect(r.symbols).toBe(system.jscc.symbols);
    expect([r.results[0].image.width, r.results[0].image.height]).toEqual([64, 64]);
    expect(r.results[0].psnr).toBeGreaterThan(15);
    system.jscc.dispose();
  }, 120_000);
});
