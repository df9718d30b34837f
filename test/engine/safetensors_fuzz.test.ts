// Mutation fuzzing of the safetensors reader: every mutant of a valid file either loads with consistent
// tensors (values = product of the shape, all finite) or is refused with an Error naming the file.
import { describe, expect, it } from 'vitest';
import { parseSafetensors, serializeSafetensors, type HostTensor } from '../../src/engine/safetensors.js';
import { Rng } from '../reference/rng.js';
import { fuzz, genericMutators, type Mutator } from '../fuzz.js';

const NAME = 'fuzz.safetensors';

function seeds(): Uint8Array[] {
  const rng = new Rng(7);
  const t = (shape: number[]): HostTensor => ({ shape, data: Float32Array.from(rng.f32(shape.reduce((a, d) => a * d, 1), -3, 3)) });
  const tensors = new Map([['a.weight', t([3, 4])], ['a.bias', t([4])], ['s', t([])], ['empty', t([0, 2])]]);
  return [serializeSafetensors(tensors, { step: '12', config: '{"c":1}' }), serializeSafetensors(tensors, {}, 'F16'), serializeSafetensors(new Map([...tensors, ['q.weight', t([5, 16])]]), {}, 'I8')];
}

function headerOf(b: Uint8Array): { header: Record<string, unknown>; len: number } | null {
  if (b.length < 8) return null;
  const len = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  if (len > b.length - 8) return null;
  try {
    return { header: JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + len))), len };
  } catch {
    return null;
  }
}

/** Re-encodes a (mutated) header in front of the unchanged data section, with the right length. */
function withHeader(b: Uint8Array, oldLen: number, header: unknown): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + b.length - 8 - oldLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(b.subarray(8 + oldLen), 8 + json.length);
  return out;
}

const ODD_VALUES: unknown[] = [null, [], {}, 'F32', 'F16', 'I8', -1, 0, 1.5, 2 ** 53, 1e300, [0], [4], [0, 4], [-4, 0], ['0', '16'], [0, 4, 8], true, 'x'];

/** Changes one field of the parsed header (a dtype, a shape, an offset, the metadata, a whole entry). */
const structural: Mutator = (b, rng) => {
  const h = headerOf(b);
  if (!h || typeof h.header !== 'object' || h.header === null) return b;
  const names = Object.keys(h.header);
  if (!names.length) return b;
  const name = names[rng.int(0, names.length - 1)];
  const entry = h.header[name] as Record<string, unknown> | null;
  const r = rng.uniform();
  if (r < 0.03) return withHeader(b, h.len, ODD_VALUES[rng.int(0, ODD_VALUES.length - 1)]);
  if (r < 0.15 || typeof entry !== 'object' || entry === null) h.header[name] = ODD_VALUES[rng.int(0, ODD_VALUES.length - 1)];
  else if (r < 0.5 && Array.isArray(entry.data_offsets)) {
    const offs = entry.data_offsets as number[];
    const delta = rng.int(-8, 8);
    if (rng.uniform() < 0.5) offs[rng.int(0, 1)] += delta; // one end: a short or long range
    else offs.forEach((_, i) => (offs[i] += delta)); // the whole range: overlaps and gaps
  } else if (r < 0.7 && Array.isArray(entry.shape)) {
    (entry.shape as number[])[rng.int(0, entry.shape.length)] = rng.int(-1, 6);
  } else {
    const keys = [...Object.keys(entry), 'dtype', 'shape', 'data_offsets'];
    entry[keys[rng.int(0, keys.length - 1)]] = ODD_VALUES[rng.int(0, ODD_VALUES.length - 1)];
  }
  return withHeader(b, h.len, h.header);
};

/** Sets a byte of the data section: other values, and now and then a NaN or an infinity. */
const dataByte: Mutator = (b, rng) => {
  const h = headerOf(b);
  if (!h || b.length <= 8 + h.len) return b;
  const o = Uint8Array.from(b);
  o[rng.int(8 + h.len, o.length - 1)] = rng.uniform() < 0.3 ? 0xff : rng.int(0, 255);
  return o;
};

/** Rewrites the 8-byte header length: off by a little, zero, past the end, or huge. */
const headerLength: Mutator = (b, rng) => {
  if (b.length < 8) return b;
  const o = Uint8Array.from(b);
  const view = new DataView(o.buffer);
  const old = view.getBigUint64(0, true);
  const choices = [old + BigInt(rng.int(-9, 9)), 0n, BigInt(o.length), BigInt(rng.int(0, o.length)), 2n ** 63n + 5n, 2n ** 64n - 1n, 200n * 2n ** 20n];
  const v = choices[rng.int(0, choices.length - 1)];
  view.setBigUint64(0, v < 0n ? 0n : v, true);
  return o;
};

describe('safetensors reader under mutation fuzzing', () => {
  it('3,000 mutants: consistent tensors or an Error naming the file, each fast', () => {
    const r = fuzz({
      name: NAME,
      seeds: seeds(),
      cases: 3000,
      seed: 20240611,
      mutators: [...genericMutators, structural, structural, structural, headerLength, dataByte, dataByte],
      load: (bytes) => parseSafetensors(bytes, NAME),
      check: (f) => {
        for (const [n, t] of f.tensors) {
          expect(t.shape.every((d) => Number.isSafeInteger(d) && d >= 0), `'${n}' shape [${t.shape}]`).toBe(true);
          expect(t.data.length, `'${n}' length`).toBe(t.shape.reduce((a, d) => a * d, 1));
          expect(t.data.every(Number.isFinite), `'${n}' values finite`).toBe(true);
        }
        for (const v of Object.values(f.metadata)) expect(typeof v).toBe('string');
      },
    });
    // both outcomes must be common, or the fuzzer is not reaching the reader's checks
    expect(r.loaded).toBeGreaterThan(150);
    expect(r.refused).toBeGreaterThan(1000);
    expect(r.slowestMs).toBeLessThan(1000);
  });
});
