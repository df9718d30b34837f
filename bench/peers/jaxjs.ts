// @jax-js/jax's webgpu device on the same Dawn adapter, as a peer in the same run. jax-js looks for
// navigator.gpu, so the webgpu package's GPU is put there before the dynamic import.
import { exposeNodeGpu } from './node_gpu.js';

type Jax = typeof import('@jax-js/jax');
export type JaxArray = InstanceType<Jax['numpy']['Array']>;

export interface JaxPeer {
  jax: Jax;
  /** A random float32 array of this shape on the webgpu device. */
  rand(shape: number[]): JaxArray;
  /** Runs op k times (op must not consume its inputs: pass `.ref`s) and waits for every result. */
  time(op: () => JaxArray, k: number): () => Promise<void>;
}

export async function loadJaxjs(): Promise<JaxPeer | null> {
  try {
    await exposeNodeGpu();
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
  }
}
