// Reads PyTorch checkpoints written by torch.save (the zip format of torch ≥ 1.6): data.pkl holds the
// object with persistent ids naming storages stored as archive/data/<key>. Returns the float tensors of the
// state dict (a top-level dict, or the dict under 'state_dict' / 'model' / 'ema'), converted to float32.
import { unzipSync } from 'fflate';
import { unpickle, type Global, type Reduced } from './pickle.js';
import type { HostTensor } from '../../src/engine/safetensors.js';

interface Storage { dtype: string; key: string; numel: number }

const DTYPE_SIZE: Record<string, number> = { FloatStorage: 4, HalfStorage: 2, DoubleStorage: 8, BFloat16Storage: 2, LongStorage: 8, IntStorage: 4 };

function f16(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function readTorchCheckpoint(bytes: Uint8Array, what = 'checkpoint'): Map<string, HostTensor> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw new Error(`${what}: not a torch.save zip archive (legacy pre-1.6 checkpoints: re-save them with a current PyTorch)`);
  }
  const pklName = Object.keys(files).find((n) => n.endsWith('/data.pkl') || n === 'data.pkl');
  if (!pklName) throw new Error(`${what}: no data.pkl in the archive`);
  const prefix = pklName.slice(0, pklName.length - 'data.pkl'.length);
  const root = unpickle(files[pklName], (pid) => {
    const [kind, type, key, , numel] = pid as [string, Global, string, string, number];
    if (kind !== 'storage') throw new Error(`${what}: unknown persistent id ${String(kind)}`);
    return { dtype: type.name, key, numel } satisfies Storage;
  });
  let dict = root as Map<string, unknown>;
  if (dict instanceof Map) {
    for (const k of ['ema', 'state_dict', 'model']) if (dict.get(k) instanceof Map) { dict = dict.get(k) as Map<string, unknown>; break; }
  } else if (Array.isArray(root) && root.some((r) => r instanceof Map)) {
    // DDIM/DDRM checkpoints save [model, ema?, optimizer?...]: the first dict is the model's
    dict = root.find((r) => r instanceof Map) as Map<string, unknown>;
  } else throw new Error(`${what}: the checkpoint does not hold a state dict`);
  const out = new Map<string, HostTensor>();
  for (const [name, v] of dict) {
    const r = v as Reduced;
    if (!r || !isRebuild(r.callable)) continue; // non-tensor entries (step counters, …)
    const [storage, offset, size, stride] = r.args as [Storage, number, number[], number[]];
    const esize = DTYPE_SIZE[storage.dtype];
    if (!esize || storage.dtype === 'LongStorage' || storage.dtype === 'IntStorage') continue;
    const raw = files[`${prefix}data/${storage.key}`];
    if (!raw) throw new Error(`${what}: storage ${storage.key} of '${name}' is missing`);
    const n = size.reduce((a, d) => a * d, 1);
    const data = new Float32Array(n);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // general strided read (checkpoints are contiguous in practice)
    const idx = new Array(size.length).fill(0);
    for (let k = 0; k < n; k++) {
      let e = offset;
      for (let d = 0; d < size.length; d++) e += idx[d] * stride[d];
      const at = e * esize;
      data[k] = storage.dtype === 'FloatStorage' ? dv.getFloat32(at, true)
        : storage.dtype === 'DoubleStorage' ? dv.getFloat64(at, true)
        : storage.dtype === 'HalfStorage' ? f16(dv.getUint16(at, true))
        : new Float32Array(new Uint32Array([dv.getUint16(at, true) << 16]).buffer)[0];
      for (let d = size.length - 1; d >= 0; d--) {
        if (++idx[d] < size[d]) break;
        idx[d] = 0;
      }
    }
    out.set(name.startsWith('module.') ? name.slice(7) : name, { shape: [...size], data });
  }
  if (out.size === 0) throw new Error(`${what}: no float tensors found`);
  return out;
}

function isRebuild(c: unknown): boolean {
  const g = c as Global;
  return !!g && g.module === 'torch._utils' && (g.name === '_rebuild_tensor_v2' || g.name === '_rebuild_tensor');
}
