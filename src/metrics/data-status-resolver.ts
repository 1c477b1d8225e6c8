import { DateTimeResolver } from 'graphql-scalars';
import { Ctx, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { fixedCost } from './query-cost';
import { TICKETS } from './fact-sources';
import { filterConditions } from './metric-query';
import { ROLLUPS_CURRENT_SQL } from './rollups/rollup-refresh';
import { effectiveFilter } from './scope';
import { SqlParams } from './sql-params';

@ObjectType({ description: 'The latest event time of one kind of record.' })
export class FactFreshness {
  @Field(() => String, { description: 'tickets (created), messages (sent), surveys (responded), orders (ordered) or agentActivity (day).' })
  fact: string;

  @Field(() => DateTimeResolver, { nullable: true, description: 'The latest event time present; null when there is no such record.' })
  latest: Date | null;
}

@ObjectType({ description: 'How fresh the data behind the metrics is: what a dashboard shows as "data through …".' })
export class DataStatus {
  @Field(() => ID, { nullable: true, description: 'The last completed import run; null before the first import.' })
  importRun: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the last import completed.' })
  lastImportAt: Date | null;

  @Field(() => [FactFreshness], { description: "The latest event per kind of record (a partner key: its scope's tickets only)." })
  dataThrough: FactFreshness[];

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'When a help-desk sync (deskmetrics sync) last read a stream to its end; null without syncs. Synced pages are import runs too.',
  })
  lastSyncAt: Date | null;

  @Field(() => Boolean, {
    description:
      'False while committed rows wait for the rollups to be rebuilt (after a first import, until the server has built them; during a first sync backfill): metrics are then read from the raw tables, exact but slower.',
  })
  rollupsCurrent: boolean;
}

// One indexed max() per fact: cheap at any size.
const LATEST_SQL = `SELECT (SELECT max(created_at) FROM tickets) AS tickets, (SELECT max(sent_at) FROM messages) AS messages,
  (SELECT max(responded_at) FROM surveys) AS surveys, (SELECT max(ordered_at) FROM orders) AS orders,
  (SELECT max(date)::timestamptz FROM agent_activity) AS "agentActivity"`;

/** The dataStatus query. */
@Resolver()
export class DataStatusResolver {
  @Query(() => DataStatus, {
    description: 'The last import and the latest record of each kind: how current the metrics are.',
    complexity: fixedCost(5),
  })
  async dataStatus(@Ctx() ctx: ApiContext): Promise<DataStatus> {
    const scope = ctx.caller.scope;
    const params = new SqlParams();
    const latestSql = scope
      ? `SELECT max(f.created_at) AS tickets FROM ${TICKETS.from} WHERE ${filterConditions(TICKETS, effectiveFilter({}, scope), params).join(' AND ') || 'true'}`
      : LATEST_SQL;
    const [[run], [latest], [rollups], [sync]] = await Promise.all([
      ctx.sql.query<{ id: string; finished_at: Date }>('SELECT id, finished_at FROM import_runs ORDER BY id DESC LIMIT 1', []),
      ctx.sql.query<Record<string, Date | null>>(latestSql, params.values),
      ctx.sql.query<{ current: boolean }>(ROLLUPS_CURRENT_SQL, []),
      ctx.sql.query<{ at: Date | null }>('SELECT max(last_success_at) AS at FROM sync_cursors', []),
    ]);
    return {
      importRun: run ? String(run.id) : null,
      lastImportAt: run ? new Date(run.finished_at) : null,
      dataThrough: Object.entries(latest).map(([fact, at]) => ({ fact, latest: at === null ? null : new Date(at) })),
      lastSyncAt: sync.at === null ? null : new Date(sync.at),
      rollupsCurrent: rollups.current,
    };
  }
}
