import { ApiError, ErrorCode } from '../api/errors';
import type { SegmentFilter } from './dimensions';
import { RECORD_COLUMNS, type FactSource } from './fact-sources';
import type { EventAggregateSql, HoursMode, MetricDefinition, PerBucketSql, Unit } from './metric-definition';
import { bindPlaceholders, filterConditions, lazyParam, sqlContext } from './metric-query';
import type { Period } from './period';
import { SqlParams } from './sql-params';

/**
 * The records a metric value is computed from (its drill-down), read from the raw tables with the value's own sample
 * declaration, period, filter (already intersected with the caller's scope) and hours: so their count is the value's
 * sample size. They are ordered by attribution time, then the row's internal id; a cursor is that pair.
 */

/** Where a page starts: after the record with this attribution time (UTC, microseconds) and internal id. */
export interface RecordCursor {
  at: string;
  key: string;
}

export const DEFAULT_RECORDS_PAGE = 50;
export const MAX_RECORDS_PAGE = 500;

export interface RecordQueries {
  /** One page: `first` + 1 rows (the extra one only says whether there is a next page). */
  page: { sql: string; params: unknown[] };
  /** The number of records, with the same conditions as the page. */
  count: { sql: string; params: unknown[] };
  /** The unit of the records' quantity; null when the metric has no per-record quantity. */
  quantityUnit: Unit | null;
}

/** The pieces both statements share: rows, attribution time, conditions. */
interface RecordSource {
  source: FactSource;
  from: string;
  at: string;
  where: string[];
  quantity: string | null;
  quantityUnit: Unit | null;
}

function eventRecords(
  metric: MetricDefinition,
  sql: EventAggregateSql,
  period: Period,
  filter: SegmentFilter,
  hours: HoursMode,
  params: SqlParams,
): RecordSource {
  const source = metric.source;
  const ctx = sqlContext(source, hours);
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const bind = (s: string) => bindPlaceholders(s, { from, to, tz: lazyParam(params, period.timezone) });
  const at = bind(source.events[sql.event]);
  const quantity = sql.sample.quantity?.(ctx) ?? null;
  return {
    source,
    from: bind(source.from),
    at,
    // The same rows as the value's statement: attributed to the period, within the filter, and in the sample.
    where: [
      `${at} >= ${from}::timestamptz`,
      `${at} < ${to}::timestamptz`,
      ...filterConditions(source, filter, params),
      `(${sql.sample.where?.(ctx) ?? 'TRUE'})`,
    ],
    quantity,
    quantityUnit: quantity === null ? null : (sql.sample.quantityUnit ?? metric.unit),
  };
}

function perBucketRecords(metric: MetricDefinition, sql: PerBucketSql, period: Period, filter: SegmentFilter, params: SqlParams): RecordSource {
  const { sample } = sql;
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const bind = (s: string) => bindPlaceholders(s, { from, to, tz: lazyParam(params, period.timezone) });
  return {
    source: sample.source,
    // The whole period is the one bucket `b`, as for the value of a total.
    from: `${bind(sample.source.from)}\n    CROSS JOIN (SELECT ${from}::timestamptz AS start_at, ${to}::timestamptz AS end_at) b`,
    at: bind(sample.at),
    where: [`(${sample.where})`, ...filterConditions(sample.source, filter, params)],
    quantity: sample.quantity ?? null,
    quantityUnit: sample.quantity === undefined ? null : (sample.quantityUnit ?? metric.unit),
  };
}

/** The statements listing one page of a metric's records, and counting them all. */
export function buildRecordQueries(
  metric: MetricDefinition,
  period: Period,
  filter: SegmentFilter,
  hours: HoursMode,
  page: { first: number; after: RecordCursor | null },
): RecordQueries {
  const countParams = new SqlParams();
  const pageParams = new SqlParams();
  const records = (params: SqlParams) =>
    metric.sql.kind === 'event'
      ? eventRecords(metric, metric.sql, period, filter, hours, params)
      : perBucketRecords(metric, metric.sql, period, filter, params);

  const counted = records(countParams);
  const count = { sql: `SELECT count(*)::int8 AS n\nFROM ${counted.from}\nWHERE ${counted.where.join('\n  AND ')}`, params: countParams.values };

  const r = records(pageParams);
  const { record } = r.source;
  const where = [...r.where];
  if (page.after) where.push(`(${r.at}, ${record.key}) > (${pageParams.add(page.after.at)}::timestamptz, ${pageParams.add(page.after.key)}::int8)`);
  const columns = RECORD_COLUMNS.map((c) => `${record.columns[c] ?? 'NULL'} AS "${c}"`);
  const sql = `SELECT ${columns.join(', ')},
       ${r.at} AS "eventAt", (${r.quantity ?? 'NULL'})::float8 AS quantity,
       to_char(${r.at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, (${record.key})::text AS cursor_key
FROM ${r.from}
${record.joins ?? ''}
WHERE ${where.join('\n  AND ')}
ORDER BY ${r.at}, ${record.key}
LIMIT ${pageParams.add(page.first + 1)}`;
  return { page: { sql, params: pageParams.values }, count, quantityUnit: r.quantityUnit };
}

/** A cursor as the API hands it out: opaque (base64url of the key). */
export function encodeCursor(c: RecordCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.key])).toString('base64url');
}

/** Reads an `after` argument; BAD_USER_INPUT naming it when it is not a cursor this API handed out. */
export function decodeCursor(text: string): RecordCursor {
  const invalid = () => new ApiError(ErrorCode.BAD_USER_INPUT, 'after: not a cursor of these records (use pageInfo.endCursor)', 'after');
  if (text.length > 200 || !/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, key] = parsed;
  if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) || Number.isNaN(Date.parse(at))) throw invalid();
  if (typeof key !== 'string' || !/^\d{1,18}$/.test(key)) throw invalid();
  return { at, key };
}

/** Checks `first`: BAD_USER_INPUT naming it outside 0…MAX_RECORDS_PAGE. */
export function validateFirst(first: number): number {
  if (!Number.isInteger(first) || first < 0 || first > MAX_RECORDS_PAGE) {
    throw new ApiError(ErrorCode.BAD_USER_INPUT, `first: must be between 0 and ${MAX_RECORDS_PAGE}`, 'first');
  }
  return first;
}
