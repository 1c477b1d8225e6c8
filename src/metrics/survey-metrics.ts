import { DIMENSION_SETS, type Dimension } from './dimensions';
import { SURVEYS } from './fact-sources';
import type { MetricDefinition } from './metric-definition';
import { measured } from './measured-metric';
import { countMeasure, ratioOf, shareOf, sumMeasure, type MeasureFormula } from './measures';

export const SURVEY_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Survey;

const base = { source: SURVEYS, dimensions: SURVEY_DIMENSIONS, kind: 'QUALITATIVE', emptyValue: null } as const;
const responded = { source: SURVEYS, event: 'responded' } as const;
const ofKind = (kind: 'csat' | 'nps' | 'ces', condition?: string) => () => `f.kind = '${kind}'${condition ? ` AND ${condition}` : ''}`;

const CSAT = countMeasure({ ...responded, name: 'csat_n', description: 'CSAT responses', filter: ofKind('csat') });
const CSAT_SCORE = sumMeasure({ ...responded, name: 'csat_score', description: 'CSAT scores', expr: () => 'f.score', filter: ofKind('csat') });
const CSAT_SATISFIED = countMeasure({
  ...responded,
  name: 'csat_satisfied_n',
  description: 'CSAT responses scoring 4 or 5',
  filter: ofKind('csat', 'f.score >= 4'),
});
const NPS = countMeasure({ ...responded, name: 'nps_n', description: 'NPS responses', filter: ofKind('nps') });
const NPS_PROMOTERS = countMeasure({
  ...responded,
  name: 'nps_promoters_n',
  description: 'NPS responses scoring 9 or 10',
  filter: ofKind('nps', 'f.score >= 9'),
});
const NPS_DETRACTORS = countMeasure({
  ...responded,
  name: 'nps_detractors_n',
  description: 'NPS responses scoring 0 to 6',
  filter: ofKind('nps', 'f.score <= 6'),
});
const CES = countMeasure({ ...responded, name: 'ces_n', description: 'CES responses', filter: ofKind('ces') });
const CES_SCORE = sumMeasure({ ...responded, name: 'ces_score', description: 'CES scores', expr: () => 'f.score', filter: ofKind('ces') });

/** A survey response's record shows its score. */
const scored: Partial<MeasureFormula> = { quantity: () => 'f.score', quantityUnit: 'SCORE' };

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
    ...measured({ value: (m) => `100.0 * ${m(CSAT_SCORE)} / nullif(5 * ${m(CSAT)}, 0)`, sample: [CSAT], ...scored }),
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
    ...measured(shareOf(CSAT_SATISFIED, CSAT, scored)),
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
    ...measured({
      value: (m) => `100.0 * ${m(NPS_PROMOTERS)} / nullif(${m(NPS)}, 0) - 100.0 * ${m(NPS_DETRACTORS)} / nullif(${m(NPS)}, 0)`,
      sample: [NPS],
      ...scored,
    }),
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
    ...measured(ratioOf(CES_SCORE, CES, scored)),
  },
];
