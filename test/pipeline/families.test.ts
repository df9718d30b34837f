// Which DeepJSCC file a family sends with over a channel: its own channel's where one is bundled.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { FAMILIES, jsccFileOver } from '../../src/pipeline/families.js';

describe('jsccFileOver', () => {
  it('names the Rayleigh-trained face model over Rayleigh at 1/48, the AWGN one elsewhere', () => {
    expect(jsccFileOver(FAMILIES.faces, [1, 48], 'rayleigh')).toEqual({ file: 'deepjscc_64_bcr1-48_rayleigh.safetensors', trainedOver: 'rayleigh' });
    expect(jsccFileOver(FAMILIES.faces, [2, 96], 'rayleigh').trainedOver).toBe('rayleigh'); // the same BCR written otherwise
    expect(jsccFileOver(FAMILIES.faces, [1, 96], 'rayleigh')).toEqual({ file: 'deepjscc_64_bcr1-96.safetensors', trainedOver: 'awgn' });
    expect(jsccFileOver(FAMILIES.faces, [1, 48], 'awgn')).toEqual({ file: 'deepjscc_64_bcr1-48.safetensors', trainedOver: 'awgn' });
    expect(jsccFileOver(FAMILIES.faces, [1, 48], 'ofdm').trainedOver).toBe('awgn');
    expect(jsccFileOver(FAMILIES.natural, [1, 48], 'rayleigh')).toEqual({ file: 'natural_bcr1-48.safetensors', trainedOver: 'awgn' });
  });
  it('every channel-trained model a family names is bundled', () => {
    for (const f of Object.values(FAMILIES)) {
      for (const [channel, bcrs] of Object.entries(f.trainedOver)) {
        for (const b of bcrs ?? []) {
          const { file } = jsccFileOver(f, b, channel as 'rayleigh');
          expect(existsSync(new URL(`../../models/${file}`, import.meta.url)), file).toBe(true);
        }
      }
    }
  });
});
