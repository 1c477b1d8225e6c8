/**
 * The import's floor: PostgreSQL alone writing the rows an import wrote. The loaded tables' rows are exported as COPY
 * text (untimed), then, timed in one transaction as an import is: COPY FROM STDIN into empty copies of the tables (same
 * columns and checks, nothing else), then every index, primary key, unique constraint and foreign key the tables have,
 * built once, then commit. No validation, no reference lookups, no first responses, no rollups: the bar for any importer
 * that keeps this schema and one transaction per run, on the same machine, as the hand-written SQL on the raw tables is
 * the floor of the dashboard.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DATASET_FILES } from '../src/import/dataset-source';
import { FILE_SPECS } from '../src/import/file-specs';
import { quoteIdent } from './load';

/** One table of the floor: its rows and the seconds its COPY took. */
export interface FloorTable {
  table: string;
  rows: number;
  copySeconds: number;
}

/** What the floor measured (seconds are wall time of one transaction's steps). */
export interface ImportFloor {
  tables: FloorTable[];
  /** COPY FROM STDIN of every table. */
  copySeconds: number;
  /** Every index (primary keys and unique constraints included), built once after the copies. */
  indexSeconds: number;
  indexes: number;
  /** Every foreign key, added (and so validated) after the indexes. */
  foreignKeySeconds: number;
  foreignKeys: number;
  commitSeconds: number;
  /** From BEGIN to the end of COMMIT. */
  seconds: number;
  tickets: number;
  ticketsPerSecond: number;
}

/** The contract's tables, in the order an import loads them (referenced tables first). */
export const FLOOR_TABLES: readonly string[] = DATASET_FILES.map((f) => FILE_SPECS[f].table);

// The importer builds its indexes with this much memory (import-dataset.ts, withMaintenanceMemory); the floor as well.
const MAINTENANCE_WORK_MEM = '256MB';

const secondsSince = (fromMs: number) => (performance.now() - fromMs) / 1000;

interface Definitions {
  /** `CREATE [UNIQUE] INDEX` of the copy, for indexes that back no constraint. */
  indexes: string[];
  /** `ALTER TABLE … ADD CONSTRAINT` of the copy's primary key and unique constraints (they build indexes). */
  keys: string[];
  foreignKeys: string[];
}

/**
 * The DDL giving the copies in `floor` what the tables of `schema` have. Constraint definitions name their referenced
 * tables unqualified when `schema` is the session's search path, so they point at the copies when run in `floor`.
 */
async function definitions(client: PoolClient, schema: string, floor: string): Promise<Definitions> {
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  let indexes, constraints;
  try {
    indexes = await client.query(
      `SELECT c.relname AS "table", i.indisunique AS "unique", pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY ($2)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY c.relname, i.indexrelid`,
      [schema, FLOOR_TABLES],
    );
    constraints = await client.query(
      `SELECT c.relname AS "table", k.conname AS name, k.contype AS kind, pg_get_constraintdef(k.oid) AS definition
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
        WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY ($2) AND k.contype IN ('p', 'u', 'f')
        ORDER BY c.relname, k.conname`,
      [schema, FLOOR_TABLES],
    );
  } finally {
    // The connection goes back to the pool as it came.
    await client.query('RESET search_path');
  }
  const copy = (table: string) => `${quoteIdent(floor)}.${quoteIdent(table)}`;
  const addConstraint = (r: { table: string; name: string; definition: string }) =>
    `ALTER TABLE ${copy(r.table)} ADD CONSTRAINT ${quoteIdent(r.name)} ${r.definition}`;
  return {
    // pg_get_indexdef always names the table with its schema: what follows " USING " (method, columns, options) is kept.
    indexes: indexes.rows.map((r: { table: string; unique: boolean; definition: string }) => {
      const using = r.definition.indexOf(' USING ');
      if (using < 0) throw new Error(`import floor: cannot read the index definition ${JSON.stringify(r.definition)}`);
      return `CREATE ${r.unique ? 'UNIQUE ' : ''}INDEX ON ${copy(r.table)}${r.definition.slice(using)}`;
    }),
    keys: constraints.rows.filter((r: { kind: string }) => r.kind !== 'f').map(addConstraint),
    foreignKeys: constraints.rows.filter((r: { kind: string }) => r.kind === 'f').map(addConstraint),
  };
}

/** Streams a table's rows as COPY text to a file. */
async function exportTable(client: PoolClient, schema: string, table: string, file: string): Promise<void> {
  // In primary-key order, as an import writes them (the physical order the index builds then read).
  const sql = `COPY (SELECT * FROM ${quoteIdent(schema)}.${quoteIdent(table)} ORDER BY id) TO STDOUT`;
  await pipeline(client.query(copyTo(sql)), createWriteStream(file));
}

/** Streams a file into COPY FROM STDIN; resolves to the rows PostgreSQL took. */
async function importTable(client: PoolClient, target: string, file: string): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN`));
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), stream);
  return stream.rowCount;
}

/**
 * Measures the floor for the tables of `schema` (which an import filled): the copies live in a schema of their own,
 * dropped afterwards, and the exported text in a temporary folder, removed afterwards.
 */
export async function measureImportFloor(
  pool: Pool,
  options: {
    schema: string;
    /** Called after commit, before the copies are dropped (tests look at them). */ inspect?: (
      client: PoolClient,
      floorSchema: string,
    ) => Promise<void>;
  },
): Promise<ImportFloor> {
  const { schema } = options;
  const missing = (
    await pool.query(`SELECT t FROM unnest($1::text[]) t WHERE to_regclass(format('%I.%I', $2::text, t)) IS NULL`, [FLOOR_TABLES, schema])
  ).rows.map((r: { t: string }) => r.t);
  if (missing.length) throw new Error(`import floor: schema ${schema} has no table ${missing.join(', ')} (is it a deskmetrics database?)`);

  const floor = `bench_import_floor_${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-floor-'));
  const client = await pool.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(floor)} CASCADE`);
    await client.query(`CREATE SCHEMA ${quoteIdent(floor)}`);
    for (const table of FLOOR_TABLES) {
      // The columns, defaults and checks; no identity (the ids are copied), no indexes, no keys.
      await client.query(
        `CREATE TABLE ${quoteIdent(floor)}.${quoteIdent(table)} (LIKE ${quoteIdent(schema)}.${quoteIdent(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`,
      );
      await exportTable(client, schema, table, join(dir, `${table}.copy`));
    }
    const ddl = await definitions(client, schema, floor);
    // The files were just written: they are read back from the page cache, so the floor times no reads of its source.

    const startedMs = performance.now();
    await client.query('BEGIN');
    await client.query(`SET LOCAL maintenance_work_mem = '${MAINTENANCE_WORK_MEM}'`);
    // The foreign keys name their referenced tables unqualified: the copies.
    await client.query(`SET LOCAL search_path TO ${quoteIdent(floor)}`);
    const tables: FloorTable[] = [];
    for (const table of FLOOR_TABLES) {
      const copyMs = performance.now();
      const rows = await importTable(client, `${quoteIdent(floor)}.${quoteIdent(table)}`, join(dir, `${table}.copy`));
      tables.push({ table, rows, copySeconds: secondsSince(copyMs) });
    }
    const copySeconds = secondsSince(startedMs);
    const indexMs = performance.now();
    for (const sql of [...ddl.keys, ...ddl.indexes]) await client.query(sql);
    const indexSeconds = secondsSince(indexMs);
    const foreignKeyMs = performance.now();
    for (const sql of ddl.foreignKeys) await client.query(sql);
    const foreignKeySeconds = secondsSince(foreignKeyMs);
    const commitMs = performance.now();
    await client.query('COMMIT');
    const commitSeconds = secondsSince(commitMs);
    const seconds = secondsSince(startedMs);
    await options.inspect?.(client, floor);

    const tickets = tables.find((t) => t.table === 'tickets')?.rows ?? 0;
    return {
      tables,
      copySeconds,
      indexSeconds,
      indexes: ddl.keys.length + ddl.indexes.length,
      foreignKeySeconds,
      foreignKeys: ddl.foreignKeys.length,
      commitSeconds,
      seconds,
      tickets,
      ticketsPerSecond: tickets / seconds,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(floor)} CASCADE`).catch(() => undefined);
    client.release();
    rmSync(dir, { recursive: true, force: true });
  }
}
