import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { Engine, noGrad, tensor, tidy } from '../../src/index.js';
import { decodeImage, imagesToNchw, toSquare } from '../../src/data/image.js';
import { loadDeepJscc } from '../../src/networks/load_jscc.js';
import { loadUNet } from '../../src/algorithms/load_prior.js';
import { loadInn } from '../../src/networks/load_inn.js';
import { comminSample } from '../../src/algorithms/commin.js';
import { presetOptions } from '../../src/algorithms/commin_presets.js';
import { kodakCrop, smallFolder } from '../data_helpers.js';
import { methodNames } from '../../src/pipeline/index.js';
import { hasChromium, launch, startWeb } from './browser_helpers.js';
import { runCli } from '../run_process.js';

/** A model folder with the committed DeepJSCC, a 1/24 one, and a tiny prior and INN for 4 dB, made with the CLI (no adversarial DeepJSCC). */
async function tinyModels(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'webmodels-'));
  copyFileSync('models/deepjscc_64_bcr1-48.safetensors', join(dir, 'deepjscc_64_bcr1-48.safetensors'));
  const data = smallFolder(4, 64);
  const run = async (...a: string[]) => {
    const r = await runCli(a, { timeout: 300_000 });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  await run('train', 'ddpm', '--data', data, '--size', '64', '--ch', '8', '--ch-mult', '1,2', '--groups', '4', '--attn', '32', '--batch', '2', '--steps', '2', '--every', '5', '--sample-steps', '2', '--out', join(dir, 'prior_64.safetensors'));
  await run('train', 'inn', '--snr', '4', '--data', data, '--batch', '2', '--width', '8', '--res-blocks', '1', '--steps', '2', '--out', join(dir, 'inn_snr4.safetensors'));
  // a second BCR (one step from the 1/48 model); none for 1/96 and 1/192
  await run('train', 'jscc', '--bcr', '1/24', '--init', 'models/deepjscc_64_bcr1-48.safetensors', '--data', data, '--batch', '2', '--steps', '1', '--every', '5', '--val-count', '2', '--out', join(dir, 'deepjscc_64_bcr1-24.safetensors'));
  return dir;
}

describe.skipIf(!hasChromium)('web demo: a column per chosen method, CommIN sampling with progress and scores', () => {
  let server: ViteDevServer, browser: Browser, page: Page, models: string;
  const errors: string[] = [];
  beforeAll(async () => {
    models = await tinyModels();
    process.env.COMMIN_WEB_MODELS = models;
    const s = await startWeb();
    delete process.env.COMMIN_WEB_MODELS;
    server = s.server;
    browser = await launch();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(s.url);
    await page.waitForFunction(() => (window as unknown as { __commin?: { ready: boolean } }).__commin?.ready === true, null, { timeout: 120_000 });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The methods of the result columns, left to right. */
  const columnNames = () => page.$$eval('#results .method-column', (els) => els.map((e) => (e as HTMLElement).dataset.method));

  it('offers every registered method and shows one column per checked method', async () => {
    for (const name of methodNames()) expect(await page.$(`#method-${name}`)).not.toBeNull();
    expect(await columnNames()).toEqual(['deepjscc', 'commin']);
    await page.check('#method-dps'); // the tiny prior is there: DPS can run
    expect(await columnNames()).toEqual(['deepjscc', 'commin', 'dps']);
    await page.uncheck('#method-dps');
    expect(await columnNames()).toEqual(['deepjscc', 'commin']);
  });

  it('disables a method whose model the site lacks and names the file', async () => {
    expect(await page.isDisabled('#method-adv')).toBe(true);
    expect(await page.textContent('#method-adv-reason')).toMatch(
      /no models\/deepjscc_adv_64_bcr1-48\.safetensors$/,
    );
    // the folder has an INN for 4 dB only, and the note beside the slider says so
    await page.waitForFunction(() => !!document.getElementById('snrNote')?.textContent);
    expect(await page.textContent('#snrNote')).toBe('CommIN: an INN per SNR, here for 4 dB');
    // at 10 dB CommIN's column stays, greyed out, with the reason; checked, it can still be unchecked
    await page.fill('#snr', '10');
    await page.waitForSelector('#results .method-column[data-method="commin"].disabled');
    expect(await page.isEnabled('#method-commin')).toBe(true);
    expect(await page.textContent('#results .method-column[data-method="commin"] .scores')).toMatch(/no models\/inn_snr10\.safetensors$/);
    await page.uncheck('#method-commin');
    expect(await page.isDisabled('#method-commin')).toBe(true); // unchecked, it waits until it can run
    expect(await columnNames()).toEqual(['deepjscc']);
    await page.fill('#snr', '4');
    await page.waitForFunction(() => !(document.getElementById('method-commin') as HTMLInputElement).disabled);
    await page.check('#method-commin');
    await page.waitForSelector('#results .method-column[data-method="commin"]:not(.disabled)');
  });

  it('reconstructs with DeepJSCC and CommIN, with scores, times and step progress, and CommIN like Node for the same seed', async () => {
    await page.fill('#flag-steps', '2');
    type Run = { values: number[]; psnr: number; ssim: number; lpips: number; ms: number; stepMs: unknown[] };
    const got = await page.evaluate(async () => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number): Promise<{ methods: Record<string, Run> }> } }).__commin;
      return c.transmitSample('/data/demo/kodak/kodim05.png', 4, 7);
    });
    expect(Object.keys(got.methods)).toEqual(['deepjscc', 'commin']);
    for (const run of Object.values(got.methods)) {
      expect(run.psnr).toBeGreaterThan(5);
      expect(run.ssim).toBeGreaterThan(-1);
      expect(run.lpips).toBeGreaterThan(0);
      expect(run.ms).toBeGreaterThan(0);
    }
    expect(got.methods.commin.stepMs.length).toBe(2);
    const col = (name: string) => `#results .method-column[data-method="${name}"]`;
    expect(await page.textContent(`${col('commin')} .label`)).toBe('CommIN');
    expect(await page.textContent(`${col('commin')} .scores`)).toMatch(/^PSNR \d+\.\d\d dB ↑ · SSIM -?\d\.\d{3} ↑ · LPIPS \d\.\d{3} ↓$/);
    expect(await page.textContent(`${col('commin')} .time`)).toMatch(/^took \d+ ms$/);
    expect(await page.textContent(`${col('commin')} .step-text`)).toMatch(/^step 2\/2: \d+ ms \(U-Net \d+ ms, guidance \d+ ms\)$/);
    expect(await page.$eval(`${col('commin')} progress`, (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([2, 2]);
    expect(await page.isHidden(`${col('deepjscc')} progress`)).toBe(true); // not a sampling method
    expect(await page.textContent(`${col('deepjscc')} .scores`)).toMatch(/^PSNR \d+\.\d\d dB/);
    // each result can be saved as PNG
    await page.waitForSelector(`${col('commin')} a.download:not([hidden])`);
    expect(await page.$eval(`${col('commin')} a.download`, (a) => [(a as HTMLAnchorElement).download, (a as HTMLAnchorElement).href.slice(0, 5)])).toEqual(['kodim05_commin.png', 'blob:']);
    // one time per method: DeepJSCC's column is its encode + channel + decode, also the run's top-level ms
    expect(await page.textContent(`${col('deepjscc')} .time`)).toBe(`took ${got.methods.deepjscc.ms.toFixed(0)} ms`);
    expect(await page.textContent('#latency')).toMatch(/^Times on .+: DeepJSCC's is its encode \+ channel \+ decode, each other method's runs from the received symbols; /);
    // Node, same models and seed
    const e = await Engine.create();
    const { model } = loadDeepJscc(e, new Uint8Array(readFileSync(join(models, 'deepjscc_64_bcr1-48.safetensors'))), 'jscc');
    const prior = loadUNet(e, new Uint8Array(readFileSync(join(models, 'prior_64.safetensors'))), 'prior');
    const { inn } = loadInn(e, new Uint8Array(readFileSync(join(models, 'inn_snr4.safetensors'))), 'inn');
    const img = toSquare(decodeImage(new Uint8Array(readFileSync(kodakCrop('05')))), 64);
    const { data, shape } = imagesToNchw([img]);
    const y = noGrad(() => tidy(() => model.forward(tensor(e, data, shape), tensor(e, [4], [1]), 7)));
    const out = await comminSample(prior.model, inn, prior.schedule, y, { ...presetOptions('fast', 4, 7), steps: 2 });
    const node = await out.data();
    e.destroy();
    let worst = 0;
    for (let i = 0; i < node.length; i++) worst = Math.max(worst, Math.abs(got.methods.commin.values[i] - node[i]));
    expect(worst).toBeLessThan(1e-2);
    expect(await page.isHidden('#error')).toBe(true);
    expect(errors).toEqual([]);
  });
  it('sends at another BCR over another channel: that DeepJSCC is loaded, the symbols and channel shown; a BCR without a model is disabled, naming its file', async () => {
    type Got = { symbols: number; bcr: number[]; channel: string; methods: Record<string, { psnr: number }> };
    const got = await page.evaluate(async () => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number, link: object): Promise<Got> } }).__commin;
      return c.transmitSample('/data/demo/faces/kodim04_face.png', 4, 3, { bcr: '1/24', channel: 'rayleigh' });
    });
    expect([got.symbols, got.bcr, got.channel]).toEqual([512, [1, 24], 'rayleigh']);
    expect(got.methods.deepjscc.psnr).toBeGreaterThan(5);
    expect(await page.textContent('#latency')).toMatch(/; 512 complex symbols for 64×64 \(BCR 1\/24\) over rayleigh \(block fading, MMSE equaliser\), effective SNR -?\d+\.\d dB$/);
    // no INN for 1/24 in this folder: CommIN is disabled, naming the per-BCR file
    expect(await page.textContent('#method-commin-reason')).toMatch(/no models\/inn_bcr1-24_snr4\.safetensors/);
    // the folder has no 1/96 model: that choice is disabled and names the file
    const o96 = await page.$eval('#bcr option[value="1/96"]', (o) => [(o as HTMLOptionElement).disabled, o.textContent]);
    expect(o96[0]).toBe(true);
    expect(o96[1]).toMatch(/not on this site \(models\/deepjscc_64_bcr1-96\.safetensors\)/);
    expect(await page.$eval('#bcr option[value="1/24"]', (o) => (o as HTMLOptionElement).disabled)).toBe(false);
    await page.selectOption('#bcr', '1/48');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.');
    expect(await page.isEnabled('#method-commin')).toBe(true);
    expect(errors).toEqual([]);
  });
});
