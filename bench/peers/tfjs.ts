// @tensorflow/tfjs-backend-webgpu on the same Dawn adapter, as a peer in the same run.
import type * as tfType from '@tensorflow/tfjs-core';
import { exposeNodeGpu } from './node_gpu.js';

export interface TfjsPeer {
  tf: typeof tfType;
  /** Waits until tfjs finished computing t, by reading back one element of it. */
  sync(t: tfType.Tensor): Promise<void>;
}

export async function loadTfjs(): Promise<TfjsPeer | null> {
  try {
    await exposeNodeGpu();
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-webgpu');
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    if (!(await tf.setBackend('webgpu'))) return null;
    await tf.ready();
    return {
      tf,
      // tfjs has no public "wait for the queue": a one-element readback orders after all its work
      async sync(t) {
        const one = tf.slice(tf.reshape(t, [-1]), [0], [1]);
        await one.data();
        tf.dispose(one);
      },
    };
  } catch (e) {
    console.warn(`tfjs-backend-webgpu unavailable: ${(e as Error).message}`);
    return null;
  }
}
