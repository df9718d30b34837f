// Timing: first run (includes pipeline compile) reported apart, then tinybench's median over many runs.
import { Bench } from 'tinybench';

export interface Row {
  name: string;
  shape: string;
  unit: 'GFLOP/s' | 'GB/s' | 'ms' | 'pairs/s' | 'images/s' | 'MiB' | 'ops/s' | 'dB';
  ours: number | null;
  tfjs: number | null;
  ratio: number | null;
  jaxjs: number | null;
  ort: number | null;
  /** The PyTorch reference on the CPU (training rows). */
  pytorch?: number | null;
  /** First call, shader compile included (ms). */
  firstRunMs?: number | null;
  /** Median time of one op (ms). */
  medianMs?: number | null;
}

export interface Timing {
  firstRunMs: number;
  medianMs: number;
}

/**
 * Times `run`, which issues `perCall` ops and waits for them. Returns per-op times.
 * `time` (ms) bounds the measurement per shape; at least `minIterations` samples.
 */
export async function timeOp(run: () => Promise<void>, perCall: number, time = 1500, minIterations = 10): Promise<Timing> {
  const t0 = performance.now();
  await run();
  const firstRunMs = (performance.now() - t0) / perCall;
  const bench = new Bench({ time, iterations: minIterations, warmup: true, warmupIterations: 2, warmupTime: 0 });
  bench.add('op', run);
  await bench.run();
  const r = bench.tasks[0].result as unknown as { latency?: { p50: number }; error?: unknown };
  if (!r.latency) throw new Error(`benchmark failed: ${String(r.error)}`);
  return { firstRunMs, medianMs: r.latency.p50 / perCall };
}

export function fmt(v: number | null, digits = 2): string {
  return v === null ? '—' : v.toFixed(digits);
}

export function printTable(rows: Row[]): void {
  const head = ['kernel', 'shape', 'unit', 'ours', 'tfjs-webgpu', 'ours/tfjs', 'jax-js webgpu', 'ort cpu', 'pytorch cpu', 'first run ms'];
  const lines = rows.map((r) => [r.name, r.shape, r.unit, fmt(r.ours), fmt(r.tfjs), fmt(r.ratio), fmt(r.jaxjs), fmt(r.ort), fmt(r.pytorch ?? null), fmt(r.firstRunMs ?? null, 1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(line(l));
}
