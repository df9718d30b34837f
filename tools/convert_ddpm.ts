// Converts a DDPM U-Net checkpoint in the DDIM / DDRM naming (ermongroup/ddim models/diffusion.py, e.g.
// celeba_hq.ckpt; torch.save zip format) to the engine's safetensors. The engine's U-Net uses the same
// parameter names, so the mapping is the identity after dropping a DataParallel "module." prefix; linear
// layers keep torch's [out, in] layout. Every tensor is checked against the U-Net built from the config.
//
//   npx tsx tools/convert_ddpm.ts celeba_hq.ckpt models/celeba_hq.safetensors --config paper [--f16]
//   --config paper | small | a JSON file with a UNetConfig
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../src/util/atomic_write.js';
import { Command } from 'commander';
import { serializeSafetensors } from '../src/engine/safetensors.js';
import { Engine } from '../src/engine/engine.js';
import { PAPER_UNET, SMALL_UNET, UNet, type UNetConfig } from '../src/networks/unet.js';
import { DEFAULT_SCHEDULE } from '../src/algorithms/diffusion.js';
import { readTorchCheckpoint } from './convert/torch_checkpoint.js';
import { matchTensors } from './convert/match_tensors.js';

export async function convertDdpm(input: Uint8Array, cfg: UNetConfig, what: string, f16 = false, extraMeta: Record<string, string> = {}): Promise<Uint8Array> {
  const src = readTorchCheckpoint(input, what);
  if ([...src.keys()].some((k) => k.startsWith('input_blocks.'))) {
    throw new Error(`${what}: guided-diffusion naming (input_blocks.…) is not supported; convert a DDIM/DDRM-style checkpoint`);
  }
  const engine = await Engine.create();
  const model = new UNet(engine, cfg);
  let matched: ReturnType<typeof matchTensors>;
  try {
    matched = matchTensors(src, model.params.tensors, what, 'for this U-Net config');
  } finally {
    model.dispose();
    engine.destroy();
  }
  const { out, extra } = matched;
  if (extra.length) console.warn(`${what}: ignored ${extra.length} tensor(s) the config does not use, e.g. ${extra.slice(0, 3).join(', ')}`);
  return serializeSafetensors(out, { config: JSON.stringify(cfg), schedule: JSON.stringify(DEFAULT_SCHEDULE), kind: 'ddpm', source: what, ...extraMeta }, f16 ? 'F16' : 'F32');
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/tools\//, '/tools/'));
if (isMain) {
  const program = new Command()
    .argument('<input>', 'PyTorch checkpoint (.ckpt / .pt / .pth)')
    .argument('<output>', 'safetensors file to write')
    .option('--config <c>', 'paper | small | a JSON file', 'paper')
    .option('--f16', 'store half precision')
    .option('--meta <json>', 'extra metadata (JSON object of strings), e.g. steps and wall time of the run', '{}')
    .action(async (input: string, output: string, o: { config: string; f16?: boolean; meta: string }) => {
      const cfg = o.config === 'paper' ? PAPER_UNET : o.config === 'small' ? SMALL_UNET : (JSON.parse(readFileSync(o.config, 'utf8')) as UNetConfig);
      writeFileAtomic(output, await convertDdpm(new Uint8Array(readFileSync(input)), cfg, input, !!o.f16, JSON.parse(o.meta)));
      console.log(`wrote ${output}`);
    });
  program.parseAsync().catch((e) => {
    console.error(`convert_ddpm: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
