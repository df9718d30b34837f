import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ViteDevServer } from 'vite';
import { hasChromium, launch, startWeb } from './browser_helpers.js';

describe.skipIf(!hasChromium)('kernel playground in headless Chromium', () => {
  let server: ViteDevServer, browser: Browser, page: Page;
  beforeAll(async () => {
    const s = await startWeb();
    server = s.server;
    browser = await launch();
    page = await browser.newPage();
    await page.goto(`${s.url}/kernels.html`);
    await page.waitForFunction(() => (window as unknown as { __kernels?: { ready: boolean } }).__kernels?.ready === true, null, { timeout: 120_000 });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [kernel, shape] of [['matmul', [65, 33, 17]], ['conv2d', [2, 5, 9, 7, 6]], ['add', [1001]], ['softmax', [7, 129]]] as [string, number[]][]) {
    it(`${kernel} ${shape}: the browser's result matches the float64 reference`, async () => {
      const r = await page.evaluate(
        ([k, s]) => (window as unknown as { __kernels: { run(k: string, s: number[]): Promise<{ ok: boolean; maxError: number; rate: number }> } }).__kernels.run(k as string, s as number[]),
        [kernel, shape] as const,
      );
      expect(r.ok, `max error ${r.maxError}`).toBe(true);
      expect(r.rate).toBeGreaterThan(0);
    });
  }

  it('a bad shape is a readable message', async () => {
    await page.selectOption('#kernel', 'matmul');
    await page.fill('#shape', '3,x');
    await page.click('#run');
    expect(await page.textContent('#error')).toMatch(/matmul needs 3 positive integers/);
  });
});
