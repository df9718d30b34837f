import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSafetensors, serializeSafetensors } from '../../src/engine/safetensors.js';
import { testRng } from '../helpers.js';

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
  it('reads the shipped LPIPS weights (59 tensors, 724,742 parameters)', () => {
    const f = parseSafetensors(new Uint8Array(readFileSync(new URL('../../../shared/data/lpips/lpips_squeeze_v0.1.safetensors', import.meta.url))));
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
});
