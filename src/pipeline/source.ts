// Where a system's model files come from: paths (file names or URLs) and a reader for them. The CLI reads
// files (file_source.ts), the web page fetches; the loader only sees bytes, so both share it.
import { DEFAULT_JSCC, sameBcr } from '../networks/deepjscc.js';

export interface ModelPaths {
  jscc: string;
  lpips?: string;
  prior?: string;
  /** The INN trained for one SNR over the DeepJSCC of this BCR. */
  inn?: (snrDb: number, bcr: [number, number]) => string;
  /** The adversarially trained DeepJSCC (method adv): same size, its own encoder and decoder. */
  adv?: string;
  /** A control branch on the prior (conditional diffusion); default: control_<size>.safetensors beside the prior. */
  control?: string;
  /** The face GAN (method inverse): a generator of the DeepJSCC's image size. */
  gan?: string;
}

/** The DeepJSCC's file name for an image size and BCR, as the bundled models are named: deepjscc_<size>_bcr<k>-<n>. */
export const jsccFileName = (size: number, bcr: [number, number]) => `deepjscc_${size}_bcr${bcr[0]}-${bcr[1]}.safetensors`;

/** The INN's file name for an SNR and the DeepJSCC's BCR: inn_snr<S> for the default 1/48, inn_bcr<k>-<n>_snr<S> for others. */
export const innFileName = (snr: number, bcr: [number, number] = DEFAULT_JSCC.bcr) =>
  `inn_${sameBcr(bcr, DEFAULT_JSCC.bcr) ? '' : `bcr${bcr[0]}-${bcr[1]}_`}snr${snr}.safetensors`;

export interface ByteSource {
  paths: ModelPaths;
  /** The bytes at `path`, or null when there is nothing there (an optional model). */
  read(path: string): Promise<Uint8Array | null>;
  /** Whether there is a file at `path`, without reading it: for a source where reading is a download, so that
   *  which methods can run is known before their models are fetched (findMissing with `load: false`). */
  exists?(path: string): Promise<boolean>;
}

/** A model download under way (`total` null when the server does not say the size). */
export interface DownloadProgress { url: string; loaded: number; total: number | null; done: boolean }

/** Models served over HTTP (the web page): a 404 is an absent model. Each download reports its bytes as they
 *  arrive to `onProgress`; `exists` asks with a HEAD request. */
export function fetchSource(paths: ModelPaths, onProgress?: (p: DownloadProgress) => void): ByteSource {
  return {
    paths,
    async read(url) {
      const r = await fetch(url);
      if (!r.ok) return null;
      return onProgress && r.body ? readWithProgress(url, r, onProgress) : new Uint8Array(await r.arrayBuffer());
    },
    exists: urlExists,
  };
}

/** Whether a server has a file at `url`, asked with a HEAD request (a network error counts as no). */
export async function urlExists(url: string): Promise<boolean> {
  const r = await fetch(url, { method: 'HEAD' }).catch(() => null);
  return !!r?.ok;
}

async function readWithProgress(url: string, r: Response, onProgress: (p: DownloadProgress) => void): Promise<Uint8Array> {
  const length = Number(r.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = r.body!.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress({ url, loaded, total, done: false });
    }
  } finally {
    onProgress({ url, loaded, total, done: true });
  }
  const out = new Uint8Array(loaded);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.byteLength;
  }
  return out;
}
