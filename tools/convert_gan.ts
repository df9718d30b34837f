// Converts a face-GAN checkpoint of tools/torch_ref/train_gan.py (torch.save) to the engine's safetensors for
// `--method inverse`: the EMA generator under its plain names (gan.py uses the engine's names and layouts),
// kind 'gan' and the generator config (what src/networks/load_generator.ts needs), and the run's card fields
// (steps, batch, images seen, wall time, stretches with their device, history, command line) for
// tools/model_card.ts. Every tensor is checked against the engine's generator built from the config.
//
//   npx tsx tools/convert_gan.ts runs/gan_64.pt models/gan_64.safetensors [--f16]
import { basename } from 'node:path';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { Command } from 'commander';
import { serializeSafetensors } from '../src/engine/safetensors.js';
import { Engine } from '../src/engine/engine.js';
import { checkGeneratorConfig, Generator, type GeneratorConfig } from '../src/networks/generator.js';
import { readTorchCheckpoint } from './convert/torch_checkpoint.js';
import { unpickle } from './convert/pickle.js';
import { matchTensors } from './convert/match_tensors.js';

/** The checkpoint's "card": a JSON string train_gan.py writes beside the tensors (no pickled objects needed). */
function readCard(input: Uint8Array, what: string): Record<string, unknown> {
  const files = unzipSync(input, { filter: (f) => f.name.endsWith('data.pkl') });
  const pkl = Object.values(files)[0];
  const root = pkl ? unpickle(pkl, () => null) : null;
  const card = root instanceof Map ? root.get('card') : undefined;
  if (typeof card !== 'string') throw new Error(`${what}: no 'card' entry: not a checkpoint of tools/torch_ref/train_gan.py`);
  return JSON.parse(card) as Record<string, unknown>;
}

export async function convertGan(input: Uint8Array, what: string, o: { f16?: boolean; meta?: Record<string, string> } = {}): Promise<Uint8Array> {
  const card = readCard(input, what);
  const c = card.config as GeneratorConfig;
  const cfg: GeneratorConfig = { latent: c.latent, channels: c.channels, groups: c.groups };
  checkGeneratorConfig(cfg);
  const src = readTorchCheckpoint(input, what); // the 'ema' dict: the EMA generator
  const engine = await Engine.create();
  const model = new Generator(engine, cfg);
  let matched: ReturnType<typeof matchTensors>;
  try {
    matched = matchTensors(src, model.params.tensors, what, `for generator ${JSON.stringify(cfg)}`);
  } finally {
    model.dispose();
    engine.destroy();
  }
  const { out, extra } = matched;
  if (extra.length) throw new Error(`${what}: ${extra.length} tensor(s) the generator does not have, e.g. ${extra.slice(0, 3).join(', ')}`);
  const str = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const meta: Record<string, string> = { kind: 'gan', config: JSON.stringify(cfg), source: what, weights: 'ema', trainer: 'tools/torch_ref/train_gan.py' };
  for (const k of ['step', 'seconds', 'runs', 'batch', 'imagesSeen', 'lr', 'dLr', 'emaDecay', 'loss', 'stretches', 'history', 'commandLine', 'device']) {
    if (card[k] !== undefined) meta[k] = str(card[k]);
  }
  return serializeSafetensors(out, { ...meta, ...o.meta }, o.f16 ? 'F16' : 'F32');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/tools\//, '/tools/'));
if (isMain) {
  const program = new Command()
    .argument('<input>', 'checkpoint of tools/torch_ref/train_gan.py (.pt)')
    .argument('<output>', 'safetensors file to write (the inverse method reads models/gan_64.safetensors)')
    .option('--f16', 'store half precision')
    .option('--meta <json>', 'extra metadata (JSON object of strings)', '{}')
    .action(async (input: string, output: string, o: { f16?: boolean; meta: string }) => {
      const bytes = await convertGan(new Uint8Array(readFileSync(input)), basename(input), { f16: !!o.f16, meta: JSON.parse(o.meta) });
      writeFileSync(`${output}.tmp`, bytes);
      renameSync(`${output}.tmp`, output);
      console.log(`wrote ${output}`);
    });
  program.parseAsync().catch((e) => {
    console.error(`convert_gan: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
