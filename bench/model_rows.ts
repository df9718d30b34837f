// End-to-end rows: LPIPS throughput, sampler step latency, the CommIN step split, training images/s and
// the run's peak memory (the 256×256 paper U-Net is opt-in: BENCH_PAPER=1).
import { readFileSync } from 'node:fs';
import { Adam, backward, diffusionStep, losses, noGrad, randUniform, stepCoefficients, tensor, tidy } from '../src/index.js';
import { msRow, timeOurs, type BenchContext } from './context.js';
import { LPIPS_WEIGHTS } from '../src/cli/defaults.js';

export async function lpipsRows(c: BenchContext): Promise<void> {
  const { Lpips } = await import('../src/metrics/lpips.js');
  const { engine, rows } = c;
  const lp = Lpips.load(engine, new Uint8Array(readFileSync(LPIPS_WEIGHTS)));
  for (const [n, s] of [[16, 64], [2, 256]]) {
    const a = randUniform(engine, [n, 3, s, s], { seed: 15 });
    const b = randUniform(engine, [n, 3, s, s], { seed: 16 });
    const o = await timeOurs(c, () => lp.distance(a, b), 1);
    rows.push({ name: 'lpips squeeze (image pairs/s)', shape: `${n}x3x${s}x${s}`, unit: 'pairs/s', ours: n / (o.medianMs / 1000), tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs: o.firstRunMs, medianMs: o.medianMs });
    a.dispose();
    b.dispose();
  }
  lp.dispose();
}

/** Sampler step latency, the CommIN step split, training throughput, peak memory. */
export async function modelRows(c: BenchContext): Promise<void> {
  const { engine, rows } = c;
  const { UNet, SMALL_UNET, PAPER_UNET } = await import('../src/networks/unet.js');
  const { Schedule } = await import('../src/algorithms/diffusion.js');
  const { Inn, DEFAULT_INN } = await import('../src/networks/inn.js');
  const { comminSample } = await import('../src/algorithms/commin.js');
  const { DeepJSCC, DEFAULT_JSCC } = await import('../src/networks/deepjscc.js');
      const sched = new Schedule();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  // the first (compiling) run apart, the autotuner run on the shapes it met, one warm-up, then the median
  const firstAndMedian = async (run: () => Promise<number>, reps: number) => {
    const first = await run();
    await engine.autotune();
    await run();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await run());
    return { first, med: median(times) };
  };
  // one plain sampler step: U-Net forward + fused update, batch 1
  const plainStep = async (cfg: typeof SMALL_UNET, reps: number, label: string) => {
    const u = new UNet(engine, cfg, 1);
    const x = randUniform(engine, [1, 3, cfg.resolution, cfg.resolution], { seed: 1 }, -1, 1);
    const step = async () => {
      const t0 = performance.now();
      const y = noGrad(() => tidy(() => diffusionStep(x, u.forward(x, [500]), { ...stepCoefficients.ddim(0.5, 0.6, 0), sigma: 0 })));
      await engine.sync();
      y.dispose();
      return performance.now() - t0;
    };
    const { first, med } = await firstAndMedian(step, reps);
    rows.push(msRow(`sampler step (U-Net fwd + update) ${label}`, `1x3x${cfg.resolution}x${cfg.resolution}, ${(u.params.count() / 1e6).toFixed(1)}M params`, med, first));
    u.dispose();
    x.dispose();
  };
  await plainStep(SMALL_UNET, 20, 'small config');
  // the paper config takes minutes per step on a CPU adapter: opt in with BENCH_PAPER=1
  if (process.env.BENCH_PAPER) await plainStep(PAPER_UNET, 2, 'paper config (random weights)');
  // a CommIN step, split into its phases (the paper config at 256×256 is opt-in like above)
  const comminSplit = async (cfg: typeof SMALL_UNET, steps: number, skip: number, label: string) => {
    const u = new UNet(engine, cfg, 1);
    const inn = new Inn(engine, DEFAULT_INN, 1);
    const R = cfg.resolution;
    const y = randUniform(engine, [1, 3, R, R], { seed: 2 });
    const split: Record<string, number[]> = { unet: [], guidance: [], update: [] };
    const out = await comminSample(u, inn, sched, y, { method: 'ddim', steps, seed: 1, zeta: 0.4, startT: 500, profile: true,
      onStep: ({ i, ms }) => { if (i >= skip) for (const k of Object.keys(split)) split[k].push(ms[k as keyof typeof ms]); } });
    out.dispose();
    for (const [k, v] of Object.entries(split)) rows.push(msRow(`CommIN step: ${k === 'guidance' ? 'INN guidance (forward, inverse, backward)' : k === 'unet' ? 'U-Net forward + x̂0' : 'update'}`, `1x3x${R}x${R} ${label}`, median(v)));
    u.dispose();
    inn.dispose();
    y.dispose();
  };
  await comminSplit(SMALL_UNET, 12, 2, 'small U-Net');
  // the fast preset as users run it (transmit, demo, web page; the gradient through the U-Net): whole
  // 10-step runs, no phase syncs, per step; beside it the same preset with the U-Net's Jacobian dropped
  const { presetOptions } = await import('../src/algorithms/commin_presets.js');
  const fastRun = async (unetGradient: 'through' | 'detached', runs: number) => {
    const u = new UNet(engine, SMALL_UNET, 1);
    const inn = new Inn(engine, DEFAULT_INN, 1);
    const y = randUniform(engine, [1, 3, 64, 64], { seed: 2 });
    const o = { ...presetOptions('fast', 1, 1), unetGradient };
    const once = async () => {
      const t0 = performance.now();
      const out = await comminSample(u, inn, sched, y, o);
      await engine.sync();
      out.dispose();
      return (performance.now() - t0) / (o.steps ?? 1);
    };
    const { first, med } = await firstAndMedian(once, runs);
    rows.push(msRow(`CommIN step, fast preset (U-Net gradient ${unetGradient})`, '1x3x64x64 small U-Net, 10-step runs', med, first));
    u.dispose();
    inn.dispose();
    y.dispose();
  };
  await fastRun('detached', 7);
  await fastRun('through', 7);
  if (process.env.BENCH_PAPER) await comminSplit(PAPER_UNET, 4, 1, 'paper U-Net (random weights)');
  // training throughput
  const trainRate = async (name: string, make: () => { step: () => void; dispose: () => void }, batch: number, reps: number) => {
    const m = make();
    m.step();
    await engine.autotune(); // tune the step's shape classes before timing (when tuning is on)
    m.step();
    await engine.sync();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) {
      m.step();
      await engine.throttle();
    }
    await engine.sync();
    const s = (performance.now() - t0) / 1000;
    rows.push({ name, shape: `batch ${batch}`, unit: 'images/s', ours: (reps * batch) / s, tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs: null, medianMs: (s * 1000) / reps });
    m.dispose();
  };
  await trainRate('training DeepJSCC 64×64 BCR 1/48', () => {
    const m = new DeepJSCC(engine, DEFAULT_JSCC, 1);
    const opt = new Adam(m.params.list());
    const x = randUniform(engine, [16, 3, 64, 64], { seed: 3 });
    const snr = tensor(engine, new Array(16).fill(5), [16]);
    return { step: () => tidy(() => { opt.zeroGrad(); backward(losses.mse(m.forward(x, snr, 1), x)); opt.update(); }), dispose: () => { m.dispose(); opt.dispose(); x.dispose(); } };
  }, 16, 10);
  rows.push({ name: 'peak GPU memory of the run (buffer pool)', shape: '-', unit: 'MiB', ours: engine.pool.peakAllocatedBytes / 2 ** 20, tfjs: null, ratio: null, jaxjs: null, ort: null });
}

