import { forecast, mstl, type ForecastResult } from '../../forecasting';
import type { ApiContext } from '../api/context';
import type { SegmentFilter } from '../metrics/dimensions';
import { withhold, type SeriesBucket } from '../metrics/metric-loaders';
import type { Period } from '../metrics/period';
import { metricByName } from '../metrics/registry';
import type { BacktestAccuracy, ForecastGranularity, VolumeForecast } from './forecast-types';
import { eventRegressors, forecastEventsFor, toEventEffects, type NamedEvent } from './forecast-events';
import { nextBuckets } from './future-buckets';

/** Seasonal periods per bucket size: hourly contacts repeat daily and weekly; daily ones weekly; weekly ones yearly. */
export const SEASONAL_PERIODS: Record<ForecastGranularity, number[]> = { hour: [24, 168], day: [7], week: [52] };

export interface VolumeForecastRequest {
  history: Period;
  granularity: ForecastGranularity;
  horizon: number;
  levels: number[];
  filter: SegmentFilter;
  /** The query's own known events; the stored ones and the calendars' holidays are read when the forecast is computed. */
  events: NamedEvent[];
  /** Whether the business calendars' holidays are regressors. */
  holidays: boolean;
}

/**
 * The history of ticket volume as a series, read through the per-request loaders (so the caller's scope applies). The
 * models fit on every bucket as counted: what a caller sees of the history is withheld separately (visibleHistory).
 */
export function loadVolumeHistory(
  ctx: ApiContext,
  history: Period,
  granularity: ForecastGranularity,
  filter: SegmentFilter,
): Promise<SeriesBucket[]> {
  return ctx.loaders.modelInputs.series.load({
    metric: metricByName('ticketVolume'),
    period: history,
    filter,
    hours: 'calendar',
    granularity,
    timezone: history.timezone,
  });
}

/** The periods the history is long enough to estimate (two full cycles each). */
export function usablePeriods(length: number, granularity: ForecastGranularity): number[] {
  return SEASONAL_PERIODS[granularity].filter((p) => length >= 2 * p);
}

/** Notes the caveats a planner must see: too little history for a seasonality, or mostly empty buckets. */
function caveats(values: number[], granularity: ForecastGranularity, result: ForecastResult): string | null {
  const notes: string[] = [];
  const missing = SEASONAL_PERIODS[granularity].filter((p) => values.length < 2 * p);
  if (missing.length) {
    notes.push(
      `The history has ${values.length} ${granularity} buckets, fewer than two cycles of ${missing.join(' and ')}; that seasonality is not modelled.`,
    );
  }
  const empty = values.filter((v) => v === 0).length / Math.max(values.length, 1);
  if (empty > 0.5)
    notes.push(`${Math.round(empty * 100)}% of the history buckets have no tickets; the forecast is unreliable at this granularity and segment.`);
  if (result.note) notes.push(result.note);
  return notes.length ? notes.join(' ') : null;
}

/** The chosen model's backtest accuracy as the API reports it, with seasonal naive's MASE beside it. */
export function toBacktestAccuracy(result: ForecastResult): BacktestAccuracy | null {
  if (!result.accuracy) return null;
  const coverage = (level: number) => result.accuracy!.coverage.find((c) => c.level === level)?.rate ?? null;
  return {
    mase: result.accuracy.mase,
    smape: result.accuracy.smape,
    mae: result.accuracy.mae,
    coverage80: coverage(80),
    coverage95: coverage(95),
    seasonalNaiveMase: result.candidates.find((c) => c.model === 'seasonal-naive')?.score ?? null,
    origins: result.accuracy.origins,
  };
}

/** Forecasts ticket volume for a segment from its history, with decomposition, the chosen model and its backtest accuracy. */
export async function computeVolumeForecast(ctx: ApiContext, req: VolumeForecastRequest): Promise<VolumeForecast> {
  const buckets = await loadVolumeHistory(ctx, req.history, req.granularity, req.filter);
  const values = buckets.map((b) => b.value ?? 0);
  const periods = SEASONAL_PERIODS[req.granularity];
  const future = await nextBuckets(ctx.sql, buckets[buckets.length - 1].localStart, req.granularity, req.history.timezone, req.horizon);
  // Read on a cache miss only: the data version in the cache key changes with calendars and stored events.
  const known = await forecastEventsFor(ctx, req.filter, req.events, req.holidays);
  const { events, regressors } = eventRegressors(
    known,
    [...buckets, ...future].map((b) => b.localStart),
    req.granularity,
  );
  const result = forecast(values, { horizon: req.horizon, periods, levels: req.levels, events: regressors });
  const usable = usablePeriods(values.length, req.granularity);
  // Trend + seasonal + remainder would give back the history a minimum group size withholds.
  const decomposition =
    usable.length && ctx.loaders.minGroupSize === 0
      ? (() => {
          const d = mstl(values, { periods: usable });
          return { trend: d.trend, seasonal: d.seasonals.map((s) => ({ period: s.period, values: s.values })), remainder: d.remainder };
        })()
      : null;
  return {
    history: buckets.map((b) => ({ start: b.start, localStart: b.localStart, value: withhold({ ...b }, ctx.loaders.minGroupSize).value })),
    forecast: future.map((b, i) => ({
      start: b.start,
      localStart: b.localStart,
      value: result.mean[i],
      intervals: result.intervals.map((iv) => ({ level: iv.level, lower: iv.lower[i], upper: iv.upper[i] })),
    })),
    decomposition,
    model: result.model,
    modelDescription: result.description,
    accuracy: toBacktestAccuracy(result),
    intervalMethod: result.calibration.method,
    events: toEventEffects(events, result.events),
    note: caveats(values, req.granularity, result),
  };
}
