import { median, medianAbsoluteDeviation } from 'simple-statistics';
import { stl } from '../../forecasting';

/** One flagged point of a series. */
export interface Anomaly {
  index: number;
  value: number;
  /** What the decomposition expected there: trend + seasonal + the remainder's median. */
  expected: number;
  /** value − expected. */
  deviation: number;
  /** |deviation| in robust standard deviations (1.4826 × median absolute deviation of the remainder). */
  score: number;
}

export interface AnomalyOptions {
  /** Seasonal period of the series (7 for daily data). */
  period: number;
  /** Robust z-score above which a point is flagged (default 3.5, Iglewicz & Hoaglin). */
  threshold?: number;
}

/** Fills gaps (null) by linear interpolation between their neighbours, or the nearest value at the ends. */
function interpolate(values: (number | null)[]): number[] {
  const known = values.flatMap((v, i) => (v === null ? [] : [i]));
  return values.map((v, i) => {
    if (v !== null) return v;
    const after = known.find((k) => k > i);
    const before = [...known].reverse().find((k) => k < i);
    if (before === undefined) return values[after!]!;
    if (after === undefined) return values[before]!;
    return values[before]! + ((values[after]! - values[before]!) * (i - before)) / (after - before);
  });
}

/**
 * Flags the points of a series whose decomposition remainder is beyond a robust threshold: the series is decomposed
 * by robust STL (periodic seasonal, so a spike cannot bend the weekly pattern), and a point's score is its remainder's
 * distance from the remainders' median in units of 1.4826 × MAD. Series shorter than two periods are judged against
 * their median alone. Gaps are interpolated for the decomposition and never flagged.
 */
export function detectAnomalies(values: (number | null)[], options: AnomalyOptions): Anomaly[] {
  const threshold = options.threshold ?? 3.5;
  if (!(threshold > 0)) throw new RangeError('threshold must be > 0');
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 3) return [];
  const filled = interpolate(values);
  let baseline: number[];
  if (filled.length >= 2 * options.period) {
    const d = stl(filled, { period: options.period, seasonalWindow: 'periodic', robust: true });
    baseline = d.trend.map((t, i) => t + d.seasonal[i]);
  } else {
    const m = median(present);
    baseline = filled.map(() => m);
  }
  const remainder = filled.map((v, i) => v - baseline[i]);
  const observed = remainder.filter((_, i) => values[i] !== null);
  const centre = median(observed);
  const mad = medianAbsoluteDeviation(observed);
  // With most remainders identical the MAD is 0; the mean absolute deviation (scaled to σ) keeps the score finite.
  const rawSpread = mad > 0 ? 1.4826 * mad : 1.2533 * (observed.reduce((s, r) => s + Math.abs(r - centre), 0) / observed.length);
  // Rounding in the decomposition leaves remainders of ~1e-15 on a flat series; they are not deviations.
  const scale = Math.max(1, ...present.map(Math.abs));
  const spread = Math.max(rawSpread, 1e-9 * scale);
  return values.flatMap((v, i) => {
    if (v === null) return [];
    const score = Math.abs(remainder[i] - centre) / spread;
    if (score <= threshold) return [];
    const expected = baseline[i] + centre;
    return [{ index: i, value: v, expected, deviation: v - expected, score }];
  });
}
