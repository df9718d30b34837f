// Pick a photo, send it at its own size over an AWGN channel at an SNR with the package's natural-image
// DeepJSCC, and draw what the receiver reconstructs: the package's public API in a page.
import { Engine, decodeImage, fetchSource, getMethod, loadSystem, transmitImage, type RgbImage } from 'commin-gpu';
import jscc from 'commin-gpu/models/natural_bcr1-48.safetensors?url';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => ($('status').textContent = s);

function draw(canvas: HTMLCanvasElement, img: RgbImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const rgba = new ImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    rgba.data.set(img.data.subarray(3 * i, 3 * i + 3), 4 * i);
    rgba.data[4 * i + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
}

async function main(): Promise<void> {
  const engine = await Engine.create();
  const system = await loadSystem(engine, fetchSource({ jscc }));
  const send = $<HTMLButtonElement>('send');
  send.disabled = false;
  status('Choose a photo.');
  send.addEventListener('click', async () => {
    const file = $<HTMLInputElement>('photo').files?.[0];
    if (!file) return status('Choose a photo first.');
    const snr = Number($<HTMLInputElement>('snr').value);
    status('Sending…');
    const image = decodeImage(new Uint8Array(await file.arrayBuffer()), file.name);
    const { symbols, results } = await transmitImage(system, image, { snr, methods: [getMethod('deepjscc')] });
    draw($<HTMLCanvasElement>('received'), results[0].image);
    status(`Done: ${image.width}×${image.height} in ${symbols} complex symbols at ${snr} dB, PSNR ${results[0].psnr.toFixed(2)} dB.`);
  });
}

main().catch((e: unknown) => status(`error: ${(e as Error).message}`));
