// Defaults: files bundled in the repository (assets/, models/) and the shared data folder beside it
// (../shared/data), which only training and evaluation need: the UTKFace faces may not be redistributed.
import { fileURLToPath } from 'node:url';
import { describeDataFolder } from '../data/folder.js';
import { MODEL_KINDS, type Need } from '../pipeline/index.js';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const REPO_ROOT = root('');
/** The face folder for training and evaluation (UTKFace crops, not in the repository). */
export const DEFAULT_DATA = root('../shared/data/faces/utkface');
/** The full Kodak set, when the shared data folder is there. */
export const KODAK_DIR = root('../shared/data/kodak');
export const LPIPS_WEIGHTS = root('assets/lpips/lpips_squeeze_v0.1.safetensors');
/** 64×64 face crops of the Kodak portraits: the demo's faces when the face folder is missing. */
export const BUNDLED_FACES = root('assets/demo/faces');
/** 64×64 centre crops of Kodak scenes: the demo's Kodak images when the full set is missing. */
export const BUNDLED_KODAK = root('assets/demo/kodak');
/** Two Kodak images at 384×256: the demo's photos, sent at their own size through the natural family. */
export const BUNDLED_PHOTOS = root('assets/demo/photos');
export const MODELS_DIR = root('models');
export const DEFAULT_JSCC_MODEL = root('models/deepjscc_64_bcr1-48.safetensors');
/** A model kind's bundled file (pipeline/model_kinds.ts): the face family's, 64×64 at BCR 1/48. */
export const bundled = (need: Need) => root(`models/${MODEL_KINDS[need].defaultFile(64, [1, 48], 0)}`);
export const DEFAULT_PRIOR = bundled('prior');
/** The adversarially trained DeepJSCC (method adv), fine-tuned from DEFAULT_JSCC_MODEL. */
export const DEFAULT_ADV_MODEL = bundled('adv');
/** The 64×64 face GAN the inverse method inverts (tools/torch_ref/train_gan.py + tools/convert_gan.ts, or commin train gan). */
export const DEFAULT_GAN_MODEL = bundled('gan');

// a missing default face folder: say what belongs there (checkDataFolder, before any command's work)
describeDataFolder(DEFAULT_DATA, 'the default face folder: UTKFace face crops, which the repository does not include, expected in ../shared/data/faces/utkface beside it; pass --data DIR with a folder of face images');
