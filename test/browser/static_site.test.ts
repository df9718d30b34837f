// The built page (npm run web:build) from a plain static file server: models, LPIPS weights and samples
// are fetched from the folder itself, not from the dev server's mounts; a model only when a method needs
// it, with a download bar; and the page works offline once it has been used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import { build } from 'vite';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launch } from './browser_helpers.js';

describe.skipIf(!hasChromium)('the built page from a static server (headless Chromium, SwiftShader)', () => {
  let server: Server, browser: Browser, page: Page, dir: string;
  const errors: string[] = [];
  const failed: string[] = []; // every request the page makes is answered (no 404)
  const gets: string[] = []; // the path of every GET the page makes
  // served slowly, so that its download bar can be seen: the adversarial DeepJSCC, in 4 KB pieces every 40 ms
  const SLOW = 'deepjscc_adv_64_bcr1-48.safetensors';
  const slowly = (dir: string) => (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (!req.url?.endsWith(`/models/${SLOW}`) || req.method !== 'GET') return next();
    const body = readFileSync(join(dir, 'models', SLOW));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
    let p = 0;
    const send = () => {
      res.write(body.subarray(p, (p += 4096)));
      if (p < body.length) setTimeout(send, 40);
      else res.end();
    };
    send();
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'site-'));
    await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, build: { outDir: dir, emptyOutDir: true }, logLevel: 'error' });
    const files = sirv(dir, { dev: false });
    const slow = slowly(dir);
    server = createServer((req, res) => slow(req, res, () => files(req, res)));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('no server address');
    browser = await launch();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    page.on('request', (r) => void (r.method() === 'GET' && gets.push(new URL(r.url()).pathname)));
    await page.goto(`http://127.0.0.1:${addr.port}/`);
    await page.waitForFunction(() => (window as unknown as { __commin?: { ready: boolean } }).__commin?.ready === true, null, { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (server?.listening) await new Promise((ok) => server.close(ok));
  });

  it('the folder holds the models and samples the page asks for', () => {
    // headless Chromium asks for no favicon, a browser window does: the page names one (none), so no 404
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<link rel="icon" href="data:,">');
    for (const f of ['index.html', 'models/natural_bcr1-48.safetensors', 'models/deepjscc_64_bcr1-48.safetensors', 'data/lpips/lpips_squeeze_v0.1.safetensors', 'data/demo/photos/kodim05_384x256.png']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
  });

  it('sends the default photo with DeepJSCC and JPEG at capacity, as from the dev server', async () => {
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.', null, { timeout: 60_000 });
    for (const m of ['deepjscc', 'separation']) if (!(await page.isChecked(`#method-${m}`))) await page.check(`#method-${m}`);
    await page.click('#go');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Done.' || !document.getElementById('error')?.hidden, null, { timeout: 300_000 });
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    for (const m of ['deepjscc', 'separation']) {
      const shown = await page.$eval(`#results .method-column[data-method="${m}"] canvas`, (c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      expect(shown, m).toEqual([384, 256]);
    }
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    // the results sit beside the settings, above the fold of a 1280×720 window
    const [controls, results] = await Promise.all(['.controls', '#results'].map((q) => page.$eval(q, (e) => e.getBoundingClientRect().toJSON() as DOMRect)));
    expect(results.top).toBeLessThan(720);
    expect(results.left).toBeGreaterThanOrEqual(controls.right);
    // time to the first transmitted image, from the start of the page's navigation (reported, not asserted)
    const t = await page.evaluate(() => (window as unknown as { __commin: { timings: { readyMs: number; firstImageMs: number } } }).__commin.timings);
    expect(t.firstImageMs).toBeGreaterThan(t.readyMs);
    console.log(`static site, Chromium (SwiftShader): ready ${(t.readyMs / 1000).toFixed(1)} s, first image ${(t.firstImageMs / 1000).toFixed(1)} s after the page opened`);
  });

  it('downloads a model only when a method needs it, with a download bar; over Rayleigh sends with the Rayleigh-trained DeepJSCC', async () => {
    const faceModels = /\/models\/(prior_64|gan_64|control_64|deepjscc_adv_64_bcr1-48)\.safetensors$/;
    type Got = { methods: Record<string, { psnr: number }>; jscc: string; trainedOver: string };
    const send = (link: object) => page.evaluate(async (l) => {
      const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number, link: object): Promise<Got> } }).__commin;
      return c.transmitSample('/data/demo/faces/kodim04_face.png', 4, 0, l);
    }, link);
    // DeepJSCC alone first: no other model is needed
    for (const box of await page.$$('#methods input[type="checkbox"]:checked')) if ((await box.getAttribute('value')) !== 'deepjscc') await box.uncheck();
    const awgn = await send({ family: 'faces', channel: 'awgn' });
    expect(awgn.jscc).toBe('models/deepjscc_64_bcr1-48.safetensors');
    // the face family's methods are offered (asked of the server) but none of their models was fetched
    expect(await page.isEnabled('#method-commin')).toBe(true);
    expect(gets.filter((g) => faceModels.test(g))).toEqual([]);
    await page.check('#method-adv');
    await page.click('#go');
    await page.waitForFunction(() => !document.getElementById('downloads')!.hidden, null, { timeout: 30_000 });
    expect(await page.textContent('#downloads span')).toMatch(/^Downloading deepjscc_adv_64_bcr1-48\.safetensors: \d+\.\d of \d+\.\d MB$/);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Done.' || !document.getElementById('error')?.hidden, null, { timeout: 120_000 });
    expect(await page.isHidden('#error'), (await page.textContent('#error')) ?? '').toBe(true);
    expect(await page.isHidden('#downloads')).toBe(true);
    expect(gets.filter((g) => faceModels.test(g))).toEqual([`/models/${SLOW}`]);
    const rayleigh = await send({ family: 'faces', channel: 'rayleigh' });
    expect([rayleigh.jscc, rayleigh.trainedOver]).toEqual(['models/deepjscc_64_bcr1-48_rayleigh.safetensors', 'rayleigh']);
    expect(rayleigh.methods.deepjscc.psnr).toBeGreaterThan(10);
    expect(await page.textContent('#channelNote')).toMatch(/DeepJSCC trained over rayleigh \(deepjscc_64_bcr1-48_rayleigh\.safetensors\)/);
    expect(await page.textContent('#latency')).toMatch(/effective SNR -?\d+\.\d dB, with the DeepJSCC trained over rayleigh$/);
    expect(errors).toEqual([]);
  });

  it('works offline once used: the page, its code and the models it fetched are kept', async () => {
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // the server goes away: every request now fails unless the page's offline copy answers it
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    {
      await page.reload();
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Ready.', null, { timeout: 120_000 });
      const got = await page.evaluate(async () => {
        const c = (window as unknown as { __commin: { transmitSample(u: string, s: number, seed: number, link: object): Promise<{ methods: Record<string, { psnr: number }> }> } }).__commin;
        return c.transmitSample('/data/demo/faces/kodim04_face.png', 4, 0, { family: 'faces', channel: 'awgn' });
      });
      expect(got.methods.deepjscc.psnr).toBeGreaterThan(10);
      expect(await page.isHidden('#error')).toBe(true);
    }
    expect(errors).toEqual([]);
  });
});
