// The engine from the installed package: WGSL kernels come bundled in its JavaScript, so Vite needs no
// plugin and no config. Runs one matmul and one 3×3 convolution and prints the results.
import { Engine, conv2d, matmul, tensor } from 'commin-gpu';

const out = document.getElementById('out') as HTMLPreElement;
const show = (line: string) => (out.textContent = `${out.textContent === 'running…' ? '' : out.textContent}${line}\n`);

async function main(): Promise<void> {
  const engine = await Engine.create();
  show(`adapter: ${engine.adapterInfo.vendor} ${engine.adapterInfo.description}`.trim());

  // [2, 3] · [3, 2]
  const a = tensor(engine, [1, 2, 3, 4, 5, 6], [2, 3]);
  const b = tensor(engine, [7, 8, 9, 10, 11, 12], [3, 2]);
  const c = matmul(a, b);
  show(`matmul: [${Array.from(await c.data()).join(', ')}]  (expected [58, 64, 139, 154])`);

  // a 1×1×4×4 image of ones through a 3×3 kernel of ones, zero padding: 4 at corners, 6 on edges, 9 inside
  const x = tensor(engine, new Array(16).fill(1), [1, 1, 4, 4]);
  const w = tensor(engine, new Array(9).fill(1), [1, 1, 3, 3]);
  const y = conv2d(x, w, null, { padding: 1 });
  const rows = await y.data();
  show('conv2d 3×3, padding 1:');
  for (let r = 0; r < 4; r++) show(`  ${Array.from(rows.slice(r * 4, r * 4 + 4)).join(' ')}`);

  for (const t of [a, b, c, x, w, y]) t.dispose();
  engine.destroy();
}

main().catch((e: unknown) => {
  out.textContent = `error: ${(e as Error).message}`;
  console.error(e);
});
