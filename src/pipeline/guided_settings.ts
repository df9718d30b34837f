// What every guided sampling method (DPS, DiffJSCC) takes from its callers, and the one way those settings
// become sampler options: DDIM unless DDPM is asked for, η = 0, the method's own ζ, steps and start.

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
