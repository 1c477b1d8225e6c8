/**
 * Incremental freshness: how long an import of a few changed tickets into a loaded database takes, end to end (the
 * `deskmetrics import` process from start to exit: validation, upserts, first responses, the rollups of the touched
 * hours and days, commit), for changes on the latest days and for changes spread over the whole history.
 *
 *   npm run bench:incremental -- --schema bench_1000000            # after `npm run bench` loaded that schema
 *
 * Each case exports N tickets of the schema as a contract tickets.csv with their priority moved to the next one and
 * `escalated` flipped (both move rollup rows between segments and values), imports it and checks that N tickets were
 * updated. The data stays changed: the flips are their own inverse, so a second run restores it. `npm run bench
 * --reuse` still accepts the schema (its runs after the demo load are these).
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { runCli } from './children';
import { INCREMENTAL_SOURCE_PREFIX } from './load';

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

interface Case {
  name: string;
  /** How the tickets are picked (SQL over tickets t, returning ids). */
  pick: string;
}

const CASES: Case[] = [
  { name: 'latest days', pick: 'SELECT id FROM tickets ORDER BY created_at DESC LIMIT $1' },
  // A stable pseudo-random sample over two years: the same tickets in every run of the same data.
  { name: 'spread over the history', pick: 'SELECT id FROM tickets ORDER BY hashtext(external_id) LIMIT $1' },
];

const iso = (d: Date | null) => (d ? d.toISOString() : '');

async function exportChanged(pool: Pool, schema: string, pick: string, n: number, dir: string): Promise<{ days: number }> {
  const { rows } = await pool.query(
    `SELECT t.external_id, c.external_id AS customer, t.channel, t.product, t.priority, t.created_at,
            CASE WHEN t.first_response_derived THEN NULL ELSE t.first_response_at END AS first_response_at,
            t.resolved_at, t.abandoned_at, t.escalated, t.reopened_count, a.external_id AS assignee
     FROM "${schema}".tickets t LEFT JOIN "${schema}".customers c ON c.id = t.customer_id LEFT JOIN "${schema}".agents a ON a.id = t.assignee_id
     WHERE t.id IN (${pick.replaceAll('FROM tickets', `FROM "${schema}".tickets`)})
     ORDER BY t.id`,
    [n],
  );
  const header = [
    'ticket_id',
    'customer_id',
    'channel',
    'product',
    'priority',
    'created_at',
    'first_response_at',
    'resolved_at',
    'abandoned_at',
    'escalated',
    'reopened_count',
    'assignee_id',
  ];
  const lines = rows.map((r) => [
    r.external_id,
    r.customer ?? '',
    r.channel,
    r.product ?? '',
    PRIORITIES[(PRIORITIES.indexOf(r.priority) + 1) % PRIORITIES.length],
    iso(r.created_at),
    iso(r.first_response_at),
    iso(r.resolved_at),
    iso(r.abandoned_at),
    r.escalated ? 'false' : 'true',
    String(r.reopened_count),
    r.assignee ?? '',
  ]);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tickets.csv'), stringify([header, ...lines]));
  const days = new Set(rows.map((r) => (r.created_at as Date).toISOString().slice(0, 10))).size;
  return { days };
}

async function main(): Promise<void> {
  const o = new Command()
    .name('bench:incremental')
    .option('--database-url <url>', 'PostgreSQL (default: DATABASE_URL, else the local server)', process.env.DATABASE_URL || LOCAL_DATABASE_URL)
    .option('--schema <name>', 'schema holding a loaded dataset', 'bench_1000000')
    .option('--tickets <n>', 'changed tickets per import', (v) => Number.parseInt(v, 10), 1000)
    // The zone the schema's daily rollups were built in (`npm run bench` builds them in its --timezone): another would
    // make the first import rebuild every rollup row.
    .option('--rollup-timezone <zone>', 'ROLLUP_TIMEZONE of the imports', 'America/New_York')
    .parse(process.argv)
    .opts<{ databaseUrl: string; schema: string; tickets: number; rollupTimezone: string }>();
  const env = { DATABASE_URL: o.databaseUrl, DATABASE_SCHEMA: o.schema, ROLLUP_TIMEZONE: o.rollupTimezone };
  const pool = new Pool({ connectionString: o.databaseUrl, max: 2 });
  const root = mkdtempSync(join(tmpdir(), 'deskmetrics-incremental-'));
  try {
    const total = Number((await pool.query(`SELECT count(*)::int8 AS n FROM "${o.schema}".tickets`)).rows[0].n);
    console.log(`${o.schema}: ${total.toLocaleString('en-US')} tickets; importing ${o.tickets.toLocaleString('en-US')} changed tickets per case`);
    // Untimed: opens the database as an import does (migrations, the rollups' definition), so that a rebuild for a
    // changed definition or zone is not counted as the first case's.
    const warm = await runCli(['keys', 'list'], env);
    if (warm.exitCode !== 0) throw new Error(`deskmetrics keys list failed:\n${warm.stderr.slice(-4000)}`);
    console.log(`opened the database in ${warm.seconds.toFixed(1)} s (untimed)`);
    for (const c of CASES) {
      // The folder's name is the run's source (import_runs.source): `npm run bench -- --reuse` recognises it.
      const dir = join(root, `${INCREMENTAL_SOURCE_PREFIX}${c.name.replaceAll(' ', '-')}`);
      const { days } = await exportChanged(pool, o.schema, c.pick, o.tickets, dir);
      const run = await runCli(['import', dir], env);
      if (run.exitCode !== 0) throw new Error(`deskmetrics import failed (exit ${run.exitCode}):\n${run.stderr.slice(-4000)}`);
      const updated = /^tickets\.csv\s+[\d,]+\s+[\d,]+\s+([\d,]+)/m.exec(run.stdout)?.[1]?.replaceAll(',', '');
      if (Number(updated) !== o.tickets) throw new Error(`expected ${o.tickets} updated tickets, the import says ${updated}:\n${run.stdout}`);
      const finishing = /After the files: (.*?)\.?$/m.exec(run.stdout)?.[1] ?? '';
      const line = `${c.name}: ${o.tickets} tickets created on ${days} days, ${run.seconds.toFixed(2)} s end to end (${finishing})`;
      console.log(line);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
