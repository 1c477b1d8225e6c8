import { createHash } from 'node:crypto';
import type { PoolClient, QueryConfig } from 'pg';
import { SqlState, sqlState } from './sql-state';

/**
 * A request's rollup reads as named (prepared) statements of their connection. Dashboards send the same statement
 * texts again and again with new parameters; sent unnamed, each is parsed, analysed and planned at every execution,
 * which for the percentile statements (CTEs of a few hundred lines) is a share of their time. Named, a connection
 * parses a text once, and after five executions PostgreSQL keeps a generic plan when its estimated cost is no more than
 * the custom plans'. Only statements marked reusePlan (StatementOptions) are named: a generic plan of a raw-table read,
 * estimated without its period, could serve a long period badly.
 *
 * A connection keeps at most `perConnection` of them, which bounds what the database holds for it: one that has
 * prepared that many is closed when its request hands it back (the pool opens another when needed), so the client
 * never has to DEALLOCATE behind pg's back (pg remembers which names a connection has parsed).
 *
 * Only for connections of their own backend: the embedded database serves every connection from one session, whose
 * prepared statements would outlive a closed connection and clash with the next one's.
 */
export class PreparedStatements {
  private readonly prepared = new WeakMap<PoolClient, Set<string>>();

  constructor(private readonly perConnection: number) {
    if (!Number.isInteger(perConnection) || perConnection < 1) throw new Error(`perConnection must be a positive integer (got ${perConnection})`);
  }

  /** The statement as pg sends it on `client`: named by its text, so a text is parsed once per connection. */
  statement(client: PoolClient, text: string, values: unknown[]): QueryConfig {
    const name = statementName(text);
    let names = this.prepared.get(client);
    if (!names) this.prepared.set(client, (names = new Set()));
    names.add(name);
    return { name, text, values };
  }

  /** Whether `client` has prepared as many statements as it may keep: it is closed instead of reused. */
  isFull(client: PoolClient): boolean {
    return (this.prepared.get(client)?.size ?? 0) >= this.perConnection;
  }
}

/** A statement's name: a digest of its text (the parameters are not part of it). */
export const statementName = (text: string) => `dm_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;

/**
 * Whether an error means the connection's prepared statements no longer fit the tables ("cached plan must not change
 * result type" after a table changed under a `SELECT *`): that connection is closed rather than reused.
 */
export const isStalePlanError = (err: unknown) =>
  sqlState(err) === SqlState.FEATURE_NOT_SUPPORTED && /cached plan/.test(String((err as Error).message));
