import { existsSync, readFileSync } from 'node:fs';
import fsPromises = require('node:fs/promises');
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { DatasetSource } from '../../src/import/dataset-source';
import { folderSource } from '../../src/import/folder-source';
import { importDataset, type ImportOptions } from '../../src/import/import-dataset';
import { ImportValidationError } from '../../src/import/import-problems';
import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { ROLLUP_TABLES } from '../../src/metrics/rollups/rollup-tables';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { BASE_DATASET, counts, removeDatasets, TABLES, writeDataset } from './dataset-helpers';

// A load whose first batch is full going into an empty table is a bulk load: indexes and foreign keys are dropped
// and rebuilt, rows are plainly inserted, first responses are derived for every ticket. Small batches make these
// small files bulk loads.

afterAll(() => removeDatasets());

/** The base dataset plus `n` more tickets, each with a customer message and (for most) an agent reply. */
function largerDataset(n: number): Record<string, string> {
  const tickets: string[] = [];
  const messages: string[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const given = i % 4 === 0 ? `2025-03-${day}T09:30:00Z` : '';
    tickets.push(`X${i},C${1 + (i % 2)},${['email', 'chat', 'web'][i % 3]},,,2025-03-${day}T09:00:00Z,${given},,,,,A${1 + (i % 2)}`);
    messages.push(`XM${i}-1,X${i},customer,,2025-03-${day}T09:00:00Z,`);
    if (i % 5 !== 0) messages.push(`XM${i}-2,X${i},agent,A${1 + (i % 2)},2025-03-${day}T09:${String(10 + (i % 40)).padStart(2, '0')}:00Z,12.5`);
  }
  return {
    ...BASE_DATASET,
    'tickets.csv': `${BASE_DATASET['tickets.csv']}${tickets.join('\n')}\n`,
    'messages.csv': `${BASE_DATASET['messages.csv']}${messages.join('\n')}\n`,
  };
}

const ROLLUP_TABLE_NAMES = ROLLUP_TABLES.flatMap((t) => [t.name, `${t.name}_daily`]);

/** Every index and constraint of the imported tables and of the rollups, as PostgreSQL would recreate them. */
async function definitions(dataSource: DataSource): Promise<string[]> {
  const rows: { d: string }[] = await dataSource.query(
    `SELECT c.relname || ': ' || pg_get_indexdef(i.indexrelid) AS d
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
     UNION ALL
     SELECT c.relname || ': ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)
     ORDER BY 1`,
    [[...TABLES, ...ROLLUP_TABLE_NAMES]],
  );
  return rows.map((r) => r.d);
}

/** Every rollup row as text, and whether each rollup-marking trigger is enabled. */
async function rollupsOf(dataSource: DataSource): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ['ticket_rollup', 'message_rollup', 'survey_rollup'].flatMap((t) => [t, `${t}_daily`])) {
    const rows: { row: string }[] = await dataSource.query(`SELECT to_jsonb(r)::text AS row FROM "${table}" r ORDER BY 1`);
    out[table] = rows.map((r) => r.row);
  }
  const triggers: { t: string }[] = await dataSource.query(
    `SELECT c.relname || '.' || g.tgname || ' ' || g.tgenabled::text AS t FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
      WHERE c.relnamespace = current_schema()::regnamespace AND g.tgname LIKE 'rollup%' ORDER BY 1`,
  );
  out.triggers = triggers.map((r) => r.t);
  return out;
}

/** Every imported row as text, without the run log (its times differ between runs). */
async function rowsOf(dataSource: DataSource): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES.filter((t) => t !== 'import_runs')) {
    const rows: { row: string }[] = await dataSource.query(`SELECT to_jsonb(t)::text AS row FROM "${table}" t ORDER BY id`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/** What the tests of a block use of their database. */
type BlockDatabase = { readonly dataSource: DataSource };

/** A fresh database for the tests of one block, created before them and destroyed after. */
function blockDatabase(): BlockDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());
  return {
    get dataSource() {
      if (!db) throw new Error('the block database is created in beforeAll');
      return db.dataSource;
    },
  };
}

/** Two fresh databases for the tests of one block: one loaded in bulk, the other in batches to compare with. */
function bulkAndBatchedDatabases(): { bulk: BlockDatabase; batched: BlockDatabase } {
  return { bulk: blockDatabase(), batched: blockDatabase() };
}

/** A source that logs when each file's first record is read; with `changeTickets`, tickets read again are invalid. */
function loggingSource(dir: string, log: string[], changeTickets = false): DatasetSource {
  const inner = folderSource(dir);
  const readsOf = new Map<string, number>();
  return {
    describe: (file) => inner.describe(file),
    columns: (file) => inner.columns?.(file) ?? Promise.resolve(undefined),
    sizeBytes: (file) => inner.sizeBytes?.(file),
    async *records(file) {
      const reads = (readsOf.get(file) ?? 0) + 1;
      readsOf.set(file, reads);
      let first = true;
      for await (const record of inner.records(file)) {
        if (first) log.push(`read ${file}`);
        first = false;
        if (file === 'tickets' && reads > 1 && changeTickets) yield { ...record, values: { ...record.values, created_at: 'yesterday' } };
        else yield record;
      }
    },
  };
}

/** The spool folders of imports (StagingSpool) now in the temporary folder. */
/**
 * Runs `work` and returns the spool folders (StagingSpool) it created, however many other test files' imports create
 * theirs in the same temporary folder meanwhile.
 */
async function spoolsCreatedDuring(work: () => Promise<unknown>): Promise<string[]> {
  const created: string[] = [];
  const original = fsPromises.mkdtemp;
  const spy = jest.spyOn(fsPromises, 'mkdtemp').mockImplementation((async (prefix: string, options?: unknown) => {
    const dir = await (original as (p: string, o?: unknown) => Promise<string>)(prefix, options);
    if (basename(dir).startsWith('deskmetrics-spool-')) created.push(dir);
    return dir;
  }) as typeof original);
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return created;
}

// On PostgreSQL a bulk load inserts its records while it reads the file, a chunk at
// a time (ImportOptions.bulkChunkRows): every case runs with the default (these files fit in one chunk) and with chunks
// of 7 records. PGlite stages with array parameters and inserts once.
const CHUNKINGS = [
  { label: 'with the default chunks', chunkRows: undefined },
  ...(process.env.DATABASE_URL ? [{ label: 'in chunks of 7 records', chunkRows: 7 }] : []),
];

describe.each(CHUNKINGS)('bulk loads $label', ({ chunkRows }) => {
  const load = (dataSource: DataSource, source: DatasetSource, options: ImportOptions = {}) =>
    importDataset(dataSource, source, { bulkChunkRows: chunkRows, ...options });

  describe('bulk load into empty tables', () => {
    const dbs = bulkAndBatchedDatabases();

    it('stores what batched upserts store, derives the same first responses and puts every index and foreign key back', async () => {
      const { bulk, batched } = dbs;
      // Without SLA policies, whose import alone would rebuild every rollup (and hide a bulk load that failed to ask for it).
      const { 'sla_policies.csv': _policies, ...files } = largerDataset(40);
      const dir = writeDataset(files);
      const before = await definitions(bulk.dataSource);
      expect(before.length).toBeGreaterThan(20);
      // A full rebuild into empty rollups drops their indexes and builds them again: all are there (the hourly rollups'
      // index on the hour; the daily rollups' on (dims, day) and one per segment dimension), as the migrations made them.
      for (const t of ROLLUP_TABLES) {
        expect(before.filter((d) => d.startsWith(`${t.name}: CREATE INDEX`))).toHaveLength(1);
        expect(before.filter((d) => d.startsWith(`${t.name}_daily: CREATE INDEX`))).toHaveLength(1 + t.dimensions.length);
      }

      const viaBulk = await load(bulk.dataSource, folderSource(dir), { batchSize: 3 });
      const viaBatches = await load(batched.dataSource, folderSource(dir), { batchSize: 100_000 });

      expect(await definitions(bulk.dataSource)).toEqual(before);
      expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
      // The bulk load rebuilt the rollups instead of marking its rows; its marking triggers are on again.
      const rollups = await rollupsOf(bulk.dataSource);
      expect(rollups).toEqual(await rollupsOf(batched.dataSource));
      expect(rollups.ticket_rollup_daily.length).toBeGreaterThan(20);
      expect(rollups.triggers.length).toBeGreaterThan(10);
      expect(rollups.triggers.every((t) => t.endsWith(' O'))).toBe(true);
      // Built before the import returns (on PostgreSQL after its commit, one rollup per connection), its time in the run.
      expect(await bulk.dataSource.query(ROLLUPS_CURRENT_SQL)).toEqual([{ current: true }]);
      expect(viaBulk.finishing.rollups).toBeGreaterThan(0);
      const [run] = await bulk.dataSource.query(`SELECT (summary->'finishing'->>'rollups')::float8 AS rollups FROM import_runs ORDER BY id LIMIT 1`);
      expect(run.rollups).toBeCloseTo(viaBulk.finishing.rollups, 6);
      expect(viaBulk.derivedFirstResponses).toBe(viaBatches.derivedFirstResponses);
      expect(viaBulk.derivedFirstResponses).toBeGreaterThan(20);
      const countsOf = (s: typeof viaBulk) =>
        s.files.map(({ file, read, inserted, updated, unchanged, rejected }) => ({ file, read, inserted, updated, unchanged, rejected }));
      expect(countsOf(viaBulk)).toEqual(countsOf(viaBatches));

      // A second import of the same files (now into full tables) changes nothing.
      const again = await load(bulk.dataSource, folderSource(dir), { batchSize: 3 });
      expect(again.total).toMatchObject({ inserted: 0, updated: 0, rejected: 0 });
      expect(again.derivedFirstResponses).toBe(0);
      expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
      expect(await definitions(bulk.dataSource)).toEqual(before);
    });
  });

  describe('records imported after a bulk load', () => {
    const db = blockDatabase();

    it('get the ids after the bulk-loaded ones (the sequence stands past every id the bulk load gave)', async () => {
      await load(db.dataSource, folderSource(writeDataset(largerDataset(40))), { batchSize: 3 });
      const [{ max }] = await db.dataSource.query('SELECT max(id)::int AS max FROM tickets');
      // Only new tickets: each draws an id from the sequence, which must not hand out a bulk-loaded one again (as it would
      // if a bulk load gave ids without drawing them, or put the sequence back after keeping its rows).
      const header = BASE_DATASET['tickets.csv'].split('\n')[0];
      const rows = [0, 1, 2].map((i) => `NEW${i},C1,email,,,2025-04-0${i + 1}T09:00:00Z,,,,,,A1`);
      const summary = await load(db.dataSource, folderSource(writeDataset({ 'tickets.csv': `${header}\n${rows.join('\n')}\n` })));
      expect(summary.files[0]).toMatchObject({ inserted: 3, rejected: 0 });
      const added: { id: number }[] = await db.dataSource.query(`SELECT id::int FROM tickets WHERE external_id LIKE 'NEW%' ORDER BY external_id`);
      expect(added.map((r) => r.id)).toEqual([max + 1, max + 2, max + 3]);
    });
  });

  describe('a failing bulk load', () => {
    const db = blockDatabase();

    it('leaves the tables, their indexes and their foreign keys as they were', async () => {
      const files = largerDataset(20);
      files['messages.csv'] += 'XM-late,X7,customer,,2025-03-08T08:00:00Z,\n'; // sent before its ticket was created
      const before = await definitions(db.dataSource);
      const err = (await load(db.dataSource, folderSource(writeDataset(files)), { batchSize: 4 }).catch((e: unknown) => e)) as ImportValidationError;
      expect(err).toBeInstanceOf(ImportValidationError);
      expect(err.problems).toEqual([
        expect.objectContaining({ file: 'messages.csv', column: 'sent_at', reason: expect.stringMatching(/before the ticket's created_at/) }),
      ]);
      expect(await definitions(db.dataSource)).toEqual(before);
      expect(Object.values(await counts(db.dataSource)).every((n) => n === 0)).toBe(true);
    });

    // The tables are still empty (the run above changed nothing), so this is a bulk load too.
    it('stops at the problem limit, naming the rejected records in line order', async () => {
      const files = largerDataset(10);
      for (let i = 0; i < 8; i++) files['messages.csv'] += `XM-bad${i},NOPE${i},customer,,2025-03-09T09:00:00Z,\n`;
      expect(Object.values(await counts(db.dataSource)).every((n) => n === 0)).toBe(true);
      const err = (await load(db.dataSource, folderSource(writeDataset(files)), { batchSize: 3, maxErrors: 5 }).catch(
        (e: unknown) => e,
      )) as ImportValidationError;
      expect(err).toBeInstanceOf(ImportValidationError);
      expect(err.problems.map((p) => p.reason)).toEqual(
        [0, 1, 2, 3, 4].map((i) => expect.stringMatching(new RegExp(`^ticket_id "NOPE${i}" not found`))),
      );
    });
  });

  describe('duplicates and odd characters in a bulk load', () => {
    const db = blockDatabase();

    it('rejects repeats within a batch and across batches, naming the first line, and keeps text exactly', async () => {
      const files = largerDataset(12);
      // In batches of 3: line 17 repeats X2 (line 7), lines 18 and 19 repeat X0 (line 5), the second within its batch.
      files['tickets.csv'] +=
        'X2,C1,email,,,2025-03-20T09:00:00Z,,,,,,\nX0,C1,email,,,2025-03-20T09:00:00Z,,,,,,\nX0,C2,chat,,,2025-03-21T09:00:00Z,,,,,,\n';
      files['agents.csv'] = 'agent_id,name,team,x_note\nA1,"Ann\ttab \\back\\slash","line\nbreak",\\N\nA2,"Bob\r\nCR",,"{""json"": ""\\u00e9\t""}"\n';
      const dir = writeDataset(files);
      const reportPath = join(dir, 'report.csv');
      const summary = await load(db.dataSource, folderSource(dir), { batchSize: 3, skipInvalid: true, reportPath });

      const tickets = summary.files.find((f) => f.file === 'tickets.csv');
      expect(tickets).toMatchObject({ read: 18, inserted: 15, rejected: 3 });
      const report = parse(readFileSync(reportPath), { columns: true }) as Record<string, string>[];
      expect(report.map(({ line, reason }) => ({ line, reason }))).toEqual([
        { line: '17', reason: 'duplicate ticket_id "X2": already on line 7 of this file' },
        { line: '18', reason: 'duplicate ticket_id "X0": already on line 5 of this file' },
        { line: '19', reason: 'duplicate ticket_id "X0": already on line 5 of this file' },
      ]);

      const agents: { name: string; team: string | null; attributes: Record<string, string> }[] = await db.dataSource.query(
        `SELECT name, team, attributes FROM agents ORDER BY external_id`,
      );
      expect(agents).toEqual([
        { name: 'Ann\ttab \\back\\slash', team: 'line\nbreak', attributes: { x_note: '\\N' } },
        { name: 'Bob\r\nCR', team: null, attributes: { x_note: '{"json": "\\u00e9\t"}' } },
      ]);
    });
  });

  describe('rejected records of a bulk load', () => {
    const dbs = bulkAndBatchedDatabases();

    it('are found, reported with their records and counted as batched upserts would, and the rest loads', async () => {
      const { bulk, batched } = dbs;
      const files = largerDataset(15);
      files['messages.csv'] +=
        'XM-ghost,NOPE,customer,,2025-03-09T09:00:00Z,\n' + // no such ticket
        'XM-early,X7,customer,,2025-03-08T08:00:00Z,\n' + // sent before its ticket
        'XM-stranger,X3,agent,A9,2025-03-04T10:00:00Z,\n' + // no such agent
        'XM-ghost,X3,customer,,2025-03-04T11:00:00Z,\n' + // repeats a rejected record's id: still a duplicate
        'XM3-1,X3,customer,,2025-03-04T12:00:00Z,\n'; // repeats an accepted record's id
      const dir = writeDataset(files);
      const reports = writeDataset({});
      const run = async (db: BlockDatabase, batchSize: number, report: string) => {
        const summary = await load(db.dataSource, folderSource(dir), { batchSize, skipInvalid: true, reportPath: join(reports, report) });
        return { summary, report: parse(readFileSync(join(reports, report)), { columns: true }) as Record<string, string>[] };
      };
      const viaBulk = await run(bulk, 3, 'bulk.csv');
      const viaBatches = await run(batched, 100_000, 'batched.csv');

      const messages = (s: typeof viaBulk.summary) => s.files.find((f) => f.file === 'messages.csv');
      expect(messages(viaBulk.summary)).toMatchObject({ rejected: 5 });
      expect(messages(viaBulk.summary)).toEqual({ ...messages(viaBatches.summary), seconds: expect.any(Number), rowsPerSecond: expect.any(Number) });
      expect(viaBulk.report.map(({ reason }) => reason)).toEqual([
        expect.stringMatching(/^ticket_id "NOPE" not found/),
        expect.stringMatching(/^sent_at .* is before the ticket's created_at/),
        expect.stringMatching(/^agent_id "A9" not found/),
        expect.stringMatching(/^duplicate message_id "XM-ghost": already on line \d+/),
        expect.stringMatching(/^duplicate message_id "XM3-1": already on line \d+/),
      ]);
      expect(viaBulk.report).toEqual(viaBatches.report);
      expect(JSON.parse(viaBulk.report[0].record)).toMatchObject({ message_id: 'XM-ghost', ticket_id: 'NOPE' });
      expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
    });
  });

  describe('records of parents rejected in the run of a bulk load', () => {
    const dbs = bulkAndBatchedDatabases();

    it('are rejected as batched upserts reject them, though older copies of the parents are in the database', async () => {
      const { bulk, batched } = dbs;
      const { 'messages.csv': messages, ...parents } = largerDataset(15);
      // The tickets come again: X3 with an unknown customer; new customer C9 lacks its tier, so its new ticket X99 is rejected too.
      const files = {
        ...parents,
        'customers.csv': `${parents['customers.csv']}C9,,,2025-01-05T00:00:00Z,\n`,
        'tickets.csv': `${parents['tickets.csv'].replace(/^X3,C\d,/m, 'X3,C404,')}X99,C9,web,,,2025-03-05T09:00:00Z,,,,,,\n`,
        'messages.csv': `${messages}XM99-1,X99,customer,,2025-03-05T09:00:00Z,\n`,
      };
      const dir = writeDataset(files);
      const reports = writeDataset({});
      const run = async (db: BlockDatabase, batchSize: number, report: string) => {
        await load(db.dataSource, folderSource(writeDataset(parents)));
        const summary = await load(db.dataSource, folderSource(dir), { batchSize, skipInvalid: true, reportPath: join(reports, report) });
        return { summary, report: parse(readFileSync(join(reports, report)), { columns: true }) as Record<string, string>[] };
      };
      // Messages go into an empty table: a bulk load with batches of 3; the tickets and customers tables are not empty.
      const viaBulk = await run(bulk, 3, 'bulk.csv');
      const viaBatches = await run(batched, 100_000, 'batched.csv');

      const rejectedMessages = viaBulk.report.filter((r) => r.file === 'messages.csv');
      expect(rejectedMessages.map(({ reason }) => reason)).toEqual([
        'ticket_id "X3" refers to a record this import rejected (tickets.csv line 8)',
        'ticket_id "X3" refers to a record this import rejected (tickets.csv line 8)',
        'ticket_id "X99" refers to a record this import rejected (tickets.csv line 20)',
      ]);
      expect(viaBulk.report.find((r) => r.file === 'tickets.csv' && r.line === '20')?.reason).toBe(
        'customer_id "C9" refers to a record this import rejected (customers.csv line 4)',
      );
      expect(viaBulk.report).toEqual(viaBatches.report);
      const messagesOf = (s: typeof viaBulk.summary) => s.files.find((f) => f.file === 'messages.csv');
      expect(messagesOf(viaBulk.summary)).toEqual({
        ...messagesOf(viaBatches.summary),
        seconds: expect.any(Number),
        rowsPerSecond: expect.any(Number),
      });
      expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
    });
  });

  describe('reading ahead while the file before loads', () => {
    const dbs = bulkAndBatchedDatabases();
    const onPostgres = Boolean(process.env.DATABASE_URL);

    it('reads the messages while the tickets load (on PostgreSQL) and stores what batched upserts store', async () => {
      const { bulk, batched } = dbs;
      const { 'sla_policies.csv': _policies, ...files } = largerDataset(60);
      const dir = writeDataset(files);
      const log: string[] = [];
      const spools = await spoolsCreatedDuring(() =>
        load(bulk.dataSource, loggingSource(dir, log), {
          batchSize: 3,
          onProgress: (p) => p.done && log.push(`loaded ${p.file}`),
        }),
      );
      await load(batched.dataSource, folderSource(dir), { batchSize: 100_000 });
      // COPY is what spools batches: on PGlite every file is read after the one before has loaded.
      const order = ['read tickets', onPostgres ? 'read messages' : 'loaded tickets.csv', onPostgres ? 'loaded tickets.csv' : 'read messages'];
      expect(log.filter((e) => order.includes(e))).toEqual(order);
      // Files others refer to are never read ahead (their rejected keys go to the database as they are read).
      expect(log.indexOf('read tickets')).toBeGreaterThan(log.indexOf('loaded customers.csv'));
      expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
      expect(await rollupsOf(bulk.dataSource)).toEqual(await rollupsOf(batched.dataSource));
      // The messages read while the tickets loaded were spooled (on PostgreSQL); every spool is gone.
      if (onPostgres) expect(spools.length).toBeGreaterThan(0);
      expect(spools.filter((d) => existsSync(d))).toEqual([]);
    });
  });

  describe('a file before that fails while the next is read ahead', () => {
    const db = blockDatabase();

    it('is the error reported, the database is left as it was and nothing spooled is left behind', async () => {
      const files = largerDataset(60);
      // A repeated ticket id sends the tickets' bulk load to its checking statement, which reads the rejected record
      // again: the source then gives other records, and the load fails while the messages are being read.
      files['tickets.csv'] += 'X5,C1,email,,,2025-03-06T09:00:00Z,,,,,,A1\n';
      const before = await definitions(db.dataSource);
      const log: string[] = [];
      let err: Error | undefined;
      const spools = await spoolsCreatedDuring(async () => {
        err = (await load(db.dataSource, loggingSource(writeDataset(files), log, true), {
          batchSize: 3,
          skipInvalid: true,
          reportPath: join(tmpdir(), `bulk-report-${process.pid}.csv`),
        }).catch((e: unknown) => e)) as Error;
      });
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toMatch(/tickets\.csv changed while it was imported/);
      if (process.env.DATABASE_URL) expect(log).toContain('read messages');
      expect(await definitions(db.dataSource)).toEqual(before);
      expect(Object.values(await counts(db.dataSource)).every((n) => n === 0)).toBe(true);
      expect(spools.filter((d) => existsSync(d))).toEqual([]);
    });
  });
});

/** Runs `work` and returns the statements the pg clients sent meanwhile. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const original = Client.prototype.query;
  const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
    if (text) sent.push(text);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as Client['query']);
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return sent;
}

/** The messages of a dataset folder alone (as if imported by themselves, after their tickets). */
function messagesOf(dir: string): DatasetSource {
  const inner = folderSource(dir);
  return {
    describe: (file) => (file === 'messages' ? inner.describe(file) : undefined),
    columns: (file) => inner.columns?.(file) ?? Promise.resolve(undefined),
    records: (file) => inner.records(file),
  };
}

(process.env.DATABASE_URL ? describe : describe.skip)('a bulk load inserting chunks while it reads (PostgreSQL)', () => {
  const dbs = bulkAndBatchedDatabases();

  it('inserts chunk after chunk and, after a problem in an early chunk, names it as batched upserts do and loads the rest', async () => {
    const { bulk, batched } = dbs;
    const { 'messages.csv': messages, ...parents } = largerDataset(30);
    // The messages come alone, after their parents (a file read ahead while the one before loads could be read whole
    // before its first chunk). Their first record has no ticket: the first chunk's insert leaves it out, after which the
    // file takes the checking statement over every chunk (and the rows the first chunk inserted are removed first).
    const dir = writeDataset({ ...parents, 'messages.csv': messages.replace(/\n/, '\nXM-ghost,NOPE,customer,,2025-03-09T09:00:00Z,\n') });

    const reports = writeDataset({});
    const run = async (db: BlockDatabase, options: ImportOptions, report: string) => {
      await importDataset(db.dataSource, folderSource(writeDataset(parents)));
      return statementsDuring(() =>
        importDataset(db.dataSource, messagesOf(dir), { requireTickets: false, skipInvalid: true, reportPath: join(reports, report), ...options }),
      );
    };
    const sent = await run(bulk, { batchSize: 3, bulkChunkRows: 7 }, 'bulk.csv');
    await run(batched, { batchSize: 100_000 }, 'batched.csv');

    expect(sent.filter((s) => /^ALTER TABLE import_stage_messages RENAME TO import_stage_messages_\d+$/.test(s)).length).toBeGreaterThan(5);
    expect(sent.filter((s) => s === 'TRUNCATE "messages"')).toHaveLength(1);
    const report = (name: string) => parse(readFileSync(join(reports, name)), { columns: true }) as Record<string, string>[];
    expect(report('bulk.csv').map(({ line, reason }) => ({ line, reason }))).toEqual([
      { line: '2', reason: expect.stringMatching(/^ticket_id "NOPE" not found/) },
    ]);
    expect(report('bulk.csv')).toEqual(report('batched.csv'));
    expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
    // The sequence was put back with the removed rows: the next message's id follows the loaded ones.
    const [{ max }] = await bulk.dataSource.query('SELECT max(id)::int AS max FROM messages');
    const header = BASE_DATASET['messages.csv'].split('\n')[0];
    await importDataset(
      bulk.dataSource,
      messagesOf(writeDataset({ ...parents, 'messages.csv': `${header}\nNEW1,X1,customer,,2025-03-02T09:00:00Z,\n` })),
      {
        requireTickets: false,
      },
    );
    expect(await bulk.dataSource.query(`SELECT id::int FROM messages WHERE external_id = 'NEW1'`)).toEqual([{ id: max + 1 }]);
  });

  it('undoes the chunks of a file others refer to with the tables that refer to it, empty, when an id repeats at its end', async () => {
    const { bulk, batched } = dbs;
    const files = largerDataset(30);
    files['tickets.csv'] += 'X2,C1,email,,,2025-03-20T09:00:00Z,,,,,,\n';
    const dir = writeDataset(files);
    const reports = writeDataset({});
    const run = (db: BlockDatabase, options: ImportOptions, report: string) =>
      statementsDuring(() => importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath: join(reports, report), ...options }));
    // Into emptied tables, their ids from 1 again: the block's databases hold the first test's rows.
    for (const db of [bulk, batched]) await db.dataSource.query(`TRUNCATE ${TABLES.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
    const sent = await run(bulk, { batchSize: 3, bulkChunkRows: 7 }, 'bulk.csv');
    await run(batched, { batchSize: 100_000 }, 'batched.csv');

    expect(sent.filter((s) => /^ALTER TABLE import_stage_tickets RENAME/.test(s)).length).toBeGreaterThan(3);
    const truncated = sent.filter((s) => s.startsWith('TRUNCATE "tickets"'));
    expect(truncated).toHaveLength(1);
    expect(truncated[0]).toMatch(/^TRUNCATE "tickets", .*messages/);
    const report = (name: string) => parse(readFileSync(join(reports, name)), { columns: true }) as Record<string, string>[];
    expect(report('bulk.csv').map(({ reason }) => reason)).toEqual(['duplicate ticket_id "X2": already on line 7 of this file']);
    expect(report('bulk.csv')).toEqual(report('batched.csv'));
    expect(await rowsOf(bulk.dataSource)).toEqual(await rowsOf(batched.dataSource));
  });
});
