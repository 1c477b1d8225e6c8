import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderSource, importDataset } from '../../src/import';
import { renderSnapshots, SNAPSHOT_CASES, snapshotSql, SQL_SNAPSHOT_DIR } from '../../src/metrics/sql-snapshots';
import { ACCEPTANCE_DIR } from '../support/expected-cases';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('SQL snapshots (sql/metrics/*.sql; run `npm run schema` and commit them when these fail)', () => {
  const rendered = renderSnapshots();

  it('the committed files are the SQL the generators produce now', () => {
    const committed = readdirSync(SQL_SNAPSHOT_DIR)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    // A file of a removed case is stale too (`npm run schema` deletes it).
    expect(committed).toEqual([...rendered.keys()].sort());
    const stale = [...rendered].filter(([name, content]) => readFileSync(join(SQL_SNAPSHOT_DIR, name), 'utf8') !== content).map(([name]) => name);
    expect({ stale, fix: stale.length ? 'run `npm run schema` and commit sql/metrics/' : null }).toEqual({ stale: [], fix: null });
  });

  it('are deterministic: rendering twice gives the same text', () => {
    expect(renderSnapshots()).toEqual(rendered);
  });

  it('the dashboard reads one statement per fact table from the rollups, two without them', () => {
    const count = (file: string) => SNAPSHOT_CASES.find((c) => c.file === file)!.statements().length;
    expect(count('dashboard-rollups')).toBe(3);
    expect(count('dashboard-raw')).toBe(6);
  });

  it("the partner case's statements are limited to the partner's product", () => {
    const partner = SNAPSHOT_CASES.find((c) => c.file === 'partner-scope')!.statements();
    for (const s of partner) expect([s.name, s.params]).toEqual([s.name, expect.arrayContaining([['api']])]);
  });
});

describe('every SQL snapshot statement runs on the test database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ ROLLUP_TIMEZONE: 'UTC' });
    // Real rows, so expressions that only fail on data (casts, calendars, array functions) are evaluated too.
    await importDataset(db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
    // A business calendar (weekdays 9–17 in Berlin, one holiday), so business-hours durations are computed, not null.
    const [{ id }] = await db.dataSource.query(`INSERT INTO business_calendars (name, timezone) VALUES ('office', 'Europe/Berlin') RETURNING id`);
    await db.dataSource.query(
      `INSERT INTO business_hours (calendar_id, iso_dow, opens, closes) SELECT $1, d, '09:00', '17:00' FROM generate_series(1, 5) d`,
      [id],
    );
    await db.dataSource.query(`INSERT INTO business_holidays (calendar_id, date) VALUES ($1, '2025-03-17')`, [id]);
  }, 300_000);
  afterAll(async () => db?.destroy());

  const statements = SNAPSHOT_CASES.filter((c) => c.file !== 'rollup-refresh').flatMap((c) => c.statements().map((s) => ({ file: c.file, ...s })));

  // The statement as sent, and as the file shows it (formatted): both run, with the same answer.
  it.each(statements)('$file: $name', async (statement) => {
    const sent: unknown[] = await db.dataSource.query(statement.sql, statement.params);
    const shown: unknown[] = await db.dataSource.query(snapshotSql(statement), statement.params);
    // Sorted: rows of a breakdown come in no particular order.
    const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sent.length).toBeGreaterThan(0);
    expect(sorted(shown)).toEqual(sorted(sent));
  });

  it("rollup-refresh: installs, rebuilds every rollup, and rebuilds a written ticket's hours", async () => {
    const [install] = SNAPSHOT_CASES.find((c) => c.file === 'rollup-refresh')!.statements();
    const rolledUp = async () =>
      (await db.dataSource.query('SELECT sum(created_n)::int AS created, sum(escalated_n)::int AS escalated FROM ticket_rollup'))[0];
    const raw = async () =>
      (await db.dataSource.query('SELECT count(*)::int AS created, (count(*) FILTER (WHERE escalated))::int AS escalated FROM tickets'))[0];
    await db.dataSource.query(install.sql, install.params);
    // The full rebuild path.
    await db.dataSource.query(`INSERT INTO rollup_dirty_hours (hour) VALUES ('-infinity') ON CONFLICT DO NOTHING`);
    await db.dataSource.query('SELECT refresh_rollups()');
    expect(await rolledUp()).toEqual(await raw());
    // The incremental path: the write's trigger marks the ticket's hours and refreshes them.
    await db.dataSource.query('UPDATE tickets SET escalated = NOT escalated WHERE id = (SELECT min(id) FROM tickets)');
    expect(await rolledUp()).toEqual(await raw());
  });
});
