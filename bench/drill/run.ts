/**
 * `npm run drill`: the fault drill on PostgreSQL and on the embedded PGlite. kill -9 of `deskmetrics import` at several
 * points and of `deskmetrics serve` under load, a second process on a held embedded folder, a database outage through a
 * local TCP proxy (PostgreSQL), SIGTERM under load. Prints a table (scenario, expected, observed, data lost) and writes
 * it to docs/drill.md with the date and commit. Exits 1 when any scenario differs from what docs/operations.md promises.
 *
 *   npm run drill                                # both databases, 3,000 tickets
 *   npm run drill -- --database pglite --tickets 1000
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { projectRoot } from '../../src/config/project-root';
import { redactUrl } from '../../src/db/data-source';
import { runCliToEnd } from './processes';
import { DatabaseDrill, dropSchema, type DrillRow } from './scenarios';

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Options {
  database: 'both' | 'postgres' | 'pglite';
  databaseUrl: string;
  schema: string;
  tickets: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  return new Command('npm run drill --')
    .description('Kills, outages and shutdowns against deskmetrics on PostgreSQL and PGlite; prints what held.')
    .addOption(new Option('--database <which>', 'databases to drill').choices(['both', 'postgres', 'pglite']).default('both'))
    .option(
      '--database-url <url>',
      'PostgreSQL on this machine (default: DATABASE_URL, else the local server)',
      process.env.DATABASE_URL || LOCAL_DATABASE_URL,
    )
    .option('--schema <name>', 'PostgreSQL schema of the drill (dropped before and after)', 'drill')
    .option(
      '--tickets <n>',
      'tickets of the first dataset (the second has twice as many)',
      (raw) => {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 100) throw new InvalidArgumentError('--tickets must be a whole number ≥ 100');
        return n;
      },
      3000,
    )
    .option('--out <file>', 'where the report is written', join(projectRoot(), 'docs', 'drill.md'))
    .parse(argv)
    .opts<Options>();
}

/** A plain-text table for the terminal. */
function textTable(rows: DrillRow[]): string {
  const head = ['', 'database', 'scenario', 'expected', 'observed', 'data lost'];
  const cells = [head, ...rows.map((r) => [r.ok ? 'ok' : 'DIFF', r.database, r.scenario, r.expected, r.observed, r.dataLost])];
  return cells.map((c) => c.join(' | ')).join('\n');
}

function markdown(rows: DrillRow[], context: { date: string; commit: string; tickets: number; seconds: number }): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const differing = rows.filter((r) => !r.ok);
  return [
    '# Fault drill',
    '',
    `Last output of \`npm run drill\` (bench/drill/), run ${context.date} on commit ${context.commit}, with demo datasets of`,
    `${context.tickets.toLocaleString('en-US')} and ${(2 * context.tickets).toLocaleString('en-US')} tickets; ${Math.round(context.seconds)} s in all.`,
    'What each scenario expects is what [operations.md](operations.md) promises. "Data lost" counts the rows that differ from',
    'the expected database state (the state before a killed import; after an import, the same import measured on a copy),',
    'over every data table, compared by content: surrogate keys (`id`, bigint `…_id`) are left out, since identity values a',
    'rolled-back import drew are not reused. API keys and the audit log are left out, and after an import its own run and the',
    "rollups' refresh times.",
    '',
    differing.length ? `**${differing.length} scenario(s) differ from what is expected** (marked DIFF).` : 'Every scenario behaved as expected.',
    '',
    '| | database | scenario | expected | observed | data lost |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.ok ? 'ok' : '**DIFF**'} | ${r.database} | ${esc(r.scenario)} | ${esc(r.expected)} | ${esc(r.observed)} | ${esc(r.dataLost)} |`,
    ),
    '',
  ].join('\n');
}

function currentCommit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectRoot(), encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations', 'bench'], { cwd: projectRoot(), encoding: 'utf8' }).trim();
    return dirty ? `${hash} (with uncommitted changes)` : hash;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv);
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'deskmetrics-drill-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const rows: DrillRow[] = [];
  try {
    const datasets = { first: join(work, 'first'), second: join(work, 'second') };
    for (const [folder, tickets, seed] of [
      [datasets.first, options.tickets, 1],
      [datasets.second, 2 * options.tickets, 2],
    ] as const) {
      const demo = await runCliToEnd(['demo', '--out', folder, '--tickets', String(tickets), '--seed', String(seed)], {}, 120_000);
      if (demo.code !== 0) throw new Error(`deskmetrics demo --out failed:\n${demo.output}`);
    }
    if (options.database !== 'pglite') {
      const target = { kind: 'postgres' as const, url: options.databaseUrl, schema: options.schema };
      log(`PostgreSQL: ${redactUrl(target.url)} schema ${target.schema}`);
      await dropSchema(target, target.schema);
      const drill = new DatabaseDrill('PostgreSQL', target, datasets, log);
      try {
        await drill.run();
      } finally {
        rows.push(...drill.rows);
        await dropSchema(target, target.schema);
      }
    }
    if (options.database !== 'postgres') {
      const drill = new DatabaseDrill('PGlite', { kind: 'pglite', dataDir: join(work, 'pglite') }, datasets, log);
      try {
        await drill.run();
      } finally {
        rows.push(...drill.rows);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(textTable(rows));
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  writeFileSync(options.out, markdown(rows, { date, commit: currentCommit(), tickets: options.tickets, seconds }));
  log(`wrote ${options.out} (${Math.round(seconds)} s)`);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 2;
});
