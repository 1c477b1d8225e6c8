import { CUSTOMER_METRICS } from './customer-metrics';
import type { MetricDefinition } from './metric-definition';
import { SURVEY_METRICS } from './survey-metrics';
import { TICKET_METRICS } from './ticket-metrics';

/**
 * The metric registry: the single source of the GraphQL schema, the catalogue query, docs/metrics.md and the rollups'
 * columns. Adding a metric is one entry in its domain's list plus its test; a metric defined by measures (measured())
 * is answered from the rollups too, whose columns follow from its measures.
 */
export const METRICS: readonly MetricDefinition[] = [...TICKET_METRICS, ...SURVEY_METRICS, ...CUSTOMER_METRICS];

const BY_NAME = new Map(METRICS.map((m) => [m.name, m]));

/** The registered metric of that name, or null. */
export function metricByNameOrNull(name: string): MetricDefinition | null {
  return BY_NAME.get(name) ?? null;
}

/** The registered metric of that name; throws for an unknown name (a programming error, never user input). */
export function metricByName(name: string): MetricDefinition {
  const metric = BY_NAME.get(name);
  if (!metric) throw new Error(`unknown metric ${name}`);
  return metric;
}
