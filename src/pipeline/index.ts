// The reconstruction pipeline: load a system, send a batch over the channel once, reconstruct it with each
// registered method, score every result. The CLI (transmit, demo, eval) and the web page call this.
export { fetchSource, urlExists, innFileName, jsccFileName, type ByteSource, type DownloadProgress, type ModelPaths } from './source.js';
export { controlPath, loadSystem, type System, type Prior, type LoadedInn, type LoadedJscc, type LoadedControl, type LoadedGan } from './system.js';
export { disposeReceived, receive, sendThrough, type Received } from './receive.js';
export { AWGN, CHANNEL_KINDS, checkChannelSpec, describeChannel, sameChannel, type ChannelKind, type ChannelSpec } from '../channel/index.js';
export { score, type Scores } from './score.js';
export { runBatch, reconstructAll, type BatchRequest, type MethodResult } from './run.js';
export { findMissing, missingModelError, modelFor, splitAvailable, type MissingModel, type Skipped } from './missing.js';
export { MODEL_KINDS, NEEDS, type ModelKind } from './model_kinds.js';
export { samplingSteps } from './sampling_steps.js';
export { flagKey, settingsOf, type FlagSpec, type Method, type MethodOptions, type MethodSettings, type Need, type ReconstructRequest, type RunSwitches, type SamplerDescription, type StepEvent, type SummaryContext } from './method.js';
export {
  BCR_SWEEP_DEFAULT_METHODS, DEFAULT_METHODS, PHOTO_DEMO_METHODS, PHOTO_METHODS, REFERENCE_METHOD, allMethods, checkFamilyMethods, faceOnly, followsAnyJscc, getMethod, methodNames, methodOptionsFromFlags,
  parseMethods, registerMethod, unregisterMethod,
} from './methods/index.js';
export { FAMILIES, familyHasBcr, familyOfMeta, isFamilyName, jsccFileOver, type FamilyName, type ModelFamily } from './families.js';
export { cropRegion, padForJscc, padRegion, type Region } from './region.js';
export { transmitImage, type TransmitImageOptions, type TransmittedImage } from './transmit_image.js';
