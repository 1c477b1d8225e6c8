import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('create every table of the data contract', async () => {
    const rows: { table_name: string }[] = await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['agent_activity', 'agents', 'customers', 'messages', 'orders', 'sla_policies', 'surveys', 'tickets']),
    );
  });

  it('leave nothing pending', async () => {
    expect(await db.dataSource.showMigrations()).toBe(false);
  });

  it.each([
    [
      'a ticket resolved before it was created',
      `INSERT INTO tickets (external_id, channel, created_at, resolved_at) VALUES ('x', 'email', '2025-01-02Z', '2025-01-01Z')`,
      'tickets_resolved_after_created',
    ],
    ['an unknown channel', `INSERT INTO tickets (external_id, channel, created_at) VALUES ('x', 'fax', '2025-01-02Z')`, 'tickets_channel_check'],
    [
      'a ticket both abandoned and resolved',
      `INSERT INTO tickets (external_id, channel, created_at, resolved_at, abandoned_at) VALUES ('x', 'chat', '2025-01-01Z', '2025-01-02Z', '2025-01-02Z')`,
      'tickets_not_abandoned_and_resolved',
    ],
    [
      'a message of a ticket that does not exist',
      `INSERT INTO messages (external_id, ticket_id, author, sent_at) VALUES ('m', 999, 'customer', '2025-01-01Z')`,
      'messages_ticket_id_fkey',
    ],
    [
      'a CSAT score of 6',
      `INSERT INTO surveys (external_id, kind, score, responded_at) VALUES ('s', 'csat', 6, '2025-01-01Z')`,
      'surveys_kind_score_check',
    ],
    [
      'active time above available time',
      `INSERT INTO agents (external_id, name) VALUES ('a', 'A'); INSERT INTO agent_activity (agent_id, date, available_seconds, active_seconds) SELECT id, '2025-01-01', 10, 11 FROM agents`,
      'agent_activity_active_check',
    ],
    [
      'a second catch-all SLA policy for one priority',
      `INSERT INTO sla_policies (priority, resolution_minutes) VALUES ('low', 10), ('low', 20)`,
      'sla_policies_priority_channel_key',
    ],
  ])('reject %s', async (_what, sql, constraint) => {
    const runner = db.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await expect(runner.query(sql)).rejects.toThrow(constraint);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('reject a duplicate source id', async () => {
    await db.dataSource.query(`INSERT INTO agents (external_id, name) VALUES ('dup', 'One')`);
    await expect(db.dataSource.query(`INSERT INTO agents (external_id, name) VALUES ('dup', 'Two')`)).rejects.toThrow('agents_external_id_key');
  });
});
