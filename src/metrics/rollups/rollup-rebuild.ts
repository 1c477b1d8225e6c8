import { availableParallelism } from 'node:os';
import type { DataSource, QueryRunner } from 'typeorm';
import { inOwnTransaction, inTransaction } from '../../db/own-transaction';
import {
  CLEAR_FULL_REBUILD_SQL,
  FULL_REBUILD_PENDING_SQL,
  FULL_REBUILD_VERSION_SQL,
  LOCK_PARALLEL_REBUILD_SQL,
  REFRESH_ROLLUPS_SQL,
  TRY_LOCK_PARALLEL_REBUILD_SQL,
  UNLOCK_PARALLEL_REBUILD_SQL,
} from './rollup-refresh';
import { ROLLUP_TABLES } from './rollup-tables';

/** Begins a transaction without the API's statement timeout: a rebuild reads every row, and may wait for another. */
async function startRebuildTransaction(runner: QueryRunner): Promise<void> {
  await runner.startTransaction();
  await runner.query('SET LOCAL statement_timeout = 0');
}

/** Runs `work` in a transaction of its own without the API's statement timeout, and commits. */
const inRebuildTransaction = (dataSource: DataSource, work: (runner: QueryRunner) => Promise<unknown>): Promise<void> =>
  inOwnTransaction(dataSource, startRebuildTransaction, work);

/** Whether every rollup is marked for a rebuild (by a bulk load whose rebuild was deferred). */
export async function fullRebuildPending(db: { query: (sql: string) => Promise<{ pending: boolean }[]> }): Promise<boolean> {
  const [{ pending }] = await db.query(FULL_REBUILD_PENDING_SQL);
  return pending === true;
}

/** Applies the rollup marks committed by runs with deferFullRollupRebuild (nothing to do when there are none). */
export const refreshRollups = (dataSource: DataSource) => inRebuildTransaction(dataSource, (runner) => runner.query(REFRESH_ROLLUPS_SQL));

// The parts of a rebuild that can run at once: one per event of each rollup.
const EVENT_PARTS = ROLLUP_TABLES.reduce((n, t) => n + t.events.length, 0);

export interface RebuildOptions {
  /**
   * How many connections at once (default: one per core, up to the number of parts that can run at once, and leaving
   * one of the pool's connections to coordinate them).
   */
  connections?: number;
  /** Told after each part of a rebuild on several connections commits (a sync's kill tests stop there). */
  onPartDone?: () => unknown;
  /**
   * When another process is rebuilding: wait for it, then rebuild what it left (the default), or return at once and
   * leave the marks to it (a process starting, which should not wait minutes for another's load).
   */
  waitForOthers?: boolean;
  /** Once aborted, no further part of a rebuild in parts starts (a stopping server's builder). */
  signal?: AbortSignal;
}

/**
 * Rebuilds every rollup when a committed bulk load or a definition change (at start: openMigratedDatabase) left them
 * marked for it, on up to `connections` at once, then
 * withdraws the mark and applies any other marks. Metrics read the raw tables until then (ROLLUPS_CURRENT_SQL). Each
 * rollup's rebuild is in parts, each a transaction of its own (rebuild_rollup_part): clear, one part per event (the
 * ticket rollup's three are most of the work, and independent), finish; so the connections share the largest rollup
 * instead of one of them building it alone. On one connection (the embedded database, or one core) this is
 * refreshRollups: one transaction.
 */
export async function rebuildPendingRollups(dataSource: DataSource, options: RebuildOptions = {}): Promise<boolean> {
  const pool = Number((dataSource.options as { extra?: { max?: number } }).extra?.max ?? Infinity);
  const { connections = Math.min(EVENT_PARTS, availableParallelism(), pool - 1), onPartDone, waitForOthers = true, signal } = options;
  const [{ version }] = await dataSource.query('SELECT version() AS version');
  if (connections < 2 || /PGlite/i.test(version)) {
    await refreshRollups(dataSource);
    return true;
  }
  const coordinator = dataSource.createQueryRunner();
  try {
    // Another rebuild in progress finishes first; its mark is then gone (or set again, with a new version).
    if (!(await lockRebuild(coordinator, waitForOthers))) return false;
    try {
      const [mark] = await coordinator.query(FULL_REBUILD_VERSION_SQL);
      if (mark) await rebuildInParts(dataSource, connections, String(mark.version), { onPartDone, signal });
      await inRebuildTransaction(dataSource, async (runner) => {
        if (mark) await runner.query(CLEAR_FULL_REBUILD_SQL, [mark.version]);
        await runner.query(REFRESH_ROLLUPS_SQL);
        if (mark) await runner.query('UPDATE rollup_state SET refreshed_at = now()');
      });
      return true;
    } finally {
      await coordinator.query(UNLOCK_PARALLEL_REBUILD_SQL);
    }
  } finally {
    await coordinator.release();
  }
}

/**
 * Takes the rebuild lock (a session lock, held across the parts' transactions): waiting for another process's rebuild
 * however long it runs (not bound by the API's statement timeout), or only if it is free.
 */
async function lockRebuild(coordinator: QueryRunner, wait: boolean): Promise<boolean> {
  if (!wait) return (await coordinator.query(TRY_LOCK_PARALLEL_REBUILD_SQL))[0].locked === true;
  await inTransaction(coordinator, startRebuildTransaction, (runner) => runner.query(LOCK_PARALLEL_REBUILD_SQL));
  return true;
}

/**
 * The parts of every rollup's rebuild on `connections` connections: each rollup's clear, its events, then its finish.
 * Once a part fails (or `signal` aborts) no other starts: the rebuild has failed, and its mark stays for the next one.
 */
async function rebuildInParts(
  dataSource: DataSource,
  connections: number,
  markVersion: string,
  { onPartDone, signal }: Pick<RebuildOptions, 'onPartDone' | 'signal'>,
): Promise<void> {
  const part = (table: string, name: string) => async () => {
    signal?.throwIfAborted();
    await inRebuildTransaction(dataSource, (runner) => runner.query('SELECT rebuild_rollup_part($1, $2, $3)', [table, name, markVersion]));
    await onPartDone?.();
  };
  // Clearing is quick (the tables of a first load are empty) and drops the indexes every later part would maintain.
  for (const t of ROLLUP_TABLES) await part(t.name, 'clear')();
  const left = new Map(ROLLUP_TABLES.map((t) => [t.name, t.events.length]));
  // In the order of ROLLUP_TABLES: on two cores any order ends near half the parts' total time (docs/performance.md).
  const queue: (() => Promise<void>)[] = ROLLUP_TABLES.flatMap((t) =>
    t.events.map((event) => async () => {
      await part(t.name, event)();
      left.set(t.name, left.get(t.name)! - 1);
      // The rollup's indexes are built as soon as its last event is in, while other parts still run.
      if (left.get(t.name) === 0) queue.unshift(part(t.name, 'finish'));
    }),
  );
  // A connection with nothing queued waits while others run: a finishing part may yet be queued.
  let running = 0;
  let failed = false;
  const idle: (() => void)[] = [];
  const worker = async () => {
    for (;;) {
      if (failed) return;
      const next = queue.shift();
      if (!next) {
        if (running === 0) return;
        await new Promise<void>((wake) => idle.push(wake));
        continue;
      }
      running++;
      try {
        await next();
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        running--;
        for (const wake of idle.splice(0)) wake();
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
}
