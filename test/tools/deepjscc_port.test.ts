// The PyTorch port of DeepJSCC (tools/torch_ref/deepjscc.py, which makes the DiffJSCC trainer's y) against
// the engine: the committed model, a noiseless channel, faces-like random images at several SNRs → the same
// decoded images. Skipped, with the reason shown, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runProcess } from '../run_process.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/index.js';
import { serializeSafetensors } from '../../src/engine/safetensors.js';
import { loadDeepJscc } from '../../src/networks/load_jscc.js';
import { useEngine, testRng } from '../helpers.js';

const MODEL = new URL('../../models/deepjscc_64_bcr1-48.safetensors', import.meta.url).pathname;
const SCRIPT = new URL('../../tools/torch_ref/deepjscc.py', import.meta.url).pathname;
const PYTHON = (process.env.COMMIN_TORCH_PYTHON ? [process.env.COMMIN_TORCH_PYTHON] : ['/usr/bin/python3', 'python3'])
  .find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

const engine = useEngine();

describe('tools/torch_ref/deepjscc.py equals the engine’s DeepJSCC', () => {
  it('noiseless channel: the same decoded images at 0, 4.5, 9 and 14 dB', async (ctx) => {
    ctx.skip(!PYTHON, 'needs a Python with torch: bash tools/install-system-deps.sh --torch');
    const rng = testRng();
    const { model } = loadDeepJscc(engine(), new Uint8Array(readFileSync(MODEL)), MODEL);
    const N = 4, S = model.cfg.size;
    const snr = Float32Array.from([0, 4.5, 9, 14]);
    // smooth images (a few random gradients) rather than white noise: closer to what the port will see
    const x = new Float32Array(N * 3 * S * S);
    for (let n = 0; n < N; n++) for (let c = 0; c < 3; c++) {
      const [a, b, d] = [rng.uniform(), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
        x[((n * 3 + c) * S + i) * S + j] = Math.min(1, Math.max(0, a + (b * i + d * j) / S + 0.05 * rng.uniform(-1, 1)));
      }
    }
    const y = tidy(() => {
      const xs = tensor(engine(), x, [N, 3, S, S]);
      const s = tensor(engine(), snr, [N]);
      return model.decode(model.transmit(model.encode(xs, s), s, 0, 0, 0, { kind: 'awgn', options: { noise: false } }), s);
    });
    const dir = mkdtempSync(join(tmpdir(), 'deepjscc-port-'));
    try {
      const file = join(dir, 'check.safetensors');
      writeFileSync(file, serializeSafetensors(new Map([
        ['x', { shape: [N, 3, S, S], data: x }], ['snr', { shape: [N], data: snr }], ['y', { shape: [N, 3, S, S], data: await y.data() }],
      ]), {}));
      const r = await runProcess(PYTHON!, [SCRIPT, '--check', file, '--model', MODEL], { timeout: 120_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { maxAbsDiff: number; count: number };
      expect(out.count).toBe(N);
      expect(out.maxAbsDiff).toBeLessThan(2e-4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      y.dispose();
      model.dispose();
    }
  });
});
