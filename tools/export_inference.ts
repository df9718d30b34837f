// Writes the inference weights of a trained DeepJSCC checkpoint: its parameters and metadata without the
// optimizer state (and, for the adversarial model, without the discriminator), for bundling. The training
// checkpoint stays where it is for --resume and --init.
//   npx tsx tools/export_inference.ts RUN.safetensors models/natural_bcr1-48.safetensors [--f16] [--force]
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSafetensors, serializeSafetensors } from '../src/engine/safetensors.js';

const args = process.argv.slice(2);
const [src, out] = args.filter((a) => !a.startsWith('--'));
if (!src || !out) {
  console.error('usage: export_inference.ts CHECKPOINT OUT [--f16] [--force]');
  process.exit(1);
}
if (existsSync(out) && !args.includes('--force')) {
  console.error(`export_inference: '${out}' exists (pass --force to replace it)`);
  process.exit(1);
}
const f = parseSafetensors(new Uint8Array(readFileSync(src)), src);
const kept = new Map([...f.tensors].filter(([n]) => !n.startsWith('optimizer.') && !n.startsWith('discriminator.')));
const metadata = { ...f.metadata, inference: 'true', exportedFrom: basename(src) };
delete (metadata as Record<string, string>).adamStep;
delete (metadata as Record<string, string>).dAdamStep;
const tmp = `${out}.${process.pid}.tmp`;
writeFileSync(tmp, serializeSafetensors(kept, metadata, args.includes('--f16') ? 'F16' : 'F32'));
renameSync(tmp, out);
console.log(`${out}: ${kept.size} tensors of ${f.tensors.size} (${[...kept.values()].reduce((a, t) => a + t.data.length, 0)} parameters), ${args.includes('--f16') ? 'F16' : 'F32'}`);
