import 'reflect-metadata';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchemaSync } from 'type-graphql';
import { projectRoot } from '../config/project-root';
import { metricResolvers } from '../metrics/metric-resolvers';
import { HealthResolver } from './health-resolver';

/** Where the generated SDL is committed: the contract with clients. */
export const SCHEMA_FILE = join(projectRoot(), 'schema', 'schema.graphql');

let cached: GraphQLSchema | undefined;

/** The GraphQL schema, built once from the resolvers (most of them generated from the metric registry). */
export function buildApiSchema(): GraphQLSchema {
  cached ??= buildSchemaSync({
    resolvers: [HealthResolver, ...metricResolvers()] as [Function, ...Function[]],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
  });
  return cached;
}

/** The schema as sorted SDL, so the committed file changes only when the schema does. */
export function printApiSchema(): string {
  return `# Generated from the resolvers and the metric registry by \`npm run schema\`. Do not edit.\n\n${printSchema(lexicographicSortSchema(buildApiSchema()))}\n`;
}

/** Writes schema/schema.graphql; returns whether it changed. */
export function emitSchemaFile(path = SCHEMA_FILE): boolean {
  const sdl = printApiSchema();
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (before === sdl) return false;
  writeFileSync(path, sdl);
  return true;
}
