// `npm run profile`: GPU time per kernel (timestamp queries, one pass per dispatch) of one training step
// of the small U-Net and of DeepJSCC, written to bench/results/profile.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Engine, tidy, backward, Adam, randUniform, tensor, losses } from '../src/index.js';
import { UNet, SMALL_UNET } from '../src/models/unet.js';
import { DeepJSCC, DEFAULT_JSCC } from '../src/models/deepjscc.js';

const e = await Engine.create();
const report: Record<string, unknown> = { date: new Date().toISOString(), adapter: e.adapterInfo };

async function profile(name: string, step: () => void) {
  step();
  await e.sync();
  e.startProfile();
  const t0 = performance.now();
  step();
  const prof = await e.stopProfile();
  const wall = performance.now() - t0;
  const total = prof.reduce((a, p) => a + p.ms, 0);
  console.log(`${name}: wall ${wall.toFixed(0)} ms (profiled, one pass per dispatch), kernels ${total.toFixed(0)} ms`);
  for (const p of prof.slice(0, 12)) console.log(`  ${p.kernel.padEnd(26)} ${p.ms.toFixed(1).padStart(9)} ms ${String(p.count).padStart(5)} dispatches ${((100 * p.ms) / total).toFixed(1).padStart(5)}%`);
  report[name] = { wallMs: wall, kernelMs: total, kernels: prof };
}

{
  const m = new UNet(e, SMALL_UNET, 1);
  const opt = new Adam(m.params.list());
  const x = randUniform(e, [8, 3, 64, 64], { seed: 1 }, -1, 1);
  await profile('U-Net 64×64 training step, batch 8', () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, new Array(8).fill(300)), x)); opt.update(); }));
  m.dispose();
}
{
  const m = new DeepJSCC(e, DEFAULT_JSCC, 1);
  const opt = new Adam(m.params.list());
  const x = randUniform(e, [16, 3, 64, 64], { seed: 2 });
  const snr = tensor(e, new Array(16).fill(5), [16]);
  await profile('DeepJSCC training step, batch 16', () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, snr, 1), x)); opt.update(); }));
  m.dispose();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/profile.json', JSON.stringify(report, null, 2));
console.log('wrote bench/results/profile.json');
e.destroy();
