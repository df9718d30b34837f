// Seeded mutation fuzzing for the file readers: byte flips, truncations, insertions, deletions and splices
// of valid seed files, and a driver that demands each mutant either loads consistently or fails with an
// Error naming the file — never another throw, a hang or a crash.
import { expect } from 'vitest';
import { Rng } from './reference/rng.js';

/** Byte values that tend to matter to parsers: zero, all ones, sign bits, JSON and marker bytes. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x22, 0x2c, 0x2d, 0x30, 0x39, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d, 0xc0, 0xc4, 0xd8, 0xd9, 0xda];

export type Mutator = (b: Uint8Array, rng: Rng) => Uint8Array;

const pos = (b: Uint8Array, rng: Rng) => rng.int(0, Math.max(b.length - 1, 0));

export const genericMutators: Mutator[] = [
  (b, rng) => { // flip one bit
    const o = Uint8Array.from(b);
    if (o.length) o[pos(o, rng)] ^= 1 << rng.int(0, 7);
    return o;
  },
  (b, rng) => { // set a byte to an interesting or random value
    const o = Uint8Array.from(b);
    if (o.length) o[pos(o, rng)] = rng.uniform() < 0.5 ? INTERESTING[rng.int(0, INTERESTING.length - 1)] : rng.int(0, 255);
    return o;
  },
  (b, rng) => b.slice(0, pos(b, rng)), // truncate
  (b, rng) => { // insert random bytes
    const p = pos(b, rng);
    const ins = Array.from({ length: rng.int(1, 16) }, () => rng.int(0, 255));
    return Uint8Array.from([...b.subarray(0, p), ...ins, ...b.subarray(p)]);
  },
  (b, rng) => { // delete a range
    const p = pos(b, rng);
    return Uint8Array.from([...b.subarray(0, p), ...b.subarray(p + rng.int(1, 32))]);
  },
  (b, rng) => { // splice: copy a range of the file over another place
    const o = Uint8Array.from(b);
    const from = pos(b, rng), to = pos(b, rng), n = rng.int(1, 64);
    o.set(b.subarray(from, from + n).subarray(0, Math.max(o.length - to, 0)), to);
    return o;
  },
  (b, rng) => { // duplicate a range in place (repeated chunks, segments, tensors)
    const p = pos(b, rng), n = rng.int(1, 64);
    return Uint8Array.from([...b.subarray(0, p + n), ...b.subarray(p, p + n), ...b.subarray(p + n)]);
  },
];

/** 1–3 mutations drawn from `mutators`. */
export function mutate(seed: Uint8Array, rng: Rng, mutators: Mutator[]): Uint8Array {
  let b = seed;
  for (let k = rng.int(1, 3); k > 0; k--) b = mutators[rng.int(0, mutators.length - 1)](b, rng);
  return b;
}

/**
 * Runs `cases` mutants of the seeds through `load`. A mutant must load (then `check` its output) or throw
 * an Error whose message starts with `name:`. Returns how many loaded and how many were refused.
 */
export function fuzz<T>(o: {
  name: string;
  seeds: Uint8Array[];
  cases: number;
  seed: number;
  mutators: Mutator[];
  load: (bytes: Uint8Array) => T;
  check: (out: T, bytes: Uint8Array) => void;
}): { loaded: number; refused: number; slowestMs: number } {
  const rng = new Rng(o.seed);
  let loaded = 0, refused = 0, slowestMs = 0;
  for (let i = 0; i < o.cases; i++) {
    const bytes = mutate(o.seeds[i % o.seeds.length], rng, o.mutators);
    const what = `case ${i} (seed ${o.seed}, ${bytes.length} bytes)`;
    const t0 = performance.now();
    let out: T | undefined, err: unknown;
    try {
      out = o.load(bytes);
    } catch (e) {
      err = e;
    }
    slowestMs = Math.max(slowestMs, performance.now() - t0);
    if (err === undefined) {
      o.check(out as T, bytes);
      loaded++;
    } else {
      expect(err, `${what} threw a non-Error: ${String(err)}`).toBeInstanceOf(Error);
      expect((err as Error).message, `${what}: ${(err as Error).stack}`).toMatch(new RegExp(`^${o.name.replace(/\./g, '\\.')}: `));
      refused++;
    }
  }
  return { loaded, refused, slowestMs };
}
