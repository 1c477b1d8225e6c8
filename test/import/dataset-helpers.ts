import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { folderSource } from '../../src/import/folder-source';
import { importDataset } from '../../src/import/import-dataset';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** A small valid dataset touching every file and rule of the contract; tests derive bad variants from it. */
export const BASE_DATASET: Record<string, string> = {
  'customers.csv': `customer_id,tier,product,signed_up_at,churned_at
C1,pro,api,2025-01-01T00:00:00Z,
C2,free,,2025-01-02T00:00:00.000001+01:00,2025-03-01T00:00:00Z
`,
  'agents.csv': `agent_id,name,team
A1,Ann,tier1
A2,Bob,
`,
  'tickets.csv': `ticket_id,customer_id,channel,product,priority,created_at,first_response_at,resolved_at,abandoned_at,escalated,reopened_count,assignee_id
T1,C1,email,api,high,2025-02-01T10:00:00Z,,2025-02-02T10:00:00Z,,false,0,A1
T2,C2,chat,,,2025-02-03T10:00:00+01:00,2025-02-03T09:30:00Z,,,true,1,
T3,,phone,,low,2025-02-04T10:00:00Z,,,2025-02-04T10:05:00Z,,,
`,
  'messages.csv': `message_id,ticket_id,author,agent_id,sent_at,handle_seconds
M1,T1,customer,,2025-02-01T10:00:00Z,
M2,T1,bot,,2025-02-01T10:00:05Z,
M3,T1,agent,A1,2025-02-01T11:00:00.123456Z,30.5
M4,T2,agent,A2,2025-02-03T09:30:00Z,
`,
  'surveys.csv': `survey_id,kind,score,responded_at,ticket_id,customer_id
S1,csat,5,2025-02-03T00:00:00Z,T1,C1
S2,nps,0,2025-02-05T00:00:00Z,,C2
`,
  'orders.csv': `order_id,customer_id,amount,ordered_at,product
O1,C1,19.99,2025-02-01T00:00:00Z,api
`,
  'agent_activity.csv': `agent_id,date,available_seconds,active_seconds
A1,2025-02-01,28800,20000
`,
  'sla_policies.csv': `priority,channel,first_response_minutes,resolution_minutes
normal,,480,2880
high,chat,60,
`,
};

/** Text of `length` characters that PostgreSQL cannot compress (random base64), so its full size reaches an index. */
export function incompressibleText(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

const written: string[] = [];

/** Writes files into a fresh temporary folder and returns its path. */
export function writeDataset(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-import-test-'));
  written.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** The base dataset with one more line appended to one file. */
export function withLine(file: string, line: string, base = BASE_DATASET): Record<string, string> {
  return { ...base, [file]: `${base[file]}${line}\n` };
}

export const TABLES = ['customers', 'agents', 'tickets', 'messages', 'surveys', 'orders', 'agent_activity', 'sla_policies', 'import_runs'];

/** Every row of every imported table as exact text (to_jsonb keeps microseconds), to prove a database unchanged. */
export async function snapshot(dataSource: DataSource): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows: { row: string }[] = await dataSource.query(`SELECT to_jsonb(t)::text AS row FROM "${table}" t ORDER BY id`);
    out[table] = rows.map((r) => r.row);
  }
  return out;
}

/**
 * A database of its own for the tests of one block, holding the base dataset, and its snapshot: the fields are set
 * before the block's tests run.
 */
export function databaseWithBaseDataset(): { db: TestDatabase; before: Record<string, string[]> } {
  const state = {} as { db: TestDatabase; before: Record<string, string[]> };
  beforeAll(async () => {
    state.db = await createTestDatabase();
    await importDataset(state.db.dataSource, folderSource(writeDataset(BASE_DATASET)));
    state.before = await snapshot(state.db.dataSource);
  });
  afterAll(async () => state.db?.destroy());
  return state;
}

/** Row counts per imported table. */
export async function counts(dataSource: DataSource): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM "${table}"`);
    out[table] = n;
  }
  return out;
}

/** Removes the folders writeDataset made in this test file. */
export function removeDatasets(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}
