/**
 * Known events (holidays, closures, launches, campaigns) as multiplicative regressors. An event's effect is the ratio
 * of the volume on its past occurrences to what the series usually does at those positions (the median of the same
 * position one to three seasonal cycles before and after, other events left out). The model is fitted to the history
 * with the event positions replaced by that usual volume, so a holiday neither drags the level down nor bends the
 * seasonal pattern, and the forecast is multiplied by the effect on the event's future positions.
 * This is the "intervention" treatment of calendar effects of FPP3 §7.4 (dummy variables), with the effect
 * estimated as a ratio because holiday dips scale with the volume.
 */
import { median } from 'simple-statistics';
import { assertInteger } from './validate';

export interface ForecastEvent {
  /** Name shown in the result, e.g. "holiday" or "launch"; unique among the events. */
  name: string;
  /** Positions the event covers: 0…n−1 in the history, n…n+horizon−1 in the forecast. */
  at: number[];
  /**
   * Its known effect as a multiplier of the usual volume (0 for a closure, 1.3 for +30%). Without it the effect is
   * estimated from the event's positions in the history.
   */
  multiplier?: number;
}

export interface EventEffect {
  name: string;
  /** Multiplier applied to the forecast on the event's future positions. */
  multiplier: number;
  /** 'estimated' from the history, 'given' by the caller, or 'none' (no past occurrence to learn from: no effect). */
  source: 'estimated' | 'given' | 'none';
  /** Positions of the history (with a usual volume to compare with) and of the forecast it covers. */
  historyPositions: number;
  forecastPositions: number;
}

/** Bounds of an estimated multiplier: a few odd days must not produce a forecast of 50 times the usual volume. */
const MAX_MULTIPLIER = 20;
/** Cycles before and after an event position whose values give its usual volume. */
const NEIGHBOUR_CYCLES = 3;

/** Throws unless the events are well-formed for a history of n values and a horizon; errors name the event. */
export function assertEvents(events: unknown, n: number, horizon: number): asserts events is ForecastEvent[] {
  if (!Array.isArray(events)) throw new TypeError('events must be an array');
  const names = new Set<string>();
  events.forEach((e: unknown, i) => {
    const name = `events[${i}]`;
    if (e === null || typeof e !== 'object') throw new TypeError(`${name} must be an object`);
    const event = e as Partial<ForecastEvent>;
    if (typeof event.name !== 'string' || event.name.trim() === '') throw new TypeError(`${name}.name must be a non-empty string`);
    if (names.has(event.name)) throw new RangeError(`${name}.name: "${event.name}" is given twice`);
    names.add(event.name);
    if (!Array.isArray(event.at)) throw new TypeError(`${name}.at must be an array of positions`);
    event.at.forEach((t, j) => {
      assertInteger(t, `${name}.at[${j}]`, 0);
      if (t >= n + horizon) throw new RangeError(`${name}.at[${j}] must be < ${n + horizon}, the history plus the horizon (got ${t})`);
    });
    if (event.multiplier !== undefined && !(typeof event.multiplier === 'number' && Number.isFinite(event.multiplier) && event.multiplier >= 0)) {
      throw new RangeError(`${name}.multiplier must be a number >= 0 (got ${String(event.multiplier)})`);
    }
  });
}

/**
 * Estimates each event's effect from the history and returns the history with event positions replaced by their
 * usual volume. `cycle` is the seasonal period the usual volume is read at (7 for daily data, 168 for hourly; 1
 * without seasonality).
 */
export function removeEvents(series: ArrayLike<number>, events: ForecastEvent[], cycle: number): { cleaned: Float64Array; effects: EventEffect[] } {
  const n = series.length;
  const covered = new Uint8Array(n);
  for (const e of events) for (const t of e.at) if (t < n) covered[t] = 1;
  const usual = new Float64Array(n).fill(NaN);
  for (let t = 0; t < n; t++) {
    if (!covered[t]) continue;
    const around: number[] = [];
    for (let k = 1; k <= NEIGHBOUR_CYCLES; k++) {
      for (const u of [t - k * cycle, t + k * cycle]) if (u >= 0 && u < n && !covered[u]) around.push(series[u]);
    }
    if (around.length > 0) usual[t] = median(around);
  }
  const effects = events.map((e): EventEffect => {
    const past = [...new Set(e.at.filter((t) => t < n && !Number.isNaN(usual[t])))];
    const future = new Set(e.at.filter((t) => t >= n)).size;
    if (e.multiplier !== undefined)
      return { name: e.name, multiplier: e.multiplier, source: 'given', historyPositions: past.length, forecastPositions: future };
    const actual = past.reduce((s, t) => s + series[t], 0);
    const expected = past.reduce((s, t) => s + usual[t], 0);
    if (!(expected > 0)) return { name: e.name, multiplier: 1, source: 'none', historyPositions: past.length, forecastPositions: future };
    return {
      name: e.name,
      multiplier: Math.min(MAX_MULTIPLIER, actual / expected),
      source: 'estimated',
      historyPositions: past.length,
      forecastPositions: future,
    };
  });
  const cleaned = Float64Array.from(series, (v, t) => (Number.isNaN(usual[t]) ? v : usual[t]));
  return { cleaned, effects };
}

/** Multiplies the forecast (mean and every bound) by the effects of the events covering each future position. */
export function applyEvents(
  forecast: { mean: number[]; lower: number[][]; upper: number[][] },
  events: ForecastEvent[],
  effects: EventEffect[],
  n: number,
): void {
  const factor = new Float64Array(forecast.mean.length).fill(1);
  events.forEach((e, i) => {
    for (const t of new Set(e.at)) if (t >= n) factor[t - n] *= effects[i].multiplier;
  });
  factor.forEach((f, h) => {
    if (f === 1) return;
    forecast.mean[h] *= f;
    for (const bounds of [...forecast.lower, ...forecast.upper]) bounds[h] *= f;
  });
}
