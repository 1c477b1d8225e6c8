/**
 * The inner loops of ETS estimation: the generic filter (runFilter) and its hand-specialised variants, which the
 * parameter searches call thousands of times per fit. Each variant is runFilter's arithmetic minus operations that
 * cannot change a value (zero slopes, multiplications by phi = 1), run for two parameter sets or two series side by
 * side; test/forecasting/ets-kernels.test.ts checks each against runFilter on random parameters.
 */

/** Smoothing parameters of one filter run. */
export interface Params {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/**
 * Runs the filter from initial state x0 = [level, slope, s_0..s_{m-1}] over y,
 * returns the SSE and optionally writes the final state. Once per fit, for the final state:
 * the searches use the faster runFilterPair (seasonal) and nonseasonalSse.
 */
export function runFilter(
  y: Float64Array,
  n: number,
  p: Params,
  hasTrend: boolean,
  m: number,
  x0: Float64Array,
  finalState: Float64Array | null,
  seasonScratch: Float64Array,
): number {
  let l = x0[0];
  let b = hasTrend ? x0[1] : 0;
  // Without a trend, phi = beta = 0 keep the slope at zero.
  const phi = hasTrend ? p.phi : 0;
  const beta = hasTrend ? p.beta : 0;
  const { alpha, gamma } = p;
  for (let j = 0; j < m; j++) seasonScratch[j] = x0[2 + j];
  let sse = 0;
  let j = 0;
  for (let t = 0; t < n; t++) {
    const s = m > 0 ? seasonScratch[j] : 0;
    const pb = phi * b;
    const e = y[t] - (l + pb + s);
    l = l + pb + alpha * e;
    b = pb + beta * e;
    if (m > 0) {
      seasonScratch[j] = s + gamma * e;
      j = j + 1 === m ? 0 : j + 1;
    }
    sse += e * e;
  }
  if (finalState !== null) {
    finalState[0] = l;
    finalState[1] = b;
    // Rotate so that finalState[2] is the seasonal state used for the next observation.
    for (let k = 0; k < m; k++) finalState[2 + k] = seasonScratch[(n + k) % m];
  }
  return sse;
}

/**
 * The SSEs runFilter would return for two parameter sets (same data, initial state and m > 0),
 * in one pass: each recursion waits on its own previous step, so two side by side take about
 * the time of one. Each is runFilter's arithmetic, minus operations that cannot change a value:
 * without a trend the slope terms are exact zeros, and an undamped trend multiplies by exactly 1.
 * Dropping them shortens each step's chain of dependent operations.
 */
export function runFilterPair(
  y: Float64Array,
  n: number,
  p: Params,
  q: Params,
  hasTrend: boolean,
  m: number,
  x0: Float64Array,
  seasons: Float64Array,
  out: number[],
): void {
  for (let j = 0; j < m; j++) seasons[j] = seasons[m + j] = x0[2 + j];
  if (!hasTrend) levelSeasonPair(y, n, p, q, m, x0[0], seasons, out);
  else if (p.phi === 1 && q.phi === 1) trendSeasonPair(y, n, p, q, m, x0[0], x0[1], seasons, out);
  else dampedTrendSeasonPair(y, n, p, q, m, x0[0], x0[1], seasons, out);
}

/** runFilterPair without a trend. */
export function levelSeasonPair(
  y: Float64Array,
  n: number,
  p: Params,
  q: Params,
  m: number,
  level: number,
  seasons: Float64Array,
  out: number[],
): void {
  const { alpha: alpha1, gamma: gamma1 } = p;
  const { alpha: alpha2, gamma: gamma2 } = q;
  let l1 = level;
  let l2 = level;
  let sse1 = 0;
  let sse2 = 0;
  for (let t = 0, j = 0; t < n; t++) {
    const yt = y[t];
    const s1 = seasons[j];
    const e1 = yt - (l1 + s1);
    l1 = l1 + alpha1 * e1;
    seasons[j] = s1 + gamma1 * e1;
    sse1 += e1 * e1;
    const s2 = seasons[m + j];
    const e2 = yt - (l2 + s2);
    l2 = l2 + alpha2 * e2;
    seasons[m + j] = s2 + gamma2 * e2;
    sse2 += e2 * e2;
    j = j + 1 === m ? 0 : j + 1;
  }
  out[0] = sse1;
  out[1] = sse2;
}

/** runFilterPair with an undamped trend (phi = 1). */
export function trendSeasonPair(
  y: Float64Array,
  n: number,
  p: Params,
  q: Params,
  m: number,
  level: number,
  slope: number,
  seasons: Float64Array,
  out: number[],
): void {
  const { alpha: alpha1, beta: beta1, gamma: gamma1 } = p;
  const { alpha: alpha2, beta: beta2, gamma: gamma2 } = q;
  let l1 = level;
  let b1 = slope;
  let l2 = level;
  let b2 = slope;
  let sse1 = 0;
  let sse2 = 0;
  for (let t = 0, j = 0; t < n; t++) {
    const yt = y[t];
    const s1 = seasons[j];
    const e1 = yt - (l1 + b1 + s1);
    l1 = l1 + b1 + alpha1 * e1;
    b1 = b1 + beta1 * e1;
    seasons[j] = s1 + gamma1 * e1;
    sse1 += e1 * e1;
    const s2 = seasons[m + j];
    const e2 = yt - (l2 + b2 + s2);
    l2 = l2 + b2 + alpha2 * e2;
    b2 = b2 + beta2 * e2;
    seasons[m + j] = s2 + gamma2 * e2;
    sse2 += e2 * e2;
    j = j + 1 === m ? 0 : j + 1;
  }
  out[0] = sse1;
  out[1] = sse2;
}

/** runFilterPair with a damped trend. */
export function dampedTrendSeasonPair(
  y: Float64Array,
  n: number,
  p: Params,
  q: Params,
  m: number,
  level: number,
  slope: number,
  seasons: Float64Array,
  out: number[],
): void {
  const { alpha: alpha1, beta: beta1, gamma: gamma1, phi: phi1 } = p;
  const { alpha: alpha2, beta: beta2, gamma: gamma2, phi: phi2 } = q;
  let l1 = level;
  let b1 = slope;
  let l2 = level;
  let b2 = slope;
  let sse1 = 0;
  let sse2 = 0;
  for (let t = 0, j = 0; t < n; t++) {
    const yt = y[t];
    const s1 = seasons[j];
    const pb1 = phi1 * b1;
    const e1 = yt - (l1 + pb1 + s1);
    l1 = l1 + pb1 + alpha1 * e1;
    b1 = pb1 + beta1 * e1;
    seasons[j] = s1 + gamma1 * e1;
    sse1 += e1 * e1;
    const s2 = seasons[m + j];
    const pb2 = phi2 * b2;
    const e2 = yt - (l2 + pb2 + s2);
    l2 = l2 + pb2 + alpha2 * e2;
    b2 = pb2 + beta2 * e2;
    seasons[m + j] = s2 + gamma2 * e2;
    sse2 += e2 * e2;
    j = j + 1 === m ? 0 : j + 1;
  }
  out[0] = sse1;
  out[1] = sse2;
}

/**
 * runFilter's one-step errors for two (data, initial state) pairs under the same parameters,
 * written to errors[atA + t] and errors[atB + t]; the arithmetic of each is runFilter's.
 */
export function filterErrorsPair(
  ya: Float64Array,
  x0a: Float64Array,
  atA: number,
  yb: Float64Array,
  x0b: Float64Array,
  atB: number,
  p: Params,
  hasTrend: boolean,
  m: number,
  n: number,
  seasons: Float64Array,
  errors: Float64Array,
): void {
  const phi = hasTrend ? p.phi : 0;
  const beta = hasTrend ? p.beta : 0;
  const { alpha, gamma } = p;
  let l1 = x0a[0];
  let b1 = hasTrend ? x0a[1] : 0;
  let l2 = x0b[0];
  let b2 = hasTrend ? x0b[1] : 0;
  for (let j = 0; j < m; j++) {
    seasons[j] = x0a[2 + j];
    seasons[m + j] = x0b[2 + j];
  }
  for (let t = 0, j = 0; t < n; t++) {
    const s1 = seasons[j];
    const pb1 = phi * b1;
    const e1 = ya[t] - (l1 + pb1 + s1);
    l1 = l1 + pb1 + alpha * e1;
    b1 = pb1 + beta * e1;
    seasons[j] = s1 + gamma * e1;
    errors[atA + t] = e1;
    const s2 = seasons[m + j];
    const pb2 = phi * b2;
    const e2 = yb[t] - (l2 + pb2 + s2);
    l2 = l2 + pb2 + alpha * e2;
    b2 = pb2 + beta * e2;
    seasons[m + j] = s2 + gamma * e2;
    errors[atB + t] = e2;
    j = j + 1 === m ? 0 : j + 1;
  }
}

/**
 * Non-seasonal special case of optimalInitialStates in a single fused pass (no buffers):
 * the data filter and the two unit-state filters run side by side, accumulating their Gram matrix.
 */
export function nonseasonalSse(y: Float64Array, n: number, p: Params, hasTrend: boolean, x0: Float64Array): number {
  if (!hasTrend) return levelSse(y, n, p.alpha, x0);
  const { alpha, beta, phi } = p;
  const decay = 1 - alpha;
  let l0 = 0,
    b0 = 0; // data, zero initial state
  let l1 = 1,
    b1 = 0; // zero data, unit level
  let l2 = 0,
    b2 = 1; // zero data, unit slope
  let s00 = 0,
    s01 = 0,
    s02 = 0,
    s11 = 0,
    s12 = 0,
    s22 = 0;
  for (let t = 0; t < n; t++) {
    const pb0 = phi * b0;
    const f0 = l0 + pb0;
    const e0 = y[t] - f0;
    l0 = f0 + alpha * e0;
    b0 = pb0 + beta * e0;
    const pb1 = phi * b1;
    const f1 = l1 + pb1;
    l1 = decay * f1;
    b1 = pb1 - beta * f1;
    s00 += e0 * e0;
    s01 -= e0 * f1;
    s11 += f1 * f1;
    const pb2 = phi * b2;
    const f2 = l2 + pb2;
    l2 = decay * f2;
    b2 = pb2 - beta * f2;
    s02 -= e0 * f2;
    s12 += f1 * f2;
    s22 += f2 * f2;
  }
  x0.fill(0);
  const ridge = 1e-10 * ((s11 + s22) / 2 + 1e-300);
  const a = s11 + ridge;
  const d = s22 + ridge;
  const det = a * d - s12 * s12;
  if (!(det > 0)) {
    const c = s11 > 0 ? -s01 / s11 : 0;
    x0[0] = c;
    return Math.max(0, s00 + c * s01);
  }
  const c1 = (-s01 * d + s02 * s12) / det;
  const c2 = (-s02 * a + s01 * s12) / det;
  x0[0] = c1;
  x0[1] = c2;
  return Math.max(0, s00 + c1 * s01 + c2 * s02);
}

/**
 * nonseasonalSse without a trend: only the data filter and the unit-level filter. Dropping the
 * zero slope terms (0 * b added at every step) shortens the recursion without changing any value.
 */
export function levelSse(y: Float64Array, n: number, alpha: number, x0: Float64Array): number {
  let l0 = 0; // data, zero initial state
  let l1 = 1; // zero data, unit level
  let s00 = 0,
    s01 = 0,
    s11 = 0;
  for (let t = 0; t < n; t++) {
    const f1 = l1;
    const e0 = y[t] - l0;
    l0 = l0 + alpha * e0;
    l1 = (1 - alpha) * f1;
    s00 += e0 * e0;
    s01 -= e0 * f1;
    s11 += f1 * f1;
  }
  x0.fill(0);
  const c = s11 > 0 ? -s01 / s11 : 0;
  x0[0] = c;
  return Math.max(0, s00 + c * s01);
}
