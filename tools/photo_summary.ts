// Merges photo evaluations (per_image.csv of `commin eval --model natural` runs on the same images and
// channel seed, e.g. the separation baselines and the DeepJSCC models run apart) into one summary: means,
// paired 95 % CIs against DeepJSCC, tables and plots.
//   npx tsx tools/photo_summary.ts --out DIR RUN1/per_image.csv RUN2/per_image.csv …
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { readPhotoRows, summarise, writeOutputs } from '../src/eval/photo_eval.js';
import { getMethod } from '../src/pipeline/index.js';
import { registerAvifMethod } from '../src/cli/avif_method.js';
import { prepareOutputDir } from '../src/util/output.js';
import { FACES_ON_PHOTOS } from '../src/cli/commands/eval_photos.js';

registerAvifMethod();
const o = new Command().requiredOption('--out <dir>').option('--seed <n>', 'the runs\' channel seed', Number, 0).argument('<csv...>').parse();
const files = o.args;
const { out, seed } = o.opts<{ out: string; seed: number }>();
const label = (m: string) => (m === FACES_ON_PHOTOS.name ? FACES_ON_PHOTOS.label : getMethod(m).label);
const rows = files.flatMap((f) => readPhotoRows(readFileSync(f, 'utf8'), label, f));
const seen = new Set<string>();
for (const r of rows) {
  const k = `${r.image}|${r.method}|${r.bcr}|${r.snr}`;
  if (seen.has(k)) throw new Error(`${k} is in more than one file`);
  seen.add(k);
}
prepareOutputDir(out);
const images = [...new Set(rows.map((r) => r.image))];
const snrs = [...new Set(rows.map((r) => r.snr))].sort((a, b) => a - b);
writeOutputs({ out, images, snrs, seed, channel: { kind: 'awgn' }, reference: 'deepjscc' }, rows, summarise(rows, 'deepjscc'), console.log);
