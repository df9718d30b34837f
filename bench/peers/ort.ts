// onnxruntime-node on the CPU (2 threads): the reference a CPU user would pick, timed on one-op graphs.
import { oneOpModel, type OneOpGraph } from './onnx_graph.js';

type Ort = typeof import('onnxruntime-node');

export interface OrtPeer {
  /** Prepares a session for the one-op graph with random inputs; returns a run that awaits the result. */
  prepare(g: OneOpGraph): Promise<{ run: () => Promise<void>; release: () => Promise<void> }>;
}

export async function loadOrt(threads = 2): Promise<OrtPeer | null> {
  let ort: Ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    console.warn(`onnxruntime-node unavailable: ${(e as Error).message}`);
    return null;
  }
  return {
    async prepare(g) {
      const session = await ort.InferenceSession.create(oneOpModel(g), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
      const feeds: Record<string, InstanceType<Ort['Tensor']>> = {};
      for (const [name, shape] of Object.entries(g.inputs)) {
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
        feeds[name] = new ort.Tensor('float32', data, shape);
      }
      return {
        run: async () => {
          const out = await session.run(feeds);
          for (const t of Object.values(out)) t.dispose?.();
        },
        release: () => session.release(),
      };
    },
  };
}
