// Training throughput: the 64×64 prior config (the engine's trainer next to the PyTorch reference on this CPU,
// tools/torch_ref/bench_train.py: 1 and 2 threads, channels-last, bfloat16, so the documented training path is the fastest
// one measured), and the DeepJSCC steps of the MSE and the adversarial (MSE + LPIPS + GAN) trainers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchContext } from './context.js';
import type { Row } from './harness.js';

export interface TorchTrainBench {
  torch: string;
  blas: string;
  rows: { variant: string; threads?: number; batch?: number; imagesPerSecond?: number; medianStepMs?: number; firstStepMs?: number; error?: string }[];
}

// Debian's Python with its torch here; BENCH_PYTHON elsewhere (a GPU machine's CUDA build), and
// BENCH_TORCH_VARIANTS to pick bench_train.py's variants (its CUDA ones, say)
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

/** Runs the PyTorch reference bench; null (with the reason printed) where Python or torch is missing. */
export function torchTrainBench(batch: number, steps: number): TorchTrainBench | null {
  if (PYTHON.includes('/') && !existsSync(PYTHON)) {
    console.warn(`skipped: the PyTorch reference rows (no ${PYTHON})`);
    return null;
  }
  const variants = process.env.BENCH_TORCH_VARIANTS ? ['--variants', process.env.BENCH_TORCH_VARIANTS] : [];
  const r = spawnSync(PYTHON, ['tools/torch_ref/bench_train.py', '--batch', String(batch), '--steps', String(steps), ...variants], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`skipped: the PyTorch reference rows (${(r.stderr || '').trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchTrainBench;
}

export async function trainingRows(c: BenchContext): Promise<TorchTrainBench | null> {
  const { engine, rows } = c;
  const { UNet, SMALL_UNET } = await import('../src/networks/unet.js');
  const { Adam, backward, losses, randUniform, tidy } = await import('../src/index.js');
  const batch = 16;
  const m = new UNet(engine, SMALL_UNET, 1);
  const opt = new Adam(m.params.list());
  const x = randUniform(engine, [batch, 3, 64, 64], { seed: 4 }, -1, 1);
  const t = Array.from({ length: batch }, (_, i) => (i * 61) % 1000);
  const step = () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, t), x)); opt.update(); });
  const { first, med } = await timeSteps(c, step);
  m.dispose();
  opt.dispose();
  x.dispose();
  const shape = `batch ${batch}, 64×64, 1.53M params`;
  const row = (name: string, ours: number | null, pytorch: number | null, medianMs: number | null, firstRunMs: number | null): Row =>
    ({ name, shape, unit: 'images/s', ours, tfjs: null, ratio: null, jaxjs: null, ort: null, pytorch, medianMs, firstRunMs });
  rows.push(row('training U-Net (prior config): engine trainer', (batch * 1000) / med, null, med, first));
  for (const r of await jsccTrainingRows(c, batch)) rows.push(r);
  const torch = torchTrainBench(batch, 6);
  for (const v of torch?.rows ?? []) {
    if (v.error) console.warn(`PyTorch reference ${v.variant}: ${v.error}`);
    else rows.push(row(`training U-Net (prior config): PyTorch reference ${v.variant}${v.variant.endsWith('cuda') ? '' : ' (CPU)'}`, null, v.imagesPerSecond!, v.medianStepMs!, v.firstStepMs!));
  }
  return torch;
}

/** First-step time, then the median of three steps after autotuning (the harness's convention). */
async function timeSteps(c: BenchContext, step: () => void): Promise<{ first: number; med: number }> {
  const { engine } = c;
  const t0 = performance.now();
  step();
  await engine.sync();
  const first = performance.now() - t0;
  await engine.autotune();
  step();
  await engine.sync();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    step();
    await engine.sync();
    times.push(performance.now() - s);
  }
  return { first, med: [...times].sort((a, b) => a - b)[1] };
}

/**
 * DeepJSCC training steps (64×64, BCR 1/48): the MSE trainer's step, and the adversarial trainer's
 * (generator forward, a spectral-norm PatchGAN update, then MSE + LPIPS-squeeze + hinge GAN for the generator).
 */
async function jsccTrainingRows(c: BenchContext, batch: number): Promise<Row[]> {
  const { engine } = c;
  const { readFileSync } = await import('node:fs');
  const { DeepJSCC, DEFAULT_JSCC } = await import('../src/networks/deepjscc.js');
  const { Discriminator } = await import('../src/networks/discriminator.js');
  const { Lpips } = await import('../src/metrics/lpips.js');
  const { LPIPS_WEIGHTS } = await import('../src/cli/defaults.js');
  const { DEFAULT_ADV_WEIGHTS, discriminatorStep, generatorTerms } = await import('../src/train/train_adv_jscc.js');
  const { Adam, backward, losses, randUniform, tensor, tidy } = await import('../src/index.js');
  const g = new DeepJSCC(engine, DEFAULT_JSCC, 1);
  const d = new Discriminator(engine, undefined, 2);
  const lpips = Lpips.load(engine, new Uint8Array(readFileSync(LPIPS_WEIGHTS)), LPIPS_WEIGHTS);
  const gOpt = new Adam(g.params.list());
  const dOpt = new Adam(d.params.list(), { beta1: 0.5 });
  const x = randUniform(engine, [batch, 3, 64, 64], { seed: 5 }, 0, 1);
  const snr = tensor(engine, Array.from({ length: batch }, (_, i) => (i * 20) / batch), [batch]);
  let k = 0;
  const mseStep = () => tidy(() => { gOpt.zeroGrad(); backward(losses.mse(g.forward(x, snr, 1, k++), x)); gOpt.update(); });
  const advStep = () => tidy(() => {
    const y = g.forward(x, snr, 1, k++);
    discriminatorStep(d, dOpt, x, y);
    gOpt.zeroGrad();
    backward(generatorTerms(y, x, d, lpips, DEFAULT_ADV_WEIGHTS).total);
    gOpt.update();
  });
  const shape = `batch ${batch}, 64×64, BCR 1/48`;
  const out: Row[] = [];
  for (const [name, step] of [['training DeepJSCC (MSE): engine trainer', mseStep], ['training DeepJSCC (MSE + LPIPS + GAN, D included): engine trainer', advStep]] as const) {
    const { first, med } = await timeSteps(c, step);
    out.push({ name, shape, unit: 'images/s', ours: (batch * 1000) / med, tfjs: null, ratio: null, jaxjs: null, ort: null, pytorch: null, medianMs: med, firstRunMs: first });
  }
  for (const m of [g, d, lpips, gOpt, dOpt, x, snr]) m.dispose();
  return out;
}
