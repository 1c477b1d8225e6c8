import { isReferenced, type ColumnSpec, type FileSpec } from './file-specs';

/** Temporary table holding the keys seen so far in one file, for duplicate detection without keeping them in memory. */
export function seenTableName(spec: FileSpec): string {
  return `import_seen_${spec.file}`;
}

/** Temporary table one batch of a file is copied into before the set-based statement reads it. */
export function stageTableName(spec: FileSpec): string {
  return `import_stage_${spec.file}`;
}

/** Temporary table of tickets whose derived first response may have changed in this run. */
export const TOUCHED_TICKETS_TABLE = 'import_touched_tickets';

/** Temporary table of the keys a file referred to by later files rejected in this run (key, first rejected line). */
export function rejectedTableName(table: string): string {
  return `import_rejected_${table}`;
}

/** Temporary table of every rejection of the file being loaded (key, line): settled into rejectedTableName at its end. */
export const FILE_REJECTIONS_TABLE = 'import_file_rejections';

const q = (name: string) => `"${name}"`;

/** The staging columns of a file in order: line, key, one per spec column (references as text), attributes. */
export function stageColumns(spec: FileSpec): { name: string; type: string }[] {
  return [
    { name: 'line', type: 'integer' },
    { name: 'key', type: 'text' },
    ...spec.columns.map((c) => ({ name: `in_${c.name}`, type: c.references ? 'text' : c.sqlType })),
    { name: 'in_attributes', type: 'jsonb' },
    // A bulk load's position of the row among the file's staged rows, from 1 (the fast statement's ids follow it).
    { name: 'seq', type: 'integer' },
  ];
}

/** DDL of the per-run temporary tables; they vanish at commit or rollback. */
export function createTempTablesSql(specs: FileSpec[]): string[] {
  return [
    `CREATE TEMP TABLE IF NOT EXISTS ${TOUCHED_TICKETS_TABLE} (id bigint PRIMARY KEY) ON COMMIT DROP`,
    `CREATE TEMP TABLE IF NOT EXISTS ${STAGED_PROBLEMS_TABLE} (line integer PRIMARY KEY, problem text NOT NULL, detail text) ON COMMIT DROP`,
    `CREATE TEMP TABLE IF NOT EXISTS ${FILE_REJECTIONS_TABLE} (key text COLLATE "C" NOT NULL, line integer NOT NULL) ON COMMIT DROP`,
    ...specs
      .filter((s) => isReferenced(s.table))
      .map(
        (s) =>
          `CREATE TEMP TABLE IF NOT EXISTS ${rejectedTableName(s.table)} (key text COLLATE "C" PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP`,
      ),
    // Keys compare bytewise: they are only tested for equality, and "C" skips the locale's collation routines.
    ...specs.map(
      (s) => `CREATE TEMP TABLE IF NOT EXISTS ${seenTableName(s)} (key text COLLATE "C" PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP`,
    ),
    ...specs.map(
      (s) =>
        `CREATE TEMP TABLE IF NOT EXISTS ${stageTableName(s)} (${stageColumns(s)
          .map((c) => `${c.name} ${c.type}`)
          .join(', ')}) ON COMMIT DROP`,
    ),
  ];
}

/** `COPY … FROM STDIN` (text format) into the file's staging table, in stageColumns order. */
export function copyStageSql(spec: FileSpec): string {
  return `COPY ${stageTableName(spec)} (${stageColumns(spec)
    .map((c) => c.name)
    .join(', ')}) FROM STDIN`;
}

/**
 * Fills the staging table from one array parameter per staging column, for databases where COPY FROM STDIN is not
 * available (PGlite behind pglite-socket).
 */
export function fillStageSql(spec: FileSpec): string {
  const cols = stageColumns(spec);
  return `INSERT INTO ${stageTableName(spec)} (${cols.map((c) => c.name).join(', ')})
    SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
}

/** Adds the keys of one batch of rejected records (array parameters: keys, lines) to FILE_REJECTIONS_TABLE. */
export const ADD_FILE_REJECTIONS_SQL = `INSERT INTO ${FILE_REJECTIONS_TABLE} (key, line) SELECT * FROM unnest($1::text[], $2::integer[])`;

/**
 * Moves the rejections of a file just loaded into its rejectedTableName, one row per key at its first rejected line,
 * leaving out keys that loaded from another line of the file (a record rejected by the validator does not claim its key,
 * so a later valid record with it loads). A key loaded when its first occurrence reached the batch statement (it is in the
 * seen table at that line) and that line was not rejected; after a bulk load, when it is in the table, which was empty
 * before. Returns the rows added.
 */
export function settleRejectionsSql(spec: FileSpec, bulk: boolean): string {
  const loaded = bulk
    ? `SELECT 1 FROM ${q(spec.table)} t WHERE t.external_id = f.key`
    : `SELECT 1 FROM ${seenTableName(spec)} s WHERE s.key = f.key AND NOT EXISTS (SELECT 1 FROM ${FILE_REJECTIONS_TABLE} r WHERE r.key = s.key AND r.line = s.line)`;
  return `INSERT INTO ${rejectedTableName(spec.table)} (key, line)
    SELECT f.key, min(f.line) FROM ${FILE_REJECTIONS_TABLE} f WHERE NOT EXISTS (${loaded}) GROUP BY f.key`;
}

/** How the statements of a file write and check. */
export interface UpsertMode {
  /** Record the tickets whose derived first response may change (not needed when the run re-derives every ticket). */
  trackTouched: boolean;
  /** Referenced tables some of whose records this run rejected: references to those are rejected too. */
  rejectedParents: ReadonlySet<string>;
}

type ProblemRule = [condition: string, code: string, detail: string];

/** The reference columns of a file whose referenced records this run rejected some of. */
const rejectedParentColumns = (spec: FileSpec, rejectedParents: ReadonlySet<string>) =>
  spec.columns.filter((c) => c.references && rejectedParents.has(c.references));

/**
 * The problems the database finds in a staged record `i` after a duplicate (each statement finds duplicates its own way),
 * in order of precedence: a source id of a record this run rejected (the lookup `x_<column>` has its line) whether or
 * not an older copy is in the database, a source id not found (the lookup `r_<column>` has no id), a message sent
 * before its ticket.
 */
function referenceRules(spec: FileSpec, rejectedParents: ReadonlySet<string>): ProblemRule[] {
  const rules = rejectedParentColumns(spec, rejectedParents).map((c): ProblemRule => [
    `i.in_${c.name} IS NOT NULL AND x_${c.name}.line IS NOT NULL`,
    `rejected:${c.name}`,
    `x_${c.name}.line::text`,
  ]);
  for (const c of spec.columns.filter((c) => c.references))
    rules.push([`i.in_${c.name} IS NOT NULL AND r_${c.name}.id IS NULL`, `missing:${c.name}`, 'NULL']);
  if (spec.file === 'messages') rules.push(['i.in_sent_at < r_ticket_id.created_at', 'sent_before_ticket', 'r_ticket_id.created_at::text']);
  return rules;
}

/** What the lookup of a referenced row reads: its id, and for a message's ticket its created_at (for sent_before_ticket). */
const lookupColumns = (spec: FileSpec, c: ColumnSpec) => (c.name === 'ticket_id' && spec.file === 'messages' ? ['id', 'created_at'] : ['id']);

const problemColumns = (rules: ProblemRule[]) => `CASE ${rules.map(([cond, code]) => `WHEN ${cond} THEN '${code}'`).join(' ')} END AS problem,
        CASE ${rules.map(([cond, , detail]) => `WHEN ${cond} THEN ${detail}`).join(' ')} END AS detail`;

/** Where a statement reads a staged cell (`in_<column>`) and a resolved reference's id, by column name. */
interface TargetSources {
  input: (column: string) => string;
  reference: (column: string) => string;
}

/** Columns of the checked staging rows: the cells, and the references' ids as `ref_<column>`. */
const CHECKED_ROWS: TargetSources = { input: (c) => `in_${c}`, reference: (c) => `ref_${c}` };

/** The target table's columns and the expression each takes from the staging rows. */
function targetColumns(spec: FileSpec, from: TargetSources = CHECKED_ROWS): [column: string, source: string][] {
  const target: [column: string, source: string][] = spec.columns.map((c) => {
    if (c.name === spec.idColumn) return ['external_id', from.input(c.name)];
    if (c.references) return [c.name, from.reference(c.name)];
    return [c.name, from.input(c.name)];
  });
  target.push(['attributes', from.input('attributes')]);
  return target;
}

/**
 * One statement per batch, reading the staging table, that checks what needs the database and writes the rest:
 * duplicates of earlier batches of the file (via the seen table), references by source id (to this run's or earlier rows),
 * a message sent before its ticket; then `INSERT … ON CONFLICT DO UPDATE` only where a value differs.
 *
 * Result rows: (line, problem, detail) per rejected record, and one (inserted, updated) row of counts.
 * Problem codes: 'duplicate' (detail = first line), 'missing:<column>', 'sent_before_ticket' (detail = the ticket's created_at).
 */
export function upsertSql(spec: FileSpec, mode: UpsertMode): string {
  const cols = spec.columns;
  const refs = cols.filter((c) => c.references);
  const rejectedRefs = rejectedParentColumns(spec, mode.rejectedParents);
  const seen = seenTableName(spec);

  // A batch holds each key once (the importer rejects repeats within a batch before staging it), so a key is a
  // duplicate exactly when an earlier batch registered it in the seen table.
  const problems: ProblemRule[] = [['earlier.line IS NOT NULL', 'duplicate', 'earlier.line::text'], ...referenceRules(spec, mode.rejectedParents)];
  const target = targetColumns(spec);
  const conflictColumns = spec.idColumn ? ['external_id'] : spec.keyColumns;
  const isTickets = spec.file === 'tickets';
  // A derived first response is not in the file; an empty first_response_at must not erase it (or re-imports would rewrite every ticket).
  const special = isTickets ? ['first_response_at'] : [];
  const updatable = target.map(([c]) => c).filter((c) => !conflictColumns.includes(c) && !special.includes(c));

  const set = updatable.map((c) => `${q(c)} = EXCLUDED.${q(c)}`);
  let distinct = `(${updatable.map((c) => `t.${q(c)}`).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${q(c)}`).join(', ')})`;
  if (isTickets) {
    const keepDerived = 'EXCLUDED.first_response_at IS NULL AND t.first_response_derived AND t.first_response_at >= EXCLUDED.created_at';
    set.push(`first_response_at = CASE WHEN ${keepDerived} THEN t.first_response_at ELSE EXCLUDED.first_response_at END`);
    set.push(`first_response_derived = (${keepDerived})`);
    distinct += ` OR (NOT (EXCLUDED.first_response_at IS NULL AND t.first_response_derived)
        AND (t.first_response_at, t.first_response_derived) IS DISTINCT FROM (EXCLUDED.first_response_at, false))`;
  }

  const track = mode.trackTouched && (isTickets || spec.file === 'messages');
  const returning = [
    '(t.xmax = 0) AS inserted',
    ...(track && isTickets ? ['t.id'] : []),
    ...(track && spec.file === 'messages' ? ['t.external_id', 't.ticket_id'] : []),
  ];
  const touched = !track
    ? ''
    : isTickets
      ? `, touched AS (INSERT INTO ${TOUCHED_TICKETS_TABLE} (id) SELECT id FROM upserted ON CONFLICT DO NOTHING)`
      : `, previous AS (
           SELECT m.external_id, m.ticket_id FROM messages m JOIN checked c ON m.external_id = c.in_message_id WHERE c.problem IS NULL
         ),
         touched AS (
           INSERT INTO ${TOUCHED_TICKETS_TABLE} (id)
           SELECT ticket_id FROM upserted UNION SELECT p.ticket_id FROM previous p JOIN upserted u USING (external_id)
           ON CONFLICT DO NOTHING
         )`;
  const conflict = `ON CONFLICT (${conflictColumns.map(q).join(', ')}) DO UPDATE SET ${set.join(', ')}
      WHERE ${distinct}`;

  const stage = stageTableName(spec);
  // References are resolved once per distinct source id of the batch (messages of one ticket share it), each an index
  // probe; lookups are LATERAL … OFFSET 0 so they stay probes: a hash join would scan the whole seen or referenced
  // table for every batch, making a large import quadratic.
  const lookups = refs.map((c) => {
    const needed = lookupColumns(spec, c)
      .map((x) => `r.${x}`)
      .join(', ');
    return `r_${c.name} AS MATERIALIZED (
      SELECT k.v, r.* FROM (SELECT DISTINCT in_${c.name} AS v FROM ${stage} WHERE in_${c.name} IS NOT NULL) k
      CROSS JOIN LATERAL (SELECT ${needed} FROM ${q(c.references as string)} r WHERE r.external_id = k.v OFFSET 0) r
    ),`;
  });
  for (const c of rejectedRefs) {
    lookups.push(`x_${c.name} AS MATERIALIZED (
      SELECT k.v, x.line FROM (SELECT DISTINCT in_${c.name} AS v FROM ${stage} WHERE in_${c.name} IS NOT NULL) k
      CROSS JOIN LATERAL (SELECT x.line FROM ${rejectedTableName(c.references as string)} x WHERE x.key = k.v OFFSET 0) x
    ),`);
  }
  return `
    WITH ${lookups.join('\n    ')}
    checked AS (
      SELECT i.*, earlier.line AS earlier_line, ${refs
        .map((c) => `r_${c.name}.id AS ref_${c.name}`)
        .concat('NULL AS _')
        .join(', ')},
        ${problemColumns(problems)}
      FROM ${stage} i
      LEFT JOIN LATERAL (SELECT s.line FROM ${seen} s WHERE s.key = i.key OFFSET 0) earlier ON true
      ${refs.map((c) => `LEFT JOIN r_${c.name} ON r_${c.name}.v = i.in_${c.name}`).join('\n      ')}
      ${rejectedRefs.map((c) => `LEFT JOIN x_${c.name} ON x_${c.name}.v = i.in_${c.name}`).join('\n      ')}
    ),
    -- Every key met for the first time is registered, also when its record is rejected below.
    registered AS (
      INSERT INTO ${seen} (key, line) SELECT key, line FROM checked WHERE earlier_line IS NULL
    ),
    upserted AS (
      INSERT INTO ${q(spec.table)} AS t (${target.map(([c]) => q(c)).join(', ')})
      SELECT ${target.map(([, s]) => s).join(', ')} FROM checked WHERE problem IS NULL
      ${conflict}
      RETURNING ${returning.join(', ')}
    )${touched}
    SELECT line, problem, detail, NULL::bigint AS inserted, NULL::bigint AS updated FROM checked WHERE problem IS NOT NULL
    UNION ALL
    SELECT NULL, NULL, NULL, count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted`;
}

/** Temporary table of the problems the whole-file statement found: (line, problem, detail), read back in line order. */
export const STAGED_PROBLEMS_TABLE = 'import_staged_problems';

/** Lookups of a whole staged file's source ids: one hash join per referenced table (and per table of rejected records). */
function wholeFileJoins(spec: FileSpec, rejectedParents: ReadonlySet<string>): string[] {
  const joins = spec.columns
    .filter((c) => c.references)
    .map((c) => {
      const needed = lookupColumns(spec, c).join(', ');
      return `LEFT JOIN (SELECT external_id, ${needed} FROM ${q(c.references as string)}) r_${c.name} ON r_${c.name}.external_id = i.in_${c.name}`;
    });
  for (const c of rejectedParentColumns(spec, rejectedParents)) {
    joins.push(`LEFT JOIN ${rejectedTableName(c.references as string)} x_${c.name} ON x_${c.name}.key = i.in_${c.name}`);
  }
  return joins;
}

/**
 * The fast way to load a whole staged file into its empty table (a bulk load): inserts the records whose source ids
 * resolve (and, for messages, sent no earlier than their ticket), without looking for duplicates. It is right only when
 * it inserts every staged record and the table's unique index on external_id then builds; otherwise the importer undoes
 * it and runs wholeFileInsertSql, which finds and names every problem. Ids follow the file's order without sorting the
 * rows: the staged row at position `seq` gets id $1 + (seq - 1) * $2 (the sequence's next value and increment), as
 * nextval in line order would give it; the caller then moves the sequence past them. `from`: the staging table read
 * (a bulk load inserting as it reads reads each chunk of the file from a table of its own).
 */
export function wholeFileFastInsertSql(spec: FileSpec, rejectedParents: ReadonlySet<string>, from = stageTableName(spec)): string {
  const rules = referenceRules(spec, rejectedParents);
  const target = targetColumns(spec, { input: (c) => `i.in_${c}`, reference: (c) => `r_${c}.id` });
  return `
    INSERT INTO ${q(spec.table)} (id, ${target.map(([c]) => q(c)).join(', ')}) OVERRIDING SYSTEM VALUE
    SELECT $1::int8 + (i.seq - 1) * $2::int8, ${target.map(([, s]) => s).join(', ')}
    FROM ${from} i
    ${wholeFileJoins(spec, rejectedParents).join('\n    ')}
    ${rules.length ? `WHERE NOT (${rules.map(([cond]) => `coalesce(${cond}, false)`).join(' OR ')})` : ''}`.replace(/\n\s*\n/g, '\n');
}

/**
 * The statement loading a whole staged file into its empty table when wholeFileFastInsertSql could not: every check of
 * upsertSql over all the file's rows at once, as hash joins instead of per-batch probes. Rejected records go to
 * STAGED_PROBLEMS_TABLE (same codes as upsertSql); the others are inserted in file order (ids follow the lines, as
 * batches would give them). Result: one row, `inserted`.
 */
export function wholeFileInsertSql(spec: FileSpec, rejectedParents: ReadonlySet<string>): string {
  const refs = spec.columns.filter((c) => c.references);
  const stage = stageTableName(spec);
  // A key's first line among the staged rows: every later line with it is a duplicate (repeats are rare, so only
  // repeated keys are kept).
  const problems: ProblemRule[] = [
    ['i.line > repeated.first_line', 'duplicate', 'repeated.first_line::text'],
    ...referenceRules(spec, rejectedParents),
  ];
  const target = targetColumns(spec);
  const joins = wholeFileJoins(spec, rejectedParents);
  return `
    WITH repeated AS MATERIALIZED (SELECT key, min(line) AS first_line FROM ${stage} GROUP BY key HAVING count(*) > 1),
    checked AS (
      SELECT i.*, ${refs
        .map((c) => `r_${c.name}.id AS ref_${c.name}`)
        .concat('NULL AS _')
        .join(', ')},
        ${problemColumns(problems)}
      FROM ${stage} i
      LEFT JOIN repeated ON repeated.key = i.key
      ${joins.join('\n      ')}
    ),
    rejected AS (
      INSERT INTO ${STAGED_PROBLEMS_TABLE} (line, problem, detail) SELECT line, problem, detail FROM checked WHERE problem IS NOT NULL
    ),
    inserted AS (
      INSERT INTO ${q(spec.table)} (${target.map(([c]) => q(c)).join(', ')})
      SELECT ${target.map(([, s]) => s).join(', ')} FROM checked WHERE problem IS NULL ORDER BY line
      RETURNING 1
    )
    SELECT count(*) AS inserted FROM inserted`;
}

/**
 * The messages that can be a ticket's first response: agent messages (bots never count) at or after its creation. In
 * the join's condition, so that the other messages are dropped before the join instead of grouped with their tickets.
 */
const FIRST_RESPONSE_CANDIDATE = `m.ticket_id = t.id AND m.author = 'agent' AND m.sent_at >= t.created_at`;

/**
 * Sets first_response_at from the earliest agent message (bots never count) on the tickets whose file left it empty —
 * the touched ones, or (`all`, after a bulk load) every ticket; a given value always wins.
 * Returns the number of tickets whose derived value changed.
 */
export function deriveFirstResponsesSql(all: boolean): string {
  // For a few touched tickets, one index probe each; for all of them, one pass over messages grouped by ticket.
  const derived = all
    ? `SELECT t.id, min(m.sent_at) AS first_at
       FROM tickets t LEFT JOIN messages m ON ${FIRST_RESPONSE_CANDIDATE}
       WHERE t.first_response_at IS NULL OR t.first_response_derived
       GROUP BY t.id`
    : `SELECT t.id, (SELECT min(m.sent_at) FROM messages m WHERE ${FIRST_RESPONSE_CANDIDATE}) AS first_at
       FROM ${TOUCHED_TICKETS_TABLE} x JOIN tickets t ON t.id = x.id
       WHERE t.first_response_at IS NULL OR t.first_response_derived`;
  return `
  WITH derived AS (${derived}),
  changed AS (
    UPDATE tickets t SET first_response_at = d.first_at, first_response_derived = d.first_at IS NOT NULL
    FROM derived d
    WHERE t.id = d.id AND (t.first_response_at, t.first_response_derived) IS DISTINCT FROM (d.first_at, d.first_at IS NOT NULL)
    RETURNING 1
  )
  SELECT count(*) AS changed FROM changed`;
}

/** DDL to put back what a bulk load dropped from a table: its indexes and its foreign keys, as they were. */
export interface DroppedDefinitions {
  table: string;
  /** Unique indexes (not the primary key): rebuilt as soon as the file is loaded, since later files look rows up by them. */
  uniqueIndexes: { name: string; definition: string }[];
  /** Plain indexes: rebuilt once before commit. */
  indexes: { name: string; definition: string }[];
  /** Outgoing foreign keys: added back (and so validated in one pass) before commit. */
  foreignKeys: { name: string; definition: string }[];
  /** The primary key, when no foreign key refers to the table: added back first, before commit. */
  primaryKeys: { name: string; definition: string }[];
}

/**
 * Indexes other than the primary key and outgoing foreign keys of a table in the current schema (those that do not
 * back a constraint), and its primary key when no foreign key refers to the table (ids a bulk load gives are unique by
 * construction): a bulk load drops them and rebuilds them once, which costs far less than maintaining them row by row.
 * The batch statements check duplicates and references themselves.
 */
export const DROPPABLE_DEFINITIONS_SQL = `
  SELECT CASE WHEN i.indisunique THEN 'unique' ELSE 'index' END AS kind, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  UNION ALL
  SELECT 'fk', k.conname, pg_get_constraintdef(k.oid)
    FROM pg_constraint k
   WHERE k.conrelid = $1::regclass AND k.contype = 'f'
  UNION ALL
  SELECT 'primary', k.conname, pg_get_constraintdef(k.oid)
    FROM pg_constraint k
   WHERE k.conrelid = $1::regclass AND k.contype = 'p'
     AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.confrelid = $1::regclass AND f.contype = 'f')
  ORDER BY 1, 2`;

export function dropSql(d: DroppedDefinitions): string[] {
  return [
    ...d.foreignKeys.map((f) => `ALTER TABLE ${q(d.table)} DROP CONSTRAINT ${q(f.name)}`),
    ...[...d.uniqueIndexes, ...d.indexes].map((i) => `DROP INDEX ${q(i.name)}`),
    ...d.primaryKeys.map((k) => `ALTER TABLE ${q(d.table)} DROP CONSTRAINT ${q(k.name)}`),
  ];
}

export function restoreSql(d: DroppedDefinitions): string[] {
  return [
    ...d.primaryKeys.map((k) => `ALTER TABLE ${q(d.table)} ADD CONSTRAINT ${q(k.name)} ${k.definition}`),
    ...d.indexes.map((i) => i.definition),
    ...d.foreignKeys.map((f) => `ALTER TABLE ${q(d.table)} ADD CONSTRAINT ${q(f.name)} ${f.definition}`),
  ];
}
