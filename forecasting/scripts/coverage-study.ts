/**
 * Interval coverage measured out of sample, shared by `npm run accuracy` and the coverage test: every case is
 * forecast from one or more origins with only the data before each origin, and the test points inside each level's
 * interval are counted, once with the model's normal intervals and once with the calibrated ones.
 */
import { backtest } from '../backtest';
import type { IntervalMethod } from '../forecast';

export interface CoverageCase {
  name: string;
  series: number[];
  periods: number[];
  horizon: number;
  /** Origins, one horizon apart, the last one `horizon` before the end of `series`. */
  origins: number;
}

export interface CoverageRow {
  name: string;
  points: number;
  /** Test points inside the interval, per method and level. */
  inside: Record<IntervalMethod, Record<number, number>>;
}

export const STUDY_LEVELS = [80, 95] as const;
const METHODS: IntervalMethod[] = ['model', 'calibrated'];

/** Counts, per case, the test points inside the 80% and 95% intervals of both methods. */
export function coverageStudy(cases: CoverageCase[]): CoverageRow[] {
  return cases.map((c) => {
    const row: CoverageRow = { name: c.name, points: 0, inside: { model: {}, calibrated: {} } };
    for (const method of METHODS) {
      const seasonality = c.periods.length === 1 ? { period: c.periods[0] } : { periods: c.periods };
      const r = backtest(c.series, { ...seasonality, horizon: c.horizon, origins: c.origins, levels: [...STUDY_LEVELS], intervals: method });
      row.points = r.origins.length * r.horizon;
      STUDY_LEVELS.forEach((level, l) => {
        row.inside[method][level] = Math.round(r.aggregate.coverage[l].rate * row.points);
      });
    }
    return row;
  });
}

/** Pooled share of test points inside each level's interval over all rows. */
export function pooledCoverage(rows: CoverageRow[], method: IntervalMethod): Record<number, number> {
  const points = rows.reduce((s, r) => s + r.points, 0);
  return Object.fromEntries(STUDY_LEVELS.map((level) => [level, rows.reduce((s, r) => s + r.inside[method][level], 0) / points]));
}

/** The R reference splits of forecast.json as study cases: one origin, at the official split. */
export function referenceCoverageCases(cases: { name: string; period: number; horizon: number; train: number[]; test: number[] }[]): CoverageCase[] {
  return cases.map((c) => ({ name: c.name, series: [...c.train, ...c.test], periods: [c.period], horizon: c.horizon, origins: 1 }));
}

/** The demo dataset's series (test/fixtures/forecasting/demo-series.json) as study cases, at the API's horizons. */
export function demoCoverageCases(series: { name: string; granularity: 'day' | 'hour'; periods: number[]; values: number[] }[]): CoverageCase[] {
  return series.map((s) =>
    s.granularity === 'day'
      ? { name: `demo ${s.name}, daily`, series: s.values, periods: s.periods, horizon: 28, origins: 4 }
      : { name: `demo ${s.name}, hourly`, series: s.values, periods: s.periods, horizon: 168, origins: 2 },
  );
}
