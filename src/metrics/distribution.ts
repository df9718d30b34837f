// Distribution metrics between image sets on LPIPS-squeeze embeddings (no InceptionV3 is available here):
// a Fréchet distance ("FD-squeeze") and the kernel inception distance's estimator ("KID-squeeze").
// They are FID/KID computed on other features, and are labelled so everywhere.

/** Centred rows scaled by 1/√(n−1) (so Σ = AᵀA) and the mean. */
function centred(x: Float64Array[]): { mu: Float64Array; a: Float64Array[] } {
  const d = x[0].length, n = x.length;
  const mu = new Float64Array(d);
  for (const r of x) for (let i = 0; i < d; i++) mu[i] += r[i] / n;
  const s = 1 / Math.sqrt(Math.max(1, n - 1));
  return { mu, a: x.map((r) => r.map((v, i) => (v - mu[i]) * s)) };
}

const dot = (u: Float64Array, v: Float64Array) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * v[i];
  return s;
};

/** Eigenvalues and eigenvectors (columns of v) of a symmetric matrix, cyclic Jacobi. */
export function symmetricEigen(a0: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(a0);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/**
 * Fréchet distance between Gaussians fitted to two embedding sets:
 * ‖μ1 − μ2‖² + Tr Σ1 + Tr Σ2 − 2 Tr (Σ1Σ2)^½. With Σ1 = AᵀA and Σ2 = BᵀB (centred rows),
 * Tr (Σ1Σ2)^½ is the sum of singular values of A·Bᵀ, from the eigenvalues of (ABᵀ)(ABᵀ)ᵀ — a matrix the size
 * of the smaller set — when the sets are smaller than the embedding, else from Σ1^½ Σ2 Σ1^½ (d×d).
 */
export function frechetDistance(x: Float64Array[], y: Float64Array[]): number {
  const A = centred(x), B = centred(y);
  const [P, Q] = A.a.length <= B.a.length ? [A.a, B.a] : [B.a, A.a];
  let dmu = 0;
  for (let i = 0; i < A.mu.length; i++) dmu += (A.mu[i] - B.mu[i]) ** 2;
  const tr = A.a.reduce((s, r) => s + dot(r, r), 0) + B.a.reduce((s, r) => s + dot(r, r), 0);
  const d = A.mu.length;
  let trSqrt = 0;
  if (P.length <= d) {
    // sample space: M = P·Qᵀ (p×q), G = M·Mᵀ (p×p)
    const p = P.length;
    const M = P.map((pr) => Float64Array.from(Q, (qr) => dot(pr, qr)));
    const G = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) G[i * p + j] = G[j * p + i] = dot(M[i], M[j]);
    for (const l of symmetricEigen(G, p).values) trSqrt += Math.sqrt(Math.max(l, 0));
  } else {
    // feature space: eigenvalues of Σ1^½ Σ2 Σ1^½ (d×d)
    const cov = (rs: Float64Array[]) => {
      const c = new Float64Array(d * d);
      for (const r of rs) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c[i * d + j] += r[i] * r[j];
      return c;
    };
    const e1 = symmetricEigen(cov(A.a), d);
    const half = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++)
        for (let k = 0; k < d; k++) half[i * d + j] += e1.vectors[i * d + k] * Math.sqrt(Math.max(e1.values[k], 0)) * e1.vectors[j * d + k];
    const c2 = cov(B.a);
    const mm = (x: Float64Array, y: Float64Array) => {
      const o = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) o[i * d + j] += x[i * d + k] * y[k * d + j];
      return o;
    };
    const m = mm(mm(half, c2), half);
    for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) m[i * d + j] = m[j * d + i] = (m[i * d + j] + m[j * d + i]) / 2;
    for (const l of symmetricEigen(m, d).values) trSqrt += Math.sqrt(Math.max(l, 0));
  }
  return dmu + tr - 2 * trSqrt;
}

/** Unbiased MMD² with the cubic polynomial kernel k(x, y) = (x·y/d + 1)³ (the KID estimator). */
export function kernelDistance(x: Float64Array[], y: Float64Array[]): number {
  const d = x[0].length;
  const k = (u: Float64Array, v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < d; i++) s += u[i] * v[i];
    return (s / d + 1) ** 3;
  };
  const m = x.length, n = y.length;
  let kxx = 0, kyy = 0, kxy = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) kxx += k(x[i], x[j]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) kyy += k(y[i], y[j]);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) kxy += k(x[i], y[j]);
  return kxx / (m * (m - 1)) + kyy / (n * (n - 1)) - (2 * kxy) / (m * n);
}

/** Splits an [N, d] feature array into rows. */
export function rows(data: Float32Array, d: number): Float64Array[] {
  return Array.from({ length: data.length / d }, (_, i) => Float64Array.from(data.subarray(i * d, (i + 1) * d)));
}
