import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { CHROMIUM, hasChromium, startWeb } from './browser_helpers.js';

describe.skipIf(!hasChromium)('pages without WebGPU', () => {
  let server: ViteDevServer, url: string, browser: Browser;
  beforeAll(async () => {
    ({ server, url } = await startWeb());
    // no --enable-unsafe-webgpu, and WebGPU switched off explicitly
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-features=WebGPU', '--disable-background-networking'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  it('say which browser or flag enables WebGPU', async () => {
    for (const page of ['', '/kernels.html']) {
      const p = await browser.newPage();
      await p.goto(url + page);
      // either the page found an adapter anyway (nothing to check) or it explains how to get one
      await p.waitForFunction(
        () => !document.getElementById('nogpu')!.hidden || document.getElementById('status')?.textContent === 'Ready.' || !!(window as unknown as { __kernels?: unknown }).__kernels,
        null,
        { timeout: 120_000 },
      );
      if (!(await p.isHidden('#nogpu'))) {
        expect(await p.textContent('#nogpu')).toMatch(/(does not offer WebGPU|offers WebGPU but no adapter).*--enable-unsafe-webgpu/s);
      }
      await p.close();
    }
  });
});
