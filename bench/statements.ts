/**
 * Which SQL statement is the slowest: the statements the API issues for the dashboard are captured by running the
 * operation in-process through the real schema, resolvers and DataLoaders with a recording SqlExecutor; each distinct
 * statement (and each hand-written one) is then timed on its own, one after another, and the slowest is explained.
 */
import 'reflect-metadata';
import { graphql } from 'graphql';
import type { Pool } from 'pg';
import { createContext } from '../src/server/request-context';
import type { Caller } from '../src/auth/caller';
import type { Config } from '../src/config/config';
import type { SqlExecutor } from '../src/db/sql-executor';
import { buildApiSchema } from '../src/server/schema';
import { percentile } from './measure';

export interface CapturedStatement {
  /** Where it comes from: "api" or the hand-written variant's statement name. */
  label: string;
  sql: string;
  params: unknown[];
}

export interface TimedStatement extends CapturedStatement {
  /** Median of the serial runs, ms. */
  ms: number;
  runs: number;
}

const BENCH_CALLER: Caller = { role: 'analyst', scope: null, keyId: null, name: 'bench' };

/** Runs a GraphQL operation in-process as an analyst; resolves to the statements its resolvers issued, in order. */
export async function captureApiStatements(
  pool: Pool,
  config: Config,
  document: string,
  variables: Record<string, unknown>,
): Promise<{ statements: CapturedStatement[]; ms: number }> {
  const statements: CapturedStatement[] = [];
  const executor: SqlExecutor = {
    async query<T>(sql: string, params: unknown[]) {
      statements.push({ label: 'api', sql, params });
      return (await pool.query(sql, params)).rows as T[];
    },
    transaction() {
      throw new Error('the dashboard does not write');
    },
  };
  const started = performance.now();
  const result = await graphql({
    schema: buildApiSchema(),
    source: document,
    variableValues: variables,
    contextValue: createContext(config, executor, BENCH_CALLER),
  });
  const ms = performance.now() - started;
  if (result.errors?.length) throw new Error(`in-process dashboard failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return { statements, ms };
}

/** Times each statement alone (`runs` times, one after another, after one untimed run); slowest first. */
export async function timeStatements(pool: Pool, statements: readonly CapturedStatement[], runs: number): Promise<TimedStatement[]> {
  const out: TimedStatement[] = [];
  for (const s of statements) {
    await pool.query(s.sql, s.params);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      await pool.query(s.sql, s.params);
      ms.push(performance.now() - started);
    }
    out.push({ ...s, ms: percentile(ms, 50), runs });
  }
  return out.sort((a, b) => b.ms - a.ms);
}

/** EXPLAIN (ANALYZE, BUFFERS) of a statement with its parameters, as text. */
export async function explain(pool: Pool, statement: CapturedStatement): Promise<string> {
  const res = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
  return res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
}

/** A statement's first line, shortened, to name it in the table. */
export function statementHeadline(sql: string, length = 110): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
