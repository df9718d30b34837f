import { describe, expect, it } from 'vitest';
import { meanCi, mergeMethods, pairedDifferences, readMethod } from '../../tools/paired_ci.js';
import { testRng } from '../helpers.js';

describe('tools/paired_ci.ts', () => {
  it('mean and 95% interval of paired differences: d = 1, 2, 3 → 2 ± t(2)·1/√3', () => {
    const [m, h] = meanCi([1, 2, 3]);
    expect(m).toBeCloseTo(2, 12);
    expect(h).toBeCloseTo((4.303 * 1) / Math.sqrt(3), 12);
    // large n: the normal value with its first correction (1.984 at df 99)
    const [, h100] = meanCi(Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1)));
    expect(h100 / (Math.sqrt(100 / 99) / 10)).toBeCloseTo(1.984, 3);
  });

  it('pairs images within each BCR and SNR (a bcr column, as eval --models writes), only images both scored', () => {
    const rng = testRng();
    const head = 'image,method,bcr,snr_db,psnr_db,ssim,lpips_squeeze';
    const a: string[] = [head], b: string[] = [head];
    const shift: Record<string, number> = { '1/24': 0.5, '1/48': -0.25 };
    for (const bcr of ['1/24', '1/48']) {
      for (let i = 0; i < 5; i++) {
        const p = 20 + 5 * rng.uniform();
        a.push(`img${i},deepjscc,${bcr},1,${p},0.7,0.2`);
        // B = A + shift exactly (SSIM and LPIPS too) on images 0…3; image 4 only in A
        if (i < 4) b.push(`img${i},commin,${bcr},1,${p + shift[bcr]},${0.7 + shift[bcr]},${0.2 - shift[bcr]}`);
      }
    }
    const rows = pairedDifferences(readMethod(a.join('\n'), 'deepjscc'), readMethod(b.join('\n'), 'commin'));
    expect(rows.map((r) => [r.bcr, r.snr, r.pairs])).toEqual([['1/24', 1, 4], ['1/48', 1, 4]]);
    for (const r of rows) {
      expect(r.psnr[0]).toBeCloseTo(shift[r.bcr], 9);
      expect(r.psnr[1]).toBeLessThan(1e-9);
      expect(r.lpips[0]).toBeCloseTo(-shift[r.bcr], 9);
    }
    expect(() => readMethod('image,method\nx,y', 'deepjscc', 'bad.csv')).toThrow(/bad\.csv: not a commin eval per-image CSV/);
    expect(() => readMethod(a.join('\n'), 'dps', 'a.csv')).toThrow(/a\.csv: no rows of method 'dps'/);
  });

  it('merges chunks of one run (eval --skip/--count) and refuses an image scored in two chunks', () => {
    const head = 'image,method,snr_db,psnr_db,ssim,lpips_squeeze';
    const rows = (from: number, to: number, m: string, d: number) =>
      [head, ...Array.from({ length: to - from }, (_, k) => `img${from + k},${m},1,${20 + ((from + k) % 3) + d},0.7,0.3`)].join('\n');
    const a = mergeMethods([readMethod(rows(0, 3, 'deepjscc', 0), 'deepjscc'), readMethod(rows(3, 5, 'deepjscc', 0), 'deepjscc')]);
    const b = mergeMethods([readMethod(rows(0, 2, 'commin', 1.5), 'commin'), readMethod(rows(2, 5, 'commin', 1.5), 'commin')]);
    const [r] = pairedDifferences(a, b);
    expect(r.pairs).toBe(5);
    expect(r.psnr[0]).toBeCloseTo(1.5, 9);
    expect(() => mergeMethods([readMethod(rows(0, 3, 'commin', 0), 'commin'), readMethod(rows(2, 4, 'commin', 0), 'commin')], 'c1,c2'))
      .toThrow(/c1,c2: image 'img2' is in more than one file/);
  });
});
