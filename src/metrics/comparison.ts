import type { Direction } from './metric-definition';
import type { Period } from './period';

/** The period of equal length that ends where this one starts. */
export function previousPeriod(period: Period): Period {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: new Date(period.from.getTime()), timezone: period.timezone };
}

/** Change from a previous value to the current one, and whether it is an improvement for a metric of that direction. */
export function compareValues(current: number | null, previous: number | null, direction: Direction) {
  if (current === null || previous === null) return { absoluteChange: null, relativeChange: null, improved: null };
  const absoluteChange = current - previous;
  const relativeChange = previous === 0 ? null : (absoluteChange / Math.abs(previous)) * 100;
  const improved =
    absoluteChange === 0 || direction === 'NEUTRAL' ? null : direction === 'HIGHER_IS_BETTER' ? absoluteChange > 0 : absoluteChange < 0;
  return { absoluteChange, relativeChange, improved };
}
