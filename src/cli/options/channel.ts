// The channel flags shared by `train jscc`, `transmit`, `eval` and `demo`: --channel and the fading/OFDM
// settings (the kernels' defaults), turned into one ChannelSpec before the engine starts.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CHANNEL_DEFAULTS, CHANNEL_KINDS, checkChannelSpec, type ChannelSpec } from '../../channel/index.js';
import { nonNegativeInt, positiveInt } from './args.js';

const d = CHANNEL_DEFAULTS;

export function addChannelOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--channel <kind>', 'channel: awgn, rayleigh (fading, h known at the receiver and equalised) or ofdm (multipath, pilots, LS estimate)').choices([...CHANNEL_KINDS]).default('awgn'))
    .addOption(new Option('--equaliser <e>', 'rayleigh/ofdm: zero forcing or MMSE').choices(['zf', 'mmse']).default(d.ofdm.equaliser))
    .option('--fast-fading', 'rayleigh: a new h per symbol instead of one per image (block fading)')
    .option('--ofdm-subcarriers <n>', 'ofdm: subcarriers, a power of two in [2, 1024]', positiveInt, d.ofdm.subcarriers)
    .option('--ofdm-taps <n>', 'ofdm: multipath taps', positiveInt, d.ofdm.taps)
    .option('--ofdm-cp <n>', 'ofdm: cyclic prefix length (≥ taps − 1)', nonNegativeInt, d.ofdm.cyclicPrefix);
}

interface ChannelFlags { channel: string; equaliser: 'zf' | 'mmse'; fastFading?: boolean; ofdmSubcarriers: number; ofdmTaps: number; ofdmCp: number }

/** The spec the flags name; a setting given for a channel it does not apply to is an error. */
export function channelSpec(o: ChannelFlags, cmd: Command): ChannelSpec {
  const given = (flag: string) => cmd.getOptionValueSource(flag) === 'cli';
  const only = (flags: [string, string][], kinds: string[]) => {
    for (const [key, flag] of flags) if (given(key) && !kinds.includes(o.channel)) throw new InvalidArgumentError(`${flag} needs --channel ${kinds.join(' or ')}`);
  };
  only([['equaliser', '--equaliser']], ['rayleigh', 'ofdm']);
  only([['fastFading', '--fast-fading']], ['rayleigh']);
  only([['ofdmSubcarriers', '--ofdm-subcarriers'], ['ofdmTaps', '--ofdm-taps'], ['ofdmCp', '--ofdm-cp']], ['ofdm']);
  let spec: ChannelSpec;
  if (o.channel === 'awgn') spec = { kind: 'awgn' };
  else if (o.channel === 'rayleigh') spec = { kind: 'rayleigh', options: { equaliser: o.equaliser, fast: !!o.fastFading } };
  else spec = { kind: 'ofdm', options: { equaliser: o.equaliser, subcarriers: o.ofdmSubcarriers, taps: o.ofdmTaps, cyclicPrefix: o.ofdmCp } };
  try {
    checkChannelSpec(spec);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
  return spec;
}
