import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Hourly rollups of the fact tables (src/metrics/rollups), written by hand: they have no entities. Statement-level
 * triggers record which hours (and tickets) each write touches in two unlogged marking tables; refresh_rollups()
 * rebuilds the rollup rows of those hours from the raw tables. Its body is generated from the metric registry and
 * installed at start (installRollups), so this migration only creates a placeholder that leaves the marks in place.
 * Marks never outlive a transaction (the refresh consumes them before commit), which is why unlogged tables are safe.
 * Imports set deskmetrics.defer_rollups = on and refresh once before commit; any other write refreshes per statement.
 */

const COUNT = `int8 NOT NULL DEFAULT 0`;
const SLA = (p: string) => `"${p}_met" ${COUNT}, "${p}_settled" ${COUNT}, "${p}_pending_deadlines" timestamptz[], "${p}_pending_last" timestamptz`;

/** Marks the hours of the given ticket rows' events. */
const ticketHours = (rows: string) => `INSERT INTO rollup_dirty_hours (hour)
      SELECT DISTINCT date_trunc('hour', e.at) FROM ${rows} r CROSS JOIN LATERAL (VALUES (r.created_at), (r.first_response_at), (r.resolved_at)) e(at)
      WHERE e.at IS NOT NULL ON CONFLICT DO NOTHING;`;

const REFRESH_UNLESS_DEFERRED = `IF coalesce(current_setting('deskmetrics.defer_rollups', true), '') <> 'on' THEN PERFORM refresh_rollups(); END IF;`;

/** A statement-level trigger function with the given body, followed by the refresh unless deferred. */
const triggerFunction = (name: string, body: string) => `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  ${body}
  ${REFRESH_UNLESS_DEFERRED}
  RETURN NULL;
END $fn$`;

// Transition tables have no statistics: set operations (never a nested loop over two of them) find the changed rows.
const CHANGED_TIER = `SELECT DISTINCT id FROM (SELECT id, tier FROM new_rows EXCEPT SELECT id, tier FROM old_rows) x`;

const TRIGGERS: [table: string, event: 'INSERT' | 'UPDATE' | 'DELETE', fn: string, body: string][] = [
  ['tickets', 'INSERT', 'rollup_mark_tickets_insert', ticketHours('new_rows')],
  // Old and new hours of changed rows; tickets whose segment or creation changed also move their messages and surveys.
  [
    'tickets',
    'UPDATE',
    'rollup_mark_tickets_update',
    `${ticketHours('(SELECT o.* FROM old_rows o UNION ALL SELECT n.* FROM new_rows n)')}
  INSERT INTO rollup_dirty_tickets (ticket_id)
      SELECT DISTINCT c.id FROM (SELECT id, created_at, channel, product, priority, customer_id FROM new_rows
                                 EXCEPT SELECT id, created_at, channel, product, priority, customer_id FROM old_rows) c
      ON CONFLICT DO NOTHING;`,
  ],
  ['tickets', 'DELETE', 'rollup_mark_tickets_delete', ticketHours('old_rows')],
  // A message changes its own hour, the wait of its ticket's later replies and its ticket's resolution-time measures.
  ...(['INSERT', 'UPDATE', 'DELETE'] as const).flatMap((event): [string, 'INSERT' | 'UPDATE' | 'DELETE', string, string][] => {
    const rows =
      event === 'INSERT' ? 'new_rows' : event === 'DELETE' ? 'old_rows' : '(SELECT o.* FROM old_rows o UNION ALL SELECT n.* FROM new_rows n)';
    return [
      [
        'messages',
        event,
        `rollup_mark_messages_${event.toLowerCase()}`,
        `INSERT INTO rollup_dirty_hours (hour)
      SELECT DISTINCT date_trunc('hour', r.sent_at) FROM ${rows} r WHERE r.author = 'agent' ON CONFLICT DO NOTHING;
  INSERT INTO rollup_dirty_tickets (ticket_id) SELECT DISTINCT r.ticket_id FROM ${rows} r ON CONFLICT DO NOTHING;`,
      ],
    ];
  }),
  ...(['INSERT', 'UPDATE', 'DELETE'] as const).map((event): [string, 'INSERT' | 'UPDATE' | 'DELETE', string, string] => {
    const rows =
      event === 'INSERT' ? 'new_rows' : event === 'DELETE' ? 'old_rows' : '(SELECT o.* FROM old_rows o UNION ALL SELECT n.* FROM new_rows n)';
    return [
      'surveys',
      event,
      `rollup_mark_surveys_${event.toLowerCase()}`,
      `INSERT INTO rollup_dirty_hours (hour)
      SELECT DISTINCT date_trunc('hour', r.responded_at) FROM ${rows} r ON CONFLICT DO NOTHING;`,
    ];
  }),
  // A customer's tier is a segment of its tickets (and their messages and surveys) and of its own surveys.
  [
    'customers',
    'UPDATE',
    'rollup_mark_customers_update',
    `INSERT INTO rollup_dirty_tickets (ticket_id)
      SELECT t.id FROM (${CHANGED_TIER}) c JOIN tickets t ON t.customer_id = c.id ON CONFLICT DO NOTHING;
  INSERT INTO rollup_dirty_hours (hour)
      SELECT DISTINCT date_trunc('hour', s.responded_at) FROM (${CHANGED_TIER}) c JOIN surveys s ON s.customer_id = c.id
      ON CONFLICT DO NOTHING;`,
  ],
];

const TRUNCATED = ['tickets', 'messages', 'surveys', 'customers'];

export class MetricRollups1763900000000 implements MigrationInterface {
  name = 'MetricRollups1763900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const dims = `"hour" timestamptz NOT NULL, "event" smallint NOT NULL, "channel" text, "product" text, "tier" text`;
    await queryRunner.query(`CREATE TABLE "ticket_rollup" (${dims}, "priority" text,
            "created_n" ${COUNT}, "abandoned_n" ${COUNT}, "escalated_n" ${COUNT}, ${SLA('slar')}, ${SLA('slaf')},
            "fr_n" ${COUNT}, "fr_seconds" numeric, "resolved_n" ${COUNT}, "res_seconds" numeric, "fcr_n" ${COUNT}, "reopened_n" ${COUNT},
            "conversation_messages" numeric, "handle_seconds" double precision)`);
    await queryRunner.query(`CREATE TABLE "message_rollup" (${dims}, "priority" text,
            "replies_n" ${COUNT}, "reply_wait_seconds" numeric, "handled_n" ${COUNT}, "handle_seconds" double precision)`);
    await queryRunner.query(`CREATE TABLE "survey_rollup" (${dims},
            "csat_n" ${COUNT}, "csat_score" numeric, "csat_satisfied_n" ${COUNT}, "nps_n" ${COUNT}, "nps_promoters_n" ${COUNT},
            "nps_detractors_n" ${COUNT}, "ces_n" ${COUNT}, "ces_score" numeric)`);
    for (const t of ['ticket_rollup', 'message_rollup', 'survey_rollup']) {
      await queryRunner.query(`CREATE INDEX "${t}_hour_idx" ON "${t}" ("hour")`);
    }
    // What the registry's rollup definitions looked like when the rows were built; a change rebuilds them at start.
    await queryRunner.query(
      `CREATE TABLE "rollup_state" ("id" smallint PRIMARY KEY CHECK ("id" = 1), "definition_hash" text NOT NULL, "refreshed_at" timestamptz NOT NULL)`,
    );
    await queryRunner.query(`CREATE UNLOGGED TABLE "rollup_dirty_hours" ("hour" timestamptz PRIMARY KEY)`);
    await queryRunner.query(`CREATE UNLOGGED TABLE "rollup_dirty_tickets" ("ticket_id" bigint PRIMARY KEY)`);
    await queryRunner.query(`CREATE UNLOGGED TABLE "rollup_work" ("hour" timestamptz PRIMARY KEY)`);
    await queryRunner.query(`CREATE FUNCTION refresh_rollups() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN END $fn$`);
    for (const [table, event, fn, body] of TRIGGERS) {
      await queryRunner.query(triggerFunction(fn, body));
      const referencing =
        event === 'INSERT' ? 'NEW TABLE AS new_rows' : event === 'DELETE' ? 'OLD TABLE AS old_rows' : 'OLD TABLE AS old_rows NEW TABLE AS new_rows';
      await queryRunner.query(
        `CREATE TRIGGER ${fn} AFTER ${event} ON "${table}" REFERENCING ${referencing} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
    }
    // Any policy change can move every ticket's SLA outcome: '-infinity' asks for a full rebuild.
    await queryRunner.query(
      triggerFunction('rollup_mark_everything', `INSERT INTO rollup_dirty_hours (hour) VALUES ('-infinity') ON CONFLICT DO NOTHING;`),
    );
    await queryRunner.query(
      `CREATE TRIGGER rollup_mark_sla_policies AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sla_policies" FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_everything()`,
    );
    // TRUNCATE has no transition rows: it rebuilds everything too.
    for (const t of TRUNCATED) {
      await queryRunner.query(
        `CREATE TRIGGER rollup_mark_${t}_truncate AFTER TRUNCATE ON "${t}" FOR EACH STATEMENT EXECUTE FUNCTION rollup_mark_everything()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of TRUNCATED) await queryRunner.query(`DROP TRIGGER rollup_mark_${t}_truncate ON "${t}"`);
    await queryRunner.query(`DROP TRIGGER rollup_mark_sla_policies ON "sla_policies"`);
    await queryRunner.query(`DROP FUNCTION rollup_mark_everything()`);
    for (const [table, , fn] of [...TRIGGERS].reverse()) {
      await queryRunner.query(`DROP TRIGGER ${fn} ON "${table}"`);
      await queryRunner.query(`DROP FUNCTION ${fn}()`);
    }
    await queryRunner.query(`DROP FUNCTION refresh_rollups()`);
    for (const t of [
      'rollup_work',
      'rollup_dirty_tickets',
      'rollup_dirty_hours',
      'rollup_state',
      'survey_rollup',
      'message_rollup',
      'ticket_rollup',
    ]) {
      await queryRunner.query(`DROP TABLE "${t}"`);
    }
  }
}
