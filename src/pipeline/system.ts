// A loaded system: DeepJSCC and LPIPS at once, the prior, the per-SNR INNs and the adversarial DeepJSCC on
// first use (cached), so a caller loads only what the methods it runs need. The low-level parsers stay in src/models.
import { metaJson } from '../util/meta.js';
import type { Engine } from '../engine/engine.js';
import { DEFAULT_JSCC, sameBcr, type DeepJSCC } from '../networks/deepjscc.js';
import type { Inn } from '../networks/inn.js';
import type { Schedule } from '../algorithms/diffusion.js';
import type { UNet } from '../networks/unet.js';
import { loadDeepJscc } from '../networks/load_jscc.js';
import { loadUNet } from '../algorithms/load_prior.js';
import { loadInn } from '../networks/load_inn.js';
import type { Generator } from '../networks/generator.js';
import { loadGenerator } from '../networks/load_generator.js';
import { Lpips } from '../metrics/lpips.js';
import { loadControl, type ControlNet } from '../networks/control.js';
import type { ByteSource } from './source.js';
import { familyOfMeta, type FamilyName } from './families.js';

export interface Prior { model: UNet; schedule: Schedule; meta: Record<string, string> }
/** An INN with the SNR its file says it was trained for (null: not recorded). */
export interface LoadedInn { inn: Inn; snr: number | null; meta: Record<string, string>; path: string }
/** Another DeepJSCC checkpoint (the adversarially trained one) with its file's metadata. */
export interface LoadedJscc { model: DeepJSCC; meta: Record<string, string> }
/** The face GAN's generator (method inverse) with its file's metadata. */
export interface LoadedGan { model: Generator; meta: Record<string, string> }

/** A control branch on the prior with its file's metadata and path. */
export interface LoadedControl { model: ControlNet; meta: Record<string, string>; path: string }

/** Where the system looks for the control branch: paths.control, else control_<size>.safetensors beside the prior. */
export function controlPath(source: ByteSource, size: number): string | undefined {
  const { control, prior } = source.paths;
  return control ?? (prior ? prior.replace(/[^/\\]*$/, `control_${size}.safetensors`) : undefined);
}

export interface System {
  engine: Engine;
  source: ByteSource;
  jscc: DeepJSCC;
  jsccMeta: Record<string, string>;
  /** The DeepJSCC's family: natural (photos at their own size) or faces (64×64). */
  family: FamilyName;
  /** Null when the source has no LPIPS weights (scores then have no LPIPS). */
  lpips: Lpips | null;
  /** The diffusion prior, loaded on first call (null when the source has none); throws if its image size differs. */
  prior(): Promise<Prior | null>;
  /** The INN for an SNR in dB, loaded on first call (null when the source has none); throws if trained at another BCR. */
  inn(snrDb: number): Promise<LoadedInn | null>;
  /** Null when the source has no adversarial DeepJSCC. */
  adv(): Promise<LoadedJscc | null>;
  /** Null when the source has no control branch on the prior (see controlPath). */
  control(): Promise<LoadedControl | null>;
  /** Null when the source has no face GAN. */
  gan(): Promise<LoadedGan | null>;
}

/** Loads DeepJSCC and LPIPS from a source now; the prior, INNs, adversarial DeepJSCC, control branch and GAN on first use. */
export async function loadSystem(engine: Engine, source: ByteSource): Promise<System> {
  const { paths } = source;
  const jsccBytes = await source.read(paths.jscc);
  if (!jsccBytes) throw new Error(`model '${paths.jscc}' does not exist`);
  const { model: jscc, meta: jsccMeta } = loadDeepJscc(engine, jsccBytes, paths.jscc);
  const lpBytes = paths.lpips ? await source.read(paths.lpips) : null;
  const lpips = lpBytes ? Lpips.load(engine, lpBytes, paths.lpips!) : null;
  let prior: Promise<Prior | null> | undefined;
  let adv: Promise<LoadedJscc | null> | undefined;
  let control: Promise<LoadedControl | null> | undefined;
  let gan: Promise<LoadedGan | null> | undefined;
  const inns = new Map<number, Promise<LoadedInn | null>>();
  return {
    engine, source, jscc, jsccMeta, lpips, family: familyOfMeta(jsccMeta),
    prior() {
      prior ??= (async () => {
        const bytes = paths.prior ? await source.read(paths.prior) : null;
        if (!bytes) return null;
        const p = loadUNet(engine, bytes, paths.prior!);
        const r = p.model.cfg.resolution, s = jscc.cfg.size;
        if (r !== s) throw new Error(`prior ${paths.prior} is for ${r}×${r} images, DeepJSCC for ${s}×${s}`);
        return p;
      })();
      return prior;
    },
    inn(snr) {
      if (!inns.has(snr)) inns.set(snr, (async () => {
        const path = paths.inn?.(snr, jscc.cfg.bcr);
        const bytes = path ? await source.read(path) : null;
        if (!bytes || !path) return null;
        const loaded = { ...loadInn(engine, bytes, path), path };
        // an INN learnt one DeepJSCC's outputs: another BCR's are another distribution
        const bcr = metaJson<[number, number] | null>(loaded.meta, 'bcr', path, null);
        if (bcr && !sameBcr(bcr, jscc.cfg.bcr)) {
          loaded.inn.dispose();
          throw new Error(`INN ${path} was trained on DeepJSCC at BCR ${bcr.join('/')}, this DeepJSCC sends at ${jscc.cfg.bcr.join('/')} (train one: commin train inn --jscc ${paths.jscc} --snr ${snr} --out ${path})`);
        }
        return loaded;
      })());
      return inns.get(snr)!;
    },
    control() {
      control ??= (async () => {
        const path = controlPath(source, jscc.cfg.size);
        const bytes = path ? await source.read(path) : null;
        if (!bytes || !path) return null;
        const c = loadControl(engine, bytes, path);
        const r = c.model.cfg.unet.resolution, s = jscc.cfg.size;
        // it learnt one DeepJSCC's outputs; branches that do not record which were trained on the default's
        const bcr = metaJson<[number, number]>(c.meta, 'jsccBcr', path, DEFAULT_JSCC.bcr);
        const differs = r !== s ? `is for ${r}×${r} images, DeepJSCC for ${s}×${s}` : !sameBcr(bcr, jscc.cfg.bcr) ? `was trained on DeepJSCC at BCR ${bcr.join('/')}, this DeepJSCC sends at ${jscc.cfg.bcr.join('/')}` : null;
        if (differs) {
          c.model.dispose();
          throw new Error(`control branch ${path} ${differs}`);
        }
        return { ...c, path };
      })();
      return control;
    },
    adv() {
      adv ??= (async () => {
        const bytes = paths.adv ? await source.read(paths.adv) : null;
        if (!bytes) return null;
        const a = loadDeepJscc(engine, bytes, paths.adv!);
        const r = a.model.cfg.size, s = jscc.cfg.size;
        const [ra, sa] = [a.model.cfg.bcr, jscc.cfg.bcr];
        // its own encoder sends its own symbols: at another size or BCR it is not the same link
        const differs = r !== s ? `is for ${r}×${r} images, DeepJSCC for ${s}×${s}` : !sameBcr(ra, sa) ? `sends at BCR ${ra.join('/')}, DeepJSCC at ${sa.join('/')}` : null;
        if (differs) {
          a.model.dispose();
          throw new Error(`adversarial DeepJSCC ${paths.adv} ${differs}`);
        }
        return a;
      })();
      return adv;
    },
    gan() {
      gan ??= (async () => {
        const bytes = paths.gan ? await source.read(paths.gan) : null;
        if (!bytes) return null;
        const g = loadGenerator(engine, bytes, paths.gan!);
        const r = g.model.size, s = jscc.cfg.size;
        if (r !== s) {
          g.model.dispose();
          throw new Error(`face GAN ${paths.gan} makes ${r}×${r} images, DeepJSCC is for ${s}×${s}`);
        }
        return g;
      })();
      return gan;
    },
  };
}
