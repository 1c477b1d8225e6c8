import { forecastChurn } from '../../forecasting/churn';

const Z95 = 1.959963984540054;
const Z80 = 1.2815515655446004;
const expit = (y: number) => 1 / (1 + Math.exp(-y));
// The empirical logit and its inverse, written out for hand checks (n = active base).
const elogit = (p: number, n: number) => Math.log((p * n + 0.5) / (n - p * n + 0.5));
const inv = (y: number, n: number) => Math.min(1, Math.max(0, (expit(y) * (n + 1) - 0.5) / n));

describe('forecastChurn hand-checked values', () => {
  test('constant 2% history: point stays 2%, intervals from binomial sampling noise', () => {
    const r = forecastChurn({ history: { rate: new Array(12).fill(2), activeBase: 1000 }, horizon: 3, alpha: 0.5 });
    expect(r.method).toBe('ses');
    expect(r.alpha).toBe(0.5);
    const y = elogit(0.02, 1000); // ln(20.5 / 980.5)
    const p = expit(y); // 20.5 / 1001
    const floor = 1 / (1000 * p * (1 - p)); // SSE is 0, so σ² is the sampling floor
    const bases = [1000, 980, 960.4];
    for (const [i, m] of r.months.entries()) {
      const h = i + 1;
      expect(m.month).toBe(h);
      expect(m.rate).toBeCloseTo(2, 12);
      expect(m.activeBase).toBeCloseTo(bases[i], 9);
      expect(m.customersLost).toBeCloseTo(bases[i] * 0.02, 9);
      const v = floor * (1 + (h - 1) * 0.25);
      expect(m.rateIntervals[0].level).toBe(80);
      expect(m.rateIntervals[0].lower).toBeCloseTo(100 * inv(y - Z80 * Math.sqrt(v), 1000), 10);
      expect(m.rateIntervals[1].upper).toBeCloseTo(100 * inv(y + Z95 * Math.sqrt(v), 1000), 10);
      const vLost = v + 1 / (bases[i] * p * (1 - p));
      expect(m.customersLostIntervals[1].lower).toBeCloseTo(bases[i] * inv(y - Z95 * Math.sqrt(vLost), 1000), 9);
      expect(m.customersLostIntervals[1].upper).toBeCloseTo(bases[i] * inv(y + Z95 * Math.sqrt(vLost), 1000), 9);
    }
    // Month 1, 95% by hand: y = ln(20.5/980.5) = −3.8676, sd = sqrt(1/(1000·p(1−p))) = 0.22327,
    // expit(y ∓ 0.43761)·1001 − 0.5 over 1000 → 1.2831% … 3.0901%.
    expect(r.months[0].rateIntervals[1].lower).toBeCloseTo(1.2831178, 6);
    expect(r.months[0].rateIntervals[1].upper).toBeCloseTo(3.0901281, 6);
  });

  test('SES recursion with a fixed alpha', () => {
    const rate = [2, 3, 2, 4, 3, 3];
    const n = 500;
    const alpha = 0.3;
    const y = rate.map((r) => elogit(r / 100, n));
    let level = y[0];
    let sse = 0;
    for (let t = 1; t < y.length; t++) {
      sse += (y[t] - level) ** 2;
      level += alpha * (y[t] - level);
    }
    const sigma2 = Math.max(sse / 5, 1 / (n * expit(level) * (1 - expit(level))));
    const r = forecastChurn({ history: { rate, activeBase: n }, horizon: 2, alpha, levels: [95] });
    expect(r.months[0].rate).toBeCloseTo(100 * inv(level, n), 12);
    expect(r.months[1].rate).toBeCloseTo(100 * inv(level, n), 12);
    expect(r.months[1].rateIntervals[0].upper).toBeCloseTo(100 * inv(level + Z95 * Math.sqrt(sigma2 * (1 + 0.09)), n), 10);
  });

  test('estimated alpha minimises the one-step squared error', () => {
    const rate = [3.1, 2.8, 3.6, 4.0, 3.7, 4.4, 4.1, 4.9, 5.2, 4.8, 5.5, 5.9];
    const n = 2000;
    const r = forecastChurn({ history: { rate, activeBase: n }, horizon: 1 });
    const y = rate.map((v) => elogit(v / 100, n));
    const sse = (a: number) => {
      let l = y[0];
      let s = 0;
      for (let t = 1; t < y.length; t++) {
        s += (y[t] - l) ** 2;
        l += a * (y[t] - l);
      }
      return s;
    };
    let best = 0.01;
    for (let a = 0.01; a <= 0.99; a += 0.0001) if (sse(a) < sse(best)) best = a;
    expect(r.alpha).toBeDefined();
    expect(Math.abs((r.alpha as number) - best)).toBeLessThan(2e-3);
  });

  test('new customers feed the projected base', () => {
    const r = forecastChurn({ history: { rate: new Array(6).fill(5), activeBase: 200 }, horizon: 3, alpha: 0.2, newCustomers: [10, 20, 30] });
    // 200 → 200·0.95 + 10 = 200 → 200·0.95 + 20 = 210
    expect(r.months.map((m) => m.activeBase)).toEqual([200, 200, 210].map((v) => expect.closeTo(v, 9)));
  });
});

describe('forecastChurn properties', () => {
  const histories: number[][] = [
    [0, 0, 0, 0, 0, 0, 0, 0],
    [100, 100, 100, 100, 100, 100],
    [0.5, 12, 3, 0, 40, 2, 7, 1.5, 0, 3],
    [1.2, 1.4, 1.1, 1.9, 1.3, 1.6, 1.5, 1.8, 1.4, 1.7, 2.0, 1.6, 1.9],
    [4],
    [3, 5, 4],
  ];
  for (const [i, rate] of histories.entries()) {
    test(`history ${i}: bounds inside 0–100 %, counts inside [0, base], nested intervals`, () => {
      const r = forecastChurn({ history: { rate, activeBase: 350 }, horizon: 12, levels: [50, 80, 95, 99] });
      expect(r.months).toHaveLength(12);
      let prevWidth = -Infinity;
      for (const m of r.months) {
        expect(m.rate).toBeGreaterThanOrEqual(0);
        expect(m.rate).toBeLessThanOrEqual(100);
        expect(m.activeBase).toBeGreaterThanOrEqual(0);
        for (let k = 0; k < 4; k++) {
          const ri = m.rateIntervals[k];
          const li = m.customersLostIntervals[k];
          for (const v of [ri.lower, ri.upper]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(100);
          }
          for (const v of [li.lower, li.upper]) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(m.activeBase + 1e-9);
          }
          expect(ri.lower).toBeLessThanOrEqual(m.rate + 1e-12);
          expect(ri.upper).toBeGreaterThanOrEqual(m.rate - 1e-12);
          if (k > 0) {
            expect(ri.lower).toBeLessThanOrEqual(m.rateIntervals[k - 1].lower + 1e-12);
            expect(ri.upper).toBeGreaterThanOrEqual(m.rateIntervals[k - 1].upper - 1e-12);
          }
        }
        const width = m.rateIntervals[2].upper - m.rateIntervals[2].lower;
        expect(width).toBeGreaterThanOrEqual(prevWidth - 1e-12);
        prevWidth = width;
      }
    });
  }

  test('smoothing intervals widen strictly with the horizon', () => {
    const r = forecastChurn({ history: { rate: histories[3], activeBase: 5000 }, horizon: 6 });
    const widths = r.months.map((m) => m.rateIntervals[1].upper - m.rateIntervals[1].lower);
    for (let h = 1; h < widths.length; h++) expect(widths[h]).toBeGreaterThan(widths[h - 1]);
  });

  test('short-history fallbacks say so', () => {
    const one = forecastChurn({ history: { rate: [4], activeBase: 350 }, horizon: 2 });
    expect(one.method).toBe('last');
    expect(one.alpha).toBeUndefined();
    expect(one.months[0].rate).toBeCloseTo(4, 12);
    expect(one.note).toMatch(/one month/);
    const three = forecastChurn({ history: { rate: [3, 5, 4], activeBase: 350 }, horizon: 2 });
    expect(three.method).toBe('mean');
    expect(three.note).toMatch(/3 months/);
    // Mean of the logits, not of the rates.
    const y = [3, 5, 4].map((v) => elogit(v / 100, 350));
    expect(three.months[0].rate).toBeCloseTo(100 * inv((y[0] + y[1] + y[2]) / 3, 350), 12);
  });

  test('all-zero history: zero point forecast, lower bounds at 0, upper bounds above 0', () => {
    const r = forecastChurn({ history: { rate: histories[0], activeBase: 350 }, horizon: 1 });
    expect(r.months[0].rate).toBe(0);
    expect(r.months[0].rateIntervals[1].lower).toBe(0);
    expect(r.months[0].rateIntervals[1].upper).toBeGreaterThan(0);
    expect(r.months[0].customersLostIntervals[1].lower).toBe(0);
  });

  test('errors name the argument', () => {
    const ok = { history: { rate: [1, 2, 3], activeBase: 100 }, horizon: 3 };
    expect(() => forecastChurn({ ...ok, history: { rate: [1, 101], activeBase: 100 } })).toThrow('history.rate[1] must be between 0 and 100');
    expect(() => forecastChurn({ ...ok, history: { rate: [1, NaN], activeBase: 100 } })).toThrow('history.rate[1] must be a number');
    expect(() => forecastChurn({ ...ok, history: { rate: [], activeBase: 100 } })).toThrow('history.rate must be a non-empty array');
    expect(() => forecastChurn({ ...ok, history: { rate: [1], activeBase: 0 } })).toThrow('history.activeBase must be > 0');
    expect(() => forecastChurn({ ...ok, history: { rate: [1], activeBase: 10.5 } })).toThrow('history.activeBase must be an integer');
    expect(() => forecastChurn({ ...ok, horizon: 0 })).toThrow('horizon must be > 0');
    expect(() => forecastChurn({ ...ok, levels: [100] })).toThrow('levels[0] must satisfy');
    expect(() => forecastChurn({ ...ok, levels: [] })).toThrow('levels must be a non-empty array');
    expect(() => forecastChurn({ ...ok, newCustomers: [1, 2] })).toThrow('newCustomers must be a number or an array');
    expect(() => forecastChurn({ ...ok, newCustomers: -1 })).toThrow('newCustomers must be >= 0');
    expect(() => forecastChurn({ ...ok, alpha: 0 })).toThrow('alpha');
    expect(() => forecastChurn({ ...ok, history: undefined as never })).toThrow('history must be an object');
  });
});
