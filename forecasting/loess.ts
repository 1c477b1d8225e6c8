/**
 * The loess smoother used inside STL: a port of `stless`/`stlest` from the netlib
 * STL Fortran (as shipped in R's src/library/stats/src/stl.f) with a jump of 1.
 *
 * Positions are 1-based as in the Fortran so that the bandwidth arithmetic
 * (h, the 0.999h / 0.001h cut-offs, the (len - n) / 2 widening) stays identical;
 * arrays are 0-based, so position j lives at index j - 1.
 */

/**
 * Local (degree 0 or 1) tricube-weighted fit at position `xs` from points nleft..nright.
 * Returns NaN when every weight is zero (the Fortran's `ok = .false.`).
 */
export function loessEstimate(
  y: ArrayLike<number>,
  n: number,
  span: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  scratch: Float64Array,
  robustWeights: ArrayLike<number> | null,
): number {
  const range = n - 1;
  let h = Math.max(xs - nleft, nright - xs);
  // Integer division on purpose: the Fortran computes (len - n) / 2 in integers.
  if (span > n) h += Math.trunc((span - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let a = 0;
  for (let j = nleft; j <= nright; j++) {
    const r = Math.abs(j - xs);
    let w = 0;
    if (r <= h9) {
      if (r <= h1) w = 1;
      else {
        const q = r / h;
        const t = 1 - q * q * q;
        w = t * t * t;
      }
      if (robustWeights !== null) w *= robustWeights[j - 1];
      a += w;
    }
    scratch[j - 1] = w;
  }
  if (a <= 0) return NaN;
  for (let j = nleft; j <= nright; j++) scratch[j - 1] /= a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += scratch[j - 1] * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += scratch[j - 1] * (j - mean) * (j - mean);
    // A nearly degenerate design falls back to the local mean, as in the Fortran.
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) scratch[j - 1] *= b * (j - mean) + 1;
    }
  }
  let ys = 0;
  for (let j = nleft; j <= nright; j++) ys += scratch[j - 1] * y[j - 1];
  return ys;
}

/**
 * Loess-smooths y[0..n) with the given span and degree into out[offset..offset+n).
 * `scratch` must hold at least n numbers.
 */
export function loessSmooth(
  y: ArrayLike<number>,
  n: number,
  span: number,
  degree: number,
  robustWeights: ArrayLike<number> | null,
  out: Float64Array,
  offset: number,
  scratch: Float64Array,
): void {
  if (n < 2) {
    out[offset] = y[0];
    return;
  }
  if (span >= n) {
    for (let i = 1; i <= n; i++) {
      const v = loessEstimate(y, n, span, degree, i, 1, n, scratch, robustWeights);
      out[offset + i - 1] = Number.isNaN(v) ? y[i - 1] : v;
    }
    return;
  }
  const half = (span + 1) >> 1;
  // Without robustness weights every symmetric (interior) window gives the same linear
  // combination of its points: compute that kernel once instead of refitting at each point.
  let kernel: Float64Array | null = null;
  if (robustWeights === null && n >= span) {
    if (!Number.isNaN(loessEstimate(y, n, span, degree, half, 1, span, scratch, null))) {
      kernel = scratch.slice(0, span);
    }
  }
  let nleft = 1;
  let nright = span;
  for (let i = 1; i <= n; i++) {
    if (i > half && nright !== n) {
      nleft++;
      nright++;
    }
    if (kernel !== null && i - nleft === nright - i) {
      let v = 0;
      for (let r = 0, j = nleft - 1; r < span; r++, j++) v += kernel[r] * y[j];
      out[offset + i - 1] = v;
      continue;
    }
    const v = loessEstimate(y, n, span, degree, i, nleft, nright, scratch, robustWeights);
    out[offset + i - 1] = Number.isNaN(v) ? y[i - 1] : v;
  }
}
