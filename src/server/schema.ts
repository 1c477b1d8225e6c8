import 'reflect-metadata';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { withConfigTable } from '../config/config-doc';
import { projectRoot } from '../config/project-root';
import { CatalogueResolver } from '../metrics/catalogue-resolver';
import { metricResolvers } from '../metrics/metric-resolvers';
import { renderMetricsDoc } from '../metrics/metrics-doc';
import { withRollupsTables } from '../metrics/rollups/rollups-doc';
import { TargetResolver } from '../metrics/targets/target-resolver';
import { CalendarResolver } from '../metrics/business-hours/calendar-resolver';
import { ForecastEventResolver } from '../planning/forecast-events';
import { ForecastResolver } from '../planning/forecast-resolver';
import { StaffingResolver } from '../planning/staffing-resolver';
import { HealthResolver } from './health-resolver';
import { DataStatusResolver } from '../metrics/data-status-resolver';
import { authChecker } from '../auth/auth-checker';
import { AuditResolver } from '../auth/audit-resolver';
import { KeyResolver } from '../auth/key-resolver';
import { SyncStatusResolver } from '../sync/sync-status-resolver';

/** Where the generated SDL is committed: the contract with clients. */
export const SCHEMA_FILE = join(projectRoot(), 'schema', 'schema.graphql');

let cached: GraphQLSchema | undefined;

/** The GraphQL schema, built once from the resolvers (most of them generated from the metric registry). */
export function buildApiSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: [
      HealthResolver,
      DataStatusResolver,
      CatalogueResolver,
      TargetResolver,
      CalendarResolver,
      ForecastResolver,
      ForecastEventResolver,
      StaffingResolver,
      KeyResolver,
      AuditResolver,
      SyncStatusResolver,
      ...metricResolvers(),
    ] as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    // @Authorized(roles) fields: the caller's role must be listed (mutations and key/audit queries are admin-only).
    authChecker,
    validate: false,
  });
  return cached;
}

/** The schema as sorted SDL, so the committed file changes only when the schema does. */
export function printApiSchema(): string {
  return `# Generated from the resolvers and the metric registry by \`npm run schema\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(buildApiSchema()))}\n`;
}

/** Where the metric reference generated from the registry is committed. */
export const METRICS_DOC_FILE = join(projectRoot(), 'docs', 'metrics.md');

function writeIfChanged(path: string, content: string): boolean {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (before === content) return false;
  writeFileSync(path, content);
  return true;
}

/** The README, whose configuration table is generated from the typed configuration. */
export const CONFIG_DOC_FILE = join(projectRoot(), 'docs', 'configuration.md');

/** docs/rollups.md, whose tables of rollups, measure columns and raw-only metrics are generated from the registry. */
export const ROLLUPS_DOC_FILE = join(projectRoot(), 'docs', 'rollups.md');

/** Writes the generated files (schema/schema.graphql, docs/metrics.md, the tables of docs/configuration.md and docs/rollups.md); returns the paths that changed. */
export function emitGeneratedFiles(): string[] {
  const changed: string[] = [];
  if (writeIfChanged(SCHEMA_FILE, printApiSchema())) changed.push(SCHEMA_FILE);
  if (writeIfChanged(METRICS_DOC_FILE, renderMetricsDoc())) changed.push(METRICS_DOC_FILE);
  if (writeIfChanged(CONFIG_DOC_FILE, withConfigTable(readFileSync(CONFIG_DOC_FILE, 'utf8')))) changed.push(CONFIG_DOC_FILE);
  if (writeIfChanged(ROLLUPS_DOC_FILE, withRollupsTables(readFileSync(ROLLUPS_DOC_FILE, 'utf8')))) changed.push(ROLLUPS_DOC_FILE);
  return changed;
}
