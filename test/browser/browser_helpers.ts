// Real-browser tests: Debian's Chromium driven by playwright-core (no browser download), WebGPU on its
// SwiftShader adapter with --enable-unsafe-webgpu, pages served by the web demo's Vite config.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Flags that give WebGPU in headless Chromium on a machine without a GPU (SwiftShader). */
export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function startWeb(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname,
    server: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  await server.listen();
  const addr = server.httpServer!.address();
  if (!addr || typeof addr === 'string') throw new Error('no server address');
  return { server, url: `http://127.0.0.1:${addr.port}` };
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}
