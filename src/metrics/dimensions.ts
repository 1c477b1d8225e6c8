/** The segment dimensions metrics can be filtered and broken down by. */
export const DIMENSIONS = ['channel', 'product', 'tier', 'priority', 'team', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Per-dimension filter values (IN lists); an absent or undefined entry means no filter on that dimension. */
export type SegmentFilter = Partial<Record<Dimension, readonly string[]>>;

/** Normalises a filter for use as a cache/batch key: sorted dimensions, sorted distinct values, empty lists kept (they match nothing). */
export function normaliseFilter(filter: SegmentFilter): SegmentFilter {
  const out: SegmentFilter = {};
  for (const d of DIMENSIONS) {
    const values = filter[d];
    if (values !== undefined && values !== null) out[d] = [...new Set(values)].sort();
  }
  return out;
}
