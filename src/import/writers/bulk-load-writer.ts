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

// A chunk of a bulk load inserted while the file is read holds at least this many records (see bulkChunkRows).
const DEFAULT_CHUNK_ROWS = 200_000;
// Batches sent to the connection directly while fewer than this many of the writer's statements wait for it; beyond, the
// reader spools them to disk, so that it never waits for the database (a chunk's insert takes seconds).
const DIRECT_SENDS = 2;

/** The id sequence of a table as a bulk load found it. */
interface SequencePosition {
  sequence: string;
  lastValue: string;
  isCalled: boolean;
  /** The next value nextval would give, and the increment. */
  next: string;
  increment: string;
}

/**
 * A bulk load: a file going into an empty table, its definitions dropped (BulkLoads). Every batch is staged (COPY on
 * PostgreSQL). One fast statement inserts the staged records (wholeFileFastInsertSql) and the table's unique indexes
 * are rebuilt; should it leave out a record or an index not build (a problem in the file), everything it inserted is
 * undone and the checking statement names every problem.
 *
 * On PostgreSQL the records are inserted while the file is still read, a chunk at a time: each chunk is staged in a table of its own (the staging table is renamed once it holds the chunk) and
 * inserted from it, so that the database inserts one chunk while the reader checks the next. Batches read while the
 * connection is busy go to a StagingSpool on disk, sent once it is free: memory stays flat and the reader never waits.
 */
export class BulkLoadWriter implements FileWriter {
  /** Records handed to the writer; the next one's position (`seq`) is staged + 1. */
  private staged = 0;
  readonly settleRejectionsSql: string;
  /** Records per chunk inserted while the file is read; Infinity until known (or when the table is not chunked). */
  private chunkRows = Infinity;
  /** Records staged in the staging table proper (the chunk being filled). */
  private inStage = 0;
  /** Staging tables of the chunks already inserted (or, after a chunk fell short, left for the checking statement). */
  private readonly chunkTables: string[] = [];
  /** Records the fast statement inserted from those chunks. */
  private chunkInserted = 0;
  /** A chunk's fast insert left out records: the file takes the checking statement. */
  private fastFellShort = false;
  private position: SequencePosition | undefined;
  /** The spool taking batches now (while the connection is busy), if any. */
  private spool: StagingSpool | undefined;
  /** Every spool not yet sent or removed. */
  private readonly spools = new Set<StagingSpool>();
  /** Spool appends, in order. */
  private appends: Promise<void> = Promise.resolve();
  /** The writer's statements queued on the connection and not yet done. */
  private waiting = 0;
  /** The first failure of a queued statement: reported by the next write or by finish. */
  private failure: Error | undefined;
  /** The first spool's trip to the staging table (with the table's take), queued once the connection is free. */
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
      const writer = new BulkLoadWriter(session, loads, file);
      await writer.take();
      return writer;
    }
    const writer = new BulkLoadWriter(session, loads, file, busyWith);
    writer.spool = writer.newSpool();
    writer.busy = 'busy';
    busyWith.until.then(
      () => (writer.busy = 'free'),
      () => (writer.busy = 'failed'),
    );
    return writer;
  }

  /** Takes the table (BulkLoads.take) and, for a chunked load, sets the chunks' size. */
  private async take(): Promise<void> {
    const { spec } = this.file;
    await this.loads.take(spec.table);
    if (!this.session.copies) return;
    const referenced = [...new Set(spec.columns.flatMap((c) => (c.references ? [c.references] : [])))];
    const [{ rows }] = await this.session.runner.query(
      `SELECT coalesce(max(reltuples), 0)::float8 AS rows FROM pg_class WHERE oid = ANY($1::regclass[])`,
      [referenced.map((t) => `"${t}"`)],
    );
    this.chunkRows = this.session.bulkChunkRows ?? Math.max(DEFAULT_CHUNK_ROWS, 2 * Number(rows));
  }

  /** Adds one batch to the staging table: sent as soon as the connection is free, or spooled meanwhile. */
  async write(batch: Batch, before: Promise<void> | undefined): Promise<void> {
    // The file before failed: the run is over, and nothing more is sent.
    if (this.busy === 'failed') throw new Error(`${this.file.name}: not loaded, as the file before it failed`);
    if (this.failure) throw this.failure;
    const firstSeq = this.staged + 1;
    this.staged += batch.rows.length;
    this.inStage += batch.rows.length;
    if (!this.session.copies) {
      const written = this.session.queue(this.session.stagingFill(this.file.spec, batch.rows, batch.records, firstSeq));
      if (before) await before;
      try {
        await written;
      } catch (err) {
        throw refusedBatch(this.file.name, batch.records, err);
      }
      return;
    }
    if (this.busy === 'free') this.stageFirstSpool();
    // Up to the chunk's insert, nothing here waits: the order of the statements is the order of the batches.
    const data = this.session.copyText(batch.rows, batch.records, firstSeq);
    const { records } = batch;
    let appended: Promise<void> | undefined;
    if (this.spool || this.waiting >= DIRECT_SENDS) {
      const spool = this.spool ?? this.spoolWhileBusy();
      appended = this.appends = this.appends.then(() => spool.append(data));
    } else {
      this.enqueue(
        () => this.session.stagingCopy(this.file.spec, data),
        (err) => refusedBatch(this.file.name, records, err),
      );
    }
    if (this.inStage >= this.chunkRows && !this.fastFellShort) this.insertChunk();
    if (before) await before;
    // The disk keeps pace with the reader: memory holds a batch or two.
    if (appended) await appended;
  }

  /** Queues a statement of the writer on the connection; its failure is kept for the next write or the finish. */
  private enqueue(work: () => Promise<unknown>, describe: (err: unknown) => Error): void {
    this.waiting++;
    this.session
      .queue(async () => {
        try {
          if (!this.failure) await work();
        } finally {
          this.waiting--;
        }
      })
      .catch((err: unknown) => {
        this.failure ??= describe(err);
      });
  }

  private newSpool(): StagingSpool {
    const spool = new StagingSpool();
    this.spools.add(spool);
    return spool;
  }

  /** A spool for the batches written while the connection is busy, its trip to the staging table queued behind them. */
  private spoolWhileBusy(): StagingSpool {
    const spool = (this.spool = this.newSpool());
    this.enqueue(
      () => this.sendSpool(spool),
      (err) => this.refusedLines(err),
    );
    return spool;
  }

  /** Sends a spool's batches to the staging table; batches written from now on go elsewhere (after it). */
  private async sendSpool(spool: StagingSpool): Promise<void> {
    if (this.spool === spool) this.spool = undefined;
    await this.appends;
    await spool.copyInto(this.session.client, copyStageSql(this.file.spec));
    this.spools.delete(spool);
  }

  /** Queues, once, the table's take and the first spool's trip to staging, ahead of any batch sent after it. */
  private stageFirstSpool(): void {
    const spool = this.spool;
    if (!spool || !this.busyWith || this.drained) return;
    const { name } = this.file;
    this.drained = this.session.queue(async () => {
      await this.take();
      try {
        await this.sendSpool(spool);
      } catch (err) {
        throw new Error(`${name}: the database refused the lines read while the file before loaded: ${(err as Error).message}`, { cause: err });
      }
    });
    this.drained.catch(() => undefined);
  }

  /**
   * Queues the insert of the chunk staged so far: the staging table becomes the chunk's (renamed), a new one takes the
   * batches after it. Batches of the chunk still in a spool reach it first (the spool's trip is queued before).
   */
  private insertChunk(): void {
    const rows = this.inStage;
    this.inStage = 0;
    this.spool = undefined;
    const stage = stageTableName(this.file.spec);
    const chunk = `${stage}_${this.chunkTables.length + 1}`;
    this.chunkTables.push(chunk);
    this.enqueue(
      async () => {
        const { runner } = this.session;
        await runner.query(`ALTER TABLE ${stage} RENAME TO ${chunk}`);
        await runner.query(`CREATE TEMP TABLE ${stage} (LIKE ${chunk}) ON COMMIT DROP`);
        if (this.fastFellShort) return;
        const inserted = await this.insertFast(chunk);
        this.chunkInserted += inserted;
        if (inserted !== rows) this.fastFellShort = true;
      },
      (err) => this.refusedRecords(err),
    );
  }

  private refusedLines(err: unknown): Error {
    return new Error(`${this.file.name}: the database refused lines read while it was busy: ${(err as Error).message}`, { cause: err });
  }

  private refusedRecords(err: unknown): Error {
    return new Error(`${this.file.name}: the database refused the file's records: ${(err as Error).message}`, { cause: err });
  }

  /** Inserts the records staged in `from` with the fast statement; resolves to how many it inserted. */
  private async insertFast(from: string): Promise<number> {
    const { runner, client, rejectedParents } = this.session;
    this.position ??= await this.sequencePosition();
    // Temporary tables have no statistics until analysed; the plans of the statements depend on the staged row count.
    await runner.query(`ANALYZE ${from}`);
    const result = await client.query(wholeFileFastInsertSql(this.file.spec, rejectedParents, from), [this.position.next, this.position.increment]);
    return result.rowCount ?? 0;
  }

  /**
   * The id sequence before the load. Sequences ignore rollbacks: it is put back if the fast statement is undone, so that
   * ids follow the lines as they would had it never run (the table is this run's alone: the bulk load holds it locked).
   */
  private async sequencePosition(): Promise<SequencePosition> {
    const { runner } = this.session;
    const [{ sequence }] = await runner.query(`SELECT pg_get_serial_sequence($1, 'id') AS sequence`, [`"${this.file.spec.table}"`]);
    const [p] = await runner.query(
      `SELECT s.last_value, s.is_called, CASE WHEN s.is_called THEN s.last_value + p.seqincrement ELSE s.last_value END AS next,
              p.seqincrement AS increment
         FROM ${sequence} s, pg_sequence p WHERE p.seqrelid = $1::regclass`,
      [sequence],
    );
    return { sequence, lastValue: p.last_value, isCalled: p.is_called, next: p.next, increment: p.increment };
  }

  /** Removes the spools of a run that stopped before sending them. */
  async discard(): Promise<void> {
    await this.appends.catch(() => undefined);
    for (const spool of this.spools) await spool.discard();
    this.spools.clear();
  }

  /** Loads the staged file, then rebuilds the table's unique indexes (unless loading did) and its statistics. */
  async finish(): Promise<void> {
    const { spec } = this.file;
    if (this.busyWith) {
      await this.busyWith.until;
      this.stageFirstSpool();
      await this.drained;
    }
    this.spool = undefined;
    // Every statement queued before (batches, spools, chunks) is done once this one runs.
    await this.session.queue(async () => undefined).catch(() => undefined);
    if (this.failure) throw this.failure;
    if (this.staged > 0) await this.loadStaged(spec);
    await this.loads.buildUniqueIndexes(spec.table, false);
    // Statistics for the lookups of the files that follow.
    await this.session.runner.query(`ANALYZE "${spec.table}"`);
  }

  /**
   * Inserts what the chunks left with the fast statement, then books the file. The rest of the fast insert runs in a
   * savepoint: it is kept when every record was inserted and the table's unique indexes (which catch duplicate ids) then
   * build. Otherwise it is undone, the chunks inserted before it are removed, and the checking statement names every
   * problem.
   */
  private async loadStaged(spec: FileSpec): Promise<void> {
    const { runner } = this.session;
    const stage = stageTableName(spec);
    this.position ??= await this.sequencePosition();
    const { sequence, next, increment } = this.position;
    await runner.query('SAVEPOINT whole_file');
    let fast = this.chunkInserted;
    if (!this.fastFellShort && this.inStage > 0) {
      try {
        fast += await this.insertFast(stage);
      } catch (err) {
        throw this.refusedRecords(err);
      }
    }
    if (!this.fastFellShort && fast === this.staged && (await this.loads.buildUniqueIndexes(spec.table, true))) {
      // The ids given are the sequence's next `fast` values.
      await runner.query(`SELECT setval($1::regclass, $2::int8 + ($3::int8 - 1) * $4::int8, true)`, [sequence, next, fast, increment]);
      await runner.query('RELEASE SAVEPOINT whole_file');
      this.file.counts.inserted += fast;
      await this.dropStaged();
      return;
    }
    await runner.query('ROLLBACK TO SAVEPOINT whole_file');
    await runner.query('RELEASE SAVEPOINT whole_file');
    if (this.chunkInserted > 0) await this.removeChunks();
    await runner.query(`SELECT setval($1::regclass, $2, $3)`, [sequence, this.position.lastValue, this.position.isCalled]);
    // The checking statement reads the whole file from the staging table.
    for (const chunk of this.chunkTables.splice(0)) {
      await runner.query(`INSERT INTO ${stage} SELECT * FROM ${chunk}`);
      await runner.query(`DROP TABLE ${chunk}`);
    }
    await runner.query(`ANALYZE ${stage}`);

    await runner.query(`TRUNCATE ${STAGED_PROBLEMS_TABLE}`);
    let inserted: string;
    try {
      [{ inserted }] = await runner.query(wholeFileInsertSql(spec, this.session.rejectedParents));
    } catch (err) {
      throw this.refusedRecords(err);
    }
    this.file.counts.inserted += Number(inserted);
    await this.dropStaged();
    await this.rejectStagedProblems();
  }

  /**
   * Removes the rows the chunks inserted before the savepoint: the table was empty. TRUNCATE must name the tables that
   * refer to it too; they are empty (no row can refer to a table that was empty, and the files that refer to this one
   * write after it), which is checked first, so that nothing else is ever removed.
   */
  private async removeChunks(): Promise<void> {
    const { runner } = this.session;
    const table = `"${this.file.spec.table}"`;
    const referring: { name: string }[] = await runner.query(
      `SELECT DISTINCT conrelid::regclass::text AS name FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass AND conrelid <> confrelid`,
      [table],
    );
    for (const { name } of referring) {
      const [{ empty }] = await runner.query(`SELECT NOT EXISTS (SELECT 1 FROM ${name}) AS empty`);
      if (!empty) throw new Error(`${this.file.name}: cannot undo the records inserted so far, as ${name} refers to them`);
    }
    await runner.query(`TRUNCATE ${[table, ...referring.map((r) => r.name)].join(', ')}`);
  }

  /** Empties the staging table and drops the chunks' tables. */
  private async dropStaged(): Promise<void> {
    const { runner } = this.session;
    await runner.query(`TRUNCATE ${stageTableName(this.file.spec)}`);
    for (const chunk of this.chunkTables.splice(0)) await runner.query(`DROP TABLE ${chunk}`);
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
