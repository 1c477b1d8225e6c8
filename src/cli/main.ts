#!/usr/bin/env node
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { keysCommand } from '../auth/keys-command';
import { ConfigError, loadConfig } from '../config/config';
import { runDemoCommand } from '../demo/demo-command';
import { runImportCommand } from '../import/import-command';
import { FORECAST_EXPORTS, type ForecastExport } from '../planning/forecast-export';
import { optionName, runExportCommand } from '../server/export-command';
import { exportParameters } from '../server/export-operation';
import { buildApiSchema, emitGeneratedFiles } from '../server/schema';
import { runServeCommand } from '../server/serve-command';
import { runSyncCommand } from '../sync/sync-command';

function positiveInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

function integer(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be a whole number');
  return n;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `deskmetrics forecast` / `staffing-plan`: the options are the GraphQL query's arguments (src/server/export-operation.ts). */
function exportCommand(exp: ForecastExport): Command {
  const command = new Command(exp.name)
    .description(`print ${exp.description} (the GraphQL query ${exp.field}; columns in docs/forecasts.md)`)
    .option('--csv', 'print CSV for workforce-management tools', false)
    .option('--json', 'print the GraphQL answer as JSON', false);
  for (const p of exportParameters(buildApiSchema(), exp)) {
    const flags = `${optionName(p.name)} <${p.list ? 'values' : 'value'}>`;
    const description = p.list ? `${p.description}; comma-separated or repeated` : p.description;
    if (p.required) command.requiredOption(flags, description);
    else if (p.list) command.option(flags, description, collect);
    else command.option(flags, description);
  }
  return command.action(async (opts: Record<string, string | string[] | boolean>) => {
    const { csv, json, ...parameters } = opts;
    process.exitCode = await runExportCommand(
      loadConfig(),
      exp,
      parameters as Record<string, string | string[]>,
      csv ? 'csv' : json ? 'json' : 'table',
    );
  });
}

/** `import` and `demo`: whether the command builds the rollups a running server would build after its commit. */
const WAIT_FOR_ROLLUPS = [
  '--wait-for-rollups',
  'on PostgreSQL with a deskmetrics server running, build the rollups in this command instead of leaving them to the server',
  false,
] as const;

/** The deskmetrics command line: serve, import, sync, demo, keys, schema, forecast, staffing-plan. */
export function buildCli(): Command {
  const program = new Command('deskmetrics')
    .description("Customer-service metrics and forecasts over GraphQL, from your help desk's records.")
    .showHelpAfterError();

  program
    .command('serve', { isDefault: true })
    .description('serve the GraphQL API (migrates the database; loads demo data into an empty one unless DESKMETRICS_DEMO=off)')
    .action(async () => runServeCommand(loadConfig()));

  program
    .command('import')
    .description('load a dataset folder (CSV or JSON Lines, see docs/data-contract.md) into the database')
    .argument('<folder>', 'folder with tickets.csv and the other files of the data contract')
    .option('--skip-invalid', 'load the valid rows and write the rejected ones with reasons to a report file', false)
    .option('--report <file>', 'where --skip-invalid writes rejected rows (default: import-report-<time>.csv)')
    .option('--batch-size <rows>', 'rows per multi-row statement (default IMPORT_BATCH_SIZE)', positiveInt('--batch-size'))
    .option(...WAIT_FOR_ROLLUPS)
    .action(async (folder: string, opts: { skipInvalid: boolean; report?: string; batchSize?: number; waitForRollups: boolean }) => {
      process.exitCode = await runImportCommand(loadConfig(), folder, opts);
    });

  program
    .command('demo')
    .description('generate a realistic demo dataset into the database (or as contract files with --out)')
    .option('--tickets <n>', 'number of tickets', positiveInt('--tickets'), 200000)
    .option('--seed <n>', 'random seed (same seed, same data)', integer, 42)
    .option('--end <date>', 'exclusive end date of the two-year window (YYYY-MM-DD)')
    .option('--out <folder>', 'write CSV files in the data-contract format instead of loading the database')
    .option(...WAIT_FOR_ROLLUPS)
    .action(async (opts: { tickets: number; seed: number; end?: string; out?: string; waitForRollups: boolean }) => {
      process.exitCode = await runDemoCommand(loadConfig(), opts);
    });

  program
    .command('sync')
    .description('pull a help desk into the database and keep it current (docs/zendesk.md)')
    .command('zendesk')
    .description('sync Zendesk Support through its Incremental Export API (env ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN)')
    .option('--since <date>', 'where the first sync starts (a date or a timestamp with an offset); later runs continue from the stored cursors')
    .option('--config <file>', 'mapping settings (zendesk.json: channels, product, tier, bots, satisfaction)')
    .option('--watch', 'keep syncing, every --every', false)
    .option('--every <duration>', 'interval of --watch, e.g. 30s, 5m, 1h (default 5m)')
    .action(async (opts: { since?: string; config?: string; watch: boolean; every?: string }) => {
      process.exitCode = await runSyncCommand(loadConfig(), opts);
    });

  program.addCommand(keysCommand());
  for (const exp of FORECAST_EXPORTS) program.addCommand(exportCommand(exp));

  program
    .command('schema')
    .description(
      'write the generated files: schema/schema.graphql, docs/metrics.md, the tables of docs/configuration.md and docs/rollups.md, sql/metrics/*.sql',
    )
    .action(async () => {
      // Loaded here only: the snapshots' SQL formatter is a development dependency, which the server must not need.
      const { writeSqlSnapshots } = await import('../metrics/sql-snapshots');
      const changed = [...emitGeneratedFiles(), ...writeSqlSnapshots()];
      console.log(changed.length ? changed.map((f) => `wrote ${f}`).join('\n') : 'generated files are up to date');
    });

  return program;
}

/** Runs the command line (used by bin/deskmetrics.js and `node dist/src/cli/main.js`). */
export function runCli(argv: string[]): Promise<void> {
  return buildCli()
    .parseAsync(argv)
    .then(() => undefined)
    .catch((err: unknown) => {
      console.error(err instanceof ConfigError ? err.message : err instanceof Error ? `error: ${err.message}` : err);
      process.exitCode = 2;
    });
}

if (require.main === module) void runCli(process.argv);
