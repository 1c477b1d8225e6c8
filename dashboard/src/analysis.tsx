import { segmentName } from './format';
import { BreakdownChart } from './lazy-charts';
import { formatDay, formatDelta, formatValue } from './format';
import type { DriversFragment, MetricAnalysisQuery, MetricAnalysisQueryVariables } from './gql/graphql';
import { TILES } from './tiles';
import { DIMENSIONS, type Dimension } from './view-state';

/** The metrics the breakdown and drivers panels offer: those of MetricAnalysisQuery (every dimension applies to them). */
export const ANALYSED = [
  'ticketVolume',
  'firstResponseTime',
  'averageResolutionTime',
  'firstContactResolutionRate',
  'csat',
  'nps',
  'customerEffortScore',
  'slaComplianceResolution',
  'escalationRate',
  'abandonmentRate',
] as const;
export type AnalysedMetric = (typeof ANALYSED)[number];

export const isAnalysed = (metric: string): metric is AnalysedMetric => (ANALYSED as readonly string[]).includes(metric);
const label = (metric: string) => TILES.find((t) => t.field === metric)?.label ?? metric;

/** The variables that include exactly `metric` and split it by `by`. */
export function analysisVariables(
  metric: AnalysedMetric,
  by: Dimension,
): Pick<MetricAnalysisQueryVariables, 'ticketBy' | 'surveyBy' | AnalysedMetric> {
  const dimension = by.toUpperCase() as MetricAnalysisQueryVariables['ticketBy'] & MetricAnalysisQueryVariables['surveyBy'];
  return { ticketBy: dimension, surveyBy: dimension, [metric]: true };
}

export interface Analysis {
  /** The view (query string) these numbers are for: tests wait for it. */
  search: string;
  metric: AnalysedMetric;
  by: Dimension;
  answer: MetricAnalysisQuery;
}

type Analysed = NonNullable<MetricAnalysisQuery[AnalysedMetric]>;

const DIMENSION_LABELS: Record<Dimension, string> = { channel: 'channel', product: 'product', tier: 'tier' };

/** Metric and dimension pickers; they change the view (and so the address). */
function Pickers({ metric, by, onChange }: { metric: string; by: Dimension; onChange: (metric: string, by: Dimension) => void }) {
  return (
    <span className="pickers">
      <select name="metric" aria-label="metric" value={metric} onChange={(e) => onChange(e.target.value, by)}>
        {!isAnalysed(metric) && <option value={metric}>{metric}</option>}
        {ANALYSED.map((m) => (
          <option key={m} value={m}>
            {label(m)}
          </option>
        ))}
      </select>
      <span> by </span>
      <select name="by" aria-label="dimension" value={by} onChange={(e) => onChange(metric, e.target.value as Dimension)}>
        {DIMENSIONS.map((d) => (
          <option key={d} value={d}>
            {DIMENSION_LABELS[d]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** The chosen metric per value of the chosen dimension, within the page's period and filters. */
export function BreakdownPanel({
  analysis,
  metric,
  by,
  error,
  onChange,
}: {
  analysis: Analysis | null;
  metric: string;
  by: Dimension;
  error: string | null;
  onChange: (metric: string, by: Dimension) => void;
}) {
  const result: Analysed | null | undefined = analysis ? analysis.answer[analysis.metric] : null;
  return (
    <figure className="breakdown" data-loaded-breakdown={analysis?.search ?? ''}>
      <figcaption>
        <Pickers metric={metric} by={by} onChange={onChange} />
      </figcaption>
      {!isAnalysed(metric) && <p className="error">No breakdown for “{metric}”: choose one of the metrics listed.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {analysis && result && (
        <>
          {result.breakdown.length === 0 ? (
            <p className="empty">No records in this period.</p>
          ) : (
            <BreakdownChart rows={result.breakdown} unit={result.unit} by={analysis.by} metric={label(analysis.metric)} />
          )}
          {/* The API's numbers, as JSON wrote them: tests and scrapers read these, the chart draws them. */}
          <ul className="data-rows" hidden>
            {result.breakdown.map((row) => (
              <li
                key={row.segment ?? ''}
                data-breakdown-row={row.segment ?? ''}
                data-value={JSON.stringify(row.value)}
                data-sample-size={row.sampleSize}
              />
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}

/** Shares as whole percentages. */
const share = (s: number) => `${Math.round(s * 100)} %`;
/** Drivers shown; the rest are summed into one line, so a dimension with many values stays readable. */
const SHOWN_DRIVERS = 8;

/**
 * Which segments explain the change from the previous period: each segment's contribution, split into mix (its share
 * of the records moved) and rate (its own value moved), largest first as the API orders them.
 */
export function DriversPanel({ analysis, timezone }: { analysis: Analysis | null; timezone: string }) {
  const result: Analysed | null | undefined = analysis ? analysis.answer[analysis.metric] : null;
  const drivers: DriversFragment | null = result?.drivers ?? null;
  const unit = result?.unit ?? 'COUNT';
  const shown = drivers?.segments.slice(0, SHOWN_DRIVERS) ?? [];
  const rest = drivers?.segments.slice(SHOWN_DRIVERS) ?? [];
  return (
    <figure className="drivers" data-loaded-drivers={analysis?.search ?? ''}>
      <figcaption>
        What changed {analysis ? `${label(analysis.metric).toLowerCase()} by ${analysis.by}` : ''}
        {drivers && (
          <span className="note">
            {/* comparedTo is exclusive: the compared period's last day is the one before it. */} · against{' '}
            {formatDay(drivers.comparedFrom, timezone)} – {formatDay(Date.parse(drivers.comparedTo) - 1, timezone)}
          </span>
        )}
      </figcaption>
      {drivers && (
        <>
          <p className="drivers-total" data-change={JSON.stringify(drivers.change)}>
            {formatValue(drivers.previousValue, unit)} → <strong>{formatValue(drivers.currentValue, unit)}</strong>
            {drivers.change !== null && <span> ({formatDelta(drivers.change, unit)})</span>}
          </p>
          {drivers.segments.length === 0 ? (
            <p className="empty">No segment to compare.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{analysis!.by}</th>
                  <th className="num">share</th>
                  <th className="num">value</th>
                  <th className="num" title="change due to the segment's share of records moving">
                    mix
                  </th>
                  <th className="num" title="change due to the segment's own value moving">
                    rate
                  </th>
                  <th className="num">contribution</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((d) => (
                  <tr key={d.segment ?? ''} data-driver={d.segment ?? ''} data-contribution={JSON.stringify(d.contribution)}>
                    <td>{segmentName(d.segment, analysis!.by)}</td>
                    <td className="num">
                      {share(d.previousShare)} → {share(d.currentShare)}
                    </td>
                    <td className="num">
                      {formatValue(d.previousValue, unit)} → {formatValue(d.currentValue, unit)}
                    </td>
                    <td className="num">{formatDelta(d.mixEffect, unit)}</td>
                    <td className="num">{formatDelta(d.rateEffect, unit)}</td>
                    <td className={`num contribution ${d.contribution > 0 ? 'up' : d.contribution < 0 ? 'down' : ''}`}>
                      {formatDelta(d.contribution, unit)}
                    </td>
                  </tr>
                ))}
                {rest.length > 0 && (
                  <tr className="rest">
                    <td colSpan={5}>{rest.length} more</td>
                    <td className="num">
                      {formatDelta(
                        rest.reduce((sum, d) => sum + d.contribution, 0),
                        unit,
                      )}
                    </td>
                  </tr>
                )}
                {drivers.unexplained !== null && Math.abs(drivers.unexplained) > 1e-9 && (
                  <tr className="rest">
                    <td colSpan={5}>not attributed to a {analysis!.by}</td>
                    <td className="num">{formatDelta(drivers.unexplained, unit)}</td>
                  </tr>
                )}
              </tbody>
            </table>
          )}
        </>
      )}
    </figure>
  );
}
