import type { DataSource, QueryRunner } from 'typeorm';
import type { StreamCursor, StreamState } from './source-connector';

/** sync_cursors (migrations/1763950000000-SyncCursors.ts): one row per source and stream. */

/** The stored state of every stream of a source. */
export async function loadStreamStates(dataSource: DataSource, source: string): Promise<Map<string, StreamState>> {
  const rows: { stream: string; cursor: StreamCursor | null; cursor_time: Date | string | null }[] = await dataSource.query(
    `SELECT stream, cursor, cursor_time FROM sync_cursors WHERE source = $1`,
    [source],
  );
  return new Map(rows.map((r) => [r.stream, { cursor: r.cursor, cursorTime: r.cursor_time === null ? null : new Date(r.cursor_time) }]));
}

/**
 * Advances a stream's cursor; called inside the transaction that writes the page's records. A page that ends the
 * stream marks the sync of the stream successful and clears its last error.
 */
export async function writeCursor(
  runner: QueryRunner,
  source: string,
  stream: string,
  state: StreamState,
  records: number,
  done: boolean,
): Promise<void> {
  await runner.query(
    `INSERT INTO sync_cursors AS s (source, stream, cursor, cursor_time, pages, records, last_page_at, last_success_at)
     VALUES ($1, $2, $3::jsonb, $4, 1, $5, now(), CASE WHEN $6::boolean THEN now() END)
     ON CONFLICT (source, stream) DO UPDATE SET
       cursor = EXCLUDED.cursor,
       cursor_time = COALESCE(EXCLUDED.cursor_time, s.cursor_time),
       pages = s.pages + 1,
       records = s.records + EXCLUDED.records,
       last_page_at = now(),
       last_success_at = COALESCE(EXCLUDED.last_success_at, s.last_success_at),
       last_error = CASE WHEN $6::boolean THEN NULL ELSE s.last_error END,
       last_error_at = CASE WHEN $6::boolean THEN NULL ELSE s.last_error_at END`,
    [source, stream, JSON.stringify(state.cursor), state.cursorTime?.toISOString() ?? null, records, done],
  );
}

/** Records why a stream's sync stopped (outside the rolled-back transaction of the failed page). */
export async function recordStreamError(dataSource: DataSource, source: string, stream: string, message: string): Promise<void> {
  await dataSource.query(
    `INSERT INTO sync_cursors AS s (source, stream, last_error, last_error_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (source, stream) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at`,
    [source, stream, message.slice(0, 2000)],
  );
}
