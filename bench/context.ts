// What every bench section shares: the engine, the peers loaded for this run, timers for each, and
// the row builder (rates from work per op and median ms per op).
import type * as tfType from '@tensorflow/tfjs-core';
import type { Engine, Tensor } from '../src/index.js';
import { timeOp, type Row, type Timing } from './harness.js';
import type { JaxArray, JaxPeer } from './peers/jaxjs.js';
import type { OrtPeer } from './peers/ort.js';
import type { OneOpGraph } from './peers/onnx_graph.js';
import type { TfjsPeer } from './peers/tfjs.js';

export interface BenchContext {
  engine: Engine;
  tfjs: TfjsPeer | null;
  jaxjs: JaxPeer | null;
  ort: OrtPeer | null;
  /** Measuring time per shape (ms). */
  time: number;
  rows: Row[];
  want(name: string): boolean;
}

/** Times k launches of our op per sample (each result disposed). */
export function timeOurs(c: BenchContext, op: () => Tensor, k: number): Promise<Timing> {
  return timeOp(async () => {
    for (let i = 0; i < k; i++) op().dispose();
    await c.engine.sync();
  }, k, c.time);
}

/** Times tfjs; `make` builds the op from fresh random inputs, which are disposed afterwards. */
export async function timeTfjs(c: BenchContext, make: (tf: typeof tfType) => { op: () => tfType.Tensor; inputs: tfType.Tensor[] }, k: number): Promise<Timing | null> {
  if (!c.tfjs) return null;
  const { tf } = c.tfjs;
  const { op, inputs } = make(tf);
  try {
    return await timeOp(async () => {
      for (let i = 0; i < k - 1; i++) tf.dispose(op());
      const last = op();
      await c.tfjs!.sync(last);
      tf.dispose(last);
    }, k, c.time);
  } finally {
    tf.dispose(inputs);
  }
}

/** Times jax-js on its webgpu device; `make` gets random-input helper and returns an op using `.ref`s. */
export async function timeJax(c: BenchContext, make: (j: JaxPeer) => { op: () => JaxArray; inputs: JaxArray[] }, k: number): Promise<Timing | null> {
  if (!c.jaxjs) return null;
  const { op, inputs } = make(c.jaxjs);
  try {
    return await timeOp(c.jaxjs.time(op, k), k, c.time);
  } catch (e) {
    console.warn(`jax-js: ${(e as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    for (const a of inputs) a.dispose();
  }
}

/** Times onnxruntime-node (CPU) on a one-op graph. */
export async function timeOrt(c: BenchContext, g: OneOpGraph, k = 1): Promise<Timing | null> {
  if (!c.ort) return null;
  let s: Awaited<ReturnType<OrtPeer['prepare']>>;
  try {
    s = await c.ort.prepare(g);
  } catch (e) {
    console.warn(`onnxruntime-node ${g.op}: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
  try {
    return await timeOp(async () => {
      for (let i = 0; i < k; i++) await s.run();
    }, k, c.time);
  } finally {
    await s.release();
  }
}

export interface PeerTimings {
  tfjs?: Timing | null;
  jaxjs?: Timing | null;
  ort?: Timing | null;
}

/** A row in rate units: `work` is FLOP or bytes per op, rates are G/s of it. */
export function rateRow(name: string, shape: string, unit: Row['unit'], work: number, ours: Timing, peers: PeerTimings = {}): Row {
  const rate = (t: Timing | null | undefined) => (t ? work / t.medianMs / 1e6 : null);
  const o = rate(ours)!;
  const tf = rate(peers.tfjs);
  return {
    name, shape, unit, ours: o, tfjs: tf, ratio: tf ? o / tf : null, jaxjs: rate(peers.jaxjs), ort: rate(peers.ort),
    firstRunMs: ours.firstRunMs, medianMs: ours.medianMs,
  };
}

/** A row in ms (latency) with no peers. */
export function msRow(name: string, shape: string, ms: number, firstRunMs: number | null = null): Row {
  return { name, shape, unit: 'ms', ours: ms, tfjs: null, ratio: null, jaxjs: null, ort: null, firstRunMs, medianMs: ms };
}
