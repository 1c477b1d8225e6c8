import { DIMENSION_SETS, type Dimension } from './dimensions';
import { SURVEYS } from './fact-sources';
import type { MetricDefinition } from './metric-definition';
import { countIn, percentIn } from './sql-fragments';
import { SURVEY_ROLLUP, rollupRatio as ratio } from './rollups/rollup-tables';


export const SURVEY_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Survey;

const base = { source: SURVEYS, dimensions: SURVEY_DIMENSIONS, kind: 'QUALITATIVE', emptyValue: null } as const;
const isKind = (kind: 'csat' | 'nps' | 'ces') => `f.kind = '${kind}'`;
const ofKind = (p: string, kind: 'csat' | 'nps' | 'ces') => `${p} AND ${isKind(kind)}`;

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
    rollup: { table: SURVEY_ROLLUP, value: (s) => `100.0 * ${s('csat_score')} / nullif(5 * ${s('csat_n')}, 0)`, sampleSize: (s) => s('csat_n') },
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `100.0 * sum(f.score) FILTER (WHERE ${ofKind(p, 'csat')}) / nullif(5 * ${countIn(ofKind(p, 'csat'))}, 0)`,
      sample: { where: () => isKind('csat'), quantity: () => 'f.score', quantityUnit: 'SCORE' },
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
    rollup: ratio(SURVEY_ROLLUP, 'csat_satisfied_n', 'csat_n', 100),
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => percentIn(ofKind(p, 'csat'), 'f.score >= 4'),
      sample: { where: () => isKind('csat'), quantity: () => 'f.score', quantityUnit: 'SCORE' },
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
    rollup: { table: SURVEY_ROLLUP, value: (s) => `100.0 * ${s('nps_promoters_n')} / nullif(${s('nps_n')}, 0) - 100.0 * ${s('nps_detractors_n')} / nullif(${s('nps_n')}, 0)`, sampleSize: (s) => s('nps_n') },
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `${percentIn(ofKind(p, 'nps'), 'f.score >= 9')} - ${percentIn(ofKind(p, 'nps'), 'f.score <= 6')}`,
      sample: { where: () => isKind('nps'), quantity: () => 'f.score', quantityUnit: 'SCORE' },
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
    rollup: ratio(SURVEY_ROLLUP, 'ces_score', 'ces_n'),
    sql: {
      kind: 'event',
      event: 'responded',
      value: (p) => `avg(f.score) FILTER (WHERE ${ofKind(p, 'ces')})`,
      sample: { where: () => isKind('ces'), quantity: () => 'f.score', quantityUnit: 'SCORE' },
    },
  },
];
