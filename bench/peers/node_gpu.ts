// Peers written for the browser find WebGPU at navigator.gpu: put a Dawn GPU from the `webgpu` package
// there (one per peer, as each would have in its own page).
const held: unknown[] = []; // a create() result must outlive its devices, or Dawn crashes

export async function exposeNodeGpu(): Promise<void> {
  const modName = 'webgpu';
  const { create, globals } = (await import(modName)) as { create: (f: string[]) => GPU; globals: Record<string, unknown> };
  for (const [k, v] of Object.entries(globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  const gpu = create([]);
  held.push(gpu);
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu, userAgent: 'node' }, configurable: true, writable: true });
}
