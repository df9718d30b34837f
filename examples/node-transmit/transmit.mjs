// Sends a photo over an AWGN channel at an SNR with the package's natural-image DeepJSCC (at the photo's own
// size) and writes what the receiver reconstructs, with its scores.
//   node transmit.mjs PHOTO.png|jpg [SNR dB] [OUT.png]
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Engine, decodeImage, encodePng, getMethod, loadSystem, transmitImage } from 'commin-gpu';

const [photo, snr = '4', out = 'received.png'] = process.argv.slice(2);
if (!photo) {
  console.error('usage: node transmit.mjs PHOTO [SNR dB] [OUT.png]');
  process.exit(2);
}
// the weights ship with the package
const root = dirname(createRequire(import.meta.url).resolve('commin-gpu/package.json'));
const files = {
  paths: { jscc: join(root, 'models/natural_bcr1-48.safetensors'), lpips: join(root, 'assets/lpips/lpips_squeeze_v0.1.safetensors') },
  read: async (path) => {
    try {
      return new Uint8Array(readFileSync(path));
    } catch {
      return null; // an absent optional model (here: no LPIPS score)
    }
  },
};

const engine = await Engine.create();
const system = await loadSystem(engine, files);
const image = decodeImage(new Uint8Array(readFileSync(photo)), photo);
const { symbols, results } = await transmitImage(system, image, { snr: Number(snr), methods: [getMethod('deepjscc')] });
const [r] = results;
writeFileSync(out, encodePng(r.image));
console.log(`${photo}: ${image.width}×${image.height} in ${symbols} complex symbols at ${snr} dB → ${out}: PSNR ${r.psnr.toFixed(2)} dB, SSIM ${r.ssim.toFixed(3)}, LPIPS ${r.lpips?.toFixed(3)}`);
engine.destroy();
