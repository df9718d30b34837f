// AVIF (AV1 intra) through sharp's libvips/libheif/aom, for the separation baseline in Node: AV1 intra codes
// at least as well as BPG, the field's usual separation baseline. The channel carries the AV1 bitstream (the
// payload of the file's `mdat` box) and the 7-bit quality; the container around it (ftyp, meta: ~300 bytes)
// is rebuilt by the receiver from the size and the settings it knows. sharp is an optional dependency:
// loadAvifCodec() says how to install it when it is missing.
import { QUALITY_BITS, type StillCodec } from '../pipeline/jpeg_budget.js';
import type { RgbImage } from '../data/image.js';

/** Bytes of the payload of every top-level `mdat` box of an ISO-BMFF file (AVIF, HEIF). */
export function mdatBytes(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let i = 0, total = 0, found = false;
  while (i + 8 <= file.length) {
    let size = view.getUint32(i);
    const type = String.fromCharCode(file[i + 4], file[i + 5], file[i + 6], file[i + 7]);
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(i + 8));
      header = 16;
    } else if (size === 0) size = file.length - i;
    if (size < header || i + size > file.length) throw new Error(`mdatBytes: box '${type}' at byte ${i} has a bad size ${size}`);
    if (type === 'mdat') { total += size - header; found = true; }
    i += size;
  }
  if (!found) throw new Error('mdatBytes: no mdat box');
  return total;
}

/** AVIF settings: 4:2:0 (what low rates want) and libaom's speed (effort 0…9, higher slower). */
export interface AvifSettings { effort: number; chroma: '4:2:0' | '4:4:4' }
export const DEFAULT_AVIF: AvifSettings = { effort: 4, chroma: '4:2:0' };

type Sharp = (typeof import('sharp'))['default'];

/** The AVIF codec, or an error naming how to install sharp. */
export async function loadAvifCodec(settings: AvifSettings = DEFAULT_AVIF): Promise<StillCodec> {
  let sharp: Sharp;
  try {
    sharp = (await import('sharp')).default;
  } catch (e) {
    throw new Error(`the AVIF baseline needs the optional package sharp (npm install sharp): ${(e as Error).message.split('\n')[0]}`);
  }
  const raw = (img: RgbImage) => sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 3 } });
  return {
    name: `avif-e${settings.effort}-${settings.chroma}`,
    async encode(img, quality) {
      const file = new Uint8Array(await raw(img).avif({ quality, effort: settings.effort, chromaSubsampling: settings.chroma }).toBuffer());
      return {
        bits: 8 * mdatBytes(file) + QUALITY_BITS,
        decoded: async () => {
          const { data, info } = await sharp(Buffer.from(file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
          if (info.width !== img.width || info.height !== img.height || info.channels !== 3) throw new Error(`AVIF decoded to ${info.width}×${info.height}×${info.channels}, not ${img.width}×${img.height}×3`);
          return { width: img.width, height: img.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
        },
      };
    },
  };
}
