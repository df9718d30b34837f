// tidy(): every tensor created inside the callback is disposed at its end, except what it returns and
// what keep() marks. Scopes nest; a tensor belongs to the innermost scope open when it was made.
import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

export function trackTensor(t: Tensor): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(t);
}

export function untrackTensor(t: Tensor): void {
  for (let i = scopes.length - 1; i >= 0; i--) if (scopes[i].delete(t)) return;
}

/** Takes a tensor out of every open scope, so tidy() does not dispose it. */
export function keep<T extends Tensor>(t: T): T {
  untrackTensor(t);
  return t;
}

function collect(result: unknown, into: Set<Tensor>): void {
  if (result === null || typeof result !== 'object') return;
  if ((result as { storage?: unknown; shape?: unknown }).storage && Array.isArray((result as Tensor).shape)) {
    into.add(result as Tensor);
    return;
  }
  if (Array.isArray(result)) for (const r of result) collect(r, into);
  else if (Object.getPrototypeOf(result) === Object.prototype) for (const v of Object.values(result)) collect(v, into);
}

function closeScope(scope: Set<Tensor>, result: unknown): void {
  const keepSet = new Set<Tensor>();
  collect(result, keepSet);
  scopes.pop();
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (keepSet.has(t)) {
      if (parent) parent.add(t);
    } else t.dispose();
  }
}

/** Runs fn and disposes every tensor made inside, except what it returns (also in arrays, plain objects) and what keep() marks. */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(scope, undefined);
    throw e;
  }
  if (result instanceof Promise) throw new Error('tidy() takes a synchronous function: use tidyAsync() for async work');
  closeScope(scope, result);
  return result;
}

/** tidy() for async functions. Do not interleave two tidyAsync() scopes concurrently. */
export async function tidyAsync<T>(fn: () => Promise<T>): Promise<T> {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    closeScope(scope, undefined);
    throw e;
  }
  closeScope(scope, result);
  return result;
}
