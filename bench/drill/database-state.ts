/**
 * What a drill database holds, row by row: every table of the schema as the set of its rows' hashes, so two states can
 * be compared and the rows that differ counted. Opening the database the way deskmetrics does also checks that it opens
 * (an embedded folder left by a killed process, its lock taken over).
 */
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/db/data-source';

/** Where a drill's database is: PostgreSQL and a schema, or an embedded data folder. */
export type DrillTarget = { kind: 'postgres'; url: string; schema: string } | { kind: 'pglite'; dataDir: string };

/** The settings a deskmetrics process needs to open the target. */
export function targetEnv(target: DrillTarget): Record<string, string> {
  return target.kind === 'postgres' ? { DATABASE_URL: target.url, DATABASE_SCHEMA: target.schema } : { DESKMETRICS_DATA_DIR: target.dataDir };
}

/** Table name → hashes of its rows (a multiset, as counts). */
export type DatabaseState = Map<string, Map<string, number>>;

// Written by a running server (keys' last use, the audit log) or by the migrations: not the data an import or a crash
// may change.
const SERVER_TABLES = new Set(['api_keys', 'audit_log', 'typeorm_migrations']);

/** Reads every data table's rows (as hashes). */
export async function readState(target: DrillTarget): Promise<DatabaseState> {
  const db = await openDatabase(loadConfig(targetEnv(target)), { command: 'drill' });
  try {
    const schema = target.kind === 'postgres' ? target.schema : 'public';
    const tables: { tablename: string }[] = await db.dataSource.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [
      schema,
    ]);
    const state: DatabaseState = new Map();
    for (const { tablename } of tables) {
      if (SERVER_TABLES.has(tablename)) continue;
      // Surrogate keys are left out: identity values a rolled-back import drew are not given back, so a later import
      // numbers the same rows differently. What the rows say is compared, not how they are numbered.
      const keys: { column_name: string }[] = await db.dataSource.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = $2 AND data_type = 'bigint' AND (column_name = 'id' OR column_name LIKE '%\\_id')`,
        [schema, tablename],
      );
      const rows: { h: string }[] = await db.dataSource.query(`SELECT md5((to_jsonb(t) - $1::text[])::text) AS h FROM "${schema}"."${tablename}" t`, [
        keys.map((k) => k.column_name),
      ]);
      const hashes = new Map<string, number>();
      for (const { h } of rows) hashes.set(h, (hashes.get(h) ?? 0) + 1);
      state.set(tablename, hashes);
    }
    return state;
  } finally {
    await db.close();
  }
}

/** Rows of one table, for the report. */
export function rowCount(state: DatabaseState, table: string): number {
  let n = 0;
  for (const c of state.get(table)?.values() ?? []) n += c;
  return n;
}

/**
 * Rows that differ between two states: in one and not the other, per table (tables in `ignore` left out). Zero means
 * the same data.
 */
export function differingRows(
  expected: DatabaseState,
  observed: DatabaseState,
  ignore: string[] = [],
): { total: number; byTable: Record<string, number> } {
  const byTable: Record<string, number> = {};
  let total = 0;
  for (const table of new Set([...expected.keys(), ...observed.keys()])) {
    if (ignore.includes(table)) continue;
    const a = expected.get(table) ?? new Map<string, number>();
    const b = observed.get(table) ?? new Map<string, number>();
    let n = 0;
    for (const h of new Set([...a.keys(), ...b.keys()])) n += Math.abs((a.get(h) ?? 0) - (b.get(h) ?? 0));
    if (n > 0) byTable[table] = n;
    total += n;
  }
  return { total, byTable };
}

/** "0", or "12 (tickets 3, messages 9)". */
export function formatDifference(d: { total: number; byTable: Record<string, number> }): string {
  if (d.total === 0) return '0';
  return `${d.total} (${Object.entries(d.byTable)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')})`;
}
