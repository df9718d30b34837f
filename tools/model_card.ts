// Writes the card of a trained model next to it (FILE.card.json): what it is, the command line, data
// split, steps, wall time and validation history, read from the checkpoint's metadata.
//   npx tsx tools/model_card.ts models/deepjscc_64_bcr1-48.safetensors
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseSafetensors } from '../src/engine/safetensors.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: model_card.ts FILE.safetensors');
  process.exit(1);
}
const f = parseSafetensors(new Uint8Array(readFileSync(file)), file);
const m = f.metadata;
const json = (k: string) => {
  try {
    return m[k] === undefined ? undefined : JSON.parse(m[k]);
  } catch {
    return m[k];
  }
};
let params = 0;
// the adversarial DeepJSCC carries its discriminator (weights, Adam state, spectral-norm vectors) for resuming
let discriminatorParams = 0;
for (const [n, t] of f.tensors) {
  if (n.startsWith('discriminator.')) {
    if (!n.includes('optimizer.') && !n.endsWith('.sn_u') && !n.endsWith('.sn_v')) discriminatorParams += t.data.length;
  } else if (!n.startsWith('optimizer.') && !n.startsWith('ema.')) params += t.data.length;
}
const history = (json('history') as unknown[] | undefined) ?? [];
const cardPath = file.replace(/\.safetensors$/, '.card.json');
// evaluations are appended by `commin prior-eval --record`, and how the bundled file is stored is written
// with it (docs/models.md): a rewritten card keeps both
const previous = existsSync(cardPath) ? (JSON.parse(readFileSync(cardPath, 'utf8')) as { evaluations?: unknown[]; storage?: unknown }) : {};
const card = {
  file,
  kind: m.kind ?? (m.config?.includes('bcr') ? 'deepjscc' : 'unknown'),
  config: json('config'),
  parameters: params,
  /** Training loss, its weights and the model it was fine-tuned from, where the run recorded them (adversarial DeepJSCC). */
  loss: m.loss,
  lossWeights: json('lossWeights'),
  init: json('init') ?? undefined,
  /** The channel trained over, where the run recorded it (DeepJSCC; absent: AWGN). */
  channel: json('channel'),
  learningRates: m.dLr === undefined ? undefined : { generator: json('lr'), discriminator: json('dLr') },
  discriminator: m.discriminator === undefined ? undefined : { config: json('discriminator'), parameters: discriminatorParams, spectralNorm: true },
  commandLine: m.commandLine ?? m.command,
  dataSplit: m.split ?? 'train/val by fnv1a32(file name) % 1000 < 50 → val (UTKFace: 8,816 train, 492 val)',
  steps: Number(m.step ?? 0),
  batch: m.batch === undefined ? undefined : Number(m.batch),
  imagesSeen: m.batch === undefined ? undefined : Number(m.step ?? 0) * Number(m.batch),
  runs: Number(m.runs ?? 1),
  wallTimeHours: +(Number(m.seconds ?? 0) / 3600).toFixed(3),
  /** Where each stretch of training ran (steps, hours, machine), when the run recorded it. */
  stretches: json('stretches'),
  lastValidation: history[history.length - 1] ?? null,
  history,
  containsOptimizerState: [...f.tensors.keys()].some((k) => k.startsWith('optimizer.')),
  source: m.source,
  evaluations: previous.evaluations,
  storage: previous.storage ?? m.storage ?? 'f32',
};
writeFileSync(`${cardPath}.tmp`, JSON.stringify(card, null, 2) + '\n');
renameSync(`${cardPath}.tmp`, cardPath);
console.log(`wrote ${cardPath}`);
