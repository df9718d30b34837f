// Converts a control-branch checkpoint of tools/torch_ref/train_control.py (torch.save; its EMA weights) to
// the engine's safetensors for `--method diffjscc`. The U-Net config comes from the prior the branch was
// trained on (--prior, whose file name and sha256 are recorded), the stem width from the stem's weights;
// every tensor is checked against the engine's ControlNet built from that config.
//
//   npx tsx tools/convert_control.ts runs/control_64.pt models/control_64.safetensors --prior models/prior_64.safetensors
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { parseSafetensors, serializeSafetensors } from '../src/engine/safetensors.js';
import { Engine } from '../src/engine/engine.js';
import { CONTROL_DEFAULTS, ControlNet, type ControlConfig } from '../src/networks/control.js';
import type { UNetConfig } from '../src/networks/unet.js';
import { readTorchCheckpoint } from './convert/torch_checkpoint.js';
import { matchTensors } from './convert/match_tensors.js';

export async function convertControl(input: Uint8Array, priorBytes: Uint8Array, what: string, o: { snrScale?: number; f16?: boolean; priorName?: string; meta?: Record<string, string> } = {}): Promise<Uint8Array> {
  const src = readTorchCheckpoint(input, what);
  const unet = JSON.parse(parseSafetensors(priorBytes, 'prior').metadata.config ?? 'null') as UNetConfig | null;
  if (!unet?.chMult) throw new Error('the prior has no U-Net config in its metadata');
  const stem = src.get('cond_stem.0.weight');
  if (!stem) throw new Error(`${what}: no 'cond_stem.0.weight': not a control-branch checkpoint`);
  const cfg: ControlConfig = { unet, stemChannels: stem.shape[0], snrScale: o.snrScale ?? CONTROL_DEFAULTS.snrScale };
  const engine = await Engine.create();
  const model = new ControlNet(engine, cfg);
  let matched: ReturnType<typeof matchTensors>;
  try {
    const names = [...[...model.copy.params.tensors].map(([n, t]) => [`copy.${n}`, t] as const), ...model.own.tensors];
    matched = matchTensors(src, names, what, "for the prior's config");
  } finally {
    model.dispose();
    engine.destroy();
  }
  const { out, extra } = matched;
  if (extra.length) throw new Error(`${what}: ${extra.length} tensor(s) the branch does not have, e.g. ${extra.slice(0, 3).join(', ')}`);
  const prior = { file: o.priorName ?? 'prior', sha256: createHash('sha256').update(priorBytes).digest('hex') };
  return serializeSafetensors(out, { config: JSON.stringify(cfg), kind: 'control', prior: JSON.stringify(prior), source: what, ...o.meta }, o.f16 ? 'F16' : 'F32');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/tools\//, '/tools/'));
if (isMain) {
  const program = new Command()
    .argument('<input>', 'checkpoint of tools/torch_ref/train_control.py (.pt)')
    .argument('<output>', 'safetensors file to write')
    .option('--prior <file>', 'the prior the branch was trained on', 'models/prior_64.safetensors')
    .option('--snr-scale <x>', 'the --snr-scale the branch was trained with', String(CONTROL_DEFAULTS.snrScale))
    .option('--f16', 'store half precision')
    .option('--meta <json>', 'extra metadata (JSON object of strings)', '{}')
    .action(async (input: string, output: string, o: { prior: string; snrScale: string; f16?: boolean; meta: string }) => {
      const bytes = await convertControl(new Uint8Array(readFileSync(input)), new Uint8Array(readFileSync(o.prior)), basename(input), {
        snrScale: Number(o.snrScale), f16: !!o.f16, priorName: basename(o.prior), meta: JSON.parse(o.meta),
      });
      writeFileSync(`${output}.tmp`, bytes);
      renameSync(`${output}.tmp`, output);
      console.log(`wrote ${output}`);
    });
  program.parseAsync().catch((e) => {
    console.error(`convert_control: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
