/** Runs one parameterised statement; the per-request seam through which every query goes (and is counted in tests). */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
  /** Runs several statements in one transaction: all take effect or none. */
  transaction<T>(work: (tx: Pick<SqlExecutor, 'query'>) => Promise<T>): Promise<T>;
}
