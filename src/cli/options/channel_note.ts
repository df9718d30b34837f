// A model used over another channel than it was trained on is allowed (robustness is measured, not
// forbidden); the commands say so in one line.
import { trainedChannel } from '../../networks/load_jscc.js';
import { describeChannel, sameChannel, type ChannelSpec } from '../../channel/index.js';

/** "note: …" when the model's recorded training channel differs from `channel`; null when they match. */
export function trainedChannelNote(meta: Record<string, string>, model: string, channel: ChannelSpec): string | null {
  const trained = trainedChannel(meta, model);
  return sameChannel(trained, channel) ? null : `note: ${model} was trained over ${describeChannel(trained)}; sending over ${describeChannel(channel)}`;
}
