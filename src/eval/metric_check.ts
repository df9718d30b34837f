// A metric that is not a number is a broken run (non-finite weights or inputs), never a result to print.

export interface Metrics {
  psnr?: number;
  ssim?: number;
  lpips?: number;
  msssim?: number;
  fd?: number;
  kid?: number;
}

const NAMES: Record<keyof Metrics, string> = { psnr: 'PSNR', ssim: 'SSIM', lpips: 'LPIPS', msssim: 'MS-SSIM', fd: 'FD-squeeze', kid: 'KID-squeeze' };

/** Throws naming the metric and `what` (image, method, SNR) when a value is NaN or infinite; PSNR may be +∞ (identical images). */
export function checkMetrics(what: string, m: Metrics): void {
  for (const k of Object.keys(m) as (keyof Metrics)[]) {
    const v = m[k];
    if (v === undefined || Number.isFinite(v) || (k === 'psnr' && v === Infinity)) continue;
    throw new Error(`${NAMES[k]} of ${what} is ${v}: the reconstruction holds NaN or infinite values (non-finite model weights?)`);
  }
}
