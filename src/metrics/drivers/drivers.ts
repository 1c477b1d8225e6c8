/** A segment's metric in one period: its value and its sample size (the weight it carries in the overall value). */
export interface SegmentValue {
  segment: string | null;
  value: number | null;
  sampleSize: number;
}

/** How one segment contributed to the change of a metric between two periods. */
export interface SegmentDriver {
  segment: string | null;
  previousValue: number | null;
  currentValue: number | null;
  /** The segment's share of the sample in each period (0–1). */
  previousShare: number;
  currentShare: number;
  /** Part of the change due to the segment's share moving (at the segment's mean value of the two periods). */
  mixEffect: number;
  /** Part of the change due to the segment's own value moving (at its mean share of the two periods). */
  rateEffect: number;
  /** mixEffect + rateEffect (for additive metrics: the segment's own change). */
  contribution: number;
}

export interface DriverAnalysis {
  previousValue: number | null;
  currentValue: number | null;
  change: number | null;
  segments: SegmentDriver[];
  /** Change not attributed to segments: non-zero when the metric is not a sample-weighted mean of its segments. */
  unexplained: number | null;
}

/**
 * Splits a metric's change between two periods across the values of a dimension. For a rate or mean (the overall value
 * is the sample-weighted mean of the segment values, V = Σ wᵢ·rᵢ) each segment's contribution wᵢ′rᵢ′ − wᵢrᵢ is split
 * symmetrically into mix (Δw · mean r) and rate (mean w · Δr) effects, which add up exactly. For an additive metric
 * (counts, sums) the contribution is the segment's own change and all of it is rate.
 */
export function analyseDrivers(
  previous: { value: number | null; segments: readonly SegmentValue[] },
  current: { value: number | null; segments: readonly SegmentValue[] },
  additive: boolean,
): DriverAnalysis {
  const change = current.value !== null && previous.value !== null ? current.value - previous.value : null;
  const total = (segments: readonly SegmentValue[]) => segments.reduce((n, s) => n + s.sampleSize, 0);
  const n0 = total(previous.segments);
  const n1 = total(current.segments);
  const keys = new Map<string, string | null>();
  for (const s of [...previous.segments, ...current.segments]) keys.set(JSON.stringify(s.segment), s.segment);

  const segments = [...keys.values()].map((segment): SegmentDriver => {
    const p = previous.segments.find((s) => s.segment === segment);
    const c = current.segments.find((s) => s.segment === segment);
    const w0 = p && n0 ? p.sampleSize / n0 : 0;
    const w1 = c && n1 ? c.sampleSize / n1 : 0;
    const r0 = p?.value ?? null;
    const r1 = c?.value ?? null;
    if (additive) {
      const contribution = (r1 ?? 0) - (r0 ?? 0);
      return {
        segment,
        previousValue: r0,
        currentValue: r1,
        previousShare: w0,
        currentShare: w1,
        mixEffect: 0,
        rateEffect: contribution,
        contribution,
      };
    }
    // A segment absent from one period takes its other period's value there, so its whole contribution is mix.
    const a = r0 ?? r1 ?? 0;
    const b = r1 ?? r0 ?? 0;
    const mixEffect = (w1 - w0) * ((a + b) / 2);
    const rateEffect = ((w0 + w1) / 2) * (b - a);
    return {
      segment,
      previousValue: r0,
      currentValue: r1,
      previousShare: w0,
      currentShare: w1,
      mixEffect,
      rateEffect,
      contribution: mixEffect + rateEffect,
    };
  });
  segments.sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution));
  const explained = segments.reduce((sum, s) => sum + s.contribution, 0);
  return { previousValue: previous.value, currentValue: current.value, change, segments, unexplained: change === null ? null : change - explained };
}
