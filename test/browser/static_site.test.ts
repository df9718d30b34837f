// The built page (npm run web:build) from a plain static file server: models, LPIPS weights and samples
// are fetched from the folder itself, not from the dev server's mounts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
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
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'site-'));
    await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, build: { outDir: dir, emptyOutDir: true }, logLevel: 'error' });
    server = createServer(sirv(dir, { dev: false }));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    if (!addr || typeof addr === 'string') throw new Error('no server address');
    browser = await launch();
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
    await page.goto(`http://127.0.0.1:${addr.port}/`);
    await page.waitForFunction(() => (window as unknown as { __commin?: { ready: boolean } }).__commin?.ready === true, null, { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => server?.close(ok));
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
  });
});
