// The registered methods' flags and the model-file flags, added to a command by looping over the
// registries (transmit, demo and eval name no method), and the settings the parsed flags select.
import { Option, type Command } from 'commander';
import { allMethods, flagKey, MODEL_KINDS, NEEDS, type FlagSpec, type Need } from '../../pipeline/index.js';
import { nonNegativeInt, nonNegativeNumber, positiveInt } from './args.js';
import { bundled } from '../defaults.js';

const PARSERS = { positiveInt, nonNegativeInt, nonNegativeNumber } as const;

function toOption(f: FlagSpec): Option {
  const o = new Option(f.flags, f.description);
  if (f.parse) o.argParser(PARSERS[f.parse]);
  if (f.choices) o.choices([...f.choices]);
  if (f.default !== undefined) o.default(f.default);
  return o;
}

/** Each registered method's flags, once each (two methods may share one, e.g. a model file). */
export function addMethodOptions(cmd: Command): Command {
  const seen = new Set(cmd.options.map((o) => o.long));
  for (const m of allMethods()) for (const f of m.settings?.flags ?? []) {
    const opt = toOption(f);
    if (seen.has(opt.long)) continue;
    seen.add(opt.long);
    cmd.addOption(opt);
  }
  return cmd;
}


/** --prior, --adv-model, --gan-model and --control: one flag per model kind that has one, saying which methods read it. */
export function addModelOptions(cmd: Command): Command {
  for (const need of NEEDS) {
    const kind = MODEL_KINDS[need];
    if (!kind.flag) continue;
    const users = allMethods().filter((m) => m.needs.includes(need)).map((m) => m.name).join(', ');
    // a kind found beside the prior has no default of its own
    const beside = kind.besidePrior ? ` (default: ${kind.defaultFile(64, [1, 48], 0).replace('_64.', '_<size>.')} beside --prior)` : '';
    const opt = new Option(`${kind.flag} <file>`, `${users}: ${kind.what(0)}${beside}`);
    if (!kind.besidePrior) opt.default(bundled(need));
    cmd.addOption(opt);
  }
  return cmd;
}

/** The files the model flags name, by kind (the kinds that have a flag of their own). */
export function flaggedModelFiles(o: Record<string, unknown>): Partial<Record<Need, string>> {
  return Object.fromEntries(NEEDS.filter((n) => MODEL_KINDS[n].flag).map((n) => [n, o[flagKey(MODEL_KINDS[n].flag!)] as string | undefined]));
}
