// Every channel setting's default, in one table: the kernels fill in what a caller leaves out from here,
// the command line shows these as its defaults, and two specs are the same channel when they agree once
// these are filled in.
export const CHANNEL_DEFAULTS = {
  awgn: { noise: true },
  rayleigh: { noise: true, equaliser: 'mmse', fast: false, fading: true },
  ofdm: { noise: true, equaliser: 'mmse', subcarriers: 64, taps: 8, decayTaps: 2, cyclicPrefix: 16, dataPerPilot: 4, estimation: 'ls', fading: true },
} as const;
