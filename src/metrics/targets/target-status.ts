import type { Direction } from '../metric-definition';

export const TARGET_STATUSES = ['ON_TRACK', 'AT_RISK', 'OFF_TRACK'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

/**
 * Where a value stands against its target. Meeting the target (per the metric's direction) is ON_TRACK; missing it by at
 * most `tolerancePercent` of the target is AT_RISK; worse is OFF_TRACK. A neutral metric's target is a point: within the
 * tolerance either side is ON_TRACK, within twice of it AT_RISK. Null without a value or a target.
 */
export function targetStatus(value: number | null, target: number | null, direction: Direction, tolerancePercent: number): TargetStatus | null {
  if (value === null || target === null) return null;
  const tolerance = (Math.abs(target) * tolerancePercent) / 100;
  if (direction === 'NEUTRAL') {
    const off = Math.abs(value - target);
    return off <= tolerance ? 'ON_TRACK' : off <= 2 * tolerance ? 'AT_RISK' : 'OFF_TRACK';
  }
  const shortfall = direction === 'HIGHER_IS_BETTER' ? target - value : value - target;
  return shortfall <= 0 ? 'ON_TRACK' : shortfall <= tolerance ? 'AT_RISK' : 'OFF_TRACK';
}

/** Mean of the values that exist; null when none does. */
export function baselineOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}
