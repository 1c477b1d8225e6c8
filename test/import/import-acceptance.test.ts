import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DATASET_FILES } from '../../src/import/dataset-source';
import { folderSource } from '../../src/import/folder-source';
import { importDataset, type ImportSummary } from '../../src/import/import-dataset';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { snapshot } from './dataset-helpers';

const FIXTURE = join(__dirname, '..', 'fixtures', 'acceptance');

/** Data rows of a fixture CSV, counted by an independent parse. */
function csvRows(file: string): number {
  return (parse(readFileSync(join(FIXTURE, `${file}.csv`)), { columns: true }) as unknown[]).length;
}

describe('importing the acceptance fixture', () => {
  let db: TestDatabase;
  let first: ImportSummary;
  beforeAll(async () => {
    db = await createTestDatabase();
    first = await importDataset(db.dataSource, folderSource(FIXTURE), { sourceName: 'acceptance' });
  });
  afterAll(async () => db?.destroy());

  it('loads every row of every file', async () => {
    for (const file of DATASET_FILES) {
      const expected = csvRows(file);
      const summary = first.files.find((f) => f.file === `${file}.csv`);
      expect({ file, read: summary?.read, inserted: summary?.inserted, rejected: summary?.rejected }).toEqual({
        file,
        read: expected,
        inserted: expected,
        rejected: 0,
      });
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM "${file}"`);
      expect({ file, n }).toEqual({ file, n: expected });
    }
    expect(first.total.inserted).toBe(DATASET_FILES.reduce((n, f) => n + csvRows(f), 0));
  });

  it('records the run in import_runs', async () => {
    const [run] = await db.dataSource.query(`SELECT source, summary FROM import_runs WHERE id = $1`, [first.runId]);
    expect(run.source).toBe('acceptance');
    expect(run.summary.total.inserted).toBe(first.total.inserted);
  });

  it('keeps timestamps exact to the microsecond and in UTC whatever the offset', async () => {
    const [c] = await db.dataSource.query(
      `SELECT to_char(signed_up_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS t FROM customers WHERE external_id = 'C00001'`,
    );
    expect(c.t).toBe('2025-01-18T00:54:03.247870'); // 2025-01-17T19:54:03.247870-05:00
  });

  it.each([
    ['T000000', '2025-04-22T04:48:40Z', true], // one agent reply, given as +05:30
    ['T000005', '2025-05-26T07:56:59Z', true], // the earliest of three agent replies
    ['T000020', '2025-06-26T00:12:20Z', true], // a bot acknowledgement before it does not count
    ['T000021', '2025-06-30T08:27:48Z', true], // bot sent earlier in another offset
    ['T000012', null, false], // only a bot replied: no first response
    ['T000002', null, false], // no agent message at all
    ['T000001', '2025-03-13T06:57:56Z', false], // given in tickets.csv (+01:00): kept as given
  ])('derives the first response of %s from its first agent message', async (ticket, expected, derived) => {
    const [t] = await db.dataSource.query(
      `SELECT to_char(first_response_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at, first_response_derived AS derived FROM tickets WHERE external_id = $1`,
      [ticket],
    );
    expect(t).toEqual({ at: expected, derived });
  });

  it('changes nothing when the same dataset is imported again', async () => {
    const before = await snapshot(db.dataSource);
    const second = await importDataset(db.dataSource, folderSource(FIXTURE));
    expect(second.total).toMatchObject({ inserted: 0, updated: 0, rejected: 0, unchanged: first.total.inserted });
    expect(second.derivedFirstResponses).toBe(0);
    const after = await snapshot(db.dataSource);
    // The second run adds its own import_runs row; every data row stays byte for byte the same.
    expect(after.import_runs).toHaveLength(before.import_runs.length + 1);
    expect({ ...after, import_runs: [] }).toEqual({ ...before, import_runs: [] });
  });
});
