// Awaiting GPU work in Node: the engine's wait (gpuWait, src/engine/platform.ts) against awaiting Dawn's
// promise directly, whose event poll spins the main thread for as long as the work runs. The same queued
// work (matmuls 512³) is awaited both ways, interleaved; wall time and the process's CPU time per round.
//   npx tsx bench/lab/gpu_wait.ts [--rounds 11] [--matmuls 20]
import { Engine, matmul, randUniform, tidy } from '../../src/index.js';

const arg = (name: string, d: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : Number(d);
};
const ROUNDS = arg('rounds', '11');
const MATMULS = arg('matmuls', '20');

const e = await Engine.create();
const a = randUniform(e, [512, 512], { seed: 1 });
const b = randUniform(e, [512, 512], { seed: 2 });

async function round(how: 'engine' | 'dawn'): Promise<[number, number]> {
  await e.sync();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  tidy(() => {
    for (let i = 0; i < MATMULS; i++) matmul(a, b);
  });
  if (how === 'engine') await e.sync();
  else {
    e.flush();
    await e.device.queue.onSubmittedWorkDone(); // Dawn's own poll
  }
  const cpu = process.cpuUsage(cpu0);
  return [performance.now() - t0, (cpu.user + cpu.system) / 1000];
}

await round('engine');
await round('dawn');
const res: Record<string, [number, number][]> = { engine: [], dawn: [] };
for (let r = 0; r < ROUNDS; r++) for (const how of ['dawn', 'engine'] as const) res[how].push(await round(how));
const median = (v: number[]) => [...v].sort((x, y) => x - y)[v.length >> 1];
for (const [how, v] of Object.entries(res)) {
  const wall = median(v.map((x) => x[0])), cpu = median(v.map((x) => x[1]));
  console.log(`${how === 'engine' ? 'engine.sync (gpuWait)' : 'Dawn promise awaited'}: ${MATMULS} matmuls 512³ in ${wall.toFixed(1)} ms (median of ${ROUNDS}), process CPU ${cpu.toFixed(0)} ms`);
}
e.destroy();
