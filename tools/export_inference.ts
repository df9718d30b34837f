// Writes the inference weights of a model file: its parameters and metadata without the optimizer state
// (and, for an adversarial model, without the discriminator), stored as F32, F16 or int8 (per-row int8
// weights, F16 for the rest; src/engine/safetensors.ts), for bundling. The training checkpoint stays where it
// is for --resume and --init. The storage of each bundled model, and what it costs in quality, is in
// docs/models.md.
//   npx tsx tools/export_inference.ts SOURCE.safetensors models/NAME.safetensors [--storage f32|f16|int8] [--force]
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSafetensors, serializeSafetensors, type Storage } from '../src/engine/safetensors.js';

const STORAGES: Record<string, Storage> = { f32: 'F32', f16: 'F16', int8: 'I8' };
const args = process.argv.slice(2);
const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const storageName = value('--storage') ?? 'f32';
const [src, out] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--storage');
if (!src || !out || !(storageName in STORAGES)) {
  console.error('usage: export_inference.ts SOURCE OUT [--storage f32|f16|int8] [--force]');
  process.exit(1);
}
if (existsSync(out) && !args.includes('--force')) {
  console.error(`export_inference: '${out}' exists (pass --force to replace it)`);
  process.exit(1);
}
const storage = STORAGES[storageName];
const f = parseSafetensors(new Uint8Array(readFileSync(src)), src);
const kept = new Map([...f.tensors].filter(([n]) => !n.startsWith('optimizer.') && !n.startsWith('discriminator.')));
const metadata: Record<string, string> = { ...f.metadata, inference: 'true', exportedFrom: f.metadata.exportedFrom ?? basename(src), storage: storageName };
delete metadata.adamStep;
delete metadata.dAdamStep;
const tmp = `${out}.${process.pid}.tmp`;
writeFileSync(tmp, serializeSafetensors(kept, metadata, storage));
renameSync(tmp, out);
const params = [...kept.values()].reduce((a, t) => a + t.data.length, 0);
console.log(`${out}: ${kept.size} tensors of ${f.tensors.size} (${params} parameters), ${storageName}`);
