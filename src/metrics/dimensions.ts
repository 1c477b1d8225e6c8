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

/** The dimension sets metrics accept, by the name their GraphQL types carry (TicketMetric, TicketDimension, …). */
export const DIMENSION_SETS = {
  Ticket: ['channel', 'product', 'tier', 'priority', 'team', 'agent'],
  Survey: ['channel', 'product', 'tier'],
  Customer: ['tier', 'product'],
  Agent: ['agent', 'team'],
} as const satisfies Record<string, readonly Dimension[]>;
export type DimensionSetName = keyof typeof DIMENSION_SETS;

/** The name of a metric's dimension set; throws when a registry entry uses a set not listed above. */
export function dimensionSetName(dimensions: readonly Dimension[]): DimensionSetName {
  const key = [...dimensions].sort().join(',');
  for (const [name, dims] of Object.entries(DIMENSION_SETS)) if ([...dims].sort().join(',') === key) return name as DimensionSetName;
  throw new Error(`no dimension set named for [${dimensions.join(', ')}]`);
}
