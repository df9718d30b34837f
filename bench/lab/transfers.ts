// Lab: memory movement as transfer commands (copyBufferToBuffer per contiguous run, clearBuffer) against the
// copy_strided and fill kernels, each op between two small dispatches as in a model (a transfer ends the
// compute pass), interleaved rounds, median per op in ms, at the U-Net's concat / slice / zero shapes.
//   npx tsx bench/lab/transfers.ts [rounds]
import { Engine, randUniform } from '../../src/index.js';
import { copyStrided } from '../../src/kernels/copy.js';
import { unary } from '../../src/kernels/elementwise.js';
import { empty, grid1d } from '../../src/kernels/util.js';
import { stridesOf } from '../../src/engine/tensor.js';

const e = await Engine.create({ autotune: false });
const rounds = Number(process.argv[2] ?? 9);
const x = randUniform(e, [1, 64, 32, 32], { seed: 9 });
const between = () => unary('neg', x).dispose();

/** The copy of a [N, c, H, W] block into channels c0.. of a [N, C, H, W] tensor (a concat's part). */
function concatPart(N: number, c: number, C: number, HW: number, via: 'auto' | 'kernel') {
  const src = randUniform(e, [N, c, HW], { seed: 1 });
  const dst = empty(e, [N, C, HW]);
  const ds = stridesOf([N, C, HW]);
  return () => copyStrided(src, dst, [N, c, HW], stridesOf([N, c, HW]), ds, 0, (C - c) * HW, 'concat part', via);
}
/** Zeros as the fill kernel or as a clear. */
function zeros(n: number, via: 'auto' | 'kernel') {
  const y = empty(e, [n]);
  return () => (via === 'kernel' ? e.launch('fill', { buffers: [y.buffer], uniforms: { n, value: 0 }, workgroups: grid1d(e, n, 256) }) : e.clearBytes(y.buffer, 0, 4 * n));
}
const cases: [string, (via: 'auto' | 'kernel') => () => void][] = [
  ['concat part [1,64,64,64] of 96 ch', (v) => concatPart(1, 64, 96, 4096, v)],
  ['concat part [8,64,64,64] of 96 ch', (v) => concatPart(8, 64, 96, 4096, v)],
  ['concat part [8,64,8,8] of 128 ch', (v) => concatPart(8, 64, 128, 64, v)],
  ['zeros 36,864 (a weight layout)', (v) => zeros(36864, v)],
  ['zeros 2,097,152', (v) => zeros(2097152, v)],
];
for (const [name, make] of cases) {
  const ops = { kernel: make('kernel'), transfer: make('auto') };
  const t: Record<string, number[]> = { kernel: [], transfer: [] };
  const run = (op: () => void) => { for (let i = 0; i < 10; i++) { between(); op(); between(); } };
  for (const op of Object.values(ops)) run(op);
  await e.sync();
  const base: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const k of (r % 2 ? ['kernel', 'transfer'] : ['transfer', 'kernel']) as ('kernel' | 'transfer')[]) {
      const t0 = performance.now(); run(ops[k]); await e.sync(); t[k].push((performance.now() - t0) / 10);
    }
    const t0 = performance.now(); run(() => {}); await e.sync(); base.push((performance.now() - t0) / 10);
  }
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  console.log(`${name.padEnd(36)} kernel ${(med(t.kernel) - med(base)).toFixed(3)} ms, transfer ${(med(t.transfer) - med(base)).toFixed(3)} ms (the two dispatches around: ${med(base).toFixed(3)} ms)`);
}
e.destroy();
