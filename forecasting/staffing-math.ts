/**
 * Special functions for the Erlang models, written to stay finite for thousands of agents:
 * everything that can overflow (factorials, powers, incomplete gammas) is kept in log space.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const EPS = 1e-16;
const MAX_ITER = 1_000_000;

/** ln Γ(x) for x > 0: Stirling's series after shifting x ≥ 15, where the truncation error is < 1e-16. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError('logGamma: x must be > 0');
  let z = x;
  // Shift with a running product (not a sum of logs) to keep rounding small; z stays < 15 so no overflow.
  let prod = 1;
  while (z < 15) {
    prod *= z;
    z += 1;
  }
  const shift = Math.log(prod);
  const z2 = 1 / (z * z);
  const series = (1 / z) * (1 / 12 - z2 * (1 / 360 - z2 * (1 / 1260 - z2 * (1 / 1680 - z2 * (1 / 1188 - z2 * (691 / 360360))))));
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + series - shift;
}

/**
 * Erlang B blocking probability by the standard recursion B(k) = A·B(k−1) / (k + A·B(k−1)),
 * which never forms A^N or N! and is stable for any N (it underflows to 0 only when B < 1e-308).
 */
export function erlangB(agents: number, traffic: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  return b;
}

/** Next Erlang B value, so searches over N can extend the recursion instead of restarting it. */
export function erlangBNext(previous: number, agents: number, traffic: number): number {
  return (traffic * previous) / (agents + traffic * previous);
}

/** Logs of the regularized incomplete gammas P(a,x) and Q(a,x). */
export interface LogIncompleteGamma {
  lnP: number;
  lnQ: number;
}

/**
 * ln P(a,x) and ln Q(a,x) (regularized lower/upper incomplete gamma), Numerical Recipes' split:
 * the power series for x < a+1 and Lentz's continued fraction for Q otherwise. The directly computed
 * one is accurate to relative rounding; the other comes from log1p(−·), accurate because it is then ≥ ~0.5.
 */
export function logIncompleteGamma(a: number, x: number): LogIncompleteGamma {
  if (!(a > 0)) throw new RangeError('logIncompleteGamma: a must be > 0');
  if (!(x >= 0)) throw new RangeError('logIncompleteGamma: x must be >= 0');
  if (x === 0) return { lnP: -Infinity, lnQ: 0 };
  if (x < a + 1) {
    const lnP = a * Math.log(x) - x - logGamma(a + 1) + Math.log(gammaSeries(a, x));
    return { lnP, lnQ: log1mExp(lnP) };
  }
  const lnQ = a * Math.log(x) - x - logGamma(a) + Math.log(gammaContinuedFraction(a, x));
  return { lnP: log1mExp(lnQ), lnQ };
}

/**
 * S(a,x) = Σ_{k≥0} x^k / ((a+1)(a+2)…(a+k)), so that P(a,x) = x^a e^{−x} S / Γ(a+1).
 * In Erlang A this sum is exactly the queue-length normaliser J, so exposing it avoids a log round trip.
 */
export function gammaSeries(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < MAX_ITER; k++) {
    term *= x / (a + k);
    sum += term;
    if (term < sum * EPS) return sum;
  }
  throw new Error('gammaSeries did not converge');
}

/** Continued fraction for Γ(a)·Q(a,x)·e^x·x^{−a} (modified Lentz), convergent for x ≥ a+1. */
function gammaContinuedFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) return h;
  }
  throw new Error('gammaContinuedFraction did not converge');
}

/** ln(1 − e^v) for v ≤ 0, choosing the form that keeps full precision (Mächler 2012). */
export function log1mExp(v: number): number {
  if (v > 0) throw new RangeError('log1mExp: v must be <= 0');
  return v > -Math.LN2 ? Math.log(-Math.expm1(v)) : Math.log1p(-Math.exp(v));
}

/** Standard normal lower-tail probability Φ(z) via the incomplete gamma: Φ(−|z|) = Q(½, z²/2) / 2. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === 0) return 0.5;
  const tail = 0.5 * Math.exp(logIncompleteGamma(0.5, (z * z) / 2).lnQ);
  return z < 0 ? tail : 1 - tail;
}

/**
 * Standard normal quantile: Acklam's rational approximation (relative error 1.15e-9) polished by two
 * Newton steps on normalCdf, which brings it to double precision for interval bounds.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('normalQuantile: p must be in (0, 1)');
  // Work in the lower tail, where Φ(z) − p has no cancellation.
  if (p > 0.5) return -normalQuantile(1 - p);
  if (p === 0.5) return 0;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let z: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    z = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    z =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    z = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  for (let i = 0; i < 2; i++) {
    const density = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    z -= (normalCdf(z) - p) / density;
  }
  return z;
}
