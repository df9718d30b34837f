// The transmission demo page: the same engine, kernels and models as in Node, on navigator.gpu.
import { Engine } from '../src/engine/engine.js';
import { noGrad } from '../src/engine/autograd.js';
import { tidy } from '../src/engine/scope.js';
import { tensor } from '../src/kernels/create.js';
import { decodeImage, imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../src/data/image.js';
import { loadDeepJscc } from '../src/models/load_jscc.js';
import type { DeepJSCC } from '../src/models/deepjscc.js';
import { Lpips } from '../src/metrics/lpips.js';
import { psnr } from '../src/metrics/psnr.js';
import { webgpuHelp } from './webgpu_help.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => ($('status').textContent = s);
function showError(e: unknown) {
  const el = $('error');
  el.textContent = e instanceof Error ? e.message : String(e);
  el.hidden = false;
}

function draw(canvas: HTMLCanvasElement, img: RgbImage) {
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d')!;
  const d = ctx.createImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    d.data.set(img.data.subarray(i * 3, i * 3 + 3), i * 4);
    d.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(d, 0, 0);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
}

interface App {
  engine: Engine;
  model: DeepJSCC;
  lpips: Lpips;
}

let app: App | null = null;
let current: { name: string; image: RgbImage } | null = null;

async function init(): Promise<App> {
  if (!('gpu' in navigator)) throw Object.assign(new Error(webgpuHelp()), { noGpu: true });
  const engine = await Engine.create();
  const { model } = loadDeepJscc(engine, await fetchBytes('/models/deepjscc_64_bcr1-48.safetensors'), 'DeepJSCC model');
  const lpips = Lpips.load(engine, await fetchBytes('/data/lpips/lpips_squeeze_v0.1.safetensors'), 'LPIPS weights');
  return { engine, model, lpips };
}

async function loadImage(name: string, bytes: Uint8Array, size: number) {
  current = { name, image: toSquare(decodeImage(bytes, name), size) };
  draw($('orig'), current.image);
}

/** Transmits the current image; returns the received image values (NCHW, [0, 1]) and metrics. */
async function transmit(snr: number, seed: number) {
  if (!app || !current) throw new Error('nothing to transmit yet');
  const { engine, model, lpips } = app;
  const { data, shape } = imagesToNchw([current.image]);
  const t0 = performance.now();
  const [x, y] = noGrad(() =>
    tidy(() => {
      const x = tensor(engine, data, shape);
      return [x, model.forward(x, tensor(engine, [snr], [1]), seed)];
    }),
  );
  const values = await y.data();
  const ms = performance.now() - t0;
  const [p] = await psnr(x, y);
  const lp = noGrad(() => lpips.distance(x, y));
  const l = await lp.item();
  draw($('jscc'), nchwToImages(values, y.shape)[0]);
  $('jsccCap').textContent = `DeepJSCC — PSNR ${p.toFixed(2)} dB, LPIPS ${l.toFixed(3)}`;
  $('latency').textContent = `DeepJSCC encode + channel + decode: ${ms.toFixed(1)} ms on ${engine.adapterInfo.description || engine.adapterInfo.architecture || 'this adapter'}`;
  for (const t of [x, y, lp]) t.dispose();
  return { values: Array.from(values), psnr: p, lpips: l, ms };
}

async function main() {
  const sample = $<HTMLSelectElement>('sample');
  for (let i = 1; i <= 24; i++) {
    const n = `kodim${String(i).padStart(2, '0')}.png`;
    sample.add(new Option(`Kodak ${i} (centre crop)`, `/data/kodak/${n}`));
  }
  const snr = $<HTMLInputElement>('snr');
  snr.addEventListener('input', () => ($('snrOut').textContent = snr.value));
  try {
    app = await init();
  } catch (e) {
    const el = $('nogpu');
    el.textContent = e instanceof Error ? e.message : String(e);
    el.hidden = false;
    status('WebGPU is not available.');
    return;
  }
  const size = app.model.cfg.size;
  const pick = async () => {
    $('error').hidden = true;
    await loadImage(sample.value, await fetchBytes(sample.value), size);
  };
  sample.addEventListener('change', () => pick().catch(showError));
  const useFile = async (f: File) => {
    $('error').hidden = true;
    try {
      await loadImage(f.name, new Uint8Array(await f.arrayBuffer()), size);
    } catch (e) {
      showError(e);
    }
  };
  $<HTMLInputElement>('file').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void useFile(f);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (ev) => { ev.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const f = ev.dataTransfer?.files?.[0];
    if (f) void useFile(f);
  });
  drop.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') $<HTMLInputElement>('file').click();
  });
  $('go').addEventListener('click', () => {
    $('error').hidden = true;
    status('Transmitting…');
    transmit(Number(snr.value), Number($<HTMLInputElement>('seed').value) || 0)
      .then(() => status('Done.'))
      .catch((e) => { status('Failed.'); showError(e); });
  });
  await pick();
  status('Ready.');
  // for the real-browser tests: the same entry points a user clicks through
  (window as unknown as Record<string, unknown>).__commin = {
    ready: true,
    async transmitSample(url: string, s: number, seed: number) {
      await loadImage(url, await fetchBytes(url), size);
      return transmit(s, seed);
    },
  };
}

main().catch((e) => showError(e));
