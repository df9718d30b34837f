// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
// shape and byte range, then the raw little-endian data. Read F32, F16 and per-row int8 (all converted to
// float32); write F32, F16 or int8. Pure byte handling, so it runs in Node and the browser alike. The reader
// trusts nothing: a malformed header, byte ranges that do not tile the data exactly, or a NaN/infinite
// weight is an error naming the file and the tensor.
//
// Int8 (the bundled models' storage where it is measured to be harmless, docs/models.md): a weight of two or
// more dimensions is stored as I8 values q with a companion F32 tensor `NAME.int8_scale` of one scale per
// row (the first dimension); the weight is q · scale[row], with scale = max |row| / 127. Smaller tensors
// (biases, norms) are stored as F16.

/** A tensor's dtype in the file. */
export type Dtype = 'F32' | 'F16' | 'I8';
/** How a file is written: every tensor as F32 or F16, or the weights as per-row int8 and the rest as F16. */
export type Storage = 'F32' | 'F16' | 'I8';

/** The name of the companion tensor holding an int8 weight's per-row scales. */
export const INT8_SCALE_SUFFIX = '.int8_scale';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
}

/** IEEE half (bits) → number. */
export function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
/** number → IEEE half bits, rounded to nearest even. */
export function f32ToF16(v: number): number {
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

type TensorEntry = { name: string; dtype: Dtype; shape: number[]; start: number; end: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const BYTES: Record<Dtype, number> = { F32: 4, F16: 2, I8: 1 };

function readHeader(bytes: Uint8Array, what: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.byteLength < 8) throw new Error(`${what}: too short to be a safetensors file (${bytes.byteLength} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.byteLength - 8 || headerLen > 100 * 2 ** 20) throw new Error(`${what}: header length ${headerLen} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new Error(`${what}: header is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(header)) throw new Error(`${what}: header is ${describe(header)}, not a JSON object of tensors`);
  return { header, dataStart: 8 + headerLen };
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

function readMetadata(info: unknown, what: string): Record<string, string> {
  if (!isObject(info)) throw new Error(`${what}: __metadata__ is ${describe(info)}, not an object of strings`);
  for (const [k, v] of Object.entries(info)) {
    if (typeof v !== 'string') throw new Error(`${what}: __metadata__ entry '${k}' is ${describe(v)}, not a string`);
  }
  return info as Record<string, string>;
}

function readEntry(name: string, info: unknown, dataLen: number, what: string): TensorEntry {
  const where = `${what}: tensor '${name}'`;
  if (!isObject(info)) throw new Error(`${where} is ${describe(info)}, not an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (dtype !== 'F32' && dtype !== 'F16' && dtype !== 'I8') throw new Error(`${where} has dtype ${JSON.stringify(dtype)}; only F32, F16 and I8 are supported`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new Error(`${where} has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new Error(`${where} has data_offsets ${JSON.stringify(offsets)}, not [start, end] byte offsets with start ≤ end`);
  }
  const [start, end] = offsets as [number, number];
  const count = shape.reduce((a: number, d: number) => a * d, 1);
  if (end > dataLen) throw new Error(`${where} byte range [${start}, ${end}) exceeds the ${dataLen}-byte data section (is the file cut short?)`);
  if (end - start !== count * BYTES[dtype]) {
    throw new Error(`${where} byte range [${start}, ${end}) holds ${end - start} bytes; shape [${shape}] of ${dtype} needs ${count * BYTES[dtype]}`);
  }
  return { name, dtype, shape: shape as number[], start, end };
}

/** The spec's rule: byte ranges, sorted, tile the data section exactly — no gap, no overlap, nothing left over. */
function checkTiling(entries: TensorEntry[], dataLen: number, what: string): void {
  const sorted = [...entries].sort((a, b) => a.start - b.start || a.end - b.end);
  let pos = 0;
  let prev: TensorEntry | null = null;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`${what}: tensors '${prev!.name}' [${prev!.start}, ${prev!.end}) and '${e.name}' [${e.start}, ${e.end}) overlap`);
    if (e.start > pos) {
      const before = prev ? `'${prev.name}' (ends at byte ${pos})` : 'the start of the data';
      throw new Error(`${what}: ${e.start - pos} unused bytes between ${before} and '${e.name}' (starts at byte ${e.start})`);
    }
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) {
    const last = prev ? `the last tensor '${prev.name}' ends at byte ${pos}` : 'there are no tensors';
    throw new Error(`${what}: the data section has ${dataLen} bytes but ${last}`);
  }
}

/** Decodes one tensor's bytes to float32; a NaN or infinity is refused, since no weight may hold one. */
function readTensor(bytes: Uint8Array, dataStart: number, e: TensorEntry, what: string): HostTensor {
  const count = (e.end - e.start) / BYTES[e.dtype];
  const data = new Float32Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + dataStart + e.start, e.end - e.start);
  if (e.dtype === 'F32') for (let i = 0; i < count; i++) data[i] = dv.getFloat32(i * 4, true);
  else if (e.dtype === 'F16') for (let i = 0; i < count; i++) data[i] = f16ToF32(dv.getUint16(i * 2, true));
  else for (let i = 0; i < count; i++) data[i] = dv.getInt8(i);
  const bad = countNonFinite(data);
  if (bad.count) {
    throw new Error(`${what}: tensor '${e.name}' (shape [${e.shape}]) holds ${bad.count} non-finite value${bad.count > 1 ? 's' : ''} (first: ${bad.first} at index ${bad.index})`);
  }
  return { shape: e.shape, data };
}

function countNonFinite(data: Float32Array): { count: number; index: number; first: number } {
  let count = 0, index = -1;
  for (let i = 0; i < data.length; i++) {
    if (data[i] - data[i] !== 0) { // NaN and ±Infinity only
      if (!count) index = i;
      count++;
    }
  }
  return { count, index, first: data[index] };
}

/** f32ToF16, refusing values beyond the F16 range (±65504), which would become infinities. */
function toF16Finite(v: number, name: string, i: number): number {
  const h = f32ToF16(v);
  if ((h & 0x7c00) === 0x7c00) throw new Error(`safetensors: tensor '${name}' value ${v} at index ${i} is out of the F16 range (±65504); save as F32`);
  return h;
}

/** Parses a safetensors file; `what` names it in errors. Every malformed header, byte range or non-finite
 *  value is refused with an error naming the file (and the tensor). */
export function parseSafetensors(bytes: Uint8Array, what = 'safetensors file'): SafetensorsFile {
  const { header, dataStart } = readHeader(bytes, what);
  const dataLen = bytes.byteLength - dataStart;
  let metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') metadata = readMetadata(info, what);
    else entries.push(readEntry(name, info, dataLen, what));
  }
  checkTiling(entries, dataLen, what);
  const raw = new Map<string, HostTensor>();
  for (const e of entries) raw.set(e.name, readTensor(bytes, dataStart, e, what));
  return { tensors: dequantize(entries, raw, what), metadata };
}

/** Int8 tensors times their per-row scales; the scale companions themselves are not tensors of the model. */
function dequantize(entries: TensorEntry[], raw: Map<string, HostTensor>, what: string): Map<string, HostTensor> {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const tensors = new Map<string, HostTensor>();
  for (const e of entries) {
    if (e.name.endsWith(INT8_SCALE_SUFFIX)) {
      const owner = byName.get(e.name.slice(0, -INT8_SCALE_SUFFIX.length));
      if (owner?.dtype !== 'I8') throw new Error(`${what}: tensor '${e.name}' is an int8 scale but '${e.name.slice(0, -INT8_SCALE_SUFFIX.length)}' is not an I8 tensor`);
      continue;
    }
    const t = raw.get(e.name)!;
    if (e.dtype !== 'I8') {
      tensors.set(e.name, t);
      continue;
    }
    const scaleEntry = byName.get(e.name + INT8_SCALE_SUFFIX);
    const rows = e.shape[0] ?? 1;
    if (!scaleEntry || scaleEntry.dtype === 'I8') throw new Error(`${what}: I8 tensor '${e.name}' has no F32/F16 scale tensor '${e.name}${INT8_SCALE_SUFFIX}'`);
    if (scaleEntry.shape.length !== 1 || scaleEntry.shape[0] !== rows) {
      throw new Error(`${what}: tensor '${scaleEntry.name}' has shape [${scaleEntry.shape}]; I8 tensor '${e.name}' of shape [${e.shape}] needs [${rows}]`);
    }
    const scale = raw.get(scaleEntry.name)!.data;
    const perRow = rows ? t.data.length / rows : 0;
    for (let r = 0; r < rows; r++) for (let i = r * perRow; i < (r + 1) * perRow; i++) t.data[i] *= scale[r];
    tensors.set(e.name, t);
  }
  return tensors;
}

/** Per-row int8: q = round(v / scale) with scale = max |row| / 127 (0 for a zero row). */
function quantizeRows(t: HostTensor): { q: Int8Array; scale: Float32Array } {
  const rows = t.shape[0];
  const perRow = t.data.length / rows;
  const q = new Int8Array(t.data.length);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * perRow; i < (r + 1) * perRow; i++) max = Math.max(max, Math.abs(t.data[i]));
    scale[r] = max / 127;
    if (max > 0) for (let i = r * perRow; i < (r + 1) * perRow; i++) q[i] = Math.round(t.data[i] / scale[r]);
  }
  return { q, scale };
}

/** Under int8 storage, weights of two or more dimensions (at least 64 values) are quantized per row. */
const QUANTIZED_MIN_VALUES = 64;
const isQuantized = (t: HostTensor) => t.shape.length >= 2 && t.shape[0] > 0 && t.data.length >= QUANTIZED_MIN_VALUES;

type Stored = { name: string; dtype: Dtype; shape: number[]; write: (view: DataView, p: number) => void; bytes: number };

function stored(name: string, t: HostTensor, storage: Storage): Stored[] {
  const n = t.data.length;
  if (storage === 'F32') return [{ name, dtype: 'F32', shape: t.shape, bytes: n * 4, write: (v, p) => t.data.forEach((x, i) => v.setFloat32(p + i * 4, x, true)) }];
  if (storage === 'F16' || !isQuantized(t)) {
    return [{ name, dtype: 'F16', shape: t.shape, bytes: n * 2, write: (v, p) => t.data.forEach((x, i) => v.setUint16(p + i * 2, toF16Finite(x, name, i), true)) }];
  }
  const { q, scale } = quantizeRows(t);
  return [
    { name, dtype: 'I8', shape: t.shape, bytes: n, write: (v, p) => q.forEach((x, i) => v.setInt8(p + i, x)) },
    { name: name + INT8_SCALE_SUFFIX, dtype: 'F32', shape: [scale.length], bytes: scale.length * 4, write: (v, p) => scale.forEach((x, i) => v.setFloat32(p + i * 4, x, true)) },
  ];
}

/** Serialises tensors (in the given order) to safetensors bytes: every tensor as F32 or F16, or (I8) the
 *  weights as per-row int8 and the rest as F16. */
export function serializeSafetensors(tensors: Map<string, HostTensor>, metadata: Record<string, string> = {}, storage: Storage = 'F32'): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const parts: Stored[] = [];
  for (const [name, t] of tensors) {
    const n = t.data.length;
    if (n !== t.shape.reduce((a, d) => a * d, 1)) throw new Error(`safetensors: tensor '${name}' has ${n} values for shape [${t.shape}]`);
    if (name.endsWith(INT8_SCALE_SUFFIX)) throw new Error(`safetensors: tensor name '${name}' ends with '${INT8_SCALE_SUFFIX}', which int8 storage reserves`);
    // the reader refuses non-finite weights, so never write a file it would refuse
    const bad = countNonFinite(t.data);
    if (bad.count) throw new Error(`safetensors: tensor '${name}' holds ${bad.count} non-finite value${bad.count > 1 ? 's' : ''} (first: ${bad.first} at index ${bad.index}); not writing it`);
    parts.push(...stored(name, t, storage));
  }
  let off = 0;
  for (const part of parts) {
    header[part.name] = { dtype: part.dtype, shape: part.shape, data_offsets: [off, off + part.bytes] };
    off += part.bytes;
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
  for (const part of parts) {
    part.write(view, p);
    p += part.bytes;
  }
  return out;
}
