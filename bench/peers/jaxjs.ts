// @jax-js/jax's webgpu device on the same Dawn adapter, as a peer in the same run. jax-js looks for
// navigator.gpu, so the webgpu package's GPU is put there before the dynamic import.
type Jax = typeof import('@jax-js/jax');
export type JaxArray = InstanceType<Jax['numpy']['Array']>;

export interface JaxPeer {
  jax: Jax;
  /** A random float32 array of this shape on the webgpu device. */
  rand(shape: number[]): JaxArray;
  /** Runs op k times (op must not consume its inputs: pass `.ref`s) and waits for every result. */
  time(op: () => JaxArray, k: number): () => Promise<void>;
}

let held: unknown; // the webgpu create() result must outlive the device

export async function loadJaxjs(): Promise<JaxPeer | null> {
  try {
    const modName = 'webgpu';
    const { create, globals } = (await import(modName)) as { create: (f: string[]) => GPU; globals: Record<string, unknown> };
    for (const [k, v] of Object.entries(globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    const gpu = create([]);
    held = gpu;
    const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator ?? {};
    Object.defineProperty(globalThis, 'navigator', { value: { ...nav, gpu, userAgent: 'node' }, configurable: true, writable: true });
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('webgpu');
    if (!devices.includes('webgpu')) return null;
    jax.defaultDevice('webgpu');
    return {
      jax,
      rand(shape) {
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
        return jax.numpy.array(data, { shape } as never);
      },
      time(op, k) {
        // jax-js is lazy: an array disposed before it is awaited is never computed, so every result is
        // awaited (blockUntilReady) before it is disposed
        return async () => {
          const outs: JaxArray[] = [];
          for (let i = 0; i < k; i++) outs.push(op());
          for (const o of outs) await jax.blockUntilReady(o);
          for (const o of outs) o.dispose();
        };
      },
    };
  } catch (e) {
    console.warn(`jax-js webgpu unavailable: ${(e as Error).message}`);
    return null;
  } finally {
    void held;
  }
}
