import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { Engine, noGrad, tensor, tidy } from '../../src/index.js';
import { decodeImage, imagesToNchw, toSquare } from '../../src/data/image.js';
import { loadDeepJscc } from '../../src/models/load_jscc.js';
import { loadUNet } from '../../src/models/load_unet.js';
import { loadInn } from '../../src/models/load_inn.js';
import { comminSample } from '../../src/models/commin.js';
import { presetOptions } from '../../src/models/commin_presets.js';
import { kodakCrop, smallFolder } from '../data_helpers.js';
import { hasChromium, launch, startWeb } from './browser_helpers.js';

/** A model folder with the committed DeepJSCC and a tiny prior and INN for 4 dB, made with the CLI. */
function tinyModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webmodels-'));
  copyFileSync('models/deepjscc_64_bcr1-48.safetensors', join(dir, 'deepjscc_64_bcr1-48.safetensors'));
  const data = smallFolder(4, 64);
  const run = (...a: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...a], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run('train', 'ddpm', '--data', data, '--size', '64', '--ch', '8', '--ch-mult', '1,2', '--groups', '4', '--attn', '32', '--batch', '2', '--steps', '2', '--every', '5', '--sample-steps', '2', '--out', join(dir, 'prior_64.safetensors'));
  run('train', 'inn', '--snr', '4', '--data', data, '--batch', '2', '--width', '8', '--res-blocks', '1', '--steps', '2', '--out', join(dir, 'inn_snr4.safetensors'));
  return dir;
}

describe.skipIf(!hasChromium)('web demo: CommIN sampling with preview and latency readout', () => {
  let server: ViteDevServer, browser: Browser, page: Page, models: string;
  beforeAll(async () => {
    models = tinyModels();
    process.env.COMMIN_WEB_MODELS = models;
    const s = await startWeb();
    delete process.env.COMMIN_WEB_MODELS;
    server = s.server;
    browser = await launch();
    page = await browser.newPage();
    await page.goto(s.url);
    await page.waitForFunction(() => (window as unknown as { __commin?: { ready: boolean } }).__commin?.ready === true, null, { timeout: 120_000 });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reconstructs with CommIN in the browser like Node does for the same seed', async () => {
    await page.fill('#steps', '2');
    const got = await page.evaluate(async () => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number): Promise<{ commin: { values: number[]; stepMs: unknown[] } | null }> } }).__commin;
      return c.transmitSample('/data/demo/kodak/kodim05.png', 4, 7);
    });
    expect(got.commin).not.toBeNull();
    expect(got.commin!.stepMs.length).toBe(2);
    expect(await page.textContent('#latency')).toMatch(/CommIN step 2\/2: \d+ ms \(U-Net \d+ ms, INN \+ guidance \d+ ms\)/);
    expect(await page.textContent('#comminCap')).toMatch(/CommIN — PSNR/);
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
    for (let i = 0; i < node.length; i++) worst = Math.max(worst, Math.abs(got.commin!.values[i] - node[i]));
    expect(worst).toBeLessThan(1e-2);
  });
});
