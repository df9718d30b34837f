// The registry of reconstruction methods. A new method: one file in this folder and one line in BUILTIN.
import type { Method } from '../method.js';
import { deepjscc } from './deepjscc.js';
import { commin } from './commin.js';
import { dps } from './dps.js';
import { adv } from './adv.js';
import { separation } from './separation.js';
import { inverse } from './inverse.js';
import { diffjscc } from './diffjscc.js';

const BUILTIN: Method[] = [deepjscc, commin, dps, adv, separation];
// added on its own line so concurrent additions to the list above do not collide
BUILTIN.push(inverse);
BUILTIN.push(diffjscc);

const registry = new Map<string, Method>(BUILTIN.map((m) => [m.name, m]));

/** Adds a method (tests, plugins); a name already taken is an error. */
export function registerMethod(m: Method): void {
  if (registry.has(m.name)) throw new Error(`method '${m.name}' is already registered`);
  registry.set(m.name, m);
}

/** Removes a method added with registerMethod (tests clean up after themselves). */
export function unregisterMethod(name: string): void {
  if (BUILTIN.some((m) => m.name === name)) throw new Error(`method '${name}' is built in`);
  registry.delete(name);
}

export function methodNames(): string[] {
  return [...registry.keys()];
}

export function getMethod(name: string): Method {
  const m = registry.get(name);
  if (!m) throw new Error(`unknown method '${name}' (known: ${methodNames().join(', ')})`);
  return m;
}

/** Aliases the command line accepts for a list of methods. */
const ALIASES: Record<string, string[]> = { both: ['deepjscc', 'commin'] };

/** "deepjscc,commin" (or an alias such as "both") → the methods, each once, in the order named. */
export function parseMethods(list: string): Method[] {
  const names = list.split(',').map((s) => s.trim()).flatMap((n) => ALIASES[n] ?? [n]);
  const bad = names.filter((n) => !registry.has(n));
  if (bad.length || names.length === 0) throw new Error(`unknown method '${bad[0] ?? list}'; choices: ${[...methodNames(), ...Object.keys(ALIASES)].join(', ')}`);
  return [...new Set(names)].map(getMethod);
}

/**
 * What demo and eval run when no methods are named, each where its models are there. dps, adv and separation
 * run when named only: DPS costs an encoder backward per step, and the defaults are what the README's numbers are.
 */
export const DEFAULT_METHODS = ['deepjscc', 'commin'];
