// Training throughput of the 64×64 prior config, one section: the engine's trainer next to the PyTorch
// reference on this CPU (tools/torch_ref/bench_train.py: 1 and 2 threads, channels-last, bfloat16), so the
// documented training path is the fastest one measured.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { BenchContext } from './context.js';
import type { Row } from './harness.js';

export interface TorchTrainBench {
  torch: string;
  blas: string;
  rows: { variant: string; threads?: number; batch?: number; imagesPerSecond?: number; medianStepMs?: number; firstStepMs?: number; error?: string }[];
}

const PYTHON = '/usr/bin/python3';

/** Runs the PyTorch reference bench; null (with the reason printed) where Python or torch is missing. */
export function torchTrainBench(batch: number, steps: number): TorchTrainBench | null {
  if (!existsSync(PYTHON)) {
    console.warn(`skipped: the PyTorch reference rows (no ${PYTHON})`);
    return null;
  }
  const r = spawnSync(PYTHON, ['tools/torch_ref/bench_train.py', '--batch', String(batch), '--steps', String(steps)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`skipped: the PyTorch reference rows (${(r.stderr || '').trim().split('\n').pop()})`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchTrainBench;
}

export async function trainingRows(c: BenchContext): Promise<TorchTrainBench | null> {
  const { engine, rows } = c;
  const { UNet, SMALL_UNET } = await import('../src/models/unet.js');
  const { Adam, backward, losses, randUniform, tidy } = await import('../src/index.js');
  const batch = 16;
  const m = new UNet(engine, SMALL_UNET, 1);
  const opt = new Adam(m.params.list());
  const x = randUniform(engine, [batch, 3, 64, 64], { seed: 4 }, -1, 1);
  const t = Array.from({ length: batch }, (_, i) => (i * 61) % 1000);
  const step = () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, t), x)); opt.update(); });
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
  const med = [...times].sort((a, b) => a - b)[1];
  m.dispose();
  opt.dispose();
  x.dispose();
  const shape = `batch ${batch}, 64×64, 1.53M params`;
  const row = (name: string, ours: number | null, pytorch: number | null, medianMs: number | null, firstRunMs: number | null): Row =>
    ({ name, shape, unit: 'images/s', ours, tfjs: null, ratio: null, jaxjs: null, ort: null, pytorch, medianMs, firstRunMs });
  rows.push(row('training U-Net (prior config): engine trainer', (batch * 1000) / med, null, med, first));
  const torch = torchTrainBench(batch, 6);
  for (const v of torch?.rows ?? []) {
    if (v.error) console.warn(`PyTorch reference ${v.variant}: ${v.error}`);
    else rows.push(row(`training U-Net (prior config): PyTorch reference ${v.variant} (CPU)`, null, v.imagesPerSecond!, v.medianStepMs!, v.firstStepMs!));
  }
  return torch;
}
