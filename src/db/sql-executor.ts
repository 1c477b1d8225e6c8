/** How a statement may be run. */
export interface StatementOptions {
  /**
   * Its plan fits any of its parameters, so it may run as a named statement whose plan the database keeps between
   * executions (a request's reads on PostgreSQL: PreparedStatements); otherwise it is planned at each execution.
   */
  reusePlan?: boolean;
}

/** Runs one parameterised statement; the per-request seam through which every query goes (and is counted in tests). */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params: unknown[], options?: StatementOptions): Promise<T[]>;
  /** Runs several statements in one transaction: all take effect or none. */
  transaction<T>(work: (tx: Pick<SqlExecutor, 'query'>) => Promise<T>): Promise<T>;
}
