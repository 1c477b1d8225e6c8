import { DateTimeResolver } from 'graphql-scalars';
import { Authorized, Ctx, Field, Float, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { fixedCost } from '../metrics/query-cost';

@ObjectType({ description: 'Where one stream of a help-desk sync (deskmetrics sync, docs/zendesk.md) stands.' })
export class SyncStreamStatus {
  @Field(() => String, { description: 'The help desk, e.g. zendesk.' })
  source: string;

  @Field(() => String, { description: 'The stream, e.g. tickets, ticket_events.' })
  stream: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When a run last read this stream to its end; null before the first.' })
  lastSuccessAt: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the last page of this stream was committed.' })
  lastPageAt: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: "The source's time the stream has reached: changes up to it are in the database." })
  cursorTime: Date | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Seconds from cursorTime to now: how far the database lags behind the help desk for this stream.',
  })
  lagSeconds: number | null;

  @Field(() => Float, { description: 'Pages committed since the first sync.' })
  pages: number;

  @Field(() => Float, { description: 'Records written since the first sync (a record read again counts again).' })
  records: number;

  @Field(() => String, { nullable: true, description: 'Why the last run stopped on this stream; cleared when a run reads it to its end.' })
  lastError: string | null;

  @Field(() => DateTimeResolver, { nullable: true })
  lastErrorAt: Date | null;
}

type Row = {
  source: string;
  stream: string;
  last_success_at: Date | null;
  last_page_at: Date | null;
  cursor_time: Date | null;
  lag_seconds: number | string | null;
  pages: string | number;
  records: string | number;
  last_error: string | null;
  last_error_at: Date | null;
};

const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/** The admin's view of the sync cursors (issue #20 item 3). */
@Resolver()
export class SyncStatusResolver {
  @Authorized('admin')
  @Query(() => [SyncStreamStatus], {
    description: 'Every stream of every help-desk sync: last success, cursor time, lag, last error.',
    complexity: fixedCost(2),
  })
  async syncStatus(@Ctx() ctx: ApiContext): Promise<SyncStreamStatus[]> {
    const rows = await ctx.sql.query<Row>(
      `SELECT source, stream, last_success_at, last_page_at, cursor_time, extract(epoch FROM now() - cursor_time) AS lag_seconds,
         pages, records, last_error, last_error_at
       FROM sync_cursors ORDER BY source, stream`,
      [],
    );
    return rows.map((r) => ({
      source: r.source,
      stream: r.stream,
      lastSuccessAt: date(r.last_success_at),
      lastPageAt: date(r.last_page_at),
      cursorTime: date(r.cursor_time),
      lagSeconds: r.lag_seconds === null ? null : Number(r.lag_seconds),
      pages: Number(r.pages),
      records: Number(r.records),
      lastError: r.last_error,
      lastErrorAt: date(r.last_error_at),
    }));
  }
}
