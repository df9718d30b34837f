// `npm run profile`: GPU time per kernel (timestamp queries, one pass per dispatch) of one training step
// of the small U-Net and of DeepJSCC, and of one GAN-inversion step, written to bench/results/profile.json.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Engine, tidy, backward, Adam, randUniform, tensor, losses } from '../src/index.js';
import { UNet, SMALL_UNET } from '../src/networks/unet.js';
import { DeepJSCC, DEFAULT_JSCC } from '../src/networks/deepjscc.js';
import { DEFAULT_GENERATOR, Generator } from '../src/networks/generator.js';
import { inversionLoss, measurementOf } from '../src/algorithms/gan_inversion.js';
import { Lpips } from '../src/metrics/lpips.js';
import { requireGrad } from '../src/engine/autograd.js';
import { randNormal } from '../src/kernels/random.js';
import { sum } from '../src/kernels/reduce.js';
import { LPIPS_WEIGHTS } from '../src/cli/defaults.js';
import { Inn, DEFAULT_INN } from '../src/networks/inn.js';
import { innGuidance } from '../src/algorithms/commin.js';
import { Schedule } from '../src/algorithms/diffusion.js';
import { clamp } from '../src/kernels/elementwise.js';
import { diffusionStep, stepCoefficients } from '../src/kernels/diffusion_step.js';

const e = await Engine.create();
const report: Record<string, unknown> = { date: new Date().toISOString(), adapter: e.adapterInfo };

// PROFILE_BY_LABEL=1: one row per kernel and shape label
const byLabel = !!process.env.PROFILE_BY_LABEL;
async function profile(name: string, step: () => void) {
  step();
  await e.sync();
  e.startProfile({ byLabel });
  const t0 = performance.now();
  step();
  const prof = await e.stopProfile();
  const wall = performance.now() - t0;
  const total = prof.reduce((a, p) => a + p.ms, 0);
  console.log(`${name}: wall ${wall.toFixed(0)} ms (profiled, one pass per dispatch), kernels ${total.toFixed(0)} ms`);
  for (const p of prof.slice(0, byLabel ? 40 : 12)) console.log(`  ${p.kernel.padEnd(byLabel ? 60 : 26)} ${p.ms.toFixed(1).padStart(9)} ms ${String(p.count).padStart(5)} dispatches ${((100 * p.ms) / total).toFixed(1).padStart(5)}%`);
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
{
  // one step of the GAN inversion (method inverse): ∂/∂z of MSE + LPIPS through G and the noiseless DeepJSCC
  const g = new Generator(e, DEFAULT_GENERATOR, 3);
  const jscc = new DeepJSCC(e, DEFAULT_JSCC, 4);
  const lp = Lpips.load(e, new Uint8Array(readFileSync(LPIPS_WEIGHTS)), LPIPS_WEIGHTS);
  for (const p of [...g.params.list(), ...jscc.params.list()]) p.requiresGrad = false;
  const y = randUniform(e, [10, 3, 64, 64], { seed: 5 });
  const snr = tensor(e, new Array(10).fill(1), [10]);
  const z = requireGrad(randNormal(e, [10, DEFAULT_GENERATOR.latent], { seed: 6 }));
  const target = { jscc, lpips: lp, snrDb: 1, decoderSnrDb: new Array(10).fill(1) };
  const m = measurementOf(target, 0.1, y);
  await profile('GAN inversion step, batch 10 (λ = 0.1)', () => tidy(() => backward(sum(inversionLoss(target, 0.1, g.forward(z), m, snr, snr)))));
  m.features!.dispose();
  g.dispose();
  jscc.dispose();
}
{
  // one guided CommIN step of the fast preset (t = 100, batch 1): U-Net forward, x̂0, INN forward and
  // inverse (x_inn detached), the per-image distance and its backward through the U-Net to x_t
  const u = new UNet(e, SMALL_UNET, 1);
  const inn = new Inn(e, DEFAULT_INN, 2);
  for (const p of [...u.params.list(), ...inn.params.list()]) p.requiresGrad = false;
  const target = randUniform(e, [1, 3, 16, 16], { seed: 7 });
  const { guidance } = innGuidance(inn, target, { zeta: 1, innGradient: 'detached' });
  const xt = requireGrad(randUniform(e, [1, 3, 64, 64], { seed: 8 }, -1, 1));
  const ab = new Schedule().alphaBar(100);
  await profile('CommIN step (fast preset), batch 1', () => tidy(() => {
    backward(guidance.loss(clamp(diffusionStep(xt, u.forward(xt, [100]), stepCoefficients.x0(ab)), -1, 1), 100));
    xt.grad?.dispose();
    xt.grad = null;
  }));
  u.dispose();
  inn.dispose();
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/profile.json', JSON.stringify(report, null, 2));
console.log('wrote bench/results/profile.json');
e.destroy();
