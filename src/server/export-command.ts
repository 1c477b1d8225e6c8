import { graphql } from 'graphql';
import type { DataSource } from 'typeorm';
import { ApiError, formatError } from '../api/errors';
import type { Config } from '../config/config';
import { DataFolderInUseError } from '../db/data-folder-lock';
import type { Database } from '../db/data-source';
import type { SqlExecutor } from '../db/sql-executor';
import { cellText, ExportParameterError, tableCsv, type ForecastExport, type Table } from '../planning/forecast-export';
import type { CommandOutput } from '../import/import-command';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import { exportOperation, type ParameterValues } from './export-operation';
import { exportPath } from './export-route';
import { createContext } from './request-context';
import { buildApiSchema } from './schema';

/** How `deskmetrics forecast` / `staffing-plan` print: CSV, the GraphQL answer as JSON, or an aligned table. */
export type ExportFormat = 'csv' | 'json' | 'table';

/** The command-line option of a parameter: `intervalMinutes` → `--interval-minutes`. */
export const optionName = (parameter: string) => `--${parameter.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The option an argument of an API error stands for (`adjustment.days[0].date` → `--day`, `history.from` → `--from`). */
function optionOfArgument(argument: string): string {
  if (argument.startsWith('adjustment.days')) return '--day';
  if (argument.startsWith('adjustment.multiplier')) return '--multiplier';
  if (argument === 'adjustment') return '--multiplier/--day';
  if (argument === 'history') return '--from/--to';
  return optionName(argument.replace(/^history\./, '').replace(/[.[].*$/, ''));
}

/** An error of the query in command-line terms: the argument it names becomes its option. */
function cliMessage(message: string, argument?: string): string {
  if (argument) {
    const option = optionOfArgument(argument);
    return message.startsWith(`${argument}:`) ? `${option}${message.slice(argument.length)}` : `${option}: ${message}`;
  }
  // Coercion errors of graphql-js name the variable: Variable "$channel" got invalid value …
  return message.replace(/Variable "\$(\w+)"/g, (_m, name: string) => optionName(name));
}

function pad(table: Table): string {
  // Two decimals are enough to read; --csv and --json keep full precision.
  const cells = [
    table.columns,
    ...table.rows.map((r) => r.map((v) => (v === null ? '-' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : cellText(v)))),
  ];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const numeric = table.columns.map((_, c) => table.rows.every((r) => r[c] === null || typeof r[c] === 'number'));
  return cells
    .map((r) =>
      r
        .map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Runs an export's query on an open database as the local, unrestricted caller (whoever can open the database reads
 * all of it) and prints it; resolves to the exit code (0, or 2 for bad options or a refused query).
 */
export async function exportFromDatabase(
  dataSource: DataSource,
  config: Config,
  exp: ForecastExport,
  parameters: ParameterValues,
  format: ExportFormat,
  output: CommandOutput,
): Promise<number> {
  const schema = buildApiSchema();
  let operation: ReturnType<typeof exportOperation>;
  try {
    operation = exportOperation(schema, exp, parameters);
  } catch (err) {
    if (!(err instanceof ExportParameterError)) throw err;
    output.stderr.write(`error: ${optionName(err.parameter)}${err.message.slice(err.parameter.length)}\n`);
    return 2;
  }
  const sql: SqlExecutor = {
    query: (text, params) => dataSource.query(text, params),
    transaction: (work) => dataSource.transaction((manager) => work({ query: (text, params) => manager.query(text, params) })),
  };
  const result = await graphql({ schema, source: operation.query, variableValues: operation.variables, contextValue: createContext(config, sql) });
  if (result.errors?.length) {
    for (const error of result.errors) {
      const formatted = formatError({ message: error.message, extensions: error.extensions }, error);
      if (formatted.extensions?.code === 'INTERNAL_SERVER_ERROR') throw error.originalError ?? error;
      const original = error.originalError;
      output.stderr.write(`error: ${cliMessage(formatted.message, original instanceof ApiError ? original.argument : undefined)}\n`);
    }
    return 2;
  }
  const answer = (result.data as Record<string, unknown>)[exp.field];
  if (format === 'json') output.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else if (format === 'csv') output.stdout.write(tableCsv(exp.table(answer)));
  else output.stdout.write(`${pad(exp.table(answer))}\n`);
  return 0;
}

/** `deskmetrics forecast` and `deskmetrics staffing-plan`: opens the configured database and prints the export. */
export async function runExportCommand(
  config: Config,
  exp: ForecastExport,
  parameters: ParameterValues,
  format: ExportFormat,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let db: Database;
  try {
    db = await openMigratedDatabase(config, { command: exp.name, onWait: (message) => output.stderr.write(`${message}\n`) });
  } catch (err) {
    if (err instanceof DataFolderInUseError && err.holder.server) {
      // Only one process may open the embedded folder; the server answers the same export over HTTP.
      output.stderr.write(
        `error: ${err.dataDir} is held by the deskmetrics server at ${err.holder.server.url}; ask it instead: ` +
          `GET ${new URL(exportPath(exp), err.holder.server.url).href}?… with an API key (docs/forecasts.md), or stop the server\n`,
      );
      return 2;
    }
    output.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  try {
    return await exportFromDatabase(db.dataSource, config, exp, parameters, format, output);
  } finally {
    await db.close();
  }
}
