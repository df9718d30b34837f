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
import { loadUNet } from '../src/models/load_unet.js';
import { loadInn } from '../src/models/load_inn.js';
import { comminSample } from '../src/models/commin.js';
import { FAST_STEPS, presetOptions, type PresetName } from '../src/models/commin_presets.js';
import type { UNet } from '../src/models/unet.js';
import type { Schedule } from '../src/models/diffusion.js';
import type { Inn } from '../src/models/inn.js';
import type { Tensor } from '../src/engine/tensor.js';
import { affine, clamp } from '../src/kernels/elementwise.js';

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

async function fetchOptional(url: string): Promise<Uint8Array | null> {
  const r = await fetch(url);
  return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
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
  /** The diffusion prior, when the site has one (models/prior_64.safetensors). */
  prior: { model: UNet; schedule: Schedule } | null;
}

let app: App | null = null;

/**
 * The sample images: the bundled 64×64 Kodak crops (assets/demo/). The models were trained on 64×64 UTKFace
 * face crops, so the page opens on a portrait; other scenes come back face-like.
 */
const SAMPLES: { group: string; items: [file: string, label: string][] }[] = [
  { group: 'Portraits (face crops)', items: [
    ['faces/kodim04_face.png', 'Kodak 4: woman in a red hat'],
    ['faces/kodim15_face.png', 'Kodak 15: girl with a painted face'],
    ['faces/kodim17_face.png', "Kodak 17: a statue's head"],
    ['faces/kodim18_face.png', 'Kodak 18: woman in a dark dress'],
  ] },
  { group: 'Other scenes (centre crops; the face models turn them into faces)', items: [
    ['kodak/kodim01.png', 'Kodak 1: stone house'],
    ['kodak/kodim03.png', 'Kodak 3: hats'],
    ['kodak/kodim05.png', 'Kodak 5: motorcycles'],
    ['kodak/kodim23.png', 'Kodak 23: parrots'],
  ] },
];
let current: { name: string; image: RgbImage } | null = null;

async function init(): Promise<App> {
  if (!('gpu' in navigator)) throw Object.assign(new Error(webgpuHelp()), { noGpu: true });
  const engine = await Engine.create();
  const { model } = loadDeepJscc(engine, await fetchBytes('/models/deepjscc_64_bcr1-48.safetensors'), 'DeepJSCC model');
  const lpips = Lpips.load(engine, await fetchBytes('/data/lpips/lpips_squeeze_v0.1.safetensors'), 'LPIPS weights');
  const priorBytes = await fetchOptional('/models/prior_64.safetensors');
  const prior = priorBytes ? loadUNet(engine, priorBytes, 'diffusion prior') : null;
  return { engine, model, lpips, prior };
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
  const commin = await reconstructCommin(x, y, snr, seed);
  for (const t of [x, y, lp]) t.dispose();
  return { values: Array.from(values), psnr: p, lpips: l, ms, commin };
}

const innCache = new Map<number, Inn | null>();

/** CommIN from the same received image, with a preview of x̂0 and the per-step latency while it samples. */
async function reconstructCommin(x: Tensor, y: Tensor, snr: number, seed: number) {
  const { engine, prior, lpips } = app!;
  const cap = $('comminCap');
  if (!prior) {
    cap.textContent = 'CommIN: this site has no diffusion prior (models/prior_64.safetensors)';
    return null;
  }
  if (!innCache.has(snr)) {
    const bytes = await fetchOptional(`/models/inn_snr${snr}.safetensors`);
    innCache.set(snr, bytes ? loadInn(engine, bytes, `INN for ${snr} dB`).inn : null);
  }
  const inn = innCache.get(snr)!;
  if (!inn) {
    cap.textContent = `CommIN: no INN trained for ${snr} dB (models/inn_snr${snr}.safetensors)`;
    return null;
  }
  const preset = $<HTMLSelectElement>('preset').value as PresetName;
  const base = presetOptions(preset, snr, seed);
  const steps = base.method === 'ddim' ? Number($<HTMLInputElement>('steps').value) || base.steps : undefined;
  const stepMs: { unet: number; guidance: number }[] = [];
  const out = await comminSample(prior.model, inn, prior.schedule, y, {
    ...base, steps, lpips, profile: true,
    onStep: async ({ i, count, x0, ms }) => {
      stepMs.push({ unet: ms.unet, guidance: ms.guidance + ms.update });
      $('latency').textContent = `CommIN step ${i + 1}/${count}: ${(ms.unet + ms.guidance + ms.update).toFixed(0)} ms (U-Net ${ms.unet.toFixed(0)} ms, INN + guidance ${(ms.guidance + ms.update).toFixed(0)} ms)`;
      if (i % 2 === 0 || i === count - 1) {
        const prev = noGrad(() => tidy(() => clamp(affine(x0, 0.5, 0.5), 0, 1)));
        draw($('commin'), nchwToImages(await prev.data(), prev.shape)[0]);
        prev.dispose();
      }
    },
  });
  const [p] = await psnr(x, out);
  const lp = noGrad(() => lpips.distance(x, out));
  const l = await lp.item();
  draw($('commin'), nchwToImages(await out.data(), out.shape)[0]);
  cap.textContent = `CommIN — PSNR ${p.toFixed(2)} dB, LPIPS ${l.toFixed(3)}`;
  const values = Array.from(await out.data());
  out.dispose();
  lp.dispose();
  return { values, psnr: p, lpips: l, stepMs };
}

async function main() {
  $<HTMLInputElement>('steps').value = String(FAST_STEPS);
  $<HTMLSelectElement>('preset').addEventListener('change', () => {
    const p = presetOptions($<HTMLSelectElement>('preset').value as PresetName, 4, 0);
    $<HTMLInputElement>('steps').value = String(p.steps ?? 1000);
    $<HTMLInputElement>('steps').disabled = p.method !== 'ddim';
  });
  const sample = $<HTMLSelectElement>('sample');
  for (const { group, items } of SAMPLES) {
    const g = document.createElement('optgroup');
    g.label = group;
    for (const [file, label] of items) g.append(new Option(label, `/data/demo/${file}`));
    sample.append(g);
  }
  sample.selectedIndex = 0; // a portrait: what the models know
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
      if (Array.from(sample.options).some((o) => o.value === url)) sample.value = url;
      await loadImage(url, await fetchBytes(url), size);
      return transmit(s, seed);
    },
  };
}

main().catch((e) => showError(e));
