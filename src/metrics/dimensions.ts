import { DIMENSIONS, type Dimension, type SegmentFilter } from '../data/domain';

// The dimensions are columns of the data model (data/domain.ts); metrics code keeps importing them from here.
export { DIMENSIONS, type Dimension, type SegmentFilter };

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
