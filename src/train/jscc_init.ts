// Warm start of a DeepJSCC from a trained one of another bandwidth ratio: every tensor is copied, and the
// few whose shape follows the latent's channel count (the encoder's last layer and its attention, the
// decoder's first conv) are mapped channel by channel — new latent channel j takes old channel j mod c_old.
// Where a channel is repeated, the weights that sum over it are divided by its number of copies, so a model
// with the latent repeated computes exactly what the old one did (tested); a narrower latent keeps the
// first channels and the rest is left to training.
import type { HostTensor } from '../engine/safetensors.js';
import { readFlaggedCheckpoint } from './checkpoint.js';
import { widen } from './jscc_widen.js';
import type { DeepJSCC, DeepJsccConfig } from '../networks/deepjscc.js';

/** How a latent-sized axis maps: 'pick' copies old channel j mod c_old; 'sum' also divides by its copies. */
type AxisMap = 'pick' | 'sum';

/** The latent-dependent tensors of a DeepJSCC with the map of their axes (undefined: axis unchanged). */
function latentAxes(name: string, last: number): (AxisMap | undefined)[] | null {
  const enc = `encoder.${last}.`;
  if (name === `${enc}conv.weight`) return ['pick'];
  if (name === `${enc}conv.bias` || name === `${enc}prelu` || name === `${enc}af.fc1.bias` || name === `${enc}af.fc2.bias`) return ['pick'];
  // fc1 is [c + 1, c]: rows = (channel means, SNR); fc2 is [c, c]
  if (name === `${enc}af.fc1.weight` || name === `${enc}af.fc2.weight`) return ['sum', 'pick'];
  if (name === 'decoder.0.conv.weight') return ['sum'];
  return null;
}

/** One latent-sized axis of length cNew (plus `extra` trailing rows kept as they are) from one of cOld. */
function remapAxis(t: HostTensor, axis: number, map: AxisMap, cOld: number, cNew: number): HostTensor {
  const extra = t.shape[axis] - cOld; // fc1's SNR row
  const shape = t.shape.map((d, i) => (i === axis ? cNew + extra : d));
  const inner = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = t.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < cNew + extra; j++) {
      const src = j < cNew ? j % cOld : cOld + (j - cNew);
      const copies = j < cNew ? Math.floor((cNew - 1 - src) / cOld) + 1 : 1;
      const scale = map === 'sum' ? 1 / copies : 1;
      const from = (o * t.shape[axis] + src) * inner;
      const to = (o * shape[axis] + j) * inner;
      for (let i = 0; i < inner; i++) data[to + i] = t.data[from + i] * scale;
    }
  }
  return { shape, data };
}

/** The tensors of a DeepJSCC with cOld latent channels, mapped to cNew. */
export function adaptLatent(src: Map<string, HostTensor>, cOld: number, cNew: number): Map<string, HostTensor> {
  // the encoder's last layer meets the latent: the highest encoder.<i> the checkpoint holds
  const last = Math.max(...[...src.keys()].map((n) => Number(/^encoder\.(\d+)\.conv\.weight$/.exec(n)?.[1] ?? -1)));
  const out = new Map<string, HostTensor>();
  for (const [name, t] of src) {
    const axes = latentAxes(name, last);
    let u = t;
    if (axes && cOld !== cNew) axes.forEach((m, axis) => m && (u = remapAxis(u, axis, m, cOld, cNew)));
    out.set(name, u);
  }
  return out;
}

/** The config stored in a DeepJSCC checkpoint's metadata, and its tensors. */
export function readJsccCheckpoint(path: string): { config: DeepJsccConfig; tensors: Map<string, HostTensor> } {
  const f = readFlaggedCheckpoint<DeepJsccConfig>(path, '--init', 'DeepJSCC');
  if (typeof f.config.size !== 'number' || !Array.isArray(f.config.bcr)) throw new Error(`--init '${path}': not a DeepJSCC checkpoint (its config has no size and BCR)`);
  return f;
}

/** The config stored in a DeepJSCC checkpoint's metadata. */
export function checkpointConfig(path: string): DeepJsccConfig {
  return readJsccCheckpoint(path).config;
}

/**
 * Loads `path` (a DeepJSCC checkpoint, any size and BCR) into `model`, its latent adapted to the model's;
 * the model's hidden channels may be wider (jscc_widen.ts), its SNR-adaptivity must match. Returns the
 * checkpoint's config.
 */
export function initFromOtherRate(model: DeepJSCC, path: string): DeepJsccConfig {
  const { config: cfg, tensors } = readJsccCheckpoint(path);
  const attention = (a: boolean) => (a ? '' : ' without SNR attention');
  const narrower = cfg.channels.some((c, i) => c > model.cfg.channels[i]);
  if (narrower || cfg.snrAdaptive !== model.cfg.snrAdaptive) {
    throw new Error(`--init '${path}' has hidden channels ${cfg.channels.join(',')}${attention(cfg.snrAdaptive)}; this model needs ${model.cfg.channels.join(',')}${attention(model.cfg.snrAdaptive)}`);
  }
  const arch = (c: DeepJsccConfig) => `${c.downsample ?? 2} stride-2 stages, norm ${c.norm ?? 'none'}`;
  if (arch(cfg) !== arch(model.cfg)) throw new Error(`--init '${path}' has ${arch(cfg)}; this model has ${arch(model.cfg)}`);
  const cOld = tensors.get('decoder.0.conv.weight')?.shape[0];
  if (!cOld) throw new Error(`--init '${path}': no tensor 'decoder.0.conv.weight'`);
  const params = [...tensors].filter(([n]) => !n.startsWith('optimizer.'));
  const adapted = adaptLatent(new Map(params), cOld, model.latent);
  // wider hidden channels: grown around the old ones, the old function kept (jscc_widen.ts)
  const shapes = new Map([...model.params.tensors].map(([n, t]) => [n, t.shape] as [string, readonly number[]]));
  model.params.loadHost(widen(adapted, shapes, model.params.seed), path);
  return cfg;
}
