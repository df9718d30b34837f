// The reconstruction pipeline: a method registered here runs through it and is scored; every method of a
// batch, and every run with the same seed, sees the same received image y.
import { afterAll, describe, expect, it } from 'vitest';
import { affine } from '../../src/kernels/elementwise.js';
import { tensor } from '../../src/kernels/create.js';
import { psnr } from '../../src/metrics/psnr.js';
import {
  getMethod, loadSystem, missingModels, parseMethods, registerMethod, runBatch, unregisterMethod, type Method, type System,
} from '../../src/pipeline/index.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { DEFAULT_JSCC_MODEL, LPIPS_WEIGHTS } from '../../src/cli/defaults.js';
import { testRng, useEngine } from '../helpers.js';

const engine = useEngine();

/** Records the y each call received; reconstructs by pulling y halfway to grey. */
function fakeMethod(name: string, seen: Float32Array[]): Method {
  return {
    name, label: name.toUpperCase(), needs: [],
    async reconstruct({ y }) {
      seen.push(await y.data());
      return affine(y, 0.5, 0.25);
    },
  };
}

const seenA: Float32Array[] = [], seenB: Float32Array[] = [];
registerMethod(fakeMethod('fake-a', seenA));
registerMethod(fakeMethod('fake-b', seenB));
afterAll(() => ['fake-a', 'fake-b'].forEach(unregisterMethod));

let system: System | undefined;
async function sys(): Promise<System> {
  system ??= await loadSystem(engine(), fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, prior: '/nonexistent/prior.safetensors', inn: (s) => `/nonexistent/inn_snr${s}.safetensors` }));
  return system;
}

function images(n: number) {
  const rng = testRng();
  return tensor(engine(), Array.from({ length: n * 3 * 64 * 64 }, () => rng.uniform()), [n, 3, 64, 64]);
}

describe('method registry', () => {
  it('parses lists and the alias both; unknown or duplicate names are errors', () => {
    expect(parseMethods('fake-a, deepjscc,fake-a').map((m) => m.name)).toEqual(['fake-a', 'deepjscc']);
    expect(parseMethods('both').map((m) => m.name)).toEqual(['deepjscc', 'commin']);
    expect(() => parseMethods('magic')).toThrow(/unknown method 'magic'; choices: deepjscc, commin, fake-a, fake-b, both/);
    expect(() => registerMethod(fakeMethod('fake-a', []))).toThrow(/already registered/);
    expect(() => unregisterMethod('deepjscc')).toThrow(/built in/);
  });
});

describe('runBatch', () => {
  it('runs a registered method, scores it, and gives every method the same y for a seed', async () => {
    const s = await sys();
    const x = images(2);
    const scored: Record<string, number[]> = {};
    const results = await runBatch(s, x, {
      methods: [getMethod('fake-a'), getMethod('deepjscc'), getMethod('fake-b')], snr: 4, seed: 5,
      visit: async ({ method, out, scores }) => {
        expect(out.shape).toEqual([2, 3, 64, 64]);
        expect(scores.psnr).toEqual(await psnr(x, out)); // the scores are the reconstruction's own
        scored[method.name] = scores.psnr;
      },
    });
    expect(results.map((r) => r.method.name)).toEqual(['fake-a', 'deepjscc', 'fake-b']);
    for (const r of results) {
      expect(r.scores.psnr.length).toBe(2);
      expect(r.scores.ssim.every(Number.isFinite)).toBe(true);
      expect(r.scores.lpips!.every((l) => l > 0)).toBe(true);
    }
    expect(scored['fake-a']).not.toEqual(scored.deepjscc);
    // one batch, one channel draw: both fakes saw the same y
    expect(seenB.at(-1)).toEqual(seenA.at(-1));
    // another run, another method alone, the same seed: the same y again; another seed: another y
    await runBatch(s, x, { methods: [getMethod('fake-b')], snr: 4, seed: 5 });
    expect(seenB.at(-1)).toEqual(seenA.at(-1));
    await runBatch(s, x, { methods: [getMethod('fake-b')], snr: 4, seed: 6 });
    expect(seenB.at(-1)).not.toEqual(seenA.at(-1));
    x.dispose();
  });

  it('keys the channel by seed and firstImage: the same pair, the same y', async () => {
    const s = await sys();
    const x = images(2);
    const yOf = async (seed: number, firstImage: number) => {
      await runBatch(s, x, { methods: [getMethod('fake-a')], snr: 1, seed, firstImage });
      return Array.from(seenA.at(-1)!);
    };
    const y = await yOf(9, 2);
    expect(await yOf(9, 2)).toEqual(y);
    expect(await yOf(9, 0)).not.toEqual(y);
    x.dispose();
  });

  it('names the models a method lacks', async () => {
    const s = await sys();
    expect(await missingModels(s, getMethod('deepjscc'), 4)).toEqual([]);
    expect(await missingModels(s, getMethod('commin'), 4)).toEqual(['/nonexistent/prior.safetensors', '/nonexistent/inn_snr4.safetensors']);
    await expect(runBatch(s, images(1), { methods: [getMethod('commin')], snr: 4, seed: 0 })).rejects.toThrow(/CommIN needs a diffusion prior/);
  });
});
