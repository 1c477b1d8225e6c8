import { Field, Float, InputType } from 'type-graphql';
import type { ForecastGranularity, ForecastPoint, VolumeScenario } from './forecast-types';
import { badInput, checkNumber } from './forecast-validation';
import { isCalendarDate } from '../time/calendar-date';

/**
 * Planners' "what if" on a volume forecast: a multiplier for the whole horizon and/or per-day overrides. This is
 * arithmetic on a finished forecast (the models are not refitted), so the baseline beside it is unchanged.
 */

@InputType({ description: 'One day of a volume scenario: its own multiplier, or its volume. Give exactly one of the two.' })
export class DayAdjustmentInput {
  @Field(() => String, { description: 'Local date (YYYY-MM-DD) in the time zone of the forecast or plan.' })
  date: string;

  @Field(() => Float, {
    nullable: true,
    description: "Multiplies this day's baseline (in place of the overall multiplier), e.g. 0.5 for a half day.",
  })
  multiplier?: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "The day's contacts, spread over its buckets in the baseline's shape (evenly when the baseline is 0); the whole day must be inside the forecast.",
  })
  volume?: number | null;
}

@InputType({ description: 'A volume scenario: a multiplier for the whole horizon (1.2 = +20%) and/or per-day overrides.' })
export class VolumeAdjustmentInput {
  @Field(() => Float, {
    nullable: true,
    description: 'Multiplies every bucket of the baseline (default 1); days with an entry of their own use theirs.',
  })
  multiplier?: number | null;

  @Field(() => [DayAdjustmentInput], { nullable: true, description: 'Per-day overrides; one entry per date.' })
  days?: DayAdjustmentInput[] | null;
}

/** A checked adjustment. */
export interface VolumeAdjustment {
  multiplier: number;
  days: { date: string; multiplier?: number; volume?: number }[];
}

const MAX_MULTIPLIER = 100;
const MAX_DAY_VOLUME = 1e9;

/** Checks an adjustment argument; every error names the part of the argument it is about. */
export function checkAdjustment(input: VolumeAdjustmentInput, argument = 'adjustment'): VolumeAdjustment {
  const days = input.days ?? [];
  if (input.multiplier == null && !days.length) throw badInput(argument, 'give a multiplier, days, or both');
  const multiplier = input.multiplier == null ? 1 : checkNumber(input.multiplier, `${argument}.multiplier`, 0, MAX_MULTIPLIER);
  const seen = new Set<string>();
  const checked = days.map((day, i) => {
    const at = `${argument}.days[${i}]`;
    if (!isCalendarDate(day.date)) throw badInput(`${at}.date`, `expected a date YYYY-MM-DD (got ${JSON.stringify(day.date)})`);
    if (seen.has(day.date)) throw badInput(`${at}.date`, `${day.date} is given twice`);
    seen.add(day.date);
    if ((day.multiplier == null) === (day.volume == null)) throw badInput(at, 'give either multiplier or volume');
    return day.multiplier != null
      ? { date: day.date, multiplier: checkNumber(day.multiplier, `${at}.multiplier`, 0, MAX_MULTIPLIER) }
      : { date: day.date, volume: checkNumber(day.volume!, `${at}.volume`, 0, MAX_DAY_VOLUME) };
  });
  return { multiplier, days: checked };
}

/** One adjusted bucket: its value, and the factor its intervals scale by (null: set outright, no interval). */
export interface AdjustedBucket {
  value: number;
  scale: number | null;
}

const minutesOfDay = (localStart: string) => Number(localStart.slice(11, 13)) * 60 + Number(localStart.slice(14, 16));

/**
 * Applies an adjustment to a contiguous series of buckets (local starts `YYYY-MM-DDTHH:MM:SS`, each `bucketMinutes`
 * long). A day's volume is the contacts of the whole local day, so a day only partly in the series is refused for it.
 */
export function adjustSeries(
  buckets: readonly { localStart: string; value: number }[],
  bucketMinutes: number,
  adjustment: VolumeAdjustment,
  argument = 'adjustment',
): AdjustedBucket[] {
  const out: AdjustedBucket[] = buckets.map((b) => ({ value: b.value * adjustment.multiplier, scale: adjustment.multiplier }));
  if (!adjustment.days.length) return out;
  if (bucketMinutes > 24 * 60) throw badInput(`${argument}.days`, 'per-day overrides need hourly or daily buckets; use multiplier for weekly ones');
  const dateOf = (i: number) => buckets[i].localStart.slice(0, 10);
  const range = buckets.length ? `${dateOf(0)} to ${dateOf(buckets.length - 1)}` : 'empty';
  adjustment.days.forEach((day, d) => {
    const at = `${argument}.days[${d}]`;
    const indexes = buckets.flatMap((_, i) => (dateOf(i) === day.date ? [i] : []));
    if (!indexes.length) throw badInput(`${at}.date`, `${day.date} is not in the forecast (${range})`);
    if (day.multiplier !== undefined) {
      for (const i of indexes) out[i] = { value: buckets[i].value * day.multiplier, scale: day.multiplier };
      return;
    }
    const [first, last] = [indexes[0], indexes[indexes.length - 1]];
    const wholeDay =
      (first > 0 || minutesOfDay(buckets[first].localStart) === 0) &&
      (last < buckets.length - 1 || minutesOfDay(buckets[last].localStart) + bucketMinutes >= 24 * 60);
    if (!wholeDay) throw badInput(`${at}.volume`, `${day.date} is only partly in the forecast (${range}); use a multiplier for it`);
    const baseline = indexes.reduce((sum, i) => sum + buckets[i].value, 0);
    for (const i of indexes) {
      out[i] =
        baseline > 0
          ? { value: buckets[i].value * (day.volume! / baseline), scale: day.volume! / baseline }
          : { value: day.volume! / indexes.length, scale: null };
    }
  });
  return out;
}

/** Minutes per bucket of each forecast granularity (a week's days cannot be adjusted one by one). */
const GRANULARITY_MINUTES: Record<ForecastGranularity, number> = { hour: 60, day: 24 * 60, week: 7 * 24 * 60 };

/** The scenario of a volume forecast: adjusted values, and intervals scaled with them. */
export function scenarioForecast(baseline: readonly ForecastPoint[], granularity: ForecastGranularity, adjustment: VolumeAdjustment): VolumeScenario {
  const adjusted = adjustSeries(baseline, GRANULARITY_MINUTES[granularity], adjustment);
  return {
    forecast: baseline.map((p, i) => {
      const { value, scale } = adjusted[i];
      return {
        start: new Date(p.start),
        localStart: p.localStart,
        value,
        intervals: p.intervals.map((iv) => ({
          level: iv.level,
          lower: scale === null ? value : iv.lower * scale,
          upper: scale === null ? value : iv.upper * scale,
        })),
      };
    }),
    total: adjusted.reduce((sum, b) => sum + b.value, 0),
    baselineTotal: baseline.reduce((sum, p) => sum + p.value, 0),
  };
}
