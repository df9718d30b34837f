// The reconstruction pipeline: load a system, send a batch over the channel once, reconstruct it with each
// registered method, score every result. The CLI (transmit, demo, eval) and the web page call this.
export { fetchSource, innFileName, jsccFileName, type ByteSource, type ModelPaths } from './source.js';
export { loadSystem, type System, type Prior, type LoadedInn, type LoadedJscc } from './system.js';
export { disposeReceived, receive, sendThrough, type Received } from './channel.js';
export { AWGN, CHANNEL_KINDS, checkChannelSpec, describeChannel, sameChannel, type ChannelKind, type ChannelSpec } from '../models/channel_spec.js';
export { score, type Scores } from './score.js';
export { runBatch, reconstructAll, type BatchRequest, type MethodResult } from './run.js';
export { describeMissing, findMissing, makeCommand, missingModelError, missingModels, modelFor, requireAvailable, splitAvailable, type MakeContext, type MissingModel, type Skipped } from './missing.js';
export { resolveCommin, DEFAULT_COMMIN, type CommInSettings } from './commin_settings.js';
export { resolveDps, DEFAULT_DPS, DEFAULT_DPS_ZETA, DEFAULT_DPS_STEPS, DEFAULT_DPS_START_T, type DpsSettings } from './dps_settings.js';
export { samplingSteps } from './sampling_steps.js';
export { resolveDiffJscc, DEFAULT_DIFFJSCC, DEFAULT_DIFFJSCC_ZETA, DEFAULT_DIFFJSCC_STEPS, DEFAULT_DIFFJSCC_START_T, type DiffJsccSettings } from './diffjscc_settings.js';
export { controlPath, type LoadedControl } from './system.js';
export { missingControlError } from './missing.js';
export { resolveInverse, DEFAULT_INVERSE, type InverseSettings } from './inverse_settings.js';
export type { LoadedGan } from './system.js';
export type { Method, MethodOptions, Need, ReconstructRequest, StepEvent } from './method.js';
export { DEFAULT_METHODS, getMethod, methodNames, parseMethods, registerMethod, unregisterMethod } from './methods/index.js';
export { FAMILIES, checkFamilyMethods, faceOnly, familyHasBcr, familyOfMeta, isFamilyName, type FamilyName, type ModelFamily } from './families.js';
export { cropRegion, padRegion, type Region } from './region.js';
