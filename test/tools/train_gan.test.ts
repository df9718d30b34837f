// The face GAN's PyTorch trainer (tools/torch_ref/train_gan.py) on a tiny random dataset and a tiny GAN:
// 2 steps, then --resume to 3, equals 3 steps straight (G, its EMA, D with its u, v, both Adam states);
// an existing --out is refused without --resume / --force; a non-finite loss stops the run and writes no
// checkpoint; the sample grid is a PNG. Then tools/convert_gan.ts makes the checkpoint an engine generator
// whose images equal PyTorch's EMA generator's. Skipped, with the reason shown, where no Python has torch.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { runProcess } from '../run_process.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, tidy } from '../../src/index.js';
import { parseSafetensors } from '../../src/engine/safetensors.js';
import { decodeImage } from '../../src/data/image.js';
import { loadGenerator } from '../../src/networks/load_generator.js';
import { convertGan } from '../../tools/convert_gan.js';
import { expectClose, useEngine } from '../helpers.js';

const TORCH_REF = new URL('../../tools/torch_ref/', import.meta.url).pathname;
const PYTHON = (process.env.COMMIN_TORCH_PYTHON ? [process.env.COMMIN_TORCH_PYTHON] : ['/usr/bin/python3', 'python3'])
  .find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

const engine = useEngine();

/** Max |Δ| over every tensor of the two checkpoints, and the EMA generator's images on a fixed z (for the engine). */
const COMPARE = `
import sys, torch
sys.path.insert(0, sys.argv[1])
from gan import Generator
import safetensors_io
s, q = torch.load(sys.argv[2]), torch.load(sys.argv[3])
d = max(max((s[k][n] - q[k][n]).abs().max().item() for n in s[k]) for k in ("model", "ema", "discriminator"))
for k in ("optimizer", "dOptimizer"):
    d = max([d] + [(s[k]["state"][i][m] - q[k]["state"][i][m]).abs().max().item() for i in s[k]["state"] for m in ("exp_avg", "exp_avg_sq")])
print(f"step {q['step']} runs {q['runs']} diff {d}")
g = Generator(s["config"])
g.load_state_dict(s["ema"])
z = torch.randn(2, s["config"]["latent"], generator=torch.Generator().manual_seed(7))
with torch.no_grad():
    safetensors_io.save(sys.argv[4], {"z": z.numpy(), "images": g(z).numpy()})
`;

describe('train_gan.py and convert_gan.ts', () => {
  it('exact resume, refusals, sample grid; the converted EMA generator gives PyTorch\'s images on the engine', async (ctx) => {
    ctx.skip(!PYTHON, 'needs a Python with torch: bash tools/install-system-deps.sh --torch');
    const dir = mkdtempSync(join(tmpdir(), 'train-gan-'));
    const path = (n: string) => join(dir, n);
    try {
      // the cache format of tools/dataset_cache.ts: u32 header length, JSON names, uint8 [N, S, S, 3]
      const names = Buffer.from(JSON.stringify(Array.from({ length: 8 }, (_, i) => `img${i}.png`)));
      const px = Buffer.from(Array.from({ length: 8 * 16 * 16 * 3 }, (_, i) => (i * 7919) % 256));
      const len = Buffer.alloc(4);
      len.writeUInt32LE(names.length);
      writeFileSync(path('cache.bin'), Buffer.concat([len, names, px]));
      const run = (...args: string[]) => runProcess(PYTHON!, [join(TORCH_REF, 'train_gan.py'), '--cache', path('cache.bin'), '--latent', '8',
        '--g-channels', '16,8', '--d-channels', '8,16', '--batch', '4', '--threads', '1', '--log-every', '1', ...args], { timeout: 60_000 });
      let r = await run('--steps', '3', '--out', path('straight.pt'));
      expect(r.status, r.stderr).toBe(0);
      expect((await run('--steps', '2', '--out', path('resumed.pt'))).status).toBe(0);
      r = await run('--steps', '3', '--out', path('resumed.pt'), '--resume');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/resumed from .* at step 2/);
      const c = await runProcess(PYTHON!, ['-c', COMPARE, TORCH_REF, path('straight.pt'), path('resumed.pt'), path('check.safetensors')]);
      expect(c.status, c.stderr).toBe(0);
      expect(c.stdout.trim()).toBe('step 3 runs 2 diff 0.0');

      const grid = decodeImage(new Uint8Array(readFileSync(path('straight_samples_step3.png'))), 'grid');
      expect([grid.width, grid.height]).toEqual([64, 64]);

      r = await run('--steps', '3', '--out', path('straight.pt'));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/--resume continues it, --force replaces it/);
      r = await run('--steps', '3', '--lr', '1e38', '--d-lr', '1e38', '--out', path('nan.pt'));
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/non-finite .*loss/);
      expect(existsSync(path('nan.pt'))).toBe(false);

      const bytes = await convertGan(new Uint8Array(readFileSync(path('straight.pt'))), 'straight.pt');
      const { model, meta } = loadGenerator(engine(), bytes, 'converted');
      expect(meta.step).toBe('3');
      expect(meta.imagesSeen).toBe('12');
      expect(JSON.parse(meta.config)).toEqual({ latent: 8, channels: [16, 8], groups: 8 });
      const f = parseSafetensors(new Uint8Array(readFileSync(path('check.safetensors'))), 'check').tensors;
      const z = f.get('z')!;
      const img = tidy(() => model.forward(tensor(engine(), z.data, z.shape)));
      expectClose(await img.data(), f.get('images')!.data, 1e-4, 1e-6, 'images of the converted generator');
      img.dispose();
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
