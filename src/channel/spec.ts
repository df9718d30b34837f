// Which channel a DeepJSCC link runs over, as one value passed through the model, the pipeline, training
// and the CLI: a kind and that kind's settings (the kernels' options without the per-draw keys). AWGN is the
// default everywhere and draws exactly what awgnChannel draws.
import type { ChannelOptions } from './awgn.js';
import { ofdmFrame, type OfdmOptions } from './ofdm.js';
import type { RayleighOptions } from './rayleigh.js';
import { CHANNEL_DEFAULTS } from './defaults.js';

export const CHANNEL_KINDS = ['awgn', 'rayleigh', 'ofdm'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** A kernel's options without what keys one draw (SNR, seed, offset, firstImage); noise: false is a noiseless channel. */
type Settings<T> = Omit<T, 'snrDb' | 'seed' | 'offset' | 'firstImage'>;
export type RayleighSettings = Settings<RayleighOptions>;
export type OfdmSettings = Settings<OfdmOptions>;

export type ChannelSpec =
  | { kind: 'awgn'; options?: Settings<ChannelOptions> }
  | { kind: 'rayleigh'; options?: RayleighSettings }
  | { kind: 'ofdm'; options?: OfdmSettings };

export const AWGN: ChannelSpec = { kind: 'awgn' };

/** Throws a one-line error for a kind the channels do not have, or OFDM settings that give no frame. */
export function checkChannelSpec(spec: ChannelSpec): void {
  if (!CHANNEL_KINDS.includes(spec?.kind)) throw new Error(`unknown channel '${spec?.kind}' (choices: ${CHANNEL_KINDS.join(', ')})`);
  if (spec.kind === 'ofdm') ofdmFrame(1, spec.options ?? {});
}

/** One line for logs and tables, e.g. "rayleigh (block fading, MMSE equaliser)". */
export function describeChannel(spec: ChannelSpec): string {
  if (spec.options?.noise === false) return `${describeChannel({ ...spec, options: { ...spec.options, noise: undefined } } as ChannelSpec)}, noiseless`;
  if (spec.kind === 'awgn') return 'awgn';
  const eq = `${(spec.options?.equaliser ?? CHANNEL_DEFAULTS[spec.kind].equaliser).toUpperCase()} equaliser`;
  if (spec.kind === 'rayleigh') return `rayleigh (${spec.options?.fast ? 'fast' : 'block'} fading, ${eq})`;
  const f = ofdmFrame(1, spec.options ?? {});
  return `ofdm (${f.F} subcarriers, ${f.L} taps, cyclic prefix ${f.cp}, ${(spec.options?.estimation ?? CHANNEL_DEFAULTS.ofdm.estimation) === 'perfect' ? 'perfect CSI' : 'LS estimation'}, ${eq})`;
}

/** Two specs draw the same channel: the same kind and the same settings once the defaults are filled in. */
export function sameChannel(a: ChannelSpec, b: ChannelSpec): boolean {
  const norm = (s: ChannelSpec) => {
    const o: Record<string, unknown> = { ...CHANNEL_DEFAULTS[s.kind] };
    for (const [k, v] of Object.entries(s.options ?? {})) if (v !== undefined) o[k] = v;
    return JSON.stringify([s.kind, Object.entries(o).sort()]);
  };
  return norm(a) === norm(b);
}
