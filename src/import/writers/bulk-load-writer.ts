import { SqlState, sqlState } from '../../db/sql-state';
import { ENABLED_MARKING_TRIGGERS_SQL, REBUILD_ALL_ROLLUPS_SQL } from '../../metrics/rollups/rollup-refresh';
import type { FileSpec } from '../file-specs';
import {
  copyStageSql,
  DROPPABLE_DEFINITIONS_SQL,
  dropSql,
  restoreSql,
  settleRejectionsSql,
  STAGED_PROBLEMS_TABLE,
  stageTableName,
  wholeFileFastInsertSql,
  wholeFileInsertSql,
  type DroppedDefinitions,
} from '../upsert-statements';
import { refusedBatch, type Batch, type DatabaseProblem, type FileTarget, type FileWriter, type WriteSession } from './file-writer';
import { StagingSpool } from './staging-spool';

// Staged problems read back per query, in line order (memory stays flat however many records are rejected).
const STAGED_PROBLEMS_PAGE = 5000;

/**
 * What the bulk loads of one run took away, to put back before commit: the definitions dropped from their tables
 * (indexes, foreign keys) and the rollup-marking triggers suspended.
 */
export class BulkLoads {
  private readonly dropped: DroppedDefinitions[] = [];
  private readonly suspendedTriggers: { table: string; name: string }[] = [];
  /** Every rollup is marked for a rebuild at the next refresh. */
  rebuildsAllRollups = false;

  constructor(private readonly session: WriteSession) {}

  /** The definitions dropped from a table, while its bulk load is in progress. */
  droppedFrom(table: string): DroppedDefinitions | undefined {
    return this.dropped.find((d) => d.table === table);
  }

  /**
   * Makes a table ready for a bulk load: its plain indexes and foreign keys are dropped, to be rebuilt once before
   * commit (the load checks every reference itself), and its rollup-marking triggers suspended.
   */
  async take(table: string): Promise<void> {
    const { runner } = this.session;
    const rows: { kind: string; name: string; definition: string }[] = await runner.query(DROPPABLE_DEFINITIONS_SQL, [table]);
    const of = (kind: string) => rows.filter((r) => r.kind === kind).map(({ name, definition }) => ({ name, definition }));
    const dropped: DroppedDefinitions = {
      table,
      uniqueIndexes: of('unique'),
      indexes: of('index'),
      foreignKeys: of('fk'),
      primaryKeys: of('primary'),
    };
    for (const ddl of dropSql(dropped)) await runner.query(ddl);
    this.dropped.push(dropped);
    await this.suspendRollupMarking(table);
  }

  /**
   * A bulk load rebuilds every rollup before commit instead of marking the hours and tickets of each batch (work that
   * would only say "everything"): the table's marking triggers are off until restore (also used for tickets while
   * first responses are derived after a bulk load). The table is locked by the
   * dropped indexes already, and the change, like the rest of the run, is seen by no one before commit.
   */
  async suspendRollupMarking(table: string): Promise<void> {
    const { runner } = this.session;
    const triggers: { name: string }[] = await runner.query(ENABLED_MARKING_TRIGGERS_SQL, [table]);
    if (!triggers.length) return;
    await runner.query(REBUILD_ALL_ROLLUPS_SQL);
    this.rebuildsAllRollups = true;
    for (const { name } of triggers) {
      await runner.query(`ALTER TABLE "${table}" DISABLE TRIGGER "${name}"`);
      this.suspendedTriggers.push({ table, name });
    }
  }

  /**
   * Builds the unique indexes dropped from a table (later files look rows up by them); false, leaving the transaction
   * aborted for the caller's savepoint to undo, when `duplicatesPossible` and the rows break one of them (a duplicate id).
   */
  async buildUniqueIndexes(table: string, duplicatesPossible: boolean): Promise<boolean> {
    const dropped = this.droppedFrom(table);
    if (!dropped?.uniqueIndexes.length) return true;
    try {
      await this.session.withMaintenanceMemory(async () => {
        for (const index of dropped.uniqueIndexes) await this.session.runner.query(index.definition);
      });
    } catch (err) {
      if (duplicatesPossible && sqlState(err) === SqlState.UNIQUE_VIOLATION) return false;
      throw err;
    }
    dropped.uniqueIndexes.splice(0);
    return true;
  }

  /** Enables the suspended triggers and rebuilds what was dropped; returns the tables bulk-loaded. */
  async restore(): Promise<string[]> {
    const { runner } = this.session;
    for (const { table, name } of this.suspendedTriggers.splice(0)) await runner.query(`ALTER TABLE "${table}" ENABLE TRIGGER "${name}"`);
    const tables: string[] = [];
    if (this.dropped.length) {
      await this.session.withMaintenanceMemory(async () => {
        for (const dropped of this.dropped.splice(0)) {
          for (const ddl of restoreSql(dropped)) await runner.query(ddl);
          tables.push(dropped.table);
        }
      });
    }
    return tables;
  }
}

/** The run's connection is busy with the file before this one until `until` settles (see BulkLoadWriter.start). */
export interface BusyConnection {
  until: Promise<void>;
}

/**
 * A bulk load: a file going into an empty table, its definitions dropped (BulkLoads). Every batch is staged; at the
 * end one statement checks and inserts the whole file, and the table's unique indexes are rebuilt.
 */
export class BulkLoadWriter implements FileWriter {
  private staged = 0;
  readonly settleRejectionsSql: string;
  /** Batches read while the connection was busy with the file before, not yet in the staging table. */
  private spool: StagingSpool | undefined;
  /** The spool's appends, in order. */
  private appends: Promise<void> = Promise.resolve();
  /** The spool's trip to the staging table (with the table's take), queued once the connection is free. */
  private drained: Promise<void> | undefined;
  private busy: 'busy' | 'free' | 'failed' = 'free';

  private constructor(
    private readonly session: WriteSession,
    private readonly loads: BulkLoads,
    private readonly file: FileTarget,
    private readonly busyWith?: BusyConnection,
  ) {
    this.settleRejectionsSql = settleRejectionsSql(file.spec, true);
  }

  /**
   * Starts the bulk load of a file into its (empty) table. With `busyWith` (on PostgreSQL, while the connection still
   * loads the file before), batches go to a StagingSpool until the connection is free: the table is taken and the spool
   * staged then, before any later batch.
   */
  static async start(session: WriteSession, loads: BulkLoads, file: FileTarget, busyWith?: BusyConnection): Promise<BulkLoadWriter> {
    if (file.spec.file === 'tickets' || file.spec.file === 'messages') session.deriveAll = true;
    if (!busyWith || !session.copies) {
      await loads.take(file.spec.table);
      return new BulkLoadWriter(session, loads, file);
    }
    const writer = new BulkLoadWriter(session, loads, file, busyWith);
    writer.spool = await StagingSpool.open();
    writer.busy = 'busy';
    busyWith.until.then(
      () => (writer.busy = 'free'),
      () => (writer.busy = 'failed'),
    );
    return writer;
  }

  /** Adds one batch to the staging table, as soon as the database is done with the batch before (or to the spool). */
  async write(batch: Batch, before: Promise<void> | undefined): Promise<void> {
    // The file before failed: the run is over, and nothing more is sent.
    if (this.busy === 'failed') throw new Error(`${this.file.name}: not loaded, as the file before it failed`);
    const firstSeq = this.staged + 1;
    this.staged += batch.rows.length;
    if (this.spool && this.busy === 'busy') {
      const spool = this.spool;
      const data = this.session.copyText(batch.rows, batch.records, firstSeq);
      const appended = (this.appends = this.appends.then(() => spool.append(data)));
      if (before) await before;
      await appended;
      return;
    }
    this.stageSpool();
    const written = this.session.queue(this.session.stagingFill(this.file.spec, batch.rows, batch.records, firstSeq));
    if (before) await before;
    try {
      await written;
    } catch (err) {
      throw refusedBatch(this.file.name, batch.records, err);
    }
  }

  /** Queues, once, the table's take and the spool's trip to staging, ahead of any batch sent after it. */
  private stageSpool(): void {
    const spool = this.spool;
    if (!spool || this.drained) return;
    const { spec, name } = this.file;
    this.drained = this.session.queue(async () => {
      await this.appends;
      await this.loads.take(spec.table);
      try {
        await spool.copyInto(this.session.client, copyStageSql(spec));
      } catch (err) {
        throw new Error(`${name}: the database refused the lines read while the file before loaded: ${(err as Error).message}`, { cause: err });
      }
      this.spool = undefined;
    });
    this.drained.catch(() => undefined);
  }

  /** Removes the spool of a run that stopped before sending it. */
  async discard(): Promise<void> {
    await this.appends.catch(() => undefined);
    await this.spool?.discard();
  }

  /** Loads the staged file, then rebuilds the table's unique indexes (unless loading did) and its statistics. */
  async finish(): Promise<void> {
    const { spec } = this.file;
    if (this.busyWith) {
      await this.busyWith.until;
      this.stageSpool();
      await this.drained;
    }
    if (this.staged > 0) await this.loadStaged(spec);
    await this.loads.buildUniqueIndexes(spec.table, false);
    // Statistics for the lookups of the files that follow.
    await this.session.runner.query(`ANALYZE "${spec.table}"`);
  }

  /**
   * Checks and inserts the staged file, then books the records it rejected. The fast statement is tried first, in a
   * savepoint: it is kept when it inserted every record and the table's unique indexes (which catch duplicate ids) then
   * build. Otherwise it is undone and the checking statement names every problem.
   */
  private async loadStaged(spec: FileSpec): Promise<void> {
    const { runner, client, rejectedParents } = this.session;
    const stage = stageTableName(spec);
    const refused = (err: unknown) =>
      new Error(`${this.file.name}: the database refused the file's records: ${(err as Error).message}`, { cause: err });
    // Temporary tables have no statistics until analysed; the plans of the statements depend on the staged row count.
    await runner.query(`ANALYZE ${stage}`);
    // Sequences ignore rollbacks: the id sequence is put back too if the fast statement is undone, so that ids follow the
    // lines as they would had it never run (the table is this run's alone: the bulk load holds it locked).
    const [{ sequence }] = await runner.query(`SELECT pg_get_serial_sequence($1, 'id') AS sequence`, [`"${spec.table}"`]);
    const [position] = await runner.query(
      `SELECT s.last_value, s.is_called, CASE WHEN s.is_called THEN s.last_value + p.seqincrement ELSE s.last_value END AS next,
              p.seqincrement AS increment
         FROM ${sequence} s, pg_sequence p WHERE p.seqrelid = $1::regclass`,
      [sequence],
    );
    await runner.query('SAVEPOINT whole_file');
    let fast: number;
    try {
      fast = (await client.query(wholeFileFastInsertSql(spec, rejectedParents), [position.next, position.increment])).rowCount ?? 0;
    } catch (err) {
      throw refused(err);
    }
    if (fast === this.staged && (await this.loads.buildUniqueIndexes(spec.table, true))) {
      // The ids given are the sequence's next `fast` values.
      await runner.query(`SELECT setval($1::regclass, $2::int8 + ($3::int8 - 1) * $4::int8, true)`, [
        sequence,
        position.next,
        fast,
        position.increment,
      ]);
      await runner.query('RELEASE SAVEPOINT whole_file');
      this.file.counts.inserted += fast;
      await runner.query(`TRUNCATE ${stage}`);
      return;
    }
    await runner.query('ROLLBACK TO SAVEPOINT whole_file');
    await runner.query('RELEASE SAVEPOINT whole_file');
    await runner.query(`SELECT setval($1::regclass, $2, $3)`, [sequence, position.last_value, position.is_called]);

    await runner.query(`TRUNCATE ${STAGED_PROBLEMS_TABLE}`);
    let inserted: string;
    try {
      [{ inserted }] = await runner.query(wholeFileInsertSql(spec, rejectedParents));
    } catch (err) {
      throw refused(err);
    }
    this.file.counts.inserted += Number(inserted);
    await runner.query(`TRUNCATE ${stage}`);
    await this.rejectStagedProblems();
  }

  /**
   * Books the problems of the checking statement, in line order, with their records: read again from the source (the
   * file's records were not kept), and only when there are problems.
   */
  private async rejectStagedProblems(): Promise<void> {
    const { spec, name, validator, reject } = this.file;
    let page = await this.stagedProblems(0);
    if (!page.length) return;
    const records = this.session.source.records(spec.file)[Symbol.asyncIterator]();
    try {
      while (page.length) {
        for (const p of page) {
          let next = await records.next();
          while (!next.done && next.value.line < p.line) next = await records.next();
          if (next.done || next.value.line !== p.line) throw new Error(`${name} changed while it was imported: line ${p.line} is no longer there`);
          const result = validator.validate(next.value);
          if (!result.ok) throw new Error(`${name} changed while it was imported: line ${p.line} is no longer valid`);
          await reject(next.value, [this.session.describeDatabaseProblem(spec, result.row, p)], result.row.key);
        }
        page = await this.stagedProblems(page[page.length - 1].line);
      }
    } finally {
      await records.return?.();
    }
  }

  /** The next page of the checking statement's problems, after a line. */
  private stagedProblems(afterLine: number): Promise<DatabaseProblem[]> {
    return this.session.runner.query(
      `SELECT line, problem, detail FROM ${STAGED_PROBLEMS_TABLE} WHERE line > $1 ORDER BY line LIMIT ${STAGED_PROBLEMS_PAGE}`,
      [afterLine],
    );
  }
}
