// Reverse-mode autograd: ops record a GradNode on their output; backward() walks the graph in reverse
// topological order (each node once, however many paths reach it) and accumulates gradients, with the
// engine's own fill and add launches (raw_ops.ts): the engine imports nothing from src/kernels.
import { Tensor, setReshapeGradHook } from './tensor.js';
import { keep } from './scope.js';
import { addSameShapeRaw, fillRaw } from './raw_ops.js';

export interface GradNode {
  name: string;
  inputs: Tensor[];
  /** Gradients for each input given the output gradient (null where an input needs none). */
  backward: (g: Tensor) => (Tensor | null)[];
}

let gradEnabled = true;

/** Whether ops record for backward now (false inside noGrad()). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording anything for backward (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether a gradient must flow to t (a leaf that requires one, or a recorded result). */
export function needsGrad(t: Tensor): boolean {
  return t.requiresGrad || t.node !== null;
}

/** Records how `out` was computed from `inputs`, if any of them needs a gradient. */
export function record(out: Tensor, name: string, inputs: Tensor[], backward: GradNode['backward']): Tensor {
  if (gradEnabled && inputs.some(needsGrad)) {
    out.node = { name, inputs, backward };
    out.requiresGrad = true;
  }
  return out;
}

setReshapeGradHook((out, input) => record(out, 'reshape', [input], (g) => [g.reshape(input.shape)]));

/** Marks a tensor as a leaf whose .grad backward() fills. */
export function requireGrad<T extends Tensor>(t: T): T {
  t.requiresGrad = true;
  return t;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // iterative DFS: deep graphs (long unrolled samplers) would overflow the JS stack
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const c = inputs[i];
      if (!seen.has(c) && needsGrad(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      order.push(t);
      stack.pop();
    }
  }
  return order;
}

/**
 * Computes d(root)/d(leaf) for every leaf with requiresGrad reachable from root, adding into leaf.grad.
 * `grad` defaults to 1 for a single-element root.
 */
export function backward(root: Tensor, grad?: Tensor): void {
  if (!needsGrad(root)) throw new Error('backward(): the tensor does not depend on any tensor that requires grad');
  if (!grad && root.size !== 1) {
    throw new Error(`backward(): a gradient must be given for a non-scalar output of shape [${root.shape.join(', ')}]`);
  }
  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    const owned = new Set<Tensor>(); // grads this function made and must dispose
    const seed = grad ?? fillRaw(root.engine, root.shape, 1);
    if (!grad) owned.add(seed);
    grads.set(root, seed);
    const order = topoOrder(root);
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      if (t.node) {
        const node = t.node;
        const gs = node.backward(g);
        node.inputs.forEach((inp, i) => {
          let gi = gs[i];
          if (!gi || !needsGrad(inp)) return;
          if (gi.shape.length !== inp.shape.length || gi.shape.some((d, j) => d !== inp.shape[j])) {
            throw new Error(
              `backward of '${node.name}': gradient shape [${gi.shape.join(', ')}] does not match input [${inp.shape.join(', ')}]`,
            );
          }
          // a backward may hand the same tensor to several inputs, or pass g through: give each its own handle
          if (gi === g || owned.has(gi) || gi === grad) gi = gi.reshape(gi.shape);
          owned.add(gi);
          const prev = grads.get(inp);
          if (prev) {
            const sum = addSameShapeRaw(prev, gi);
            owned.add(sum);
            disposeOwned(prev, owned);
            disposeOwned(gi, owned);
            grads.set(inp, sum);
          } else grads.set(inp, gi);
        });
      } else if (t.requiresGrad) {
        // a leaf: hand the gradient to .grad, which outlives any tidy() scope
        let leafGrad = g === grad ? g.reshape(g.shape) : g;
        owned.delete(leafGrad);
        if (t.grad) {
          const sum = addSameShapeRaw(t.grad, leafGrad);
          t.grad.dispose();
          leafGrad.dispose();
          leafGrad = sum;
        }
        t.grad = keep(leafGrad);
        continue;
      }
      disposeOwned(g, owned);
    }
    for (const g of grads.values()) disposeOwned(g, owned);
  });
}

function disposeOwned(t: Tensor, owned: Set<Tensor>): void {
  if (owned.delete(t)) t.dispose();
}
