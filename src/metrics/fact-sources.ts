import type { Dimension } from './dimensions';

/**
 * A fact source is the SQL a family of metrics aggregates over: its FROM clause (with the joins that expose its segment
 * dimensions), the SQL expression of each dimension, and the timestamps ("events") its metrics are attributed by.
 */
export interface FactSource {
  readonly name: string;
  /** FROM clause; its columns are referenced by the metric expressions (alias `f` for the fact row). */
  readonly from: string;
  readonly dimensions: Partial<Record<Dimension, string>>;
  /** Attribution timestamps by event name. */
  readonly events: Record<string, string>;
}

/** Tickets with their customer's tier and their assignee's team; an agent is identified by its source id. */
export const TICKETS: FactSource = {
  name: 'tickets',
  from: `tickets f
    LEFT JOIN customers c ON c.id = f.customer_id
    LEFT JOIN agents a ON a.id = f.assignee_id`,
  dimensions: {
    channel: 'f.channel',
    product: 'f.product',
    tier: 'c.tier',
    priority: 'f.priority',
    team: 'a.team',
    agent: 'a.external_id',
  },
  events: {
    created: 'f.created_at',
    firstResponse: 'f.first_response_at',
    resolved: 'f.resolved_at',
  },
};

/** Every fact source, by name. */
export const FACT_SOURCES: Record<string, FactSource> = { [TICKETS.name]: TICKETS };
