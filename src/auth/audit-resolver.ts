import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';

@ObjectType({ description: 'One request made with an API key (partners by default; see AUDIT_LOG). No secrets are recorded.' })
class AuditEntryInfo {
  @Field(() => DateTimeResolver) at: Date;
  @Field(() => String) keyName: string;
  @Field(() => String) role: string;
  @Field(() => String, { nullable: true }) operationName: string | null;
  @Field(() => String, { description: 'SHA-256 of the query text, to group identical queries.' }) queryHash: string;
  @Field(() => String, { description: 'The query without comments and insignificant whitespace.' }) query: string;
  @Field(() => String, { nullable: true, description: 'The variables as JSON, secret-looking ones redacted.' }) variables: string | null;
  @Field(() => Int) durationMs: number;
  @Field(() => String, { description: 'ok, or error when the response carried errors.' }) status: string;
  @Field(() => [String], { description: 'extensions.code of each error returned.' }) errorCodes: string[];
  @Field(() => Int, { nullable: true, description: 'Estimated cost of the operation, when it got that far.' }) cost: number | null;
}

type Row = {
  at: Date;
  key_name: string;
  role: string;
  operation_name: string | null;
  query_hash: string;
  query: string;
  variables: unknown;
  duration_ms: number;
  status: string;
  error_codes: string[];
  cost: number | null;
};

/** The admin's view of the audit log. */
@Resolver()
export class AuditResolver {
  @Authorized('admin')
  @Query(() => [AuditEntryInfo], { description: 'Audited requests, newest first.' })
  async auditLog(
    @Ctx() ctx: ApiContext,
    @Arg('since', () => DateTimeResolver, { nullable: true, description: 'Only requests at or after this instant.' }) since?: Date | null,
    @Arg('keyName', () => String, { nullable: true, description: 'Only requests made with this key.' }) keyName?: string | null,
    @Arg('limit', () => Int, { defaultValue: 100 }) limit = 100,
  ): Promise<AuditEntryInfo[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > ctx.config.AUDIT_LOG_MAX_ROWS) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `limit: must be between 1 and ${ctx.config.AUDIT_LOG_MAX_ROWS} (AUDIT_LOG_MAX_ROWS)`, 'limit');
    }
    // Entries are written in batches; flushing first makes this server's own recent requests visible.
    await ctx.audit?.flush();
    const rows = await ctx.sql.query<Row>(
      `SELECT at, key_name, role, operation_name, query_hash, query, variables, duration_ms, status, error_codes, cost FROM audit_log
       WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::text IS NULL OR key_name = $2)
       ORDER BY at DESC, id DESC LIMIT $3`,
      [since ?? null, keyName ?? null, limit],
    );
    return rows.map((r) => ({
      at: new Date(r.at),
      keyName: r.key_name,
      role: r.role,
      operationName: r.operation_name,
      queryHash: r.query_hash,
      query: r.query,
      variables: r.variables === null || r.variables === undefined ? null : JSON.stringify(r.variables),
      durationMs: Number(r.duration_ms),
      status: r.status,
      errorCodes: r.error_codes,
      cost: r.cost === null ? null : Number(r.cost),
    }));
  }
}
