// Renders a bench results file as a Markdown table: `npx tsx tools/bench_table.ts [bench/results/latest.json]`.
import { readFileSync } from 'node:fs';
import type { Row } from '../bench/harness.js';

const file = process.argv[2] ?? 'bench/results/latest.json';
const { rows, date } = JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[]; date: string };
const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(d));
console.log(`Results of ${date} (${file})\n`);
console.log('| kernel | shape | unit | ours | tfjs-webgpu | ours/tfjs | jax-js webgpu | ort cpu (2 threads) | pytorch cpu |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.shape} | ${r.unit} | ${f(r.ours)} | ${f(r.tfjs)} | ${f(r.ratio, 1)} | ${f(r.jaxjs)} | ${f(r.ort)} | ${f(r.pytorch ?? null)} |`);
