import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { Engine, noGrad, tensor, tidy } from '../../src/index.js';
import { decodeImage, imagesToNchw, toSquare } from '../../src/data/image.js';
import { loadDeepJscc } from '../../src/networks/load_jscc.js';
import { hasChromium, launch, startWeb } from './browser_helpers.js';
import { join } from 'node:path';
import { BUNDLED_FACES, BUNDLED_PHOTOS } from '../../src/cli/defaults.js';

const SHOT = 'out/browser/demo.png';

describe.skipIf(!hasChromium)('web demo in headless Chromium (WebGPU on SwiftShader)', () => {
  let server: ViteDevServer, url: string, browser: Browser, page: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    ({ server, url } = await startWeb());
    browser = await launch();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __commin?: { ready: boolean } }).__commin?.ready === true, null, { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('opens on the natural family with a photo, and says what each family was trained on', async () => {
    expect(await page.inputValue('#family')).toBe('natural');
    expect(await page.inputValue('#sample')).toBe('/data/demo/photos/kodim05_384x256.png');
    expect(await page.textContent('#trained')).toMatch(/random crops of photographs \(BSDS500\): your photo is sent at its own size/);
    await page.selectOption('#family', 'faces');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.', null, { timeout: 60_000 });
    expect(await page.inputValue('#sample')).toBe('/data/demo/faces/kodim04_face.png');
    expect(await page.textContent('#trained')).toMatch(/trained on 64×64 face crops \(UTKFace\)/);
  });

  it('sends a 384×256 photo chosen with the file picker at its own size, with a progress bar, as Node does', async () => {
    await page.selectOption('#family', 'natural');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.', null, { timeout: 60_000 });
    // CommIN and the other face methods cannot run in the natural family: greyed out with the reason (a checked
    // one stays enabled so it can be unchecked)
    expect(await page.isChecked('#method-commin')).toBe(true);
    await page.waitForSelector('#results .method-column[data-method="commin"].disabled');
    expect(await page.isDisabled('#method-dps')).toBe(true);
    expect(await page.textContent('#method-commin-reason')).toMatch(/needs a face model \(choose the 64×64 faces family\)/);
    const file = join(BUNDLED_PHOTOS, 'kodim23_384x256.png');
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => document.getElementById('origCaption')?.textContent === 'original, 384×256', null, { timeout: 30_000 });
    await page.click('#go');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Done.', null, { timeout: 300_000 });
    expect(await page.textContent('#latency')).toMatch(/6144 complex symbols for 384×256 \(BCR 1\/48\)/);
    const progress = await page.$eval('#progress', (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max]);
    expect(progress[0]).toBe(progress[1]);
    const shown = await page.$eval('#results .method-column[data-method="deepjscc"] canvas', (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
    expect(shown).toEqual([384, 256]);
    // the same photo through the same model in Node
    const got = await page.evaluate(async () => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number, l: object): Promise<{ values: number[]; width: number; height: number }> } }).__commin;
      return c.transmitSample('/data/demo/photos/kodim23_384x256.png', 4, 3, { family: 'natural' });
    });
    expect([got.width, got.height]).toEqual([384, 256]);
    const e = await Engine.create();
    const { model } = loadDeepJscc(e, new Uint8Array(readFileSync('models/natural_bcr1-48.safetensors')), 'model');
    const { data, shape } = imagesToNchw([decodeImage(new Uint8Array(readFileSync(file)))]);
    const y = noGrad(() => tidy(() => model.forward(tensor(e, data, shape), tensor(e, [4], [1]), 3)));
    const node = await y.data();
    e.destroy();
    expect(got.values.length).toBe(node.length);
    let worst = 0;
    for (let i = 0; i < node.length; i++) worst = Math.max(worst, Math.abs(got.values[i] - node[i]));
    expect(worst).toBeLessThan(2e-3);
    expect(errors).toEqual([]);
  });

  it('transmits the portrait with the same output as Node for the same seed', async () => {
    // the committed models include CommIN's: two sampling steps keep SwiftShader's run short
    await page.fill('#flag-steps', '2');
    const got = await page.evaluate(async () => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number, l: object): Promise<{ values: number[]; psnr: number; lpips: number }> } }).__commin;
      return c.transmitSample('/data/demo/faces/kodim04_face.png', 4, 7, { family: 'faces' });
    });
    // the same transmission in Node
    const e = await Engine.create();
    const { model } = loadDeepJscc(e, new Uint8Array(readFileSync('models/deepjscc_64_bcr1-48.safetensors')), 'model');
    const img = toSquare(decodeImage(new Uint8Array(readFileSync(join(BUNDLED_FACES, 'kodim04_face.png')))), 64);
    const { data, shape } = imagesToNchw([img]);
    const y = noGrad(() => tidy(() => model.forward(tensor(e, data, shape), tensor(e, [4], [1]), 7)));
    const node = await y.data();
    e.destroy();
    expect(got.values.length).toBe(node.length);
    let worst = 0;
    for (let i = 0; i < node.length; i++) worst = Math.max(worst, Math.abs(got.values[i] - node[i]));
    expect(worst).toBeLessThan(2e-3); // different adapters (SwiftShader vs lavapipe): float rounding only
    expect(got.psnr).toBeGreaterThan(10);
    expect(got.lpips).toBeGreaterThan(0);
    mkdirSync('out/browser', { recursive: true });
    await page.screenshot({ path: SHOT, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('works from the keyboard and shows a readable error for a non-image file', async () => {
    await page.focus('#go');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Done.', null, { timeout: 60_000 });
    expect(await page.textContent('#results .method-column[data-method="deepjscc"] .scores')).toMatch(/^PSNR /);
    // a new photo clears the last one's results, and the selector names it
    await page.setInputFiles('#file', join(BUNDLED_PHOTOS, 'kodim05_384x256.png'));
    await page.waitForFunction(() => document.querySelector('#results .method-column[data-method="deepjscc"] .scores')?.textContent === '', null, { timeout: 30_000 });
    expect(await page.$eval('#sample', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('your photo: kodim05_384x256.png');
    expect(await page.textContent('#latency')).toBe('');
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/notes.txt: not a PNG or JPEG file/);
  });
});
