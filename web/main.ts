// The transmission demo page: the same engine, kernels and models as in Node, on navigator.gpu.
import { Engine } from '../src/engine/engine.js';
import { noGrad } from '../src/engine/autograd.js';
import { tidy } from '../src/engine/scope.js';
import { tensor } from '../src/kernels/create.js';
import { decodeImage, imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../src/data/image.js';
import { webgpuHelp } from './webgpu_help.js';
import { FAST_STEPS, presetOptions, type PresetName } from '../src/models/commin_presets.js';
import { affine, clamp } from '../src/kernels/elementwise.js';
import { fetchSource, getMethod, loadSystem, missingModels, receive, reconstructAll, type Method, type System } from '../src/pipeline/index.js';

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
  /** DeepJSCC and LPIPS at once; the prior and INNs (when the site has them) on first use. */
  system: System;
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

/** The site's models, by URL: the same loader as the CLI's, fed by fetch. */
const MODELS = {
  jscc: '/models/deepjscc_64_bcr1-48.safetensors',
  lpips: '/data/lpips/lpips_squeeze_v0.1.safetensors',
  prior: '/models/prior_64.safetensors',
  inn: (snr: number) => `/models/inn_snr${snr}.safetensors`,
  adv: '/models/deepjscc_adv_64_bcr1-48.safetensors',
};

async function init(): Promise<App> {
  if (!('gpu' in navigator)) throw Object.assign(new Error(webgpuHelp()), { noGpu: true });
  const engine = await Engine.create();
  const system = await loadSystem(engine, fetchSource(MODELS));
  if (!system.lpips) throw new Error(`could not load ${MODELS.lpips}`);
  return { engine, system };
}

async function loadImage(name: string, bytes: Uint8Array, size: number) {
  current = { name, image: toSquare(decodeImage(bytes, name), size) };
  draw($('orig'), current.image);
}

/** The page's columns: a canvas and a caption per method. */
const COLUMNS: { method: Method; canvas: string; caption: string }[] = [
  { method: getMethod('deepjscc'), canvas: 'jscc', caption: 'jsccCap' },
  { method: getMethod('commin'), canvas: 'commin', caption: 'comminCap' },
];

interface Shown { values: number[]; psnr: number; lpips: number }

/**
 * Transmits the current image once and reconstructs it with every column's method whose models the site
 * has; returns DeepJSCC's received image values (NCHW, [0, 1]) and metrics, and CommIN's with step times.
 */
async function transmit(snr: number, seed: number) {
  if (!app || !current) throw new Error('nothing to transmit yet');
  const { engine, system } = app;
  const { data, shape } = imagesToNchw([current.image]);
  const x = tensor(engine, data, shape);
  const t0 = performance.now();
  const rx = receive(system, x, snr, seed);
  const { y } = rx;
  await y.data();
  const ms = performance.now() - t0;
  $('latency').textContent = `DeepJSCC encode + channel + decode: ${ms.toFixed(1)} ms on ${engine.adapterInfo.description || engine.adapterInfo.architecture || 'this adapter'}`;
  const methods: Method[] = [];
  for (const c of COLUMNS) {
    const missing = await missingModels(system, c.method, snr);
    if (missing.length) $(c.caption).textContent = `${c.method.label}: this site has no ${missing.join(', ')}`;
    else methods.push(c.method);
  }
  const shown: Record<string, Shown> = {};
  const stepMs: { unet: number; guidance: number }[] = [];
  const preset = $<HTMLSelectElement>('preset').value as PresetName;
  const base = presetOptions(preset, snr, seed);
  const steps = base.method === 'ddim' ? Number($<HTMLInputElement>('steps').value) || base.steps : undefined;
  try {
    await reconstructAll(system, x, rx, {
      methods, snr, seed, options: { commin: { preset, steps, profile: true } },
      // a preview of x̂0 and the per-step latency while a diffusion method samples
      onStep: async (m, { i, count, x0, ms }) => {
        stepMs.push({ unet: ms.unet, guidance: ms.guidance + ms.update });
        $('latency').textContent = `${m.label} step ${i + 1}/${count}: ${(ms.unet + ms.guidance + ms.update).toFixed(0)} ms (U-Net ${ms.unet.toFixed(0)} ms, INN + guidance ${(ms.guidance + ms.update).toFixed(0)} ms)`;
        if (i % 2 === 0 || i === count - 1) {
          const prev = noGrad(() => tidy(() => clamp(affine(x0, 0.5, 0.5), 0, 1)));
          draw($(column(m).canvas), nchwToImages(await prev.data(), prev.shape)[0]);
          prev.dispose();
        }
      },
      visit: async ({ method, out, scores }) => {
        const data = await out.data();
        draw($(column(method).canvas), nchwToImages(data, out.shape)[0]);
        const values = Array.from(data);
        $(column(method).caption).textContent = `${method.label} — PSNR ${scores.psnr[0].toFixed(2)} dB, LPIPS ${scores.lpips![0].toFixed(3)}`;
        shown[method.name] = { values, psnr: scores.psnr[0], lpips: scores.lpips![0] };
      },
    });
  } finally {
    x.dispose();
    y.dispose();
    rx.received.dispose();
  }
  const j = shown.deepjscc;
  return { ...j, ms, commin: shown.commin ? { ...shown.commin, stepMs } : null };
}

const column = (m: Method) => COLUMNS.find((c) => c.method === m)!;

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
  const size = app.system.jscc.cfg.size;
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
