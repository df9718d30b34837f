// Lab: GroupNorm's statistics and backward with one invocation per (sample, group) against a workgroup
// per (sample, group), forward + backward (with SiLU) per shape, interleaved rounds, median kernel ms from
// the profiler (so host noise between rounds hits both alike). The U-Net's norms at batch 1 and 8.
//   npx tsx bench/lab/group_norm.ts [rounds]        (LP_NUM_THREADS=1: what a single core gives)
import { Engine, randUniform, tidy, backward, sum } from '../../src/index.js';
import { groupNorm, type GroupNormVariant } from '../../src/kernels/group_norm.js';
import { requireGrad } from '../../src/engine/autograd.js';

const e = await Engine.create({ autotune: false });
const rounds = Number(process.argv[2] ?? 7);
const SHAPES = [[1, 32, 64, 64], [1, 96, 64, 64], [1, 64, 32, 32], [1, 64, 16, 16], [1, 64, 8, 8], [8, 32, 64, 64], [8, 64, 32, 32]];
const VARIANTS: GroupNormVariant[] = ['invocation', 'workgroup'];
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
for (const shape of SHAPES) {
  const x = requireGrad(randUniform(e, shape, { seed: 1 }, -1, 1));
  const w = randUniform(e, [shape[1]], { seed: 2 }, 0.5, 1.5);
  const b = randUniform(e, [shape[1]], { seed: 3 }, -0.5, 0.5);
  const run = (variant: GroupNormVariant) => tidy(() => {
    backward(sum(groupNorm(x, 32, w, b, { silu: true, variant })));
    x.grad?.dispose();
    x.grad = null;
  });
  const ms: Record<string, number[]> = {};
  for (const v of VARIANTS) run(v);
  await e.sync();
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? [...VARIANTS].reverse() : VARIANTS) {
      e.startProfile();
      for (let i = 0; i < 5; i++) run(v);
      const prof = await e.stopProfile();
      (ms[v] ??= []).push(prof.filter((p) => p.kernel.startsWith('group_norm')).reduce((a, p) => a + p.ms, 0) / 5);
    }
  }
  const [a, c] = VARIANTS.map((v) => med(ms[v]));
  console.log(`[${shape}] G32  invocation ${a.toFixed(3)} ms  workgroup ${c.toFixed(3)} ms  (${(a / c).toFixed(2)}×)`);
  x.dispose(); w.dispose(); b.dispose();
}
e.destroy();
