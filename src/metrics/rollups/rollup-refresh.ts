import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ROLLUP_INSTALL_LOCK, ROLLUP_REFRESH_LOCK, WRITE_TURN_LOCK } from '../../db/advisory-locks';
import type { Dimension } from '../dimensions';
import { aggregatedColumns, type DerivedRollupColumn, type RollupColumn } from '../measures';
import type { MetricDefinition } from '../metric-definition';
import { METRICS } from '../registry';
import { keyColumns, rollupLayouts, type RollupLayout } from './rollup-layout';
import { allDims, dimsMask, subtotalMasks } from './rollup-tables';

// Beyond this many touched tickets, expanding them to hours costs more than rebuilding every rollup row.
const FULL_REBUILD_TICKETS = 100_000;
const REFRESH_WORK_MEM = '64MB';
// The index builds of a full rebuild into empty tables sort in memory.
const REFRESH_MAINTENANCE_WORK_MEM = '256MB';

const bindPeriod = (sql: string) => sql.replaceAll('{from}', 'lo').replaceAll('{to}', 'hi');

/** The INSERT rebuilding one event's rows of a rollup, for every hour (full) or for the touched hours (array `hours`). */
function insertSql({ table, columns: all }: RollupLayout, event: string, full: boolean): string {
  const at = bindPeriod(table.source.events[event]);
  const code = eventCode(table, event);
  const measures = aggregatedColumns(eventColumns(all, event));
  const columns = ['hour', 'event', ...table.dimensions, ...measures.map((m) => m.column)];
  const dims = table.dimensions.map((d) => table.source.dimensions[d]);
  const join = table.eventJoins?.[event];
  const where = full
    ? `${at} IS NOT NULL`
    : // The range lets PostgreSQL use the event's index before the exact hour test (a hashed array).
      `${at} >= lo AND ${at} < hi AND date_trunc('hour', ${at}) = ANY (hours)`;
  return `INSERT INTO ${table.name} (${columns.map((c) => `"${c}"`).join(', ')})
    SELECT date_trunc('hour', ${at}), ${code}, ${dims.join(', ')}, ${measures.map((m) => m.aggregate).join(', ')}
    FROM ${bindPeriod(full ? (table.source.fromEveryRow ?? table.source.from) : table.source.from)}${join ? `\n    ${join(full)}` : ''}
    WHERE ${where}
    GROUP BY ${columns
      .slice(0, 2 + dims.length)
      .map((_, i) => i + 1)
      .join(', ')}
    ORDER BY 1;`;
}

const MERGE = {
  sum: (c: string) => `sum(r."${c}")`,
  max: (c: string) => `max(r."${c}")`,
  // Arrays are concatenated in a fixed order, so equal facts give equal rows whatever order a plan visits them in.
  concat: (c: string) => `rollup_array_cat(r."${c}" ORDER BY r."${c}")`,
  // Durations stay sorted, as percentiles search them: the merged values in order (equal facts give equal rows).
  sorted: (c: string) => `(SELECT array_agg(v ORDER BY v) FROM unnest(rollup_array_cat(r."${c}")) v)`,
};

/**
 * The INSERT summing one event's hourly rows of a rollup into its daily rows holding every segment column, for every day
 * (full) or the touched days (array `days`). Only the event's own columns are summed: the others keep their defaults, as
 * in the hourly rows (summing them would only add zeros and nulls).
 */
function dailyInsertSql({ table, columns: all }: RollupLayout, event: string, zone: string, full: boolean): string {
  const day = `date_trunc('day', r.hour AT TIME ZONE ${zone})`;
  const measures = dailyColumnOrder(eventColumns(all, event));
  const columns = ['day', 'event', 'dims', ...table.dimensions, ...measures.map((m) => m.column)];
  const days = full ? '' : ' AND r.hour = ANY (day_hours)';
  const select = `SELECT ${day} AS day, r.event, ${allDims(table)} AS dims, ${table.dimensions.map((d) => `r."${d}"`).join(', ')}, ${merged(measures)}
    FROM ${table.name} r
    WHERE r.event = ${eventCode(table, event)}${days}
    GROUP BY 1, 2, ${table.dimensions.map((_, i) => i + 4).join(', ')}`;
  // Rows stored in the order queries read them (one mask, a range of days): a period's rows then sit on few pages.
  return `INSERT INTO ${table.name}_daily (${columns.map((c) => `"${c}"`).join(', ')})
    ${withDailyDerived(select, measures, '1')};`;
}

/**
 * The INSERT adding one event's subtotal rows of the same days: per combination of each subset of the subtotal
 * dimensions (the other segment columns null), summed from the rows holding them all.
 */
function subtotalInsertSql({ table, columns: all }: RollupLayout, event: string, zone: string, full: boolean): string {
  const bit = (d: Dimension) => dimsMask(table, [d]);
  const col = (d: string) => `r."${d}"`;
  const measures = dailyColumnOrder(eventColumns(all, event));
  const subsets = subtotalMasks(table).map(
    (mask) =>
      `(${table.subtotalDimensions
        .filter((d) => mask & bit(d))
        .map(col)
        .join(', ')})`,
  );
  // The mask of a row: the bits of the subtotal dimensions its grouping set holds (GROUPING(x) is 1 where x is summed away).
  const mask = table.subtotalDimensions.map((d) => `(1 - GROUPING(${col(d)})) * ${bit(d)}`).join(' + ');
  const values = table.dimensions.map((d) => (table.subtotalDimensions.includes(d) ? col(d) : 'NULL'));
  const columns = ['day', 'event', 'dims', ...table.dimensions, ...measures.map((m) => m.column)];
  const where = `r.dims = ${allDims(table)} AND r.event = ${eventCode(table, event)}${full ? '' : ' AND r.day = ANY (days)'}`;
  const select = `SELECT r.day, r.event, ${mask} AS dims, ${values.join(', ')}, ${merged(measures)}
    FROM ${table.name}_daily r
    WHERE ${where}
    GROUP BY r.day, r.event, GROUPING SETS (${subsets.join(', ')})`;
  return `INSERT INTO ${table.name}_daily (${columns.map((c) => `"${c}"`).join(', ')})
    ${withDailyDerived(select, measures, '3, 1')};`;
}

const merged = (columns: readonly RollupColumn[]) =>
  aggregatedColumns(columns)
    .map((m) => `${MERGE[m.merge](m.column)} AS "${m.column}"`)
    .join(', ');
/** The daily columns computed from merged ones, in the order of the columns given. */
const dailyDerived = (columns: readonly RollupColumn[]) => columns.filter((m): m is DerivedRollupColumn => Boolean(m.dailyFrom));
/** A daily row's columns in INSERT order: the merged ones, then those computed from them. */
const dailyColumnOrder = (columns: readonly RollupColumn[]): RollupColumn[] => [...aggregatedColumns(columns), ...dailyDerived(columns)];
/**
 * The SELECT of daily rows `select` (merged columns last, ordered by `orderBy`) with the columns computed from them
 * appended: the merged values are computed once, in a subquery.
 */
function withDailyDerived(select: string, columns: readonly RollupColumn[], orderBy: string): string {
  const derived = dailyDerived(columns);
  if (!derived.length) return `${select}\n    ORDER BY ${orderBy}`;
  return `SELECT x.*, ${derived.map((m) => m.dailyFrom.sql(`x."${m.dailyFrom.column}"`)).join(', ')}
    FROM (${select}) x
    ORDER BY ${orderBy}`;
}
/** The columns an event's rows hold (the other columns keep their defaults there). */
const eventColumns = (columns: readonly RollupColumn[], event: string) => columns.filter((m) => m.event === event);
/** The value of a rollup row's `event` column for an event: its position in the table's list, from 1. */
const eventCode = (table: RollupLayout['table'], event: string) => table.events.indexOf(event) + 1;

/** The statements rebuilding one event's rows of a rollup (hourly, daily, subtotals): independent of its other events. */
const eventRebuildSql = (layout: RollupLayout, event: string, zone: string, full: boolean) => [
  insertSql(layout, event, full),
  dailyInsertSql(layout, event, zone, full),
  subtotalInsertSql(layout, event, zone, full),
];

/** The statements refreshing the touched hours and days of a rollup, under its indexes (arrays hours, days, day_hours). */
function refreshSql(layouts: readonly RollupLayout[], zone: string): string {
  return layouts
    .flatMap((layout) => {
      const t = layout.table;
      return [
        `DELETE FROM ${t.name} WHERE hour = ANY (hours);`,
        // Every mask is listed so that the (dims, day) index finds the days' rows.
        `DELETE FROM ${t.name}_daily WHERE dims IN (${[allDims(t), ...subtotalMasks(t)].join(', ')}) AND day = ANY (days);`,
        ...t.events.map((e) => insertSql(layout, e, false)),
        ...t.events.map((e) => dailyInsertSql(layout, e, zone, false)),
        ...t.events.map((e) => subtotalInsertSql(layout, e, zone, false)),
      ];
    })
    .join('\n    ');
}

/**
 * The first step of a full rebuild of a rollup: its rows deleted and, unless `under_indexes` and it had rows, its
 * indexes dropped, their definitions kept in rollup_dropped_indexes for the last step. Rows of empty tables (the first
 * load) are inserted without indexes, which are then built once: far cheaper than maintaining five indexes row by row.
 * Dropping an index locks the table until commit; a table with rows rebuilt in one transaction (under_indexes) keeps
 * them, so that readers see its old rows meanwhile. The definitions are kept in a table, not in a variable, because
 * a rebuild on several connections commits this step on its own: a rebuild stopped after it leaves them for the next.
 */
function clearSql(t: RollupLayout['table']): string {
  return `IF EXISTS (SELECT 1 FROM ${t.name}) OR EXISTS (SELECT 1 FROM ${t.name}_daily) THEN
      DELETE FROM ${t.name};
      DELETE FROM ${t.name}_daily;
    ELSE
      under_indexes := false;
    END IF;
    IF NOT under_indexes THEN
      FOR index_name, index_definition IN SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
          WHERE i.indrelid = ANY (ARRAY['${t.name}', '${t.name}_daily']::regclass[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY i.indexrelid LOOP
        INSERT INTO rollup_dropped_indexes (definition, table_name) VALUES (index_definition, '${t.name}') ON CONFLICT DO NOTHING;
        EXECUTE 'DROP INDEX ' || index_name;
      END LOOP;
    END IF;`;
}

/** The last step of a full rebuild: the indexes the first step dropped built again, and fresh statistics. */
function finishSql(t: RollupLayout['table']): string {
  return `FOR index_definition IN SELECT d.definition FROM rollup_dropped_indexes d WHERE d.table_name = '${t.name}' ORDER BY d.definition LOOP
      EXECUTE index_definition;
    END LOOP;
    DELETE FROM rollup_dropped_indexes WHERE table_name = '${t.name}';
    -- Fresh statistics, or the planner misjudges the rebuilt tables (e.g. sorts on disk for a series).
    ANALYZE ${t.name}, ${t.name}_daily;`;
}

/**
 * The SQL installing refresh_rollups(): it consumes the marks the write triggers left (touched hours, and touched tickets,
 * which it expands to the hours of their events, agent replies and surveys) and rebuilds those hours of every rollup
 * from the raw tables, or every hour after a change that can move any ticket (an SLA policy, a TRUNCATE).
 */
export function refreshFunctionSql(timezone: string, metrics: readonly MetricDefinition[] = METRICS): string {
  const layouts = rollupLayouts(metrics);
  const zone = `'${timezone.replaceAll("'", "''")}'`;
  return `CREATE OR REPLACE FUNCTION refresh_rollups() RETURNS void LANGUAGE plpgsql
  SET work_mem = '${REFRESH_WORK_MEM}' SET maintenance_work_mem = '${REFRESH_MAINTENANCE_WORK_MEM}' AS $fn$
DECLARE
  lo timestamptz;
  hi timestamptz;
  tickets bigint[];
  hours timestamptz[];
  days timestamp[];
  day_hours timestamptz[];
  jit_setting text;
BEGIN
  -- Refreshes take turns: two transactions rebuilding the same hour would otherwise both insert its rows.
  PERFORM pg_advisory_xact_lock(${ROLLUP_REFRESH_LOCK});
  IF NOT EXISTS (SELECT 1 FROM rollup_dirty_hours) AND NOT EXISTS (SELECT 1 FROM rollup_dirty_tickets) THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM rollup_dirty_hours WHERE hour = '-infinity')
     OR (SELECT count(*) FROM (SELECT 1 FROM rollup_dirty_tickets LIMIT ${FULL_REBUILD_TICKETS + 1}) x) > ${FULL_REBUILD_TICKETS} THEN
    DELETE FROM rollup_dirty_tickets;
    DELETE FROM rollup_dirty_hours;
    ${layouts.map((l) => `PERFORM rebuild_rollup_table('${l.table.name}');`).join('\n    ')}
  ELSE
    -- These statements read few rows through the indexes: compiling them (JIT) would cost more than it saves.
    jit_setting := current_setting('jit');
    PERFORM set_config('jit', 'off', true);
    -- Marks are read into arrays: the statements below then find their rows through the indexes whatever their number
    -- (the marking tables have no statistics to plan by).
    WITH consumed AS (DELETE FROM rollup_dirty_tickets RETURNING ticket_id) SELECT array_agg(ticket_id) INTO tickets FROM consumed;
    INSERT INTO rollup_dirty_hours (hour)
      SELECT date_trunc('hour', e.at) FROM tickets t
        CROSS JOIN LATERAL (VALUES (t.created_at), (t.first_response_at), (t.resolved_at)) e(at) WHERE t.id = ANY (tickets) AND e.at IS NOT NULL
      UNION SELECT date_trunc('hour', m.sent_at) FROM messages m WHERE m.ticket_id = ANY (tickets) AND m.author = 'agent'
      UNION SELECT date_trunc('hour', s.responded_at) FROM surveys s WHERE s.ticket_id = ANY (tickets)
      ON CONFLICT DO NOTHING;
    -- The touched hours and the local days (of the daily rollups' zone) holding them.
    WITH consumed AS (DELETE FROM rollup_dirty_hours RETURNING hour)
      SELECT array_agg(hour ORDER BY hour), min(hour), max(hour) + interval '1 hour' INTO hours, lo, hi FROM consumed;
    SELECT array_agg(DISTINCT date_trunc('day', h AT TIME ZONE ${zone})) INTO days FROM unnest(hours) h;
    -- Every hour of those days, on the grid of the touched hours (as date_trunc gave them): a day spans at most 25.
    SELECT array_agg(DISTINCT c) INTO day_hours FROM unnest(hours) h
      CROSS JOIN generate_series(h - interval '25 hours', h + interval '25 hours', interval '1 hour') c
      WHERE date_trunc('day', c AT TIME ZONE ${zone}) = date_trunc('day', h AT TIME ZONE ${zone});
    ${refreshSql(layouts, zone)}
    PERFORM set_config('jit', jit_setting, true);
  END IF;
  UPDATE rollup_state SET refreshed_at = now();
END $fn$`;
}

/**
 * The SQL installing the full rebuild of one rollup (hourly and daily rows) from the raw tables, in one transaction or
 * in parts:
 * - rebuild_rollup_table(name): every part in the caller's transaction; refresh_rollups() calls it for each rollup.
 * - rebuild_rollup_part(name, part, version): one part, for a rebuild on several connections (rebuildPendingRollups),
 *   each part in a transaction of its own: 'clear', then each of the rollup's events (independent of each other), then
 *   'finish'. A part does nothing unless the full-rebuild mark still has `version` (FULL_REBUILD_VERSION_SQL): once
 *   refresh_rollups() has rebuilt everything itself (a write committed meanwhile), the remaining parts would only add
 *   the rows again. A mark set again meanwhile has a new version: the rebuild's last refresh then rebuilds everything.
 * Both take the refresh lock shared: rebuilds of different rollups run side by side, refresh_rollups() (exclusive) waits
 * for them.
 */
export function rebuildFunctionSql(timezone: string, metrics: readonly MetricDefinition[] = METRICS): string {
  const zone = `'${timezone.replaceAll("'", "''")}'`;
  const layouts = rollupLayouts(metrics);
  // A full rebuild groups every fact row: with the session's default work_mem (4 MB) every sort and hash would spill to
  // disk. At a million tickets the largest still spill at 64 MB, but 1 GB measured no faster: the aggregation is
  // CPU-bound (README, Performance).
  const settings = `SET work_mem = '${REFRESH_WORK_MEM}' SET maintenance_work_mem = '${REFRESH_MAINTENANCE_WORK_MEM}'`;
  const declarations = `under_indexes boolean := true;
  lo timestamptz := '-infinity';
  hi timestamptz := 'infinity';
  index_name text;
  index_definition text;`;
  const whole = layouts.map(
    (layout, i) => `${i ? 'ELSIF' : 'IF'} target = '${layout.table.name}' THEN
    ${clearSql(layout.table)}
    ${layout.table.events.flatMap((e) => eventRebuildSql(layout, e, zone, true)).join('\n    ')}
    ${finishSql(layout.table)}`,
  );
  const parts = layouts.flatMap((layout) => {
    const t = layout.table;
    const when = (part: string) => `target = '${t.name}' AND part = '${part}'`;
    return [
      `${when('clear')} THEN
    under_indexes := false;
    ${clearSql(t)}`,
      ...t.events.map(
        (e) => `${when(e)} THEN
    ${eventRebuildSql(layout, e, zone, true).join('\n    ')}`,
      ),
      `${when('finish')} THEN
    ${finishSql(t)}`,
    ];
  });
  return `CREATE OR REPLACE FUNCTION rebuild_rollup_table(target text) RETURNS void LANGUAGE plpgsql
  ${settings} AS $fn$
DECLARE
  ${declarations}
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${ROLLUP_REFRESH_LOCK});
  ${whole.join('\n  ')}
  ELSE
    RAISE EXCEPTION 'rebuild_rollup_table: no rollup named %', target;
  END IF;
END $fn$;

CREATE OR REPLACE FUNCTION rebuild_rollup_part(target text, part text, version text) RETURNS void LANGUAGE plpgsql
  ${settings} AS $fn$
DECLARE
  ${declarations}
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${ROLLUP_REFRESH_LOCK});
  IF NOT EXISTS (SELECT 1 FROM rollup_dirty_hours WHERE hour = '-infinity' AND xmin::text = version) THEN
    RETURN;
  END IF;
  ${parts.map((p, i) => `${i ? 'ELSIF' : 'IF'} ${p}`).join('\n  ')}
  ELSE
    RAISE EXCEPTION 'rebuild_rollup_part: no part % of a rollup named %', part, target;
  END IF;
END $fn$`;
}

/** Hash of the rollup definitions (columns and refresh): rows built under another definition are rebuilt. */
export function rollupDefinitionHash(timezone: string, metrics: readonly MetricDefinition[] = METRICS): string {
  const columns = rollupLayouts(metrics).map((l) =>
    l.columns.map((c) => `${c.column} ${c.type}${c.storage ? ` ${c.storage}` : ''}${c.dailyFrom ? ' daily' : ''}`),
  );
  return createHash('sha256')
    .update(rebuildFunctionSql(timezone, metrics))
    .update(refreshFunctionSql(timezone, metrics))
    .update(JSON.stringify(columns))
    .digest('hex')
    .slice(0, 32);
}

/**
 * Gives each rollup table (hourly and daily) exactly its measures' columns: the missing are added, those of a changed
 * type replaced, those no measure holds any longer dropped. Their rows are rebuilt afterwards.
 */
async function alignColumns(m: EntityManager, layouts: readonly RollupLayout[]): Promise<void> {
  for (const { table, columns: all } of layouts) {
    for (const name of [table.name, `${table.name}_daily`]) {
      const columns: readonly RollupColumn[] = name === table.name ? aggregatedColumns(all) : all;
      const present: { name: string; type: string; storage: string }[] = await m.query(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type, attstorage AS storage FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
        [name],
      );
      const typeOf = new Map(present.map((c) => [c.name, c.type]));
      const storageOf = new Map(present.map((c) => [c.name, c.storage]));
      const wanted = new Set(columns.map((c) => c.column));
      const changes = [
        ...present.filter((c) => !keyColumns(table).includes(c.name) && !wanted.has(c.name)).map((c) => `DROP COLUMN "${c.name}"`),
        ...columns.flatMap((c) => {
          const add = `ADD COLUMN "${c.column}" ${c.type}${!c.dailyFrom && c.merge === 'sum' && c.type === 'bigint' ? ' NOT NULL DEFAULT 0' : ''}`;
          const type = typeOf.get(c.column);
          const storage = c.storage ? [`ALTER COLUMN "${c.column}" SET STORAGE ${c.storage.toUpperCase()}`] : [];
          if (type === undefined) return [add, ...storage];
          if (type !== c.type) return [`DROP COLUMN "${c.column}"`, add, ...storage];
          // attstorage: 'e' external, 'x' extended (the default of arrays).
          return c.storage && storageOf.get(c.column) !== c.storage[0] ? storage : [];
        }),
      ];
      if (changes.length) await m.query(`ALTER TABLE ${name} ${changes.join(', ')}`);
    }
  }
}

/**
 * Installs the refresh function generated from the registry (after migrations), with the rollup columns its measures
 * need, and marks every rollup for a rebuild when the definitions changed since the rows were built. Builds no rows:
 * rebuildPendingRollups does (openMigratedDatabase calls both).
 */
export async function installRollupDefinitions(
  db: DataSource | EntityManager,
  timezone: string,
  metrics: readonly MetricDefinition[] = METRICS,
): Promise<void> {
  const hash = rollupDefinitionHash(timezone, metrics);
  await db.transaction(async (m: EntityManager) => {
    // Aligning the columns of large rollup tables may take longer than the API's statement timeout allows a query.
    await m.query('SET LOCAL statement_timeout = 0');
    await m.query(`SELECT pg_advisory_xact_lock(${ROLLUP_INSTALL_LOCK})`);
    const [state]: { definition_hash: string }[] = await m.query('SELECT definition_hash FROM rollup_state WHERE id = 1');
    if (state?.definition_hash !== hash) {
      await alignColumns(m, rollupLayouts(metrics));
      await m.query(rebuildFunctionSql(timezone, metrics));
      await m.query(refreshFunctionSql(timezone, metrics));
      await m.query(REBUILD_ALL_ROLLUPS_SQL);
      await m.query(
        `INSERT INTO rollup_state (id, definition_hash, refreshed_at) VALUES (1, $1, now())
         ON CONFLICT (id) DO UPDATE SET definition_hash = EXCLUDED.definition_hash`,
        [hash],
      );
    }
  });
}

/** Statements an import runs first in its transaction: writes only mark the rollups, refreshed once before commit. */
export const DEFER_ROLLUPS_SQL = `SET LOCAL deskmetrics.defer_rollups = 'on'`;
/** The statement an import runs just before it commits. */
export const REFRESH_ROLLUPS_SQL = `SELECT refresh_rollups()`;

/** The rollup-marking triggers of a table that are enabled (for a bulk load to suspend). Parameter: the table name. */
export const ENABLED_MARKING_TRIGGERS_SQL = `SELECT tgname AS name FROM pg_trigger
  WHERE tgrelid = $1::regclass AND NOT tgisinternal AND tgname LIKE 'rollup\\_mark\\_%' AND tgenabled <> 'D' ORDER BY 1`;
/**
 * Marks every rollup for a rebuild at the next refresh (what a bulk load asks for instead of marking its rows; the
 * trigger function rollup_mark_everything does the same). Setting the mark again gives it a new version (its row's
 * xmin), so that a rebuild in progress, which withdraws only the version it started from, leaves it for the next.
 */
export const REBUILD_ALL_ROLLUPS_SQL = `INSERT INTO rollup_dirty_hours (hour) VALUES ('-infinity') ON CONFLICT (hour) DO UPDATE SET hour = EXCLUDED.hour`;
/** Whether that request is pending (committed by a bulk load whose rebuild was deferred). */
export const FULL_REBUILD_PENDING_SQL = `SELECT EXISTS (SELECT 1 FROM rollup_dirty_hours WHERE hour = '-infinity') AS pending`;
/** The pending request's version (no row when none is pending). */
export const FULL_REBUILD_VERSION_SQL = `SELECT xmin::text AS version FROM rollup_dirty_hours WHERE hour = '-infinity'`;
/** Withdraws that request, once every rollup has been rebuilt without it; parameter: the version rebuilt. */
export const CLEAR_FULL_REBUILD_SQL = `DELETE FROM rollup_dirty_hours WHERE hour = '-infinity' AND xmin::text = $1`;
// Rebuilds on several connections take turns (session lock): two at once would both add every row. An import and a
// rebuild take turns too.
export const LOCK_PARALLEL_REBUILD_SQL = `SELECT pg_advisory_lock(${WRITE_TURN_LOCK})`;
export const TRY_LOCK_PARALLEL_REBUILD_SQL = `SELECT pg_try_advisory_lock(${WRITE_TURN_LOCK}) AS locked`;
export const UNLOCK_PARALLEL_REBUILD_SQL = `SELECT pg_advisory_unlock(${WRITE_TURN_LOCK})`;
/**
 * Whether the rollups hold every committed write: no marks wait for a refresh. Marks are consumed before the writing
 * transaction commits, except where a sync's first backfill leaves them for its one rebuild at the end.
 */
export const ROLLUPS_CURRENT_SQL = 'SELECT NOT EXISTS (SELECT FROM rollup_dirty_hours) AND NOT EXISTS (SELECT FROM rollup_dirty_tickets) AS current';
