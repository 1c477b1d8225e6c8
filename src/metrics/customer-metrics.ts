import { DIMENSION_SETS, type Dimension } from './dimensions';
import { AGENT_ACTIVITY, CUSTOMERS, ORDERS } from './fact-sources';
import type { MetricDefinition, PerBucketSample } from './metric-definition';
import { measured } from './measured-metric';
import { countMeasure, sumMeasure } from './measures';
import { percentFlag } from './sql-fragments';

export const CUSTOMER_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Customer;
export const AGENT_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Agent;

// Populations of a bucket [b.start_at, b.end_at): active at an instant = signed up before it and not churned before it.
const activeAt = (instant: string) => `f.signed_up_at < ${instant} AND (f.churned_at IS NULL OR f.churned_at >= ${instant})`;
const churnedIn = `f.churned_at >= b.start_at AND f.churned_at < b.end_at`;
const signedUpIn = `f.signed_up_at >= b.start_at AND f.signed_up_at < b.end_at`;

const ACTIVE_AT_START = activeAt('b.start_at');

/** The customers active at the bucket's start (a churn or retention rate's denominator), each with its quantity. */
const activeAtStartSample = (quantity: string): PerBucketSample => ({ source: CUSTOMERS, where: ACTIVE_AT_START, at: 'f.signed_up_at', quantity });

const customerPopulations = {
  source: CUSTOMERS,
  aggregates: {
    activeAtStart: `count(*) FILTER (WHERE ${ACTIVE_AT_START})`,
    activeAtEnd: `count(*) FILTER (WHERE ${activeAt('b.end_at')})`,
    churned: `count(*) FILTER (WHERE ${churnedIn})`,
    signedUp: `count(*) FILTER (WHERE ${signedUpIn})`,
  },
};

const ordered = { source: ORDERS, event: 'ordered' } as const;
const ORDER_COUNT = countMeasure({ ...ordered, name: 'orders_n', description: 'orders placed' });
const REVENUE = sumMeasure({ ...ordered, name: 'revenue', description: 'order amounts', expr: () => 'f.amount' });
const agentDay = { source: AGENT_ACTIVITY, event: 'day' } as const;
const AGENT_DAYS = countMeasure({ ...agentDay, name: 'agent_days_n', description: 'agent days' });
const ACTIVE_SECONDS = sumMeasure({ ...agentDay, name: 'active_seconds', description: 'seconds agents were active', expr: () => 'f.active_seconds' });
const AVAILABLE_SECONDS = sumMeasure({
  ...agentDay,
  name: 'available_seconds',
  description: 'seconds agents were available',
  expr: () => 'f.available_seconds',
});

// Populations at instants and distinct purchasers do not add up over the events of a period.
const POPULATIONS = 'customers active at each bucket’s start and end: populations at instants, not sums over events';

const inBucket = (col: string) => `${col} >= b.start_at AND ${col} < b.end_at`;

/** Customer, revenue and agent metrics (metrics.md, "Customer metrics" and "Agent metrics"). */
export const CUSTOMER_METRICS: readonly MetricDefinition[] = [
  {
    name: 'churnRate',
    title: 'Churn rate',
    description: 'Share of the customers active at the start of the period who left during it.',
    formula: 'customers whose churned_at falls in the period / customers active at the period’s start × 100',
    unit: 'PERCENT',
    direction: 'LOWER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LAGGING',
    source: CUSTOMERS,
    dimensions: CUSTOMER_DIMENSIONS,
    emptyValue: null,
    rawOnly: POPULATIONS,
    sql: {
      kind: 'perBucket',
      parts: [customerPopulations],
      value: (c) => `100.0 * ${c('churned')} / nullif(${c('activeAtStart')}, 0)`,
      sample: activeAtStartSample(percentFlag(churnedIn)),
    },
  },
  {
    name: 'retentionRate',
    title: 'Retention rate',
    description: 'Share of the customers active at the start who are still active at the end, new customers excluded.',
    formula: '(E − N) / S × 100: S active at the start, E active at the end, N signed up during the period',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LAGGING',
    source: CUSTOMERS,
    dimensions: CUSTOMER_DIMENSIONS,
    emptyValue: null,
    rawOnly: POPULATIONS,
    sql: {
      kind: 'perBucket',
      parts: [customerPopulations],
      value: (c) => `100.0 * (${c('activeAtEnd')} - ${c('signedUp')}) / nullif(${c('activeAtStart')}, 0)`,
      sample: activeAtStartSample(percentFlag(activeAt('b.end_at'))),
    },
  },
  {
    name: 'revenue',
    title: 'Revenue',
    description: 'Sum of order amounts.',
    formula: 'sum of amounts of orders placed in the period (segments: the order’s product, the customer’s tier)',
    unit: 'CURRENCY',
    direction: 'HIGHER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LAGGING',
    source: ORDERS,
    dimensions: CUSTOMER_DIMENSIONS,
    emptyValue: 0,
    ...measured({ value: (m) => m(REVENUE), sample: [ORDER_COUNT], quantity: REVENUE.expr }),
  },
  {
    name: 'customerLifetimeValue',
    title: 'Customer lifetime value',
    description: 'Expected revenue from a customer over the relationship.',
    formula:
      'average purchase value (revenue / orders) × purchase frequency (orders per purchasing customer per year) × lifespan in years (1 / annualised churn rate of the period)',
    unit: 'CURRENCY',
    direction: 'HIGHER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LAGGING',
    source: ORDERS,
    dimensions: CUSTOMER_DIMENSIONS,
    emptyValue: null,
    rawOnly: 'distinct purchasers and customer populations at instants do not add up over a period’s events',
    sql: {
      kind: 'perBucket',
      parts: [
        {
          source: ORDERS,
          aggregates: {
            revenue: `sum(f.amount) FILTER (WHERE ${inBucket('f.ordered_at')})`,
            orders: `count(*) FILTER (WHERE ${inBucket('f.ordered_at')})`,
            purchasers: `count(DISTINCT f.customer_id) FILTER (WHERE ${inBucket('f.ordered_at')})`,
            years: `extract(epoch FROM b.end_at - b.start_at) / (365.25 * 86400)`,
          },
        },
        customerPopulations,
      ],
      // The year length cancels out: value × frequency × lifespan = revenue / purchasers / churn share of the period.
      value: (c) =>
        `(${c('revenue')} / nullif(${c('orders')}, 0))
         * (${c('orders')}::numeric / nullif(${c('purchasers')}, 0) / ${c('years')})
         * (1 / nullif(${c('churned')}::numeric / nullif(${c('activeAtStart')}, 0) / ${c('years')}, 0))`,
      sample: { source: ORDERS, where: inBucket('f.ordered_at'), at: 'f.ordered_at', quantity: 'f.amount' },
    },
  },
  {
    name: 'agentUtilizationRate',
    title: 'Agent utilisation rate',
    description: 'Share of agents’ available time spent on customer work.',
    formula: 'sum(active_seconds) / sum(available_seconds) × 100 over agent days in the period',
    unit: 'PERCENT',
    direction: 'NEUTRAL',
    kind: 'QUANTITATIVE',
    indicator: 'LEADING',
    source: AGENT_ACTIVITY,
    dimensions: AGENT_DIMENSIONS,
    emptyValue: null,
    ...measured({
      value: (m) => `100.0 * ${m(ACTIVE_SECONDS)} / nullif(${m(AVAILABLE_SECONDS)}, 0)`,
      sample: [AGENT_DAYS],
      quantity: () => '100.0 * f.active_seconds / nullif(f.available_seconds, 0)',
    }),
  },
];
