import { DIMENSION_SETS, type Dimension } from './dimensions';
import { SURVEYS } from './fact-sources';
import type { MetricDefinition } from './metric-definition';
import { countIn, percentIn } from './sql-fragments';

export const SURVEY_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Survey;

const base = { source: SURVEYS, dimensions: SURVEY_DIMENSIONS, kind: 'QUALITATIVE', emptyValue: null } as const;
const ofKind = (p: string, kind: 'csat' | 'nps' | 'ces') => `${p} AND f.kind = '${kind}'`;

/** Survey metrics (metrics.md, "Survey metrics"), attributed by responded_at. */
export const SURVEY_METRICS: readonly MetricDefinition[] = [
  {
    ...base,
    name: 'csat',
    title: 'Customer satisfaction (CSAT)',
    description: 'Mean CSAT rating as a percentage of the scale maximum.',
    formula: 'sum(score) / (5 × responses) × 100 over csat surveys answered in the period',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LAGGING',
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `100.0 * sum(f.score) FILTER (WHERE ${ofKind(p, 'csat')}) / nullif(5 * ${countIn(ofKind(p, 'csat'))}, 0)`,
      sampleSize: (p) => countIn(ofKind(p, 'csat')),
    },
  },
  {
    ...base,
    name: 'csatSatisfiedShare',
    title: 'CSAT satisfied share',
    description: 'Share of CSAT responses that are satisfied (4 or 5).',
    formula: '% of csat responses in the period with score 4 or 5',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LAGGING',
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => percentIn(ofKind(p, 'csat'), 'f.score >= 4'),
      sampleSize: (p) => countIn(ofKind(p, 'csat')),
    },
  },
  {
    ...base,
    name: 'nps',
    title: 'Net promoter score (NPS)',
    description: 'Promoters minus detractors, from −100 to 100.',
    formula: '% of nps responses in the period scoring 9–10 minus % scoring 0–6',
    unit: 'SCORE',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LAGGING',
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `${percentIn(ofKind(p, 'nps'), 'f.score >= 9')} - ${percentIn(ofKind(p, 'nps'), 'f.score <= 6')}`,
      sampleSize: (p) => countIn(ofKind(p, 'nps')),
    },
  },
  {
    ...base,
    name: 'customerEffortScore',
    title: 'Customer effort score (CES)',
    description: 'Mean effort rating, 1–7, higher meaning easier.',
    formula: 'mean score of ces surveys answered in the period',
    unit: 'SCORE',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LEADING',
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `avg(f.score) FILTER (WHERE ${ofKind(p, 'ces')})`,
      sampleSize: (p) => countIn(ofKind(p, 'ces')),
    },
  },
];
