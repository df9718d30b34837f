// The registry of reconstruction methods. A new method: one file in this folder and one line in BUILTIN
// (or registerMethod from outside). Commands and the web page loop over the registry and name no method.
import type { Method, MethodOptions, RunSwitches } from '../method.js';
import { MODEL_KINDS } from '../model_kinds.js';
import type { FamilyName } from '../families.js';
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
export function registerMethod<S>(m: Method<S>): void {
  if (registry.has(m.name)) throw new Error(`method '${m.name}' is already registered`);
  registry.set(m.name, m as Method);
}

/** Removes a method added with registerMethod (tests clean up after themselves). */
export function unregisterMethod(name: string): void {
  if (BUILTIN.some((m) => m.name === name)) throw new Error(`method '${name}' is built in`);
  registry.delete(name);
}

/** The registered methods' names, in registry order. */
export function methodNames(): string[] {
  return [...registry.keys()];
}

/** Every registered method, in registry order. */
export const allMethods = (): Method[] => [...registry.values()];

/** The registered method of that name; throws naming the known ones when there is none. */
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
/** What a comparison of DeepJSCC models of several BCRs runs when no methods are named. */
export const BCR_SWEEP_DEFAULT_METHODS = ['deepjscc', 'separation'];
/** What the photo evaluation runs when no methods are named (each where its models are there). */
export const PHOTO_METHODS = ['deepjscc', 'adv', 'separation', 'separation-avif'];
/** The demo's photos: the quick ones of PHOTO_METHODS. */
export const PHOTO_DEMO_METHODS = ['deepjscc', 'adv', 'separation'];
/** The method the others are compared with (paired CIs), and what transmit runs when none is named. */
export const REFERENCE_METHOD = 'deepjscc';

/** Every registered method's settings as the parsed command-line flags select them. */
export function methodOptionsFromFlags(flags: Record<string, unknown>, switches?: RunSwitches): MethodOptions {
  return Object.fromEntries(allMethods().filter((m) => m.settings).map((m) => [m.name, m.settings!.fromFlags(flags, switches)]));
}

/** Methods that need a model only the face family has (a prior, an INN, a face GAN or a control branch). */
export const faceOnly = (m: Method) => m.needs.some((n) => MODEL_KINDS[n].faces);

/** Methods that follow any DeepJSCC: none of their models was trained for one DeepJSCC (a BCR comparison can run them). */
export const followsAnyJscc = (m: Method) => !m.needs.some((n) => MODEL_KINDS[n].oneJscc);

/** Throws, naming `--model faces`, when a method needs a face model and the family is natural. */
export function checkFamilyMethods(family: FamilyName, methods: readonly Method[]): void {
  if (family !== 'natural') return;
  const bad = methods.filter(faceOnly);
  if (bad.length) {
    const natural = allMethods().filter((m) => !faceOnly(m)).map((m) => m.name).join(', ');
    throw new Error(`${bad.map((m) => m.name).join(', ')} ${bad.length > 1 ? 'work' : 'works'} on 64×64 faces only (${bad.map((m) => m.needs.filter((n) => n !== 'lpips').join('+')).join('; ')} trained on faces): pass --model faces, or a method of the natural family (${natural})`);
  }
}
