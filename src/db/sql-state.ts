/** SQLSTATE codes the application reacts to (PostgreSQL's errcodes). */
export const SqlState = {
  /** A unique index or constraint that the rows break. */
  UNIQUE_VIOLATION: '23505',
  /** query_canceled: what PostgreSQL reports when statement_timeout stops a statement. */
  QUERY_CANCELED: '57014',
  /** feature_not_supported: among others, "cached plan must not change result type" for a prepared statement. */
  FEATURE_NOT_SUPPORTED: '0A000',
} as const;

/** The SQLSTATE of a database error (pg's `code`; TypeORM keeps pg's error as `driverError`), if the error is one. */
export function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}
