// `npm run bench`: per-kernel throughput, ours against tfjs-backend-webgpu and jax-js (same Dawn adapter)
// and onnxruntime-node (CPU), then first-run compile times and the end-to-end rows; a table and JSON
// (bench/results/latest.json plus a timestamped copy). `npm run bench -- --filter matmul --time 500`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { Engine } from '../src/index.js';
import { printTable } from './harness.js';
import { msRow, type BenchContext } from './context.js';
import { convRows, layerRows, matmulRows, memoryRows } from './kernel_rows.js';
import { lpipsRows, modelRows } from './model_rows.js';
import { photoRows } from './photo_rows.js';
import { trainingRows, type TorchTrainBench } from './training_rows.js';
import { loadJaxjs } from './peers/jaxjs.js';
import { loadOrt } from './peers/ort.js';
import { loadTfjs } from './peers/tfjs.js';

const opts = new Command()
  .option('--filter <text>', 'only rows whose section name contains this (matmul, conv, copy, add, sum, softmax, adam, group_norm, attention, pool, channel, compile, lpips, sampler, train, photo)')
  .option('--time <ms>', 'measuring time per shape', (v) => Number(v), 1500)
  .option('--no-peers', 'skip tfjs, jax-js and onnxruntime-node')
  .option('--no-autotune', 'use the untuned default kernel variants')
  .option('--merge', 'with --filter: replace those rows in bench/results/latest.json')
  .option('--skip <sections>', 'comma-separated sections to leave out (e.g. compile, which needs tsx)', (v) => v.split(',').filter(Boolean), [] as string[])
  .parse()
  .opts<{ filter?: string; time: number; peers: boolean; autotune: boolean; merge?: boolean; skip: string[] }>();

const engine = await Engine.create({ autotune: opts.autotune });
const c: BenchContext = {
  engine,
  // jax-js first: it replaces navigator, which tfjs then reuses
  jaxjs: opts.peers ? await loadJaxjs() : null,
  tfjs: opts.peers ? await loadTfjs() : null,
  ort: opts.peers ? await loadOrt(2) : null,
  time: opts.time,
  rows: [],
  want: (name) => (!opts.filter || name.includes(opts.filter)) && !opts.skip.some((s) => name.includes(s)),
};

if (c.want('matmul')) await matmulRows(c);
if (c.want('conv')) await convRows(c);
await memoryRows(c);
await layerRows(c);
if (c.want('compile')) {
  // cold: Mesa's shader cache off; warm: a second process finds the shaders in its on-disk cache
  const run = (env: NodeJS.ProcessEnv) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/first_run.ts'], { encoding: 'utf8', env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`bench/first_run.ts failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, { firstMs: number; secondMs: number }>;
  };
  const cold = run({ MESA_SHADER_CACHE_DISABLE: 'true' });
  run({});
  const warm = run({});
  for (const k of Object.keys(cold)) {
    c.rows.push(msRow(`first call, cold (no shader cache): ${k}`, 'fresh engine', cold[k].firstMs));
    c.rows.push(msRow(`first call, warm (Mesa disk cache): ${k}`, 'fresh engine', warm[k].firstMs));
    c.rows.push(msRow(`second call: ${k}`, 'fresh engine', warm[k].secondMs));
  }
}
if (c.want('lpips')) await lpipsRows(c);
if (c.want('sampler') || c.want('train')) await modelRows(c);
if (c.want('photo')) await photoRows(c);
const torchTraining: TorchTrainBench | null = c.want('train') ? await trainingRows(c) : null;

printTable(c.rows);
const out = {
  date: new Date().toISOString(),
  adapter: engine.adapterInfo,
  node: process.version,
  autotune: { enabled: engine.autotuner.enabled, tuned: engine.autotuner.results },
  peers: { tfjs: !!c.tfjs, jaxjs: !!c.jaxjs, ort: !!c.ort },
  rows: c.rows,
  torchTraining,
};
mkdirSync('bench/results', { recursive: true });
const stamp = out.date.replace(/[:.]/g, '-');
writeFileSync(`bench/results/${stamp}.json`, JSON.stringify(out, null, 2));
if (opts.filter && opts.merge && existsSync('bench/results/latest.json')) {
  // a partial run replaces its own rows (by name) in the full results and leaves the others
  const latest = JSON.parse(readFileSync('bench/results/latest.json', 'utf8')) as typeof out & { merged?: unknown[] };
  const names = new Set(c.rows.map((r) => r.name));
  latest.rows = [...latest.rows.filter((r) => !names.has(r.name)), ...c.rows];
  if (torchTraining) latest.torchTraining = torchTraining;
  (latest.merged ??= []).push({ date: out.date, filter: opts.filter, rows: c.rows.length });
  writeFileSync('bench/results/latest.json.tmp', JSON.stringify(latest, null, 2));
  renameSync('bench/results/latest.json.tmp', 'bench/results/latest.json');
  console.log(`wrote bench/results/${stamp}.json and merged its ${c.rows.length} rows into latest.json`);
} else if (opts.filter) {
  // a partial run does not replace the full results
  console.log(`wrote bench/results/${stamp}.json (filtered run: latest.json unchanged; --merge folds it in)`);
} else {
  writeFileSync('bench/results/latest.json.tmp', JSON.stringify(out, null, 2));
  renameSync('bench/results/latest.json.tmp', 'bench/results/latest.json');
  console.log(`wrote bench/results/latest.json and bench/results/${stamp}.json`);
}
engine.destroy();
