import type { MetricRequest, MetricValue } from './metric-loaders';
import type { SqlExecutor } from '../db/sql-executor';
import type { RecordColumn, RecordType } from './fact-sources';
import type { PerBucketSql, Unit } from './metric-definition';
import { buildRecordQueries, encodeCursor, type RecordCursor } from './record-query';
import { assertMetricInScope, assertSourceHonoursScope, effectiveFilter, type Scope } from './scope';

/** One record behind a metric value, as the API returns it. */
export type MetricRecordRow = { recordType: RecordType; eventAt: Date; quantity: number | null } & Record<RecordColumn, string | Date | null>;

/** One page of a metric's records; `totalCount` runs its count only when asked for. */
export interface RecordPage {
  totalCount(): Promise<number>;
  page(): Promise<{ nodes: MetricRecordRow[]; hasNextPage: boolean; endCursor: string | null }>;
  quantityUnit: Unit | null;
}

/**
 * The records of metric values for one request: within the caller's scope (as the values are), and none at all for a
 * value withheld from a scoped caller (records would single out the small group the value hides).
 */
export function createRecordLoader(sql: SqlExecutor, scope: Scope, minGroupSize: number, values: { load(r: MetricRequest): Promise<MetricValue> }) {
  return {
    load(r: MetricRequest, first: number, after: RecordCursor | null): RecordPage {
      const { metric } = r;
      assertMetricInScope(metric, scope);
      assertSourceHonoursScope(metric.sql.kind === 'event' ? metric.source : (metric.sql as PerBucketSql).sample.source, scope);
      const queries = buildRecordQueries(metric, r.period, effectiveFilter(r.filter, scope), r.hours, { first, after });
      const source = metric.sql.kind === 'event' ? metric.source : metric.sql.sample.source;
      // Only a scoped caller has values withheld; asking for the value shares its statement with the value's own field.
      let hiddenValue: Promise<boolean> | undefined;
      const withheld = () => (hiddenValue ??= minGroupSize > 0 ? values.load(r).then((v) => v.suppressed) : Promise.resolve(false));
      let count: Promise<number> | undefined;
      let rows: ReturnType<RecordPage['page']> | undefined;
      return {
        quantityUnit: queries.quantityUnit,
        totalCount: () =>
          (count ??= withheld().then(async (hidden) => {
            if (hidden) return 0;
            const [row] = await sql.query<{ n: unknown }>(queries.count.sql, queries.count.params);
            return Number(row.n);
          })),
        page: () =>
          (rows ??= withheld().then(async (hidden) => {
            if (hidden) return { nodes: [], hasNextPage: false, endCursor: null };
            const found = await sql.query<Record<string, unknown>>(queries.page.sql, queries.page.params);
            const shown = found.slice(0, first);
            const last = shown.at(-1);
            return {
              nodes: shown.map((row) => toRecord(source.record.type, row)),
              hasNextPage: found.length > first,
              endCursor: last ? encodeCursor({ at: String(last.cursor_at), key: String(last.cursor_key) }) : after ? encodeCursor(after) : null,
            };
          })),
      };
    },
  };
}

const asDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
const asText = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toRecord(recordType: RecordType, row: Record<string, unknown>): MetricRecordRow {
  return {
    recordType,
    sourceId: asText(row.sourceId),
    ticketId: asText(row.ticketId),
    customerId: asText(row.customerId),
    channel: asText(row.channel),
    product: asText(row.product),
    tier: asText(row.tier),
    priority: asText(row.priority),
    agent: asText(row.agent),
    team: asText(row.team),
    createdAt: asDate(row.createdAt),
    resolvedAt: asDate(row.resolvedAt),
    churnedAt: asDate(row.churnedAt),
    eventAt: asDate(row.eventAt)!,
    quantity: row.quantity === null || row.quantity === undefined ? null : Number(row.quantity),
  };
}
