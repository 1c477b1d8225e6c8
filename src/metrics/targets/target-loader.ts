import DataLoader from 'dataloader';
import type { SegmentFilter } from '../dimensions';
import type { SqlExecutor } from '../../db/sql-executor';
import { effectiveFilter, type Scope } from '../scope';

/** The canonical text of a normalised filter: the key a target is stored and looked up by. */
export function filterKey(filter: SegmentFilter): string {
  return JSON.stringify(filter);
}

/**
 * Loads targets by (metric, normalised filter) with one statement per request. A scoped caller's filter is first narrowed
 * to its scope, so a partner sees the target set for exactly its segment, never one set for all data or another segment.
 */
export function createTargetLoader(sql: SqlExecutor, scope: Scope = null) {
  const loader = new DataLoader<{ metric: string; filter: SegmentFilter }, number | null, string>(
    async (keys) => {
      const rows = await sql.query<{ metric: string; filter_key: string; target: number }>(
        `SELECT metric, filter_key, target FROM metric_targets WHERE metric = ANY($1::text[])`,
        [[...new Set(keys.map((k) => k.metric))]],
      );
      const byKey = new Map(rows.map((r) => [`${r.metric} ${r.filter_key}`, Number(r.target)]));
      return keys.map((k) => byKey.get(`${k.metric} ${filterKey(k.filter)}`) ?? null);
    },
    { cacheKeyFn: (k) => `${k.metric} ${filterKey(k.filter)}` },
  );
  return {
    load: (key: { metric: string; filter: SegmentFilter }) => loader.load({ metric: key.metric, filter: effectiveFilter(key.filter, scope) }),
  };
}
