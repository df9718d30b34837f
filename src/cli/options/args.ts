// Argument parsers for the CLI: each rejects bad input with one clear line.
import { InvalidArgumentError } from 'commander';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`'${v}' is not a positive integer`);
  return n;
}

export function nonNegativeInt(v: string): number {
  const n = Number(v);
  // a safe integer: above 2^53 neighbouring values collapse (seed 1e300 would draw what another seed draws)
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`'${v}' is not a non-negative integer below 2^53`);
  return n;
}

export function number(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${v}' is not a number`);
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = number(v);
  if (n < 0) throw new InvalidArgumentError(`'${v}' is not a number ≥ 0`);
  return n;
}

export function positiveNumber(v: string): number {
  const n = number(v);
  if (n <= 0) throw new InvalidArgumentError(`'${v}' is not a positive number`);
  return n;
}

/** "1/48" → [1, 48] */
export function fraction(v: string): [number, number] {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  if (!m || Number(m[1]) <= 0 || Number(m[2]) <= 0 || Number(m[1]) > Number(m[2])) {
    throw new InvalidArgumentError(`'${v}' is not a fraction like 1/48`);
  }
  // in lowest terms, so 2/48 and 1/24 are one BCR everywhere (file names, comparisons)
  const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
  const g = gcd(Number(m[1]), Number(m[2]));
  return [Number(m[1]) / g, Number(m[2]) / g];
}

/** "0:20" → [0, 20]; a single number gives a range of one value. */
export function range(v: string): [number, number] {
  const parts = v.split(':');
  if (parts.length > 2) throw new InvalidArgumentError(`'${v}' is not a range like 0:20`);
  const lo = Number(parts[0]);
  const hi = Number(parts[parts.length - 1]);
  if (parts.some((p) => p.trim() === '') || !Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new InvalidArgumentError(`'${v}' is not a range like 0:20`);
  }
  return [lo, hi];
}

/** "1,4,7" → [1, 4, 7] */
export function numberList(v: string): number[] {
  const parts = v.split(',').map((p) => p.trim());
  const out = parts.map(Number);
  if (parts.some((p) => p === '') || out.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(`'${v}' is not a comma-separated list of numbers`);
  return out;
}

export function intPair(v: string): [number, number] {
  const l = numberList(v);
  if (l.length !== 2 || l.some((n) => !Number.isInteger(n) || n <= 0)) throw new InvalidArgumentError(`'${v}' is not two positive integers like 16,32`);
  return [l[0], l[1]];
}

// Channel SNRs the models and the channel are meant for; far outside, the noise power over- or underflows
// float32 and every metric is NaN.
export const SNR_MIN_DB = -20;
export const SNR_MAX_DB = 40;
export const SNR_RANGE_TEXT = `${SNR_MIN_DB}…${SNR_MAX_DB} dB`;

function checkSnr(v: string, n: number): number {
  if (n < SNR_MIN_DB || n > SNR_MAX_DB) throw new InvalidArgumentError(`SNR ${v} dB is outside ${SNR_RANGE_TEXT}`);
  return n;
}

/** One SNR in dB within SNR_MIN_DB…SNR_MAX_DB. */
export function snrDb(v: string): number {
  return checkSnr(v, number(v));
}

/** "1,4,7" → SNRs in dB, each within range. */
export function snrList(v: string): number[] {
  const l = numberList(v);
  l.forEach((n) => checkSnr(String(n), n));
  const twice = l.find((n, i) => l.indexOf(n) !== i);
  if (twice !== undefined) throw new InvalidArgumentError(`'${v}' names SNR ${twice} dB twice`);
  return l;
}

/** "0:20" → an SNR range in dB within range. */
export function snrRange(v: string): [number, number] {
  const r = range(v);
  r.forEach((n) => checkSnr(String(n), n));
  return r;
}
