import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSafetensors, serializeSafetensors } from '../../src/engine/safetensors.js';
import { testRng } from '../helpers.js';
import { LPIPS_FILE } from '../data_helpers.js';

/** A safetensors file with the given header (any JSON) and `dataLen` zero data bytes. */
function fileOf(header: unknown, dataLen: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
const f32 = (shape: number[], start: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [start, end] });

describe('safetensors', () => {
  it('F32 round trip is exact; metadata survives', () => {
    const rng = testRng();
    const t = new Map([
      ['a.weight', { shape: [3, 5], data: Float32Array.from(rng.f32(15, -10, 10)) }],
      ['b', { shape: [], data: Float32Array.of(1.5) }],
    ]);
    const back = parseSafetensors(serializeSafetensors(t, { step: '12' }));
    expect(back.metadata.step).toBe('12');
    expect([...back.tensors.keys()]).toEqual(['a.weight', 'b']);
    expect(Array.from(back.tensors.get('a.weight')!.data)).toEqual(Array.from(t.get('a.weight')!.data));
    expect(back.tensors.get('b')!.shape).toEqual([]);
  });
  it('F16 round trip within half precision (including subnormals and rounding)', () => {
    const vals = Float32Array.of(0, -0, 1, -2.5, 65504, 1e-7, 3.14159, 0.1, 1 + 2 ** -11, 6e-5);
    const back = parseSafetensors(serializeSafetensors(new Map([['x', { shape: [10], data: vals }]]), {}, 'F16')).tensors.get('x')!.data;
    vals.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -24)));
  });
  it('I8 storage: weights per-row int8 within half a step of their row scale, small tensors F16, scales hidden', () => {
    const rng = testRng();
    const w = { shape: [5, 3, 3, 3], data: Float32Array.from(rng.f32(135, -2, 2)) };
    for (let i = 27; i < 54; i++) w.data[i] = 0; // an all-zero row stays zero
    for (let i = 54; i < 81; i++) w.data[i] *= 1e-3; // a row of small values keeps its own scale
    const bias = { shape: [5], data: Float32Array.from(rng.f32(5, -1, 1)) };
    const tiny = { shape: [2, 3], data: Float32Array.from(rng.f32(6, -1, 1)) }; // under 64 values: F16
    const bytes = serializeSafetensors(new Map([['conv.weight', w], ['conv.bias', bias], ['tiny', tiny]]), { kind: 'x' }, 'I8');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true)))));
    expect(header['conv.weight'].dtype).toBe('I8');
    expect(header['conv.weight.int8_scale']).toMatchObject({ dtype: 'F32', shape: [5] });
    expect(header['conv.bias'].dtype).toBe('F16');
    expect(header['tiny'].dtype).toBe('F16');
    const back = parseSafetensors(bytes, 'q.st');
    expect([...back.tensors.keys()]).toEqual(['conv.weight', 'conv.bias', 'tiny']);
    expect(back.metadata.kind).toBe('x');
    const got = back.tensors.get('conv.weight')!;
    expect(got.shape).toEqual([5, 3, 3, 3]);
    for (let r = 0; r < 5; r++) {
      const row = Array.from(w.data.subarray(r * 27, (r + 1) * 27));
      const step = Math.max(...row.map(Math.abs)) / 127;
      row.forEach((v, j) => expect(Math.abs(got.data[r * 27 + j] - v)).toBeLessThanOrEqual(step / 2 + Math.abs(v) * 1e-6));
    }
    expect(Array.from(got.data.subarray(27, 54)).every((v) => v === 0)).toBe(true);
    // a large weight takes about a quarter of its F32 bytes
    const big = new Map([['w', { shape: [64, 100], data: Float32Array.from(rng.f32(6400, -1, 1)) }]]);
    expect(serializeSafetensors(big, {}, 'I8').length).toBeLessThan(serializeSafetensors(big).length * 0.27);
  });
  it('I8 tensors and their scales must come in pairs of matching shape', () => {
    const q = (shape: number[], start: number, end: number) => ({ dtype: 'I8', shape, data_offsets: [start, end] });
    const read = (header: object, dataLen: number) => () => parseSafetensors(fileOf(header, dataLen), 'q.st');
    expect(read({ w: q([2, 2], 0, 4) }, 4)).toThrow(/q.st: I8 tensor 'w' has no F32\/F16 scale tensor 'w.int8_scale'/);
    expect(read({ w: q([2, 2], 0, 4), 'w.int8_scale': f32([3], 4, 16) }, 16)).toThrow(/q.st: tensor 'w.int8_scale' has shape \[3\]; I8 tensor 'w' of shape \[2,2\] needs \[2\]/);
    expect(read({ w: f32([2], 0, 8), 'w.int8_scale': f32([2], 8, 16) }, 16)).toThrow(/q.st: tensor 'w.int8_scale' is an int8 scale but 'w' is not an I8 tensor/);
    expect(read({ 'v.int8_scale': f32([1], 0, 4) }, 4)).toThrow(/'v.int8_scale' is an int8 scale but 'v' is not/);
    expect(() => serializeSafetensors(new Map([['a.int8_scale', { shape: [1], data: Float32Array.of(1) }]]))).toThrow(/'a.int8_scale' ends with '.int8_scale', which int8 storage reserves/);
  });
  it('reads the shipped LPIPS weights (59 tensors, 724,742 parameters)', () => {
    const f = parseSafetensors(new Uint8Array(readFileSync(LPIPS_FILE)));
    expect(f.tensors.size).toBe(59);
    let n = 0;
    for (const t of f.tensors.values()) n += t.data.length;
    expect(n).toBe(724_742);
  });
  it('malformed files are clear errors', () => {
    expect(() => parseSafetensors(new Uint8Array(3), 'm.safetensors')).toThrow(/m.safetensors: too short/);
    const bad = new Uint8Array(16);
    new DataView(bad.buffer).setBigUint64(0, 1000n, true);
    expect(() => parseSafetensors(bad)).toThrow(/header length 1000 exceeds/);
    const good = serializeSafetensors(new Map([['x', { shape: [4], data: new Float32Array(4) }]]));
    expect(() => parseSafetensors(good.subarray(0, good.length - 4))).toThrow(/tensor 'x' byte range/);
    const text = new TextEncoder().encode('{not json');
    const junk = new Uint8Array(8 + text.length);
    new DataView(junk.buffer).setBigUint64(0, BigInt(text.length), true);
    junk.set(text, 8);
    expect(() => parseSafetensors(junk)).toThrow(/not valid JSON/);
  });
  it('a header that is not an object of tensors names the file', () => {
    expect(() => parseSafetensors(fileOf(null, 0), 'n.st')).toThrow(/n.st: header is null, not a JSON object/);
    expect(() => parseSafetensors(fileOf([f32([1], 0, 4)], 4), 'a.st')).toThrow(/a.st: header is an array/);
    expect(() => parseSafetensors(fileOf(7, 0), 's.st')).toThrow(/s.st: header is a number/);
  });
  it('malformed tensor entries name the file and the tensor', () => {
    const bad = (entry: unknown, dataLen = 16) => () => parseSafetensors(fileOf({ w: entry }, dataLen), 'm.st');
    expect(bad(null)).toThrow(/m.st: tensor 'w' is null/);
    expect(bad('F32')).toThrow(/m.st: tensor 'w' is a string/);
    expect(bad({ dtype: 'F32', shape: [2.5], data_offsets: [0, 16] })).toThrow(/m.st: tensor 'w' has shape \[2.5\], not a list of non-negative integers/);
    expect(bad({ dtype: 'F32', shape: [-4], data_offsets: [0, 16] })).toThrow(/tensor 'w' has shape \[-4\]/);
    expect(bad({ dtype: 'F32', shape: '4', data_offsets: [0, 16] })).toThrow(/tensor 'w' has shape "4"/);
    expect(bad({ dtype: 'F32', shape: [4], data_offsets: ['0', '16'] })).toThrow(/m.st: tensor 'w' has data_offsets \["0","16"\]/);
    expect(bad({ dtype: 'F32', shape: [4], data_offsets: [0, 16, 32] })).toThrow(/tensor 'w' has data_offsets \[0,16,32\]/);
    expect(bad({ dtype: 'F32', shape: [0], data_offsets: [16, 0] }, 0)).toThrow(/tensor 'w' has data_offsets \[16,0\]/);
    expect(bad({ dtype: 'I64', shape: [2], data_offsets: [0, 16] })).toThrow(/tensor 'w' has dtype "I64"; only F32, F16 and I8/);
    expect(bad(f32([4], 0, 12))).toThrow(/tensor 'w' byte range \[0, 12\) holds 12 bytes; shape \[4\] of F32 needs 16/);
  });
  it('__metadata__ must be an object of strings', () => {
    expect(() => parseSafetensors(fileOf({ __metadata__: null }, 0), 'm.st')).toThrow(/m.st: __metadata__ is null/);
    expect(() => parseSafetensors(fileOf({ __metadata__: ['a'] }, 0), 'm.st')).toThrow(/__metadata__ is an array/);
    expect(() => parseSafetensors(fileOf({ __metadata__: { step: 12 } }, 0), 'm.st')).toThrow(/m.st: __metadata__ entry 'step' is a number, not a string/);
    expect(parseSafetensors(fileOf({ __metadata__: { step: '12' } }, 0)).metadata).toEqual({ step: '12' });
  });
  it('byte ranges must tile the data section exactly (no overlap, gap, offset start or leftover)', () => {
    const read = (header: object, dataLen: number) => () => parseSafetensors(fileOf(header, dataLen), 't.st');
    expect(read({ a: f32([4], 0, 16), b: f32([4], 0, 16) }, 16)).toThrow(/t.st: tensors '(a|b)' \[0, 16\) and '(a|b)' \[0, 16\) overlap/);
    expect(read({ a: f32([4], 0, 16), b: f32([4], 8, 24) }, 24)).toThrow(/t.st: tensors 'a' \[0, 16\) and 'b' \[8, 24\) overlap/);
    expect(read({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12)).toThrow(/t.st: 4 unused bytes between 'a' \(ends at byte 4\) and 'b'/);
    expect(read({ b: f32([1], 4, 8) }, 8)).toThrow(/t.st: 4 unused bytes between the start of the data and 'b'/);
    expect(read({ a: f32([1], 0, 4) }, 12)).toThrow(/t.st: the data section has 12 bytes but the last tensor 'a' ends at byte 4/);
    expect(read({}, 4)).toThrow(/t.st: the data section has 4 bytes but there are no tensors/);
    // header order need not be data order; empty tensors take no bytes
    const ok = parseSafetensors(fileOf({ b: f32([1], 4, 8), e: f32([0], 8, 8), a: f32([1], 0, 4) }, 8));
    expect([...ok.tensors.keys()]).toEqual(['b', 'e', 'a']);
    expect(ok.tensors.get('e')!.data.length).toBe(0);
  });
  it('non-finite weights are refused when reading and when writing', () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      const good = serializeSafetensors(new Map([['ok', { shape: [2], data: Float32Array.of(1, 2) }], ['w', { shape: [3], data: Float32Array.of(1, 2, 3) }]]));
      new DataView(good.buffer).setFloat32(good.length - 8, v, true);
      expect(() => parseSafetensors(good, 'nan.st')).toThrow(new RegExp(`nan.st: tensor 'w' \\(shape \\[3\\]\\) holds 1 non-finite value \\(first: ${v} at index 1\\)`));
      expect(() => serializeSafetensors(new Map([['w', { shape: [2], data: Float32Array.of(0, v) }]]))).toThrow(/tensor 'w' holds 1 non-finite value .*not writing it/);
    }
    const half = serializeSafetensors(new Map([['h', { shape: [2], data: Float32Array.of(1, 2) }]]), {}, 'F16');
    new DataView(half.buffer).setUint16(half.length - 2, 0x7c00, true); // F16 +Infinity
    expect(() => parseSafetensors(half, 'h.st')).toThrow(/h.st: tensor 'h' .*non-finite value \(first: Infinity at index 1\)/);
    // a finite F32 value beyond the F16 range would be written as an infinity
    expect(() => serializeSafetensors(new Map([['big', { shape: [1], data: Float32Array.of(70000) }]]), {}, 'F16')).toThrow(/tensor 'big' value 70000 at index 0 is out of the F16 range/);
  });
});
