// The separation baseline with AVIF (Node only: sharp is a native, optional package), registered by the
// command line beside the JPEG one. The codec loads on first use, so a missing sharp fails only when the
// method is asked for, with the command that installs it.
import { registerMethod, type Method } from '../pipeline/index.js';
import { separationWith } from '../pipeline/methods/separation.js';
import { loadAvifCodec } from '../codecs/avif.js';

let loaded: Promise<Method> | undefined;

export const separationAvif: Method = {
  name: 'separation-avif',
  label: 'AVIF + capacity',
  needs: [],
  async reconstruct(req) {
    loaded ??= loadAvifCodec().then((codec) => separationWith(codec, 'separation-avif', 'AVIF + capacity'));
    return (await loaded).reconstruct(req);
  },
};

/** Adds separation-avif to the method registry (once). */
export function registerAvifMethod(): void {
  try {
    registerMethod(separationAvif);
  } catch {
    /* already registered */
  }
}
