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
  if (!loessWeights(n, span, degree, xs, nleft, nright, scratch, nleft - 1, robustWeights)) return NaN;
  return weightedSum(scratch, nleft - 1, y, nleft - 1, nright - nleft + 1);
}

/**
 * The weights of loessEstimate: the weight of point j (nleft <= j <= nright) goes to
 * out[at + j - nleft], and the estimate is the sum of weight * y[j - 1] in order of j.
 * Returns false when every weight is zero.
 */
function loessWeights(
  n: number,
  span: number,
  degree: number,
  xs: number,
  nleft: number,
  nright: number,
  out: Float64Array,
  at: number,
  robustWeights: ArrayLike<number> | null,
): boolean {
  const range = n - 1;
  const shift = at - nleft;
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
    out[shift + j] = w;
  }
  if (a <= 0) return false;
  for (let j = nleft; j <= nright; j++) out[shift + j] /= a;
  if (h > 0 && degree > 0) {
    let mean = 0;
    for (let j = nleft; j <= nright; j++) mean += out[shift + j] * j;
    let b = xs - mean;
    let c = 0;
    for (let j = nleft; j <= nright; j++) c += out[shift + j] * (j - mean) * (j - mean);
    // A nearly degenerate design falls back to the local mean, as in the Fortran.
    if (Math.sqrt(c) > 0.001 * range) {
      b /= c;
      for (let j = nleft; j <= nright; j++) out[shift + j] *= b * (j - mean) + 1;
    }
  }
  return true;
}

/** Sum of w[wFrom + r] * y[yFrom + r] for r < count, in that order. */
function weightedSum(w: Float64Array, wFrom: number, y: ArrayLike<number>, yFrom: number, count: number): number {
  let v = 0;
  for (let r = 0; r < count; r++) v += w[wFrom + r] * y[yFrom + r];
  return v;
}

/**
 * out[outFrom + c] = weightedSum(kernel, 0, y, yFrom + c, span) for c < count (kernel = its first span values).
 * Four outputs at a time: each is still summed in kernel order (same values), but four independent
 * sums keep the CPU busy where one waits on its previous addition.
 */
function convolve(kernel: Float64Array, span: number, y: ArrayLike<number>, yFrom: number, out: Float64Array, outFrom: number, count: number): void {
  let c = 0;
  for (; c + 4 <= count; c += 4) {
    let v0 = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    for (let r = 0, j = yFrom + c; r < span; r++, j++) {
      const k = kernel[r];
      v0 += k * y[j];
      v1 += k * y[j + 1];
      v2 += k * y[j + 2];
      v3 += k * y[j + 3];
    }
    out[outFrom + c] = v0;
    out[outFrom + c + 1] = v1;
    out[outFrom + c + 2] = v2;
    out[outFrom + c + 3] = v3;
  }
  for (; c < count; c++) out[outFrom + c] = weightedSum(kernel, 0, y, yFrom + c, span);
}

/**
 * Without robustness weights a loess estimate is a fixed linear combination of the points in its
 * window: the weights depend only on the series length, span, degree and position. STL smooths
 * several series of one length with the same settings (each cycle-subseries, each inner pass),
 * so it computes the weights once per length here and then only forms the weighted sums.
 */
export class LoessWeights {
  /** Points per window: the span, or n when the span covers the whole series. */
  private readonly width: number;
  /** Positions kernelFrom..kernelTo share the kernel, the weights of a symmetric interior window. */
  private readonly kernelFrom: number;
  private readonly kernelTo: number;
  /**
   * The kernel (when there is one), then the weights of every other position, one window after
   * another in order of position. A window whose weights are all zero starts with NaN, so its
   * estimate is NaN as loessEstimate's.
   */
  private readonly weights: Float64Array;
  private readonly rowsFrom: number;

  constructor(
    readonly n: number,
    readonly span: number,
    readonly degree: number,
  ) {
    const wide = span >= n;
    this.width = wide ? n : span;
    // Windows are symmetric around i from the middle of the first one to the middle of the last one
    // (odd spans; an even span has none). Their common weights are never all zero: the centre has weight 1.
    const half = (span + 1) >> 1;
    const hasKernel = n >= 2 && !wide && span % 2 === 1;
    this.kernelFrom = hasKernel ? half : n + 1;
    this.kernelTo = hasKernel ? n - half + 1 : n;
    this.rowsFrom = hasKernel ? span : 0;
    const edgeCount = n - (this.kernelTo - this.kernelFrom + 1);
    this.weights = new Float64Array(this.rowsFrom + edgeCount * this.width);
    if (n < 2) return;
    // loessSmooth's kernel: the fit at the middle of the first window.
    if (hasKernel) loessWeights(n, span, degree, half, 1, span, this.weights, 0, null);
    let at = this.rowsFrom;
    for (let i = 1; i <= n; i++) {
      if (i === this.kernelFrom) i = this.kernelTo + 1;
      if (i > n) break;
      const nleft = this.windowStart(i);
      if (!loessWeights(n, span, degree, i, nleft, nleft + this.width - 1, this.weights, at, null)) this.weights[at] = NaN;
      at += this.width;
    }
  }

  /** First position (1-based) of the window at position i, as loessSmooth moves it. */
  private windowStart(i: number): number {
    if (this.width === this.n) return 1;
    const half = (this.span + 1) >> 1;
    return i <= half ? 1 : 1 + Math.min(i - half, this.n - this.span);
  }

  /** Same values as loessSmooth(y, n, span, degree, null, out, offset, scratch). */
  smooth(y: ArrayLike<number>, out: Float64Array, offset: number): void {
    const { n, width, weights, kernelFrom, kernelTo } = this;
    if (n < 2) {
      out[offset] = y[0];
      return;
    }
    let at = this.rowsFrom;
    for (let i = 1; i <= n; i++) {
      if (i === kernelFrom) {
        convolve(weights, width, y, this.windowStart(i) - 1, out, offset + i - 1, kernelTo - kernelFrom + 1);
        i = kernelTo;
        continue;
      }
      // As in loessSmooth, a fitted window whose estimate is NaN falls back to the point itself.
      const v = weightedSum(weights, at, y, this.windowStart(i) - 1, width);
      out[offset + i - 1] = Number.isNaN(v) ? y[i - 1] : v;
      at += width;
    }
  }
}

/** The weights of one loess estimate without robustness weights: estimate(y) equals loessEstimate's value. */
export class LoessRow {
  private readonly weights: Float64Array;
  private readonly ok: boolean;

  constructor(
    n: number,
    span: number,
    degree: number,
    xs: number,
    private readonly nleft: number,
    nright: number,
  ) {
    this.weights = new Float64Array(nright - nleft + 1);
    this.ok = loessWeights(n, span, degree, xs, nleft, nright, this.weights, 0, null);
  }

  /** NaN when every weight is zero, as loessEstimate. */
  estimate(y: ArrayLike<number>): number {
    return this.ok ? weightedSum(this.weights, 0, y, this.nleft - 1, this.weights.length) : NaN;
  }
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
