// Bundled defaults: the shared data folder next to the repository and the committed models.
import { fileURLToPath } from 'node:url';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const REPO_ROOT = root('');
export const DEFAULT_DATA = root('../shared/data/faces/utkface');
export const KODAK_DIR = root('../shared/data/kodak');
export const LPIPS_WEIGHTS = root('../shared/data/lpips/lpips_squeeze_v0.1.safetensors');
export const MODELS_DIR = root('models');
export const DEFAULT_JSCC_MODEL = root('models/deepjscc_64_bcr1-48.safetensors');
export const DEFAULT_PRIOR = root('models/prior_64.safetensors');
