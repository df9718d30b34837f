// What every guided sampling method (DPS, the conditional diffusion baseline) takes from its callers, and
// the one way those settings become sampler options: DDIM unless DDPM is asked for, η = 0, the method's own
// ζ, steps and start; also their three flags (--NAME-zeta, --NAME-steps, --NAME-start-t) and summary.
import { flagKey, type FlagSpec } from './method.js';

export interface GuidedSettings {
  zeta?: number;
  steps?: number;
  startT?: number;
  eta?: number;
  method?: 'ddpm' | 'ddim';
  clip?: boolean;
  profile?: boolean;
}

export interface GuidedDefaults { zeta: number; steps: number; startT: number }

/** The sampler options of `o` over a method's defaults, for one seed. */
export function resolveGuided(o: GuidedSettings, d: GuidedDefaults, seed: number) {
  const method = o.method ?? 'ddim';
  return {
    method, steps: method === 'ddim' ? (o.steps ?? d.steps) : undefined, eta: o.eta ?? 0, seed,
    zeta: o.zeta ?? d.zeta, startT: o.startT ?? d.startT, clip: o.clip, profile: o.profile,
  };
}

/** A guided method's flags over its defaults, and the settings they select (unset flags keep the defaults). */
export function guidedFlags(name: string, label: string, d: GuidedDefaults, zetaWhat: string, zetaZero: string) {
  const specs: FlagSpec[] = [
    { flags: `--${name}-zeta <x>`, description: `${label}: ${zetaWhat} (default ${d.zeta}; ${zetaZero})`, parse: 'nonNegativeNumber' },
    { flags: `--${name}-steps <n>`, description: `${label}: DDIM steps (default ${d.steps})`, parse: 'positiveInt' },
    { flags: `--${name}-start-t <n>`, description: `${label}: start from y noised to this timestep (default ${d.startT})`, parse: 'nonNegativeInt' },
  ];
  const key = (field: string) => flagKey(`--${name}-${field}`);
  const read = (f: Record<string, unknown>): GuidedSettings =>
    ({ zeta: f[key('zeta')] as number | undefined, steps: f[key('steps')] as number | undefined, startT: f[key('start-t')] as number | undefined });
  return { specs, read };
}

/** What a results summary records of a guided sampler. */
export const guidedSummary = ({ method, steps, eta, zeta, startT }: { method: string; steps?: number; eta?: number; zeta?: number; startT?: number }) =>
  ({ method, steps, eta, zeta, startT });
