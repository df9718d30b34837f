// The transmission demo page: the same engine, kernels and models as in Node, on navigator.gpu.
import { Engine } from '../src/engine/engine.js';
import { noGrad } from '../src/engine/autograd.js';
import { tidy } from '../src/engine/scope.js';
import { tensor } from '../src/kernels/create.js';
import { decodeImage, imagesToNchw, nchwToImages, toSquare, type RgbImage } from '../src/data/image.js';
import { padForJscc } from '../src/pipeline/region.js';
import type { Tensor } from '../src/engine/tensor.js';
import { webgpuHelp } from './webgpu_help.js';
import { downloadMeter } from './downloads.js';
import type { ChannelKind } from '../src/channel/spec.js';
import { buildSettings } from './method_settings.js';
import { affine, clamp } from '../src/kernels/elementwise.js';
import {
  DEFAULT_METHODS, disposeReceived, fetchSource, urlExists, jsccFileOver, describeChannel, faceOnly, FAMILIES, getMethod, findMissing, innFileName, loadSystem, methodNames, methodOptionsFromFlags, receive, REFERENCE_METHOD, reconstructAll,
  type ChannelSpec, type FamilyName, type Method, type MethodOptions, type Scores, type StepEvent, type System,
} from '../src/pipeline/index.js';
import { buildColumn, buildPicker, clearColumn, disableColumn, draw, offerDownload, resetColumn, setAvailability, type Choice, type Column } from './method_columns.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = (s: string) => ($('status').textContent = s);
function showError(e: unknown) {
  const el = $('error');
  el.textContent = e instanceof Error ? e.message : String(e);
  el.hidden = false;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url} (${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
}

interface App {
  engine: Engine;
  /** The chosen family's and BCR's DeepJSCC and LPIPS; the prior and INNs (when the site has them) on first use. */
  system: System;
  /** The chosen family. */
  family: FamilyName;
  /** The chosen BCR, "k/n". */
  bcr: string;
  /** The channel the system's DeepJSCC was trained over (the chosen channel's own model where the site has one). */
  trainedOver: ChannelKind;
  /** Every (family, BCR, DeepJSCC)'s system once chosen, by keyOf. */
  systems: Map<string, Promise<System>>;
}

/** Set by web/vite.config.ts: true in the built site, false under the dev server. */
declare const __COMMIN_OFFLINE__: boolean;

let app: App | null = null;
/** Milliseconds from the start of the page's navigation: ready to transmit, and the first reconstruction drawn. */
const timings: { readyMs?: number; firstImageMs?: number } = {};

/**
 * The sample images per family: for the natural family two Kodak photos at 384×256 (assets/demo/photos), sent
 * at their own size; for the face family the bundled 64×64 Kodak crops (assets/demo/): the face models were
 * trained on 64×64 UTKFace crops, so a portrait comes first, and other scenes come back face-like.
 */
const SAMPLES: Record<FamilyName, { group: string; items: [file: string, label: string][] }[]> = {
  natural: [
    { group: 'Photos (384×256, sent at their own size)', items: [
      ['photos/kodim05_384x256.png', 'Kodak 5: motorcycles'],
      ['photos/kodim23_384x256.png', 'Kodak 23: parrots'],
    ] },
  ],
  faces: [
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
  ],
};
const TRAINED: Record<FamilyName, string> = {
  natural: 'The natural family was trained on random crops of photographs (BSDS500): your photo is sent at its own size, padded to the encoder\'s stride of 16 pixels. Methods that need a face model (CommIN, DPS, DiffJSCC, InverseJSCC) belong to the face family.',
  faces: 'The models were trained on 64×64 face crops (UTKFace): faces come back best, and other images come back face-like. Your own image is centre-cropped and resized to 64×64.',
};
let current: { name: string; image: RgbImage } | null = null;

/**
 * The site's models, by URL: the same loader as the CLI's, fed by fetch. The model URLs are relative, so a
 * missing model's message names models/FILE with the command that writes it there, run from the repository
 * root (the dev server serves the repository's models/ there, web/vite.config.ts). A model a method needs
 * that is absent (a 404) disables that method. DiffJSCC's control branch is found beside the prior.
 */
const modelsFor = (family: FamilyName, bcr: [number, number], trainedOver: ChannelKind = 'awgn') => {
  const f = FAMILIES[family];
  return {
    jscc: `models/${jsccFileOver(f, bcr, trainedOver).file}`,
    lpips: '/data/lpips/lpips_squeeze_v0.1.safetensors',
    // the face methods' models, for the face family only
    ...(family === 'faces' ? { prior: 'models/prior_64.safetensors', inn: (snr: number, b: [number, number]) => `models/${innFileName(snr, b)}`, gan: 'models/gan_64.safetensors' } : {}),
    // the face family's adversarial model sends at 1/48 (at another BCR the loader refuses it, and the page says why); the natural family has one per BCR where trained
    adv: family === 'faces' ? 'models/deepjscc_adv_64_bcr1-48.safetensors' : `models/${f.advFile(bcr)}`,
  };
};

/** The bandwidth ratios offered per family (the CLI's --bcr): a DeepJSCC each in the site's models/, loaded when chosen. */
const BCRS: Record<FamilyName, [number, number][]> = { faces: [[1, 24], [1, 48], [1, 96], [1, 192]], natural: FAMILIES.natural.bcrs };
const DEFAULT_BCR = '1/48';
const bcrOf = (family: FamilyName, key: string) => BCRS[family].find((b) => `${b[0]}/${b[1]}` === key)!;
const channelKind = () => $<HTMLSelectElement>('channel').value as ChannelKind;

/** The channel whose DeepJSCC sends over `channel`: its own where the family has one and the site serves it, else AWGN's. */
async function trainedOverFor(family: FamilyName, bcr: string, channel: ChannelKind): Promise<ChannelKind> {
  const own = jsccFileOver(FAMILIES[family], bcrOf(family, bcr), channel);
  return own.trainedOver !== 'awgn' && (await urlExists(`models/${own.file}`)) ? own.trainedOver : 'awgn';
}
/** Every model download, drawn under the status line. */
const onDownload = downloadMeter($('downloads'));

/** Whether the site has a family's 1/48 DeepJSCC (a HEAD request). */
const siteHas = (family: FamilyName) => urlExists(modelsFor(family, [1, 48]).jscc);

async function init(family: FamilyName): Promise<App> {
  if (!('gpu' in navigator)) throw Object.assign(new Error(webgpuHelp()), { noGpu: true });
  // no adapter is a WebGPU problem too (the message says which browser or flag has one); model errors come after
  const engine = await Engine.create().catch((e: unknown) => { throw Object.assign(e instanceof Error ? e : new Error(String(e)), { noGpu: true }); });
  const systems = new Map<string, Promise<System>>();
  const trainedOver = await trainedOverFor(family, DEFAULT_BCR, channelKind());
  return { engine, systems, family, bcr: DEFAULT_BCR, trainedOver, system: await systemFor(engine, systems, family, DEFAULT_BCR, trainedOver) };
}

/**
 * The system of a family's DeepJSCC at a BCR over a channel (and the models that go with it), loaded on first
 * use; a failed load is tried again next time. Only the DeepJSCC and LPIPS are downloaded here; the other
 * models when a method first needs them.
 */
function systemFor(engine: Engine, systems: Map<string, Promise<System>>, family: FamilyName, bcr: string, trainedOver: ChannelKind): Promise<System> {
  const key = `${family}|${bcr}|${trainedOver}`;
  let loading = systems.get(key);
  if (!loading) {
    const models = modelsFor(family, bcrOf(family, bcr), trainedOver);
    loading = loadSystem(engine, fetchSource(models, onDownload)).then((s) => {
      if (!s.lpips) throw new Error(`could not load ${models.lpips}`);
      return s;
    });
    systems.set(key, loading);
    loading.catch(() => systems.delete(key));
  }
  return loading;
}

/** Disables the BCRs whose DeepJSCC this site does not have (a HEAD request each), saying so in the option. */
async function markMissingBcrs(select: HTMLSelectElement, family: FamilyName) {
  await Promise.all(Array.from(select.options).map(async (o) => {
    const url = modelsFor(family, bcrOf(family, o.value)).jscc;
    if (await urlExists(url)) return;
    o.disabled = true;
    o.textContent += ` — not on this site (${url})`;
  }));
}

/** The image as the family sends it: at its own size (natural) or centre-cropped and resized to the model's size (faces). */
async function loadImage(name: string, bytes: Uint8Array) {
  if (!app) throw new Error('the models are not loaded yet');
  const decoded = decodeImage(bytes, name);
  current = { name, image: FAMILIES[app.family].ownSize ? decoded : toSquare(decoded, app.system.jscc.cfg.size) };
  draw($('orig'), current.image);
  $('origCaption').textContent = `original, ${current.image.width}×${current.image.height}`;
  for (const col of columns.values()) clearColumn(col);
  $('latency').textContent = '';
}

/** The registry's methods in registry order: a checkbox each, and a column each while checked. */
const METHODS: Method[] = methodNames().map(getMethod);
let choices: Choice[] = [];
/** The checked methods' settings inputs, built from their flags. */
const settings = buildSettings($('methodSettings'), METHODS);
const columns = new Map<string, Column>();
/** Why each method cannot run at the SNR last checked (absent: it can). */
const unavailable = new Map<string, string>();

const checkedMethods = (): Method[] => choices.filter((c) => c.box.checked).map((c) => c.method);

/** Why a method cannot run at an SNR, or null: the models it lacks, or the error loading them gave. */
async function unavailableReason(system: System, method: Method, snr: number): Promise<string | null> {
  if (system.family === 'natural' && faceOnly(method)) return 'not available: needs a face model (choose the 64×64 faces family)';
  try {
    // asked of the server (HEAD): a model is downloaded when the method first runs
    const missing = await findMissing(system, method, snr, { load: false });
    return missing.length ? `not available: this site has no ${missing.map((m) => m.file).join(', ')}` : null;
  } catch (e) {
    return `not available: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** One column per checked method, in registry order after the original; a method that cannot run is greyed out. */
function syncColumns() {
  const results = $('results');
  const wanted = new Set(checkedMethods().map((m) => m.name));
  settings.show(wanted);
  for (const [name, col] of columns) {
    if (!wanted.has(name)) {
      col.root.remove();
      columns.delete(name);
    }
  }
  for (const m of checkedMethods()) {
    let col = columns.get(m.name);
    if (!col) columns.set(m.name, (col = buildColumn(m)));
    results.append(col.root); // re-appending keeps registry order
    const reason = unavailable.get(m.name);
    if (reason) disableColumn(col, reason);
    else col.root.classList.remove('disabled');
  }
}

let availabilityCheck = 0;
/** Enables the methods whose models the site has at this SNR (the INN is per SNR) and disables the others. */
async function checkAvailability(system: System, snr: number) {
  const check = ++availabilityCheck;
  const reasons = await Promise.all(METHODS.map((m) => unavailableReason(system, m, snr)));
  if (check !== availabilityCheck) return; // a later SNR's check has the say
  METHODS.forEach((m, k) => {
    if (reasons[k]) unavailable.set(m.name, reasons[k]);
    else unavailable.delete(m.name);
    setAvailability(choices[k], reasons[k]);
  });
  syncColumns();
}

/** Each method's settings from the page's inputs (profile: per-phase step times for the readout). */
function methodOptions(): MethodOptions {
  return methodOptionsFromFlags(settings.values(), { profile: true });
}

/** Sampling steps per method at these settings (0: not a sampling method), for the progress bars. */
async function stepCounts(system: System, methods: Method[], options: MethodOptions, snr: number): Promise<Map<string, number>> {
  const prior = methods.some((m) => m.steps) ? await system.prior() : null;
  return new Map(methods.map((m) => [m.name, prior && m.steps ? m.steps(options, snr, prior.schedule) : 0]));
}

interface StepMs { unet: number; guidance: number }
/** What a method's column shows, returned to the page's tests. */
interface MethodRun { values: number[]; psnr: number; ssim: number; lpips: number; ms: number; stepMs: StepMs[] }

/** A step's progress in its column, and every other step a preview of x̂0. */
async function showStep(col: Column, { i, count, x0, ms }: StepEvent, stepMs: StepMs[]) {
  const guidance = ms.guidance + ms.update;
  stepMs.push({ unet: ms.unet, guidance });
  col.progress.max = count;
  col.progress.value = i + 1;
  col.progressText.textContent = `step ${i + 1}/${count}: ${(ms.unet + guidance).toFixed(0)} ms (U-Net ${ms.unet.toFixed(0)} ms, guidance ${guidance.toFixed(0)} ms)`;
  if (i % 2 === 0 || i === count - 1) {
    const preview = noGrad(() => tidy(() => clamp(affine(x0, 0.5, 0.5), 0, 1)));
    draw(col.canvas, nchwToImages(await preview.data(), preview.shape)[0]);
    preview.dispose();
  }
}

/** A method's reconstruction, scores and time in its column. */
async function showResult(col: Column, out: Tensor, scores: Scores, ms: number): Promise<Omit<MethodRun, 'stepMs'>> {
  const data = await out.data();
  draw(col.canvas, nchwToImages(data, out.shape)[0]);
  const run = { values: Array.from(data), psnr: scores.psnr[0], ssim: scores.ssim[0], lpips: scores.lpips![0], ms };
  // arrows: which way is better (PSNR and SSIM up, LPIPS down)
  col.scores.textContent = `PSNR ${run.psnr.toFixed(2)} dB ↑ · SSIM ${run.ssim.toFixed(3)} ↑ · LPIPS ${run.lpips.toFixed(3)} ↓`;
  col.scores.title = 'PSNR and SSIM: higher is better; LPIPS (a learnt perceptual distance): lower is better';
  col.time.textContent = `took ${ms.toFixed(0)} ms`;
  timings.firstImageMs ??= performance.now();
  offerDownload(col, (current?.name ?? 'image').replace(/\.[^.]*$/, '').replace(/^.*\//, ''));
  return run;
}

/**
 * Transmits the current image once and reconstructs it with every checked method whose models the site has
 * (one channel draw for all). Returns each method's values (NCHW, [0, 1]), scores and time under `methods`;
 * the reference method's (DeepJSCC's) also at the top level with the channel time as `ms`.
 */
async function transmit(snr: number, seed: number) {
  if (!app || !current) throw new Error('nothing to transmit yet');
  const { engine, system } = app;
  const channel = { kind: $<HTMLSelectElement>('channel').value } as ChannelSpec;
  await checkAvailability(system, snr);
  const methods = checkedMethods().filter((m) => !unavailable.has(m.name));
  const options = methodOptions();
  const steps = await stepCounts(system, methods, options, snr);
  for (const m of methods) resetColumn(columns.get(m.name)!, steps.get(m.name)!);
  // a photo is padded to the encoder's stride; the reconstructions are cropped back to it (region)
  const sent = FAMILIES[system.family].ownSize ? padForJscc(current.image, system.jscc) : current.image;
  const region = sent === current.image ? undefined : { height: current.image.height, width: current.image.width };
  const progress = $<HTMLProgressElement>('progress');
  progress.max = methods.length + 1;
  progress.value = 0;
  const { data, shape } = imagesToNchw([sent]);
  const x = tensor(engine, data, shape);
  const t0 = performance.now();
  const rx = receive(system, x, snr, seed, 0, channel);
  await rx.y.data();
  const channelMs = performance.now() - t0;
  progress.value = 1;
  const { cfg } = system.jscc;
  const symbols = system.jscc.symbolsFor(sent.height, sent.width);
  // over a fading channel the decoder sees the SNR after equalisation, not the nominal one
  const effSnr = channel.kind === 'awgn' ? null : (await rx.effSnrDb.data())[0];
  const { trainedOver } = app;
  const link = `${symbols} complex symbols for ${current.image.width}×${current.image.height}${region ? ` (padded to ${sent.width}×${sent.height})` : ''} (BCR ${cfg.bcr.join('/')}) over ${describeChannel(channel)}${effSnr === null ? '' : `, effective SNR ${effSnr.toFixed(1)} dB`}${trainedOver === 'awgn' ? '' : `, with the DeepJSCC trained over ${trainedOver}`}`;
  // one time per method: DeepJSCC's column holds its encode + channel + decode, the others' run from the received symbols
  $('latency').textContent = `Times on ${engine.adapterInfo.description || engine.adapterInfo.architecture || 'this adapter'}: DeepJSCC's is its encode + channel + decode, each other method's runs from the received symbols; ${link}`;
  const runs: Record<string, MethodRun> = {};
  const stepMs = new Map(methods.map((m) => [m.name, [] as StepMs[]]));
  // methods run one after another: each one's time runs from the previous result (DeepJSCC's y is the channel's)
  let started = performance.now();
  try {
    await reconstructAll(system, x, rx, {
      methods, snr, seed, options, channel, region,
      onStep: (m, info) => showStep(columns.get(m.name)!, info, stepMs.get(m.name)!),
      visit: async ({ method, out, scores }) => {
        const ms = method.name === REFERENCE_METHOD ? channelMs : performance.now() - started;
        const shown = await showResult(columns.get(method.name)!, out, scores, ms);
        runs[method.name] = { ...shown, stepMs: stepMs.get(method.name)! };
        progress.value += 1;
        started = performance.now();
      },
    });
  } finally {
    x.dispose();
    disposeReceived(rx);
  }
  return { ...runs[REFERENCE_METHOD], ms: channelMs, methods: runs, symbols, bcr: cfg.bcr, channel: channel.kind, trainedOver, jscc: system.source.paths.jscc, family: system.family, width: current.image.width, height: current.image.height };
}

/** Beside the SNR slider: the SNRs this site has a per-SNR model for (an INN each), and the methods that need one. */
async function noteSnrModels(family: FamilyName, key: string) {
  const slider = $<HTMLInputElement>('snr');
  const perSnr = METHODS.filter((m) => m.needs.includes('inn'));
  const inn = modelsFor(family, bcrOf(family, key)).inn;
  if (!perSnr.length || !inn) {
    $('snrNote').textContent = '';
    return;
  }
  const snrs: number[] = [];
  for (let s = Number(slider.min); s <= Number(slider.max); s++) snrs.push(s);
  const have = await Promise.all(snrs.map((s) => urlExists(inn(s, bcrOf(family, key)))));
  const at = snrs.filter((_, i) => have[i]);
  $('snrNote').textContent = `${perSnr.map((m) => m.label).join(', ')}: ${at.length ? `an INN per SNR, here for ${at.join(', ')} dB` : 'no INN on this site'}`;
}

/** Under the channel select: which DeepJSCC sends over it, and what the other models were trained with. */
function noteChannelModel(family: FamilyName, key: string, trainedOver: ChannelKind) {
  const { file } = jsccFileOver(FAMILIES[family], bcrOf(family, key), trainedOver);
  $('channelNote').textContent = trainedOver === 'awgn' ? '' : `Sent with the DeepJSCC trained over ${trainedOver} (${file}); the other methods' models were trained with the AWGN one.`;
}

/**
 * The built site keeps what it fetches (the page, its code, the models used) for offline use: sw.js, from
 * web/service_worker.js. Resolves once the worker handles the page's requests, so that the first models are
 * kept too, or after a few seconds without it (the page works without an offline copy).
 */
async function keepOffline(): Promise<void> {
  if (!__COMMIN_OFFLINE__ || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  const controlled = new Promise<void>((ok) => (sw.controller ? ok() : sw.addEventListener('controllerchange', () => ok(), { once: true })));
  const registered = sw.register('./sw.js').then(() => controlled, (e: unknown) => console.warn('no offline copy:', e));
  await Promise.race([registered, new Promise((ok) => setTimeout(ok, 5000))]);
}

async function main() {
  await keepOffline();
  choices = buildPicker($('methods'), METHODS, DEFAULT_METHODS, syncColumns);
  syncColumns();
  const sample = $<HTMLSelectElement>('sample');
  const familySelect = $<HTMLSelectElement>('family');
  const bcr = $<HTMLSelectElement>('bcr');
  const snr = $<HTMLInputElement>('snr');
  snr.addEventListener('input', () => ($('snrOut').textContent = snr.value));
  // the natural family where the site has it (photos at their own size), else the faces
  const hasNatural = await siteHas('natural');
  if (!hasNatural) {
    const o = familySelect.querySelector<HTMLOptionElement>('option[value="natural"]')!;
    o.disabled = true;
    o.textContent += ` — not on this site (${modelsFor('natural', [1, 48]).jscc})`;
  }
  familySelect.value = hasNatural ? 'natural' : 'faces';
  /** The family's sample list, BCRs (with their symbol counts at the family's size) and what it was trained on. */
  const showFamily = async (family: FamilyName) => {
    sample.replaceChildren();
    for (const { group, items } of SAMPLES[family]) {
      const g = document.createElement('optgroup');
      g.label = group;
      for (const [file, label] of items) g.append(new Option(label, `/data/demo/${file}`));
      sample.append(g);
    }
    sample.selectedIndex = 0;
    $('trained').textContent = TRAINED[family];
    bcr.replaceChildren();
    const pixels = family === 'faces' ? 64 * 64 : 384 * 256;
    for (const b of BCRS[family]) bcr.append(new Option(`${b[0]}/${b[1]} (${(pixels * 3 * b[0]) / b[1]} symbols at ${family === 'faces' ? '64×64' : '384×256'})`, `${b[0]}/${b[1]}`));
    bcr.value = DEFAULT_BCR;
    await markMissingBcrs(bcr, family);
  };
  await showFamily(familySelect.value as FamilyName);
  try {
    app = await init(familySelect.value as FamilyName);
  } catch (e) {
    // no WebGPU, or WebGPU but models that did not load: each says so
    if ((e as { noGpu?: boolean }).noGpu) {
      const el = $('nogpu');
      el.textContent = e instanceof Error ? e.message : String(e);
      el.hidden = false;
      status('WebGPU is not available.');
    } else {
      status('The models could not be loaded.');
      showError(e);
    }
    return;
  }
  const a = app;
  void noteSnrModels(a.family, a.bcr);
  noteChannelModel(a.family, a.bcr, a.trainedOver);
  // the INNs are per SNR: a new SNR can enable or disable CommIN
  snr.addEventListener('change', () => void checkAvailability(a.system, Number(snr.value)).catch(showError));
  let linkSwitch = 0;
  /**
   * Another family or BCR: its DeepJSCC (and the models that go with it) become the system and the methods it
   * lacks models for are disabled; only the latest choice takes effect, and one that fails to load puts the
   * selects back.
   */
  const switchLink = async (family: FamilyName, key: string) => {
    const ticket = ++linkSwitch;
    $('error').hidden = true;
    status(`Loading the ${family} DeepJSCC for BCR ${key}…`);
    try {
      const trainedOver = await trainedOverFor(family, key, channelKind());
      const system = await systemFor(a.engine, a.systems, family, key, trainedOver);
      if (ticket !== linkSwitch) return;
      Object.assign(a, { system, family, bcr: key, trainedOver });
      void noteSnrModels(family, key);
      noteChannelModel(family, key, trainedOver);
      await checkAvailability(system, Number(snr.value));
      status('Ready.');
    } catch (e) {
      if (ticket !== linkSwitch) return;
      familySelect.value = a.family;
      bcr.value = a.bcr;
      status('Failed.');
      showError(e);
    }
  };
  bcr.addEventListener('change', () => void switchLink(a.family, bcr.value));
  // a channel with a DeepJSCC of its own (Rayleigh at 1/48 for the faces) sends with that one
  $<HTMLSelectElement>('channel').addEventListener('change', () => void switchLink(a.family, a.bcr));
  const pick = async () => {
    $('error').hidden = true;
    sample.querySelector('option[data-upload]')?.remove();
    await loadImage(sample.value, await fetchBytes(sample.value));
  };
  familySelect.addEventListener('change', () => void (async () => {
    const family = familySelect.value as FamilyName;
    await showFamily(family);
    await switchLink(family, DEFAULT_BCR);
    await pick();
  })().catch(showError));
  sample.addEventListener('change', () => pick().catch(showError));
  const useFile = async (f: File) => {
    $('error').hidden = true;
    try {
      await loadImage(f.name, new Uint8Array(await f.arrayBuffer()));
      // the selector names the photo shown (an entry for the user's file, replaced by the next one)
      sample.querySelector('option[data-upload]')?.remove();
      const mine = new Option(`your photo: ${f.name}`, '');
      mine.dataset.upload = '1';
      mine.disabled = true;
      sample.prepend(mine);
      mine.selected = true;
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
  const go = $<HTMLButtonElement>('go');
  go.addEventListener('click', () => {
    $('error').hidden = true;
    status('Transmitting…');
    go.disabled = true; // one run at a time: the columns belong to it until it ends
    transmit(Number(snr.value), Number($<HTMLInputElement>('seed').value) || 0)
      .then(() => status('Done.'))
      .catch((e) => { status('Failed.'); showError(e); })
      .finally(() => (go.disabled = false));
  });
  status('Checking which methods this site has models for…');
  await checkAvailability(a.system, Number(snr.value));
  await pick();
  status('Ready.');
  timings.readyMs = performance.now();
  // for the real-browser tests: the same entry points a user clicks through
  (window as unknown as Record<string, unknown>).__commin = {
    ready: true,
    timings,
    /** Sends a sample (a URL on the site) through a family (default: faces) at a BCR over a channel. */
    async transmitSample(url: string, s: number, seed: number, link: { family?: FamilyName; bcr?: string; channel?: string } = {}) {
      if (link.channel) $<HTMLSelectElement>('channel').value = link.channel;
      const family = link.family ?? 'faces';
      if (family !== a.family) {
        familySelect.value = family;
        await showFamily(family);
        await switchLink(family, link.bcr ?? DEFAULT_BCR);
      } else if (link.bcr && link.bcr !== bcr.value) {
        bcr.value = link.bcr;
        await switchLink(family, link.bcr);
      } else if (link.channel) {
        await switchLink(family, a.bcr); // the channel's own DeepJSCC, where the site has one
      }
      if (Array.from(sample.options).some((o) => o.value === url)) sample.value = url;
      await loadImage(url, await fetchBytes(url));
      return transmit(s, seed);
    },
  };
}

main().catch((e) => showError(e));
