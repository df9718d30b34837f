// The two model families. `faces`: the 64×64 face models (DeepJSCC of five BCRs, and the face methods on
// them: the methods that need a prior, an INN or a face GAN); a photo is centre-cropped and resized to 64×64. `natural`:
// DeepJSCC trained on random crops of photographs, which sends a photo at its own size (padded to the
// encoder's stride); only the methods that need no face model run on it (methods/index.ts faceOnly).
import { sameBcr } from '../networks/deepjscc.js';
import type { ChannelKind } from '../channel/spec.js';

export type FamilyName = 'faces' | 'natural';

export interface ModelFamily {
  name: FamilyName;
  /** What it was trained on, for messages. */
  what: string;
  /** Photos are sent at their own size (else centre-cropped and resized to the model's size). */
  ownSize: boolean;
  /** File name of the family's DeepJSCC for a BCR. */
  jsccFile(bcr: [number, number]): string;
  /** File name of the family's adversarial DeepJSCC for a BCR. */
  advFile(bcr: [number, number]): string;
  /** The BCRs the family is trained for, densest first. */
  bcrs: [number, number][];
  /** DeepJSCC models trained over a channel other than AWGN, by channel: the BCRs that have one, named
   *  jsccFile with `_<channel>` before the extension (e.g. deepjscc_64_bcr1-48_rayleigh.safetensors). */
  trainedOver: Partial<Record<ChannelKind, [number, number][]>>;
}

/** A BCR as model file names write it: bcr1-48. */
export const bcrTag = (b: [number, number]) => `bcr${b[0]}-${b[1]}`;

export const FAMILIES: Record<FamilyName, ModelFamily> = {
  faces: {
    name: 'faces', what: '64×64 faces', ownSize: false,
    jsccFile: (b) => `deepjscc_64_${bcrTag(b)}.safetensors`, advFile: (b) => `deepjscc_adv_64_${bcrTag(b)}.safetensors`,
    bcrs: [[1, 24], [1, 48], [1, 96], [1, 192]],
    trainedOver: { rayleigh: [[1, 48]] },
  },
  natural: {
    name: 'natural', what: 'photographs at their own size', ownSize: true,
    jsccFile: (b) => `natural_${bcrTag(b)}.safetensors`, advFile: (b) => `natural_adv_${bcrTag(b)}.safetensors`,
    bcrs: [[1, 48], [1, 96], [1, 192], [1, 384]],
    trainedOver: {},
  },
};

/** Whether s names a model family ('faces' or 'natural'). */
export const isFamilyName = (s: string): s is FamilyName => s === 'faces' || s === 'natural';

/** The family of a DeepJSCC checkpoint, from its metadata: natural when it was trained on crops of photos. */
export function familyOfMeta(meta: Record<string, string>): FamilyName {
  let sampling = meta.sampling;
  try {
    sampling = JSON.parse(sampling);
  } catch { /* a plain string */ }
  return sampling === 'crops' ? 'natural' : 'faces';
}

/** Whether the family has a trained model for the BCR. */
export const familyHasBcr = (f: ModelFamily, bcr: [number, number]) => f.bcrs.some((b) => sameBcr(b, bcr));

/** The family's DeepJSCC file for a BCR over a channel: the one trained over that channel where the family has
 *  it (trainedOver), else the AWGN-trained one. */
export function jsccFileOver(f: ModelFamily, bcr: [number, number], channel: ChannelKind): { file: string; trainedOver: ChannelKind } {
  const own = f.trainedOver[channel]?.some((b) => sameBcr(b, bcr));
  return own ? { file: f.jsccFile(bcr).replace(/\.safetensors$/, `_${channel}.safetensors`), trainedOver: channel } : { file: f.jsccFile(bcr), trainedOver: 'awgn' };
}
