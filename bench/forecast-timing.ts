/**
 * Forecast speed on the bench's data: forecast() (forecasting/index.ts) with the options of the API's daily volume
 * forecast, on the daily ticket counts of the whole demo window, and on 500 segment series (product × channel × tier ×
 * priority, padded with zeros), the workload of a planner refreshing every segment's forecast.
 */
import type { Pool } from 'pg';
import { forecast, type ForecastOptions } from '../forecasting';
import { SEASONAL_PERIODS } from '../src/planning/volume-forecast';
import { percentile } from './measure';

const DAY_MS = 86_400_000;
/** Days a repeated segment's window is shortened by on each reuse (when there are fewer combinations than series). */
const REUSE_SHIFT_DAYS = 28;

export const FORECAST_OPTIONS: ForecastOptions = { horizon: 28, periods: SEASONAL_PERIODS.day };

export interface ForecastTiming {
  options: ForecastOptions;
  /** The single series: total daily tickets over the window. */
  single: { points: number; model: string; runs: number; medianMs: number; minMs: number };
  /** The segment series. */
  segments: {
    series: number;
    combinations: number;
    /** How series beyond the distinct combinations were made (null when there were enough). */
    note: string | null;
    points: { min: number; max: number };
    totalSeconds: number;
    msPerSeries: number;
    models: Record<string, number>;
  };
}

/** Daily counts of tickets created in [start, start + days) (UTC days), per segment key; missing days are 0. */
async function dailyCounts(pool: Pool, start: Date, days: number, segmentSql: string | null): Promise<Map<string, number[]>> {
  const sql = `SELECT ${segmentSql ?? `'all'`} AS segment, floor(extract(epoch FROM t.created_at - $1::timestamptz) / 86400)::int AS day, count(*)::int AS n
FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
WHERE t.created_at >= $1::timestamptz AND t.created_at < $2::timestamptz
GROUP BY 1, 2`;
  const res = await pool.query(sql, [start.toISOString(), new Date(start.getTime() + days * DAY_MS).toISOString()]);
  const out = new Map<string, number[]>();
  for (const row of res.rows as { segment: string; day: number; n: number }[]) {
    let series = out.get(row.segment);
    if (!series) out.set(row.segment, (series = new Array<number>(days).fill(0)));
    series[row.day] = row.n;
  }
  return out;
}

/** Times the forecasts on the data of the window [end − days, end). */
export async function timeForecasts(pool: Pool, end: Date, days: number, seriesCount: number): Promise<ForecastTiming> {
  const start = new Date(end.getTime() - days * DAY_MS);
  const total = (await dailyCounts(pool, start, days, null)).get('all') ?? new Array<number>(days).fill(0);

  for (let i = 0; i < 5; i++) forecast(total, FORECAST_OPTIONS); // warm-up for the JIT
  const ms: number[] = [];
  let model = '';
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    model = forecast(total, FORECAST_OPTIONS).model;
    ms.push(performance.now() - t);
  }

  const bySegment = await dailyCounts(pool, start, days, `concat_ws('|', coalesce(t.product, '-'), t.channel, coalesce(c.tier, '-'), t.priority)`);
  // Busiest combinations first; when there are fewer than seriesCount, each pass over them ends the window earlier.
  const combos = [...bySegment.entries()].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0));
  const series: number[][] = [];
  for (let i = 0; i < seriesCount && combos.length; i++) {
    const pass = Math.floor(i / combos.length);
    const values = combos[i % combos.length][1];
    series.push(pass ? values.slice(0, Math.max(2 * 7 + 1, values.length - pass * REUSE_SHIFT_DAYS)) : values);
  }
  const models: Record<string, number> = {};
  const started = performance.now();
  for (const s of series) {
    const m = forecast(s, FORECAST_OPTIONS).model;
    models[m] = (models[m] ?? 0) + 1;
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const lengths = series.map((s) => s.length);
  return {
    options: FORECAST_OPTIONS,
    single: { points: total.length, model, runs: ms.length, medianMs: percentile(ms, 50), minMs: Math.min(...ms) },
    segments: {
      series: series.length,
      combinations: combos.length,
      note:
        combos.length < seriesCount
          ? `only ${combos.length} product × channel × tier × priority combinations have tickets; the others reuse them with windows ending ${REUSE_SHIFT_DAYS}, ${2 * REUSE_SHIFT_DAYS}, … days earlier`
          : null,
      points: { min: Math.min(...lengths), max: Math.max(...lengths) },
      totalSeconds,
      msPerSeries: (totalSeconds * 1000) / Math.max(1, series.length),
      models,
    },
  };
}
