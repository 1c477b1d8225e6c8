import { filterErrorsPair, nonseasonalSse, runFilter, runFilterPair, type Params } from '../../forecasting/models/ets-kernels';

/** A deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomCase(seed: number, phiOne: boolean) {
  const r = rng(seed);
  const n = 30 + Math.floor(r() * 170);
  const m = [4, 7, 12, 24][Math.floor(r() * 4)];
  const y = Float64Array.from({ length: n }, (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / m) + 0.3 * t + 15 * (r() - 0.5));
  const params = (): Params => {
    const alpha = 0.01 + 0.98 * r();
    return { alpha, beta: alpha * r(), gamma: (1 - alpha) * r(), phi: phiOne ? 1 : 0.8 + 0.18 * r() };
  };
  const x0 = Float64Array.from({ length: 2 + m }, (_, i) => (i === 0 ? 100 : i === 1 ? 0.5 : 20 * (r() - 0.5)));
  return { y, n, m, p: params(), q: params(), x0 };
}

const generic = (y: Float64Array, n: number, p: Params, hasTrend: boolean, m: number, x0: Float64Array) =>
  runFilter(y, n, p, hasTrend, m, x0, null, new Float64Array(Math.max(1, m)));

describe('ETS kernels equal the generic filter (runFilter) on random parameters', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it.each([
    ['no trend', false, false],
    ['undamped trend', true, true],
    ['damped trend', true, false],
  ])('runFilterPair with %s gives both SSEs bit for bit', (_name, hasTrend, phiOne) => {
    for (const seed of seeds) {
      const { y, n, m, p, q, x0 } = randomCase(seed, phiOne);
      const out = [NaN, NaN];
      runFilterPair(y, n, p, q, hasTrend, m, x0, new Float64Array(2 * m), out);
      expect(out[0]).toBe(generic(y, n, p, hasTrend, m, x0));
      expect(out[1]).toBe(generic(y, n, q, hasTrend, m, x0));
    }
  });

  it.each([
    ['no trend', false],
    ['damped trend', true],
  ])("filterErrorsPair with %s gives runFilter's errors for two series", (_name, hasTrend) => {
    for (const seed of seeds) {
      const a = randomCase(seed, false);
      const b = randomCase(seed + 1000, false);
      const n = Math.min(a.n, b.n);
      const m = a.m;
      const xb = Float64Array.from({ length: 2 + m }, (_, i) => b.x0[i % b.x0.length]);
      const errors = new Float64Array(2 * n);
      filterErrorsPair(a.y, a.x0, 0, b.y, xb, n, a.p, hasTrend, m, n, new Float64Array(2 * m), errors);
      const sse = (from: number) => errors.subarray(from, from + n).reduce((s, e) => s + e * e, 0);
      expect(sse(0)).toBe(generic(a.y, n, a.p, hasTrend, m, a.x0));
      expect(sse(n)).toBe(generic(b.y, n, a.p, hasTrend, m, xb));
    }
  });

  it.each([
    ['no trend', false],
    ['damped trend', true],
  ])('nonseasonalSse with %s returns the optimal initial state and its SSE', (_name, hasTrend) => {
    for (const seed of seeds) {
      const { y, n, p } = randomCase(seed, false);
      const x0 = new Float64Array(2);
      const sse = nonseasonalSse(y, n, p, hasTrend, x0);
      const direct = generic(y, n, p, hasTrend, 0, x0);
      expect(Math.abs(sse - direct)).toBeLessThanOrEqual(1e-7 * direct);
      // Any other initial state does no better (least squares optimum).
      for (const [dl, db] of [
        [1, 0],
        [-1, 0],
        [0, 0.1],
        [0, -0.1],
      ]) {
        const moved = Float64Array.from([x0[0] + dl, hasTrend ? x0[1] + db : 0]);
        expect(generic(y, n, p, hasTrend, 0, moved)).toBeGreaterThanOrEqual(direct * (1 - 1e-12));
      }
    }
  });
});
