import type { Dimension } from './dimensions';
import { TICKETS } from './fact-sources';
import type { MetricDefinition } from './metric-definition';

const TICKET_DIMENSIONS: readonly Dimension[] = ['channel', 'product', 'tier', 'priority', 'team', 'agent'];

/**
 * The metric registry: the single source of the GraphQL schema, the catalogue query and docs/metrics.md.
 * Adding a metric is one entry here plus its test.
 */
export const METRICS: readonly MetricDefinition[] = [
  {
    name: 'ticketVolume',
    title: 'Ticket volume',
    description: 'Number of tickets created.',
    formula: 'count of tickets whose created_at lies in the period',
    unit: 'COUNT',
    direction: 'NEUTRAL',
    kind: 'QUANTITATIVE',
    indicator: 'LEADING',
    source: TICKETS,
    dimensions: TICKET_DIMENSIONS,
    emptyValue: 0,
    sql: {
      event: 'created',
      value: (inPeriod) => `count(*) FILTER (WHERE ${inPeriod})`,
      sampleSize: (inPeriod) => `count(*) FILTER (WHERE ${inPeriod})`,
    },
  },
];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** The registered metric of that name; throws for an unknown name (a programming error, never user input). */
export function metricByName(name: string): MetricDefinition {
  const metric = BY_NAME.get(name);
  if (!metric) throw new Error(`unknown metric ${name}`);
  return metric;
}
