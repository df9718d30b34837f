// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range, then the raw little-endian data. Read F32/F16 (converted to float32), write F32
// or F16. Pure byte handling, so it runs in Node and the browser alike.

export type Dtype = 'F32' | 'F16';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
function f32ToF16(v: number): number {
  f32buf[0] = v;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const man = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = (man | 0x800000) >> (1 - e);
    return sign | ((m + 0x1000) >> 13); // round half up on the dropped bits
  }
  let h = sign | (e << 10) | (man >> 13);
  const rest = man & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // round to nearest even
  return h;
}

/** Parses a safetensors file; `what` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, what = 'safetensors file'): SafetensorsFile {
  if (bytes.byteLength < 8) throw new Error(`${what}: too short to be a safetensors file (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.byteLength - 8 || headerLen > 100 * 2 ** 20) throw new Error(`${what}: header length ${headerLen} exceeds the file`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new Error(`${what}: header is not valid JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const tensors = new Map<string, HostTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = info as Record<string, string>;
      continue;
    }
    const t = info as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (!Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) throw new Error(`${what}: tensor '${name}' has no shape or data_offsets`);
    const [b0, b1] = t.data_offsets;
    const count = t.shape.reduce((a, d) => a * d, 1);
    const size = t.dtype === 'F32' ? 4 : t.dtype === 'F16' ? 2 : 0;
    if (!size) throw new Error(`${what}: tensor '${name}' has dtype ${t.dtype}; only F32 and F16 are supported`);
    if (b0 < 0 || b1 > dataLen || b1 - b0 !== count * size) {
      throw new Error(`${what}: tensor '${name}' byte range [${b0}, ${b1}) does not match shape [${t.shape}] of ${t.dtype} or exceeds the file`);
    }
    const data = new Float32Array(count);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + b0, b1 - b0);
    if (size === 4) for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
    else for (let i = 0; i < count; i++) data[i] = f16ToF32(dv.getUint16(i * 2, true));
    tensors.set(name, { shape: t.shape, data });
  }
  return { tensors, metadata };
}

/** Serialises tensors (in the given order) to safetensors bytes. */
export function serializeSafetensors(tensors: Map<string, HostTensor>, metadata: Record<string, string> = {}, dtype: Dtype = 'F32'): Uint8Array {
  const size = dtype === 'F32' ? 4 : 2;
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let off = 0;
  for (const [name, t] of tensors) {
    const n = t.data.length;
    if (n !== t.shape.reduce((a, d) => a * d, 1)) throw new Error(`safetensors: tensor '${name}' has ${n} values for shape [${t.shape}]`);
    header[name] = { dtype, shape: t.shape, data_offsets: [off, off + n * size] };
    off += n * size;
  }
  let json = JSON.stringify(header);
  // pad the header so the data starts 8-byte aligned
  while ((8 + new TextEncoder().encode(json).length) % 8 !== 0) json += ' ';
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + off);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const t of tensors.values()) {
    if (dtype === 'F32') for (let i = 0; i < t.data.length; i++, p += 4) view.setFloat32(p, t.data[i], true);
    else for (let i = 0; i < t.data.length; i++, p += 2) view.setUint16(p, f32ToF16(t.data[i]), true);
  }
  return out;
}
