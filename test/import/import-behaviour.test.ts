import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { folderSource } from '../../src/import/folder-source';
import { importDataset } from '../../src/import/import-dataset';
import { ImportValidationError } from '../../src/import/import-problems';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  BASE_DATASET,
  databaseWithBaseDataset,
  incompressibleText,
  counts,
  snapshot,
  withLine,
  writeDataset,
  removeDatasets,
} from './dataset-helpers';

afterAll(() => removeDatasets());

const summaryOf = (s: Awaited<ReturnType<typeof importDataset>>, file: string) => s.files.find((f) => f.file === file);

describe('--skip-invalid', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('loads the valid rows and lists every rejected one with file, line, column, reason and record', async () => {
    let files = withLine('tickets.csv', 'T8,C1,fax,,,2025-02-05T10:00:00Z,,,,,,'); // unknown channel
    files = withLine('tickets.csv', 'T1,C1,email,,,2025-02-05T10:00:00Z,,,,,,', files); // duplicate id
    files = withLine('tickets.csv', 'T9,C1,web,,,2025-02-05T10:00:00Z,,,,,,', files); // valid
    files = withLine('messages.csv', 'M8,T8,customer,,2025-02-05T10:00:00Z,', files); // its ticket was rejected
    files = withLine('messages.csv', 'M9,T9,agent,A1,2025-02-05T10:30:00Z,', files); // valid
    const dir = writeDataset(files);
    const reportPath = join(dir, 'report.csv');
    const summary = await importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath });

    expect(summaryOf(summary, 'tickets.csv')).toMatchObject({ read: 6, inserted: 4, rejected: 2 });
    expect(summaryOf(summary, 'messages.csv')).toMatchObject({ read: 6, inserted: 5, rejected: 1 });
    expect(summary.reportPath).toBe(reportPath);
    const tickets = await db.dataSource.query(`SELECT external_id FROM tickets ORDER BY external_id`);
    expect(tickets.map((t: { external_id: string }) => t.external_id)).toEqual(['T1', 'T2', 'T3', 'T9']);
    const [t9] = await db.dataSource.query(`SELECT first_response_derived FROM tickets WHERE external_id = 'T9'`);
    expect(t9.first_response_derived).toBe(true);

    const report = parse(readFileSync(reportPath), { columns: true }) as Record<string, string>[];
    expect(report.map(({ file, line, column }) => ({ file, line, column }))).toEqual([
      { file: 'tickets.csv', line: '5', column: 'channel' },
      { file: 'tickets.csv', line: '6', column: 'ticket_id' },
      { file: 'messages.csv', line: '6', column: 'ticket_id' },
    ]);
    expect(report[0].reason).toMatch(/unknown channel "fax"/);
    expect(report[1].reason).toMatch(/duplicate ticket_id "T1": already on line 2/);
    expect(report[2].reason).toBe('ticket_id "T8" refers to a record this import rejected (tickets.csv line 5)');
    expect(JSON.parse(report[0].record)).toMatchObject({ ticket_id: 'T8', channel: 'fax' });
    const [run] = await db.dataSource.query(`SELECT summary FROM import_runs WHERE id = $1`, [summary.runId]);
    expect(run.summary.total.rejected).toBe(3);
  });

  it('rejects just the record with a cell longer than its column allows', async () => {
    const dir = writeDataset(
      withLine('tickets.csv', `T7,C1,web,${incompressibleText(3000)},,2025-02-05T10:00:00Z,,,,,,\nT8,C1,web,api,,2025-02-05T10:00:00Z,,,,,,`),
    );
    const reportPath = join(dir, 'report.csv');
    const summary = await importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath });
    expect(summaryOf(summary, 'tickets.csv')).toMatchObject({ read: 5, rejected: 1 });
    const report = parse(readFileSync(reportPath), { columns: true }) as Record<string, string>[];
    expect(report.map(({ file, line, column, reason }) => ({ file, line, column, reason }))).toEqual([
      { file: 'tickets.csv', line: '5', column: 'product', reason: 'longer than 200 characters (it has 3000)' },
    ]);
    const [t8] = await db.dataSource.query(`SELECT product FROM tickets WHERE external_id = 'T8'`);
    expect(t8).toEqual({ product: 'api' });
  });

  it('writes no report when nothing is rejected', async () => {
    const dir = writeDataset(BASE_DATASET);
    const reportPath = join(dir, 'report.csv');
    const summary = await importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath });
    expect(summary.reportPath).toBeUndefined();
    expect(existsSync(reportPath)).toBe(false);
  });

  it('still fails on a bad header, which no row-skipping can fix, and leaves no report', async () => {
    const before = await snapshot(db.dataSource);
    const dir = writeDataset({ ...BASE_DATASET, 'agents.csv': 'agent_id,nam\nA1,Ann\n' });
    const reportPath = join(dir, 'report.csv');
    await expect(importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath })).rejects.toThrow(
      /agents\.csv:1 nam — unknown column/,
    );
    expect(existsSync(reportPath)).toBe(false);
    expect(existsSync(`${reportPath}.partial`)).toBe(false);
    expect(await snapshot(db.dataSource)).toEqual(before);
  });
});

/** agents.csv with a broken record on line 3, between valid records on lines 2, 4 and 5. */
const AGENTS_WITH_LINE_3 = (broken: string) => `agent_id,name,team\nA1,Ann,tier1\n${broken}\nA2,Bob,\nA3,Cy,tier2\n`;

// Past the reader's 16 M-character record limit.
const OVERSIZED_CELL = 'x'.repeat(17 * 1024 * 1024);

describe('a CSV record the parser cannot recover from', () => {
  const base = databaseWithBaseDataset();

  // What follows such a record cannot be told apart from its contents: skipping it would drop the lines after it unseen.
  it.each([
    ['an unterminated quote', 'A9,"Al,tier1', /quote .*never closed/],
    ['a closing quote followed by text', 'A9,"Al"x,tier1', /closing quote/],
    ['an oversized cell', `A9,${OVERSIZED_CELL},tier1`, /longer than 16 M characters/],
  ])('fails the run on %s even with --skip-invalid, naming the file and line, writing nothing', async (_what, broken, reason) => {
    for (const skipInvalid of [true, false]) {
      const dir = writeDataset({ ...BASE_DATASET, 'agents.csv': AGENTS_WITH_LINE_3(broken) });
      const reportPath = join(dir, 'report.csv');
      const err = (await importDataset(base.db.dataSource, folderSource(dir), { skipInvalid, reportPath }).catch(
        (e: unknown) => e,
      )) as ImportValidationError;
      expect(err).toBeInstanceOf(ImportValidationError);
      expect(err.problems).toEqual([{ file: 'agents.csv', line: 3, reason: expect.stringMatching(reason) }]);
      expect(existsSync(reportPath)).toBe(false);
      expect(await snapshot(base.db.dataSource)).toEqual(base.before);
    }
  });

  it('rejects a record of the wrong length that spans lines, naming every line it took', async () => {
    // The quote opened on line 3 closes at the end of line 4: one record of two cells over both lines.
    const dir = writeDataset({ ...BASE_DATASET, 'agents.csv': AGENTS_WITH_LINE_3('A9,"Al,tier1\nA10,Bo,"') });
    const reportPath = join(dir, 'report.csv');
    const summary = await importDataset(base.db.dataSource, folderSource(dir), { skipInvalid: true, reportPath });
    expect(summaryOf(summary, 'agents.csv')).toMatchObject({ read: 4, rejected: 1 });
    const report = parse(readFileSync(reportPath), { columns: true }) as Record<string, string>[];
    expect(report.map(({ line, reason }) => ({ line, reason }))).toEqual([{ line: '3', reason: expect.stringMatching(/lines 3–4/) }]);
  });
});

describe('re-importing', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase();
    await importDataset(db.dataSource, folderSource(writeDataset(BASE_DATASET)));
  });
  afterEach(async () => db?.destroy());

  it('counts a changed row as updated and replaces it', async () => {
    const files = { ...BASE_DATASET, 'tickets.csv': BASE_DATASET['tickets.csv'].replace('T2,C2,chat,,,', 'T2,C2,chat,,urgent,') };
    const summary = await importDataset(db.dataSource, folderSource(writeDataset(files)));
    expect(summaryOf(summary, 'tickets.csv')).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect(summary.total).toMatchObject({ inserted: 0, updated: 1 });
    const [t] = await db.dataSource.query(`SELECT priority FROM tickets WHERE external_id = 'T2'`);
    expect(t.priority).toBe('urgent');
  });

  it('loads a later dataset that refers to rows already in the database', async () => {
    const files = {
      'tickets.csv': 'ticket_id,customer_id,channel,created_at,assignee_id\nT10,C1,web,2025-03-01T00:00:00Z,A2\n',
      'messages.csv': 'message_id,ticket_id,author,agent_id,sent_at\nM10,T1,agent,A2,2025-02-01T10:30:00Z\nM11,T10,agent,A1,2025-03-01T01:00:00Z\n',
    };
    const summary = await importDataset(db.dataSource, folderSource(writeDataset(files)));
    expect(summary.total).toMatchObject({ inserted: 3, rejected: 0 });
    // M10 is now T1's earliest agent reply: its derived first response moves earlier.
    const rows = await db.dataSource.query(
      `SELECT external_id, to_char(first_response_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS at FROM tickets WHERE external_id IN ('T1', 'T10') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_id: 'T1', at: '10:30:00.000000' },
      { external_id: 'T10', at: '01:00:00.000000' },
    ]);
    expect(await counts(db.dataSource)).toMatchObject({ customers: 2, tickets: 4, messages: 6 });
  });

  // T1 is in the database; this import brings it again, earlier and with an unknown customer, and new messages and a
  // survey for it. The stored T1 is not the ticket these records belong to.
  const REJECTED_T1 = {
    'tickets.csv': 'ticket_id,customer_id,channel,created_at\nT1,C404,email,2025-01-15T10:00:00Z\nT4,C1,web,2025-01-15T10:00:00Z\n',
    'messages.csv':
      'message_id,ticket_id,author,agent_id,sent_at\nM20,T1,customer,,2025-01-15T10:00:00Z\nM21,T1,agent,A1,2025-02-01T12:00:00Z\nM22,T4,agent,A1,2025-01-15T11:00:00Z\n',
    'surveys.csv': 'survey_id,kind,score,responded_at,ticket_id\nS20,csat,4,2025-02-03T00:00:00Z,T1\n',
  };
  const REFERS_TO_REJECTED_T1 = 'ticket_id "T1" refers to a record this import rejected (tickets.csv line 2)';

  it('rejects the records of a ticket this import rejected, though an older copy of it is in the database', async () => {
    const before = await snapshot(db.dataSource);
    const dir = writeDataset(REJECTED_T1);
    const reportPath = join(dir, 'report.csv');
    const summary = await importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath });
    expect(summaryOf(summary, 'messages.csv')).toMatchObject({ read: 3, inserted: 1, rejected: 2 });
    const report = parse(readFileSync(reportPath), { columns: true }) as Record<string, string>[];
    expect(report.map(({ file, line, column, reason }) => ({ file, line, column, reason }))).toEqual([
      { file: 'tickets.csv', line: '2', column: 'customer_id', reason: expect.stringMatching(/^customer_id "C404" not found/) },
      { file: 'messages.csv', line: '2', column: 'ticket_id', reason: REFERS_TO_REJECTED_T1 },
      { file: 'messages.csv', line: '3', column: 'ticket_id', reason: REFERS_TO_REJECTED_T1 },
      { file: 'surveys.csv', line: '2', column: 'ticket_id', reason: REFERS_TO_REJECTED_T1 },
    ]);
    const after = await snapshot(db.dataSource);
    expect(after.tickets.slice(0, 3)).toEqual(before.tickets);
    expect(after.messages.slice(0, before.messages.length)).toEqual(before.messages);
    expect(after.messages.slice(before.messages.length)).toEqual([expect.stringContaining('"external_id": "M22"')]);
    expect(after.surveys).toEqual(before.surveys);
  });

  it('loads the records of a ticket whose id is rejected on one line and loaded from another', async () => {
    for (const tickets of [
      'ticket_id,channel,created_at\nT9,fax,2025-03-01T00:00:00Z\nT9,web,2025-03-01T00:00:00Z\n',
      'ticket_id,channel,created_at\nT9,web,2025-03-01T00:00:00Z\nT9,fax,2025-03-01T00:00:00Z\n',
    ]) {
      const files = { 'tickets.csv': tickets, 'messages.csv': 'message_id,ticket_id,author,sent_at\nM9,T9,customer,2025-03-01T00:00:00Z\n' };
      const dir = writeDataset(files);
      const summary = await importDataset(db.dataSource, folderSource(dir), { skipInvalid: true, reportPath: join(dir, 'report.csv') });
      expect(summaryOf(summary, 'tickets.csv')).toMatchObject({ rejected: 1 });
      expect(summaryOf(summary, 'messages.csv')).toMatchObject({ rejected: 0 });
    }
  });

  it('names the rejected ticket, not the problems of its records with the older copy, when failing', async () => {
    const before = await snapshot(db.dataSource);
    const err = (await importDataset(db.dataSource, folderSource(writeDataset(REJECTED_T1))).catch((e: unknown) => e)) as ImportValidationError;
    expect(err).toBeInstanceOf(ImportValidationError);
    expect(err.problems).toEqual([
      { file: 'tickets.csv', line: 2, column: 'customer_id', reason: expect.stringMatching(/^customer_id "C404" not found/) },
    ]);
    expect(await snapshot(db.dataSource)).toEqual(before);
  });

  it('lets a given first_response_at replace a derived one, and re-derives when it is emptied again', async () => {
    const given = {
      ...BASE_DATASET,
      'tickets.csv': BASE_DATASET['tickets.csv'].replace('2025-02-01T10:00:00Z,,', '2025-02-01T10:00:00Z,2025-02-01T10:45:00Z,'),
    };
    const first = await importDataset(db.dataSource, folderSource(writeDataset(given)));
    expect(summaryOf(first, 'tickets.csv')).toMatchObject({ updated: 1 });
    const at = async () =>
      (
        await db.dataSource.query(
          `SELECT to_char(first_response_at AT TIME ZONE 'UTC', 'HH24:MI:SS.US') AS at, first_response_derived AS derived FROM tickets WHERE external_id = 'T1'`,
        )
      )[0];
    expect(await at()).toEqual({ at: '10:45:00.000000', derived: false });
    const again = await importDataset(db.dataSource, folderSource(writeDataset(BASE_DATASET)));
    expect(summaryOf(again, 'tickets.csv')).toMatchObject({ updated: 1 });
    expect(again.derivedFirstResponses).toBe(1);
    expect(await at()).toEqual({ at: '11:00:00.123456', derived: true });
  });

  it('re-derives when an agent message becomes a customer message', async () => {
    const files = { ...BASE_DATASET, 'messages.csv': BASE_DATASET['messages.csv'].replace('M3,T1,agent,A1,', 'M3,T1,customer,,') };
    const summary = await importDataset(db.dataSource, folderSource(writeDataset(files)));
    expect(summaryOf(summary, 'messages.csv')).toMatchObject({ updated: 1 });
    const [t] = await db.dataSource.query(`SELECT first_response_at, first_response_derived FROM tickets WHERE external_id = 'T1'`);
    expect(t).toEqual({ first_response_at: null, first_response_derived: false });
  });
});

describe('formats and attributes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('reads JSON Lines with JSON numbers and booleans, CSV and JSON Lines mixed', async () => {
    const files = {
      'customers.jsonl':
        '{"customer_id":"J1","tier":"pro","signed_up_at":"2025-01-01T00:00:00Z"}\r\n\r\n{"customer_id":"J2","tier":"free","signed_up_at":"2025-01-01T00:00:00Z","churned_at":null}\n',
      'tickets.jsonl':
        '{"ticket_id":"JT1","customer_id":"J1","channel":"chat","created_at":"2025-02-01T10:00:00+01:00","escalated":true,"reopened_count":2,"x_source":"zendesk"}\n',
      'messages.csv': 'message_id,ticket_id,author,sent_at,handle_seconds\nJM1,JT1,customer,2025-02-01T09:00:00Z,12.5\n',
      'agent_activity.jsonl': '',
    };
    const summary = await importDataset(db.dataSource, folderSource(writeDataset(files)));
    expect(summary.files.map((f) => [f.file, f.inserted])).toEqual([
      ['customers.jsonl', 2],
      ['tickets.jsonl', 1],
      ['messages.csv', 1],
      ['agent_activity.jsonl', 0],
    ]);
    const [t] = await db.dataSource.query(`SELECT escalated, reopened_count, priority, attributes FROM tickets WHERE external_id = 'JT1'`);
    expect(t).toEqual({ escalated: true, reopened_count: 2, priority: 'normal', attributes: { x_source: 'zendesk' } });
  });

  it('keeps x_ columns in attributes (empty cells as null); a changed attribute updates the row', async () => {
    const files = {
      'agents.csv': 'agent_id,name,x_region,x_note\nXA1,Ann,eu,\n',
      'tickets.csv': 'ticket_id,channel,created_at\nXT1,web,2025-02-01T00:00:00Z\n',
    };
    await importDataset(db.dataSource, folderSource(writeDataset(files)));
    const [a] = await db.dataSource.query(`SELECT attributes FROM agents WHERE external_id = 'XA1'`);
    expect(a.attributes).toEqual({ x_region: 'eu', x_note: null });
    const changed = await importDataset(
      db.dataSource,
      folderSource(writeDataset({ ...files, 'agents.csv': 'agent_id,name,x_region,x_note\nXA1,Ann,us,\n' })),
    );
    expect(summaryOf(changed, 'agents.csv')).toMatchObject({ updated: 1 });
  });

  it('accepts quoted cells with commas, quotes and line breaks, and counts lines as the file has them', async () => {
    const files = {
      'agents.csv': 'agent_id,name,team\r\nQA1,"Doe, Jane ""JD""","multi\r\nline"\r\nQA2,Bob,\r\n',
      'tickets.csv': 'ticket_id,channel,created_at\nQT1,web,2025-02-01T00:00:00Z\n',
      'messages.csv': 'message_id,ticket_id,author,sent_at\nQM1,QT1,customer,2025-02-01T00:00:00Z\n',
    };
    await importDataset(db.dataSource, folderSource(writeDataset(files)));
    const [a] = await db.dataSource.query(`SELECT name, team FROM agents WHERE external_id = 'QA1'`);
    expect(a).toEqual({ name: 'Doe, Jane "JD"', team: 'multi\r\nline' });
    const bad = { ...files, 'agents.csv': `${files['agents.csv']}QA3,,\r\n` };
    await expect(importDataset(db.dataSource, folderSource(writeDataset(bad)))).rejects.toThrow(/agents\.csv:5 name — name is required/);
  });
});
