import type { DashboardTilesQuery, TargetStatus, Unit } from './gql/graphql';
import { formatChange, formatValue } from './format';

type Tiles = DashboardTilesQuery;
export type MetricField = keyof Omit<Tiles, '__typename'>;

export interface TileSpec {
  field: MetricField;
  label: string;
  /** Filters the metric does not take (customer metrics have no channel). */
  ignores?: string;
}

/** The tiles, in reading order; `field` is the GraphQL field, shown as the tile's `data-metric`. */
export const TILES: readonly TileSpec[] = [
  { field: 'ticketVolume', label: 'Ticket volume' },
  { field: 'firstResponseTime', label: 'First response time' },
  { field: 'averageResolutionTime', label: 'Resolution time' },
  { field: 'firstContactResolutionRate', label: 'First contact resolution' },
  { field: 'csat', label: 'CSAT' },
  { field: 'nps', label: 'NPS' },
  { field: 'customerEffortScore', label: 'Customer effort score' },
  { field: 'slaComplianceResolution', label: 'SLA compliance (resolution)' },
  { field: 'escalationRate', label: 'Escalation rate' },
  { field: 'abandonmentRate', label: 'Abandonment rate' },
  { field: 'backlog', label: 'Backlog' },
  { field: 'churnRate', label: 'Churn rate', ignores: 'channel' },
  { field: 'retentionRate', label: 'Retention rate', ignores: 'channel' },
  { field: 'revenue', label: 'Revenue', ignores: 'channel' },
];

const STATUS_TEXT: Record<TargetStatus, string> = { ON_TRACK: 'on track', AT_RISK: 'at risk', OFF_TRACK: 'off track' };

function Tile({ spec, metric, onRecords }: { spec: TileSpec; metric: Tiles[MetricField]; onRecords: () => void }) {
  const unit: Unit = metric.unit;
  const { comparison } = metric;
  const trend = comparison.improved === true ? 'better' : comparison.improved === false ? 'worse' : 'neutral';
  return (
    // data-value is the API's number as JSON wrote it ("null" when no record qualifies): tests and scrapers read it.
    <article className="tile" data-metric={spec.field} data-value={JSON.stringify(metric.value)}>
      <h2>{spec.label}</h2>
      <p className="value">{metric.suppressed ? 'withheld' : formatValue(metric.value, unit)}</p>
      {'median' in metric && <p className="median">median {formatValue(metric.median, unit)}</p>}
      <p className={`change ${trend}`} title={`previous period: ${formatValue(comparison.previousValue, unit)}`}>
        {formatChange(comparison.relativeChange, comparison.absoluteChange, unit)} <span>vs previous period</span>
      </p>
      <p className="target">
        {metric.status ? (
          <span className={`status ${metric.status}`}>{STATUS_TEXT[metric.status]}</span>
        ) : (
          <span className="status none">no target</span>
        )}
        {metric.target !== null && metric.target !== undefined && <span> target {formatValue(metric.target, unit)}</span>}
      </p>
      <p className="sample">
        {/* The records behind the value: a withheld value has none to show. */}
        <button type="button" className="link" disabled={metric.suppressed} onClick={onRecords} title="list these records">
          {metric.sampleSize.toLocaleString('en-US')} records
        </button>
        {spec.ignores ? ` · not filtered by ${spec.ignores}` : ''}
      </p>
    </article>
  );
}

export function TileGrid({ tiles, onRecords }: { tiles: Tiles | null; onRecords: (spec: TileSpec) => void }) {
  return (
    <section className="tiles" aria-busy={tiles === null}>
      {TILES.map((spec) =>
        tiles ? (
          <Tile key={spec.field} spec={spec} metric={tiles[spec.field]} onRecords={() => onRecords(spec)} />
        ) : (
          <article key={spec.field} className="tile loading" />
        ),
      )}
    </section>
  );
}
