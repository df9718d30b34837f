// Runs a built example page in headless Chromium (WebGPU on SwiftShader), served by a plain static server:
// picks a photo with the file input, clicks Send and waits for "Done: …" (or an error). Exit 1 on anything
// else; prints the page's last status line and the time to the first transmitted image (to ready, then to the image).
//   npx tsx tools/run_browser_example.ts DIST_DIR PHOTO.png
import { createServer } from 'node:http';
import sirv from 'sirv';
import { launch } from '../test/browser/browser_helpers.js';

const [dir, photo] = process.argv.slice(2);
if (!dir || !photo) {
  console.error('usage: run_browser_example.ts DIST_DIR PHOTO');
  process.exit(2);
}
const server = createServer(sirv(dir, { dev: false }));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const { port } = server.address() as { port: number };
const browser = await launch();
let failed = '';
try {
  const page = await browser.newPage();
  page.on('response', (r) => { if (r.status() >= 400) failed ||= `${r.status()} ${r.url()}`; });
  const t0 = performance.now();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => !(document.getElementById('send') as HTMLButtonElement).disabled || /error/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 120_000 });
  const ready = performance.now();
  await page.setInputFiles('#photo', photo);
  await page.click('#send');
  await page.waitForFunction(() => /^(Done|error)/.test(document.getElementById('status')!.textContent ?? ''), null, { timeout: 300_000 });
  const done = performance.now();
  const status = (await page.textContent('#status')) ?? '';
  const size = await page.$eval('#received', (c) => `${(c as HTMLCanvasElement).width}×${(c as HTMLCanvasElement).height}`);
  console.log(`${status} (canvas ${size}); page to ready ${((ready - t0) / 1000).toFixed(1)} s (engine and model), send to image ${((done - ready) / 1000).toFixed(1)} s`);
  if (!status.startsWith('Done') || failed) failed ||= status;
} finally {
  await browser.close();
  server.close();
}
if (failed) {
  console.error(`browser example failed: ${failed}`);
  process.exit(1);
}
