// Paired comparisons: the mean of per-image differences with its 95 % confidence interval (Student t).

// two-sided 95% Student t quantiles for df 1…30, then the normal value
const T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
// beyond 30: the first Cornish-Fisher term, z + (z³ + z)/(4·df) (1.984 at df = 99, as the tables give)
export const t95 = (df: number) => (df <= 30 ? T95[df - 1] : 1.96 + (1.96 ** 3 + 1.96) / (4 * df));

/** Mean of the differences and the half-width of its 95% confidence interval. */
export function meanCi(d: number[]): [number, number] {
  const n = d.length;
  const m = d.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  return [m, (t95(n - 1) * sd) / Math.sqrt(n)];
}

/** "+1.23 ± 0.45" */
export const formatCi = ([m, h]: [number, number], digits: number) => `${m >= 0 ? '+' : ''}${m.toFixed(digits)} ± ${h.toFixed(digits)}`;
