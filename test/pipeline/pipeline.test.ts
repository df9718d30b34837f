// The reconstruction pipeline: a method registered here runs through it and is scored; every method of a
// batch, and every run with the same seed, sees the same received image y and symbols; `send` draws the
// same channel noise for another DeepJSCC; DiffJSCC's branch is named when missing and its flags reach it.
import { afterAll, describe, expect, it } from 'vitest';
import { affine } from '../../src/kernels/elementwise.js';
import { tensor } from '../../src/kernels/create.js';
import { noGrad } from '../../src/engine/autograd.js';
import { psnr } from '../../src/metrics/psnr.js';
import { DeepJSCC, type DeepJsccConfig } from '../../src/networks/deepjscc.js';
import {
  getMethod, loadSystem, methodOptionsFromFlags, parseMethods, registerMethod, runBatch, sendThrough, unregisterMethod,
  type ByteSource, type Method, type ModelPaths, type ReconstructRequest, type System,
} from '../../src/pipeline/index.js';
import { fileSource } from '../../src/pipeline/file_source.js';
import { DEFAULT_JSCC_MODEL, DEFAULT_PRIOR, LPIPS_WEIGHTS } from '../../src/cli/defaults.js';
import { Command } from 'commander';
import { addMethodOptions, addModelOptions } from '../../src/cli/options/method_flags.js';
import { missingModels, requireAvailable } from '../../src/cli/options/model_commands.js';
import { resolveDiffJscc } from '../../src/pipeline/methods/diffjscc.js';
import { Schedule } from '../../src/algorithms/diffusion.js';
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
/** Hands its request to the test (then returns y): what a method sees. */
let inspect: (req: ReconstructRequest) => Promise<void> = async () => {};
registerMethod({ name: 'fake-inspect', label: 'inspect', needs: [], reconstruct: async (req) => (await inspect(req), req.y) });
/** Takes at least 60 ms: its measured time must too, and the scoring after it must not count. */
registerMethod({ name: 'fake-slow', label: 'slow', needs: [], reconstruct: async ({ y }) => (await new Promise((r) => setTimeout(r, 60)), affine(y, 1, 0)) });
afterAll(() => ['fake-a', 'fake-b', 'fake-inspect', 'fake-slow'].forEach(unregisterMethod));

let system: System | undefined;
async function sys(): Promise<System> {
  system ??= await loadSystem(engine(), fileSource({ jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, prior: '/nonexistent/prior.safetensors', inn: (s) => `/nonexistent/inn_snr${s}.safetensors`, adv: '/nonexistent/adv.safetensors' }));
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
    expect(() => parseMethods('magic')).toThrow(/unknown method 'magic'; choices: deepjscc, commin, dps, adv, separation, inverse, diffjscc, fake-a, fake-b, fake-inspect, fake-slow, both/);
    expect(() => registerMethod(fakeMethod('fake-a', []))).toThrow(/already registered/);
    expect(() => unregisterMethod('deepjscc')).toThrow(/built in/);
  });
});

describe('runBatch', () => {
  it('times each method from the received batch to its finished reconstruction', async () => {
    const s = await sys();
    const x = images(2);
    const seen: Record<string, number> = {};
    const results = await runBatch(s, x, { methods: [getMethod('fake-slow'), getMethod('fake-a')], snr: 4, seed: 5, visit: ({ method, ms }) => void (seen[method.name] = ms) });
    const [slow, fast] = results.map((r) => r.ms);
    expect(slow).toBeGreaterThanOrEqual(59);
    expect(fast).toBeGreaterThan(0);
    expect(fast).toBeLessThan(slow);
    expect(seen).toEqual({ 'fake-slow': slow, 'fake-a': fast });
    x.dispose();
  });

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

  it('names the models a method lacks and the command that makes each', async () => {
    const s = await sys();
    const J = DEFAULT_JSCC_MODEL;
    expect(await missingModels(s, getMethod('deepjscc'), 4)).toEqual([]);
    expect(await missingModels(s, getMethod('commin'), 4)).toEqual([
      '/nonexistent/prior.safetensors (make it with: commin train ddpm --out /nonexistent/prior.safetensors)',
      `/nonexistent/inn_snr4.safetensors (make it with: commin train inn --snr 4 --jscc ${J} --out /nonexistent/inn_snr4.safetensors)`,
    ]);
    expect(await missingModels(s, getMethod('dps'), 4)).toEqual(['/nonexistent/prior.safetensors (make it with: commin train ddpm --out /nonexistent/prior.safetensors)']);
    expect(await missingModels(s, getMethod('adv'), 4)).toEqual([`/nonexistent/adv.safetensors (make it with: commin train jscc --loss mse+lpips+gan --init ${J} --out /nonexistent/adv.safetensors)`]);
    const x = images(1);
    await expect(runBatch(s, x, { methods: [getMethod('commin')], snr: 4, seed: 0 })).rejects.toThrow(/CommIN needs a diffusion prior/);
    // a method called without its model: the library names the file (the commands are the CLI's)
    await expect(runBatch(s, x, { methods: [getMethod('dps')], snr: 4, seed: 0 })).rejects.toThrow(
      /^DPS needs a diffusion prior: '\/nonexistent\/prior.safetensors' does not exist$/);
    await expect(runBatch(s, x, { methods: [getMethod('adv')], snr: 4, seed: 0 })).rejects.toThrow(
      /^DeepJSCC-adv needs the adversarially trained DeepJSCC: '\/nonexistent\/adv.safetensors' does not exist$/);
    // methods the user named: checked before any work, the same way
    await expect(requireAvailable(s, [getMethod('deepjscc'), getMethod('adv')], [1, 4])).rejects.toThrow(
      `DeepJSCC-adv needs '/nonexistent/adv.safetensors', which does not exist; make it with: commin train jscc --loss mse+lpips+gan --init ${J} --out /nonexistent/adv.safetensors`);
    x.dispose();
  });
});

describe('what a method receives', () => {
  it('the received symbols decode to y, and send(the system\'s own DeepJSCC) reproduces y exactly (same noise keys)', async () => {
    const s = await sys();
    const x = images(3);
    let checked = 0;
    inspect = async ({ system, y, received, send, snr }) => {
      expect(received.shape).toEqual([3, system.jscc.latent, 16, 16]);
      const decoded = noGrad(() => system.jscc.decode(received, tensor(engine(), [snr, snr, snr], [3])));
      expect(await decoded.data()).toEqual(await y.data());
      const again = send(system.jscc);
      expect(await again.data()).toEqual(await y.data());
      for (const t of [decoded, again]) t.dispose();
      checked++;
    };
    await runBatch(s, x, { methods: [getMethod('fake-inspect')], snr: 1, seed: 3, firstImage: 5 });
    expect(checked).toBe(1);
    inspect = async () => {};
    x.dispose();
  });
});

describe('channel kind', () => {
  it('over Rayleigh every method sees one draw: send(the system\'s own DeepJSCC) reproduces y; no channel named is AWGN', async () => {
    const s = await sys();
    const x = images(2);
    let checked = 0;
    inspect = async ({ y, send, channel, effSnrDb, channelGain }) => {
      expect(channel.kind).toBe('rayleigh');
      const again = send(s.jscc);
      expect(await again.data()).toEqual(await y.data());
      again.dispose();
      const [eff, gain] = [await effSnrDb.data(), await channelGain.data()];
      eff.forEach((v, i) => expect(v).toBeCloseTo(4 + 10 * Math.log10(gain[i]), 3));
      checked++;
    };
    const rayleigh = { kind: 'rayleigh' as const };
    await runBatch(s, x, { methods: [getMethod('fake-a'), getMethod('fake-inspect'), getMethod('fake-b')], snr: 4, seed: 3, firstImage: 1, channel: rayleigh });
    expect(checked).toBe(1);
    inspect = async () => {};
    expect(seenB.at(-1)).toEqual(seenA.at(-1));
    const ray = Array.from(seenA.at(-1)!);
    await runBatch(s, x, { methods: [getMethod('fake-b')], snr: 4, seed: 3, firstImage: 1, channel: rayleigh });
    expect(Array.from(seenB.at(-1)!)).toEqual(ray);
    // the same keys over AWGN: another y; AWGN named or not, the same y
    await runBatch(s, x, { methods: [getMethod('fake-a')], snr: 4, seed: 3, firstImage: 1 });
    expect(Array.from(seenA.at(-1)!)).not.toEqual(ray);
    await runBatch(s, x, { methods: [getMethod('fake-b')], snr: 4, seed: 3, firstImage: 1, channel: { kind: 'awgn' } });
    expect(seenB.at(-1)).toEqual(seenA.at(-1));
    x.dispose();
  });
});

/** A system whose adversarial DeepJSCC is a tiny random one (bytes in memory), with the committed prior. */
async function advSystem(cfg: DeepJsccConfig): Promise<{ system: System; adv: DeepJSCC }> {
  const adv = new DeepJSCC(engine(), cfg, 11);
  const bytes = await adv.params.save({ config: JSON.stringify(cfg) });
  const paths: ModelPaths = { jscc: DEFAULT_JSCC_MODEL, lpips: LPIPS_WEIGHTS, prior: DEFAULT_PRIOR, inn: (s) => `/nonexistent/inn_snr${s}.safetensors`, adv: 'memory:adv' };
  const files = fileSource(paths);
  const source: ByteSource = { paths, read: async (p) => (p === 'memory:adv' ? bytes : files.read(p)) };
  return { system: await loadSystem(engine(), source), adv };
}

describe('adv', () => {
  it('sends the batch through the adversarial DeepJSCC on the system\'s noise keys: its output, not y', async () => {
    const { system, adv } = await advSystem({ size: 64, bcr: [1, 48], channels: [4, 8], snrAdaptive: true });
    const x = images(2);
    const outs: Record<string, Float32Array> = {};
    await runBatch(system, x, {
      methods: [getMethod('deepjscc'), getMethod('adv')], snr: 4, seed: 7, firstImage: 3,
      visit: async ({ method, out }) => { outs[method.name] = await out.data(); },
    });
    const expected = sendThrough(adv, x, 4, 7, 3);
    expect(outs.adv).toEqual(await expected.data());
    expect(outs.adv).not.toEqual(outs.deepjscc);
    // another image index, another draw
    const moved = sendThrough(adv, x, 4, 7, 0);
    expect(await moved.data()).not.toEqual(outs.adv);
    for (const t of [x, expected, moved]) t.dispose();
    adv.dispose();
  });

  it('refuses an adversarial model for another image size', async () => {
    const { system, adv } = await advSystem({ size: 32, bcr: [1, 48], channels: [4, 8], snrAdaptive: true });
    await expect(system.adv()).rejects.toThrow(/memory:adv is for 32×32 images, DeepJSCC for 64×64/);
    adv.dispose();
  });
});

describe('dps', () => {
  it('runs on the received symbols, moves away from y, and a batch of N equals N runs of batch 1', async () => {
    const { system, adv } = await advSystem({ size: 64, bcr: [1, 48], channels: [4, 8], snrAdaptive: true });
    adv.dispose();
    const x = images(2);
    const options = { dps: { steps: 2, startT: 50, zeta: 1 } };
    const run = async (xs: typeof x, firstImage: number) => {
      const outs: Record<string, Float32Array> = {};
      const steps: number[][] = [];
      await runBatch(system, xs, {
        methods: [getMethod('deepjscc'), getMethod('dps')], snr: 1, seed: 2, firstImage, options: { dps: { ...options.dps, diagnostics: true } },
        onStep: (_m, info) => { steps.push(info.dps!.channelDistance); },
        visit: async ({ method, out }) => { outs[method.name] = await out.data(); },
      });
      return { outs, steps };
    };
    const batch = await run(x, 0);
    expect(batch.steps.length).toBe(2);
    expect(batch.steps.every((d) => d.length === 2 && d.every((v) => v > 0))).toBe(true);
    expect(batch.outs.dps).not.toEqual(batch.outs.deepjscc);
    const size = 3 * 64 * 64;
    const all = await x.data();
    for (let k = 0; k < 2; k++) {
      const one = tensor(engine(), all.slice(k * size, (k + 1) * size), [1, 3, 64, 64]);
      const single = await run(one, k);
      const diff = Math.max(...single.outs.dps.map((v, i) => Math.abs(v - batch.outs.dps[k * size + i])));
      expect(diff, `image ${k} alone`).toBeLessThan(1e-4);
      one.dispose();
    }
    x.dispose();
  });
});

describe('diffjscc', () => {
  const train = /\/usr\/bin\/python3 tools\/torch_ref\/train_control\.py .*--size 64.* --out control_64\.pt/;

  it('requireAvailable names the control branch (beside the prior by default) and the commands that make it', async () => {
    const s = await sys();
    const J = DEFAULT_JSCC_MODEL;
    const missing = await missingModels(s, getMethod('diffjscc'), 4);
    expect(missing[0]).toBe('/nonexistent/prior.safetensors (make it with: commin train ddpm --out /nonexistent/prior.safetensors)');
    expect(missing[1]).toMatch(/^\/nonexistent\/control_64\.safetensors \(make it with: /);
    expect(missing[1]).toContain(`--prior /nonexistent/prior.safetensors --jscc ${J} `);
    expect(missing[1]).toMatch(/, then npx tsx tools\/convert_control\.ts control_64\.pt \/nonexistent\/control_64\.safetensors --prior \/nonexistent\/prior\.safetensors\)$/);
    // with the prior there, only the branch is missing: one file, both commands
    const withPrior = await loadSystem(engine(), fileSource({ jscc: J, lpips: LPIPS_WEIGHTS, prior: DEFAULT_PRIOR, control: '/nonexistent/control.safetensors' }));
    const named = requireAvailable(withPrior, [getMethod('deepjscc'), getMethod('diffjscc')], [1, 4]);
    await expect(named).rejects.toThrow(/^DiffJSCC needs '\/nonexistent\/control\.safetensors', which does not exist; make it with: /);
    await expect(named).rejects.toThrow(train);
    await expect(named).rejects.toThrow(/, then npx tsx tools\/convert_control\.ts control_64\.pt \/nonexistent\/control\.safetensors --prior \S*prior_64\.safetensors$/);
    withPrior.jscc.dispose();
  });

  it('the --diffjscc-* flags reach the method: its steps, ζ and start', () => {
    const parse = (argv: string[]) => addMethodOptions(addModelOptions(new Command('x'))).exitOverride().configureOutput({ writeErr: () => {} }).parse(argv, { from: 'user' }).opts();
    const schedule = new Schedule();
    const steps = (argv: string[]) => getMethod('diffjscc').steps!(methodOptionsFromFlags(parse(argv)), 4, schedule);
    expect(steps([])).toBe(10);
    expect(steps(['--diffjscc-steps', '7'])).toBe(7);
    // a start below the steps caps them: one step per timestep from t down to 0
    expect(steps(['--diffjscc-steps', '7', '--diffjscc-start-t', '3'])).toBe(4);
    const o = resolveDiffJscc(methodOptionsFromFlags(parse(['--diffjscc-zeta', '0.5', '--diffjscc-start-t', '250'])).diffjscc as object, 0);
    expect([o.zeta, o.startT, o.steps]).toEqual([0.5, 250, 10]);
    expect(parse(['--control', 'c.safetensors']).control).toBe('c.safetensors');
    expect(() => parse(['--diffjscc-steps', '0'])).toThrow();
  });
});
