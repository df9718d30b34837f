// DiffJSCC's PyTorch trainer (tools/torch_ref/train_control.py) on a tiny dataset and prior:
// tools/torch_ref/test_train_control.py checks zero-init, exact resume and its refusals; then the trained
// checkpoint goes through tools/convert_control.ts and the engine's controlled ε̂ must equal PyTorch's.
// Skipped, with the reason shown, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runProcess } from '../run_process.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/index.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { loadControl } from '../../src/networks/control.js';
import { controlledUNet } from '../../src/algorithms/diffjscc.js';
import { loadUNet } from '../../src/algorithms/load_prior.js';
import { convertControl } from '../../tools/convert_control.js';
import { expectClose, useEngine } from '../helpers.js';

const SCRIPT = new URL('../../tools/torch_ref/test_train_control.py', import.meta.url).pathname;
const PYTHON = (process.env.COMMIN_TORCH_PYTHON ? [process.env.COMMIN_TORCH_PYTHON] : ['/usr/bin/python3', 'python3'])
  .find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

const engine = useEngine();

describe('train_control.py and convert_control.ts', () => {
  it('zero-init, exact resume, refusals; the converted branch gives PyTorch\'s ε̂ on the engine', async (ctx) => {
    ctx.skip(!PYTHON, 'needs a Python with torch: bash tools/install-system-deps.sh --torch');
    const dir = mkdtempSync(join(tmpdir(), 'train-control-'));
    try {
      const r = await runProcess(PYTHON!, [SCRIPT, '--dir', dir], { env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 280_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/all checks passed/);
      const priorBytes = new Uint8Array(readFileSync(join(dir, 'prior.safetensors')));
      const bytes = await convertControl(new Uint8Array(readFileSync(join(dir, 'moved.pt'))), priorBytes, 'moved.pt', { priorName: 'prior.safetensors' });
      const { model: control, meta } = loadControl(engine(), bytes, 'converted');
      expect(JSON.parse(meta.prior).file).toBe('prior.safetensors');
      expect(control.cfg.stemChannels).toBe(8);
      const { model: prior } = loadUNet(engine(), priorBytes, 'prior');
      const f = parseSafetensors(new Uint8Array(readFileSync(join(dir, 'check.safetensors'))), 'check').tensors;
      const h = (n: string) => f.get(n)!;
      const eps = tidy(() => controlledUNet(prior, control, tensor(engine(), h('y').data, h('y').shape), Array.from(h('snr').data))
        .forward(tensor(engine(), h('x').data, h('x').shape), Array.from(h('t').data)));
      expectClose(await eps.data(), h('eps').data, 1e-3, 1e-4, 'ε̂ of the converted branch');
      eps.dispose();
      prior.dispose();
      control.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
