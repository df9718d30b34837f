// The channel: which one a link runs over (spec.ts), every setting's default (defaults.ts), and sending over
// it (send.ts: the one dispatch on the kind) through AWGN (awgn.ts), Rayleigh fading (rayleigh.ts) or OFDM
// over multipath (ofdm.ts), each fading channel equalised at the receiver (equalise.ts). The kernels'
// launches are here; their WGSL is shaders/channel*.wgsl.
export { CHANNEL_DEFAULTS } from './defaults.js';
export { AWGN, CHANNEL_KINDS, checkChannelSpec, describeChannel, sameChannel, type ChannelKind, type ChannelSpec, type OfdmSettings, type RayleighSettings } from './spec.js';
export { sendOverChannel, sendSpec, type SendOptions } from './send.js';
export { awgnChannel, type ChannelOptions } from './awgn.js';
export { rayleighChannel, type RayleighOptions } from './rayleigh.js';
export { ofdmChannel, ofdmFrame, type OfdmFrame, type OfdmOptions, type OfdmReceived } from './ofdm.js';
export type { Equalised, Equaliser } from './equalise.js';
