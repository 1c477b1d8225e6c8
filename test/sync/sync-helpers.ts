import type { DataSource } from 'typeorm';
import type { RetryNotice } from '../../src/sync/http-client';
import { runSync, type SyncOptions, type SyncSummary } from '../../src/sync/sync-engine';
import { parseZendeskConfig } from '../../src/sync/zendesk/zendesk-config';
import { zendeskAccountFromEnv, zendeskConnector } from '../../src/sync/zendesk/zendesk-source';
import type { FakeZendesk } from './fake-zendesk';
import { CONFIG, SINCE } from './zendesk-history';

/** What a sync against the fake waited for (the injected clock): no test sleeps for real. */
export interface SyncClock {
  sleeps: number[];
  retries: RetryNotice[];
}

/** Syncs the fake account into a database with the history's config, as `deskmetrics sync zendesk` does. */
export async function syncFake(
  dataSource: DataSource,
  fake: FakeZendesk,
  options: SyncOptions & { clock?: SyncClock; config?: Record<string, unknown> } = {},
): Promise<SyncSummary> {
  const clock = options.clock ?? { sleeps: [], retries: [] };
  const connector = zendeskConnector(zendeskAccountFromEnv(fake.env), parseZendeskConfig({ ...CONFIG, requestsPerMinute: 1000, ...options.config }), {
    sleep: async (ms) => {
      clock.sleeps.push(ms);
    },
    onRetry: (n) => clock.retries.push(n),
  });
  // One transaction per page unless the test asks for more: the crash points are then those of each page. A backfill
  // gathers as many records as the test's recordsPerTransaction, unless the test asks for a bulk-loaded backfill.
  const recordsPerTransaction = options.recordsPerTransaction ?? 1;
  const backfillRecordsPerTransaction = options.backfillRecordsPerTransaction ?? recordsPerTransaction;
  return runSync(dataSource, connector, {
    since: new Date(`${SINCE}T00:00:00Z`),
    batchSize: 3,
    ...options,
    recordsPerTransaction,
    backfillRecordsPerTransaction,
  });
}

/**
 * Every row a sync writes, without the database's own ids (they come from sequences, which a rolled-back page
 * advances): references as source ids, rows sorted, plus the rollups and the stored cursors.
 */
export async function contents(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => dataSource.query(sql).then((rows: { r: unknown }[]) => rows.map((row) => row.r));
  return {
    customers: await q(`SELECT to_jsonb(c) - 'id' AS r FROM customers c ORDER BY external_id`),
    agents: await q(`SELECT to_jsonb(a) - 'id' AS r FROM agents a ORDER BY external_id`),
    tickets:
      await q(`SELECT to_jsonb(t) - 'id' - 'customer_id' - 'assignee_id' || jsonb_build_object('customer', c.external_id, 'assignee', a.external_id) AS r
      FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id LEFT JOIN agents a ON a.id = t.assignee_id ORDER BY t.external_id`),
    messages:
      await q(`SELECT to_jsonb(m) - 'id' - 'ticket_id' - 'agent_id' || jsonb_build_object('ticket', t.external_id, 'agent', a.external_id) AS r
      FROM messages m JOIN tickets t ON t.id = m.ticket_id LEFT JOIN agents a ON a.id = m.agent_id ORDER BY m.external_id`),
    surveys:
      await q(`SELECT to_jsonb(s) - 'id' - 'ticket_id' - 'customer_id' || jsonb_build_object('ticket', t.external_id, 'customer', c.external_id) AS r
      FROM surveys s LEFT JOIN tickets t ON t.id = s.ticket_id LEFT JOIN customers c ON c.id = s.customer_id ORDER BY s.external_id`),
    ticket_rollup: await q(`SELECT to_jsonb(r)::text AS r FROM ticket_rollup r ORDER BY 1`),
    message_rollup: await q(`SELECT to_jsonb(r)::text AS r FROM message_rollup r ORDER BY 1`),
    survey_rollup: await q(`SELECT to_jsonb(r)::text AS r FROM survey_rollup r ORDER BY 1`),
    // A rebuild stopped between its parts leaves indexes dropped: the next run builds them again.
    rollup_indexes: await q(`SELECT indexname AS r FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE '%rollup%' ORDER BY 1`),
    sync_cursors: await q(
      `SELECT jsonb_build_object('source', source, 'stream', stream, 'cursor', cursor, 'cursor_time', cursor_time) AS r FROM sync_cursors WHERE cursor IS NOT NULL ORDER BY stream`,
    ),
  };
}

/** Empties what a sync writes, so one database serves several runs. */
export async function emptyDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query(`TRUNCATE messages, surveys, orders, agent_activity, tickets, agents, customers, import_runs, sync_cursors`);
  await dataSource.query(`SELECT refresh_rollups()`);
}
