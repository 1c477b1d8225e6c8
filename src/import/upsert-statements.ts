import type { FileSpec } from './file-specs';

/** Temporary table holding the keys seen so far in one file, for duplicate detection without keeping them in memory. */
export function seenTableName(spec: FileSpec): string {
  return `import_seen_${spec.file}`;
}

/** Temporary table of tickets whose derived first response may have changed in this run. */
export const TOUCHED_TICKETS_TABLE = 'import_touched_tickets';

/** DDL of the per-run temporary tables; they vanish at commit or rollback. */
export function createTempTablesSql(specs: FileSpec[]): string[] {
  return [
    `CREATE TEMP TABLE IF NOT EXISTS ${TOUCHED_TICKETS_TABLE} (id bigint PRIMARY KEY) ON COMMIT DROP`,
    ...specs.map((s) => `CREATE TEMP TABLE IF NOT EXISTS ${seenTableName(s)} (key text PRIMARY KEY, line integer NOT NULL) ON COMMIT DROP`),
  ];
}

const q = (name: string) => `"${name}"`;

/**
 * One statement per batch that checks what needs the database and writes the rest:
 * duplicates within the file (via the seen table), references by source id (to this run's or earlier rows),
 * a message sent before its ticket; then `INSERT … ON CONFLICT DO UPDATE` only where a value differs.
 *
 * Parameters: $1 lines int[], $2 keys text[], one array per spec column, then attributes jsonb[].
 * Result rows: (line, problem, detail) per rejected record, and one (inserted, updated) row of counts.
 * Problem codes: 'duplicate' (detail = first line), 'missing:<column>', 'sent_before_ticket' (detail = the ticket's created_at).
 */
export function upsertSql(spec: FileSpec): string {
  const cols = spec.columns;
  const unnestArgs = ['$1::int[]', '$2::text[]', ...cols.map((c, i) => `$${i + 3}::${c.references ? 'text' : c.sqlType}[]`), `$${cols.length + 3}::jsonb[]`];
  const aliases = ['line', 'key', ...cols.map((c) => `in_${c.name}`), 'in_attributes'];
  const refs = cols.filter((c) => c.references);
  const seen = seenTableName(spec);

  const problems: [condition: string, code: string, detail: string][] = [
    ['fs.line IS NULL', 'duplicate', `coalesce(earlier.line, (SELECT min(f.line) FROM first_seen f WHERE f.key = i.key))::text`],
    ...refs.map((c): [string, string, string] => [`i.in_${c.name} IS NOT NULL AND r_${c.name}.id IS NULL`, `missing:${c.name}`, 'NULL']),
  ];
  if (spec.file === 'messages') problems.push(['i.in_sent_at < r_ticket_id.created_at', 'sent_before_ticket', 'r_ticket_id.created_at::text']);

  // Target columns and the expression each takes from `checked`.
  const target: [column: string, source: string][] = cols.map((c) => {
    if (c.name === spec.idColumn) return ['external_id', `in_${c.name}`];
    if (c.references) return [c.name, `ref_${c.name}`];
    return [c.name, `in_${c.name}`];
  });
  target.push(['attributes', 'in_attributes']);
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

  const returning = ['(t.xmax = 0) AS inserted', ...(isTickets ? ['t.id'] : []), ...(spec.file === 'messages' ? ['t.external_id', 't.ticket_id'] : [])];
  const touched = isTickets
    ? `, touched AS (INSERT INTO ${TOUCHED_TICKETS_TABLE} (id) SELECT id FROM upserted ON CONFLICT DO NOTHING)`
    : spec.file === 'messages'
      ? `, previous AS (
           SELECT m.external_id, m.ticket_id FROM messages m JOIN checked c ON m.external_id = c.in_message_id WHERE c.problem IS NULL
         ),
         touched AS (
           INSERT INTO ${TOUCHED_TICKETS_TABLE} (id)
           SELECT ticket_id FROM upserted UNION SELECT p.ticket_id FROM previous p JOIN upserted u USING (external_id)
           ON CONFLICT DO NOTHING
         )`
      : '';

  return `
    WITH input AS (
      SELECT * FROM unnest(${unnestArgs.join(', ')}) AS i(${aliases.join(', ')})
    ),
    first_seen AS (
      INSERT INTO ${seen} (key, line) SELECT key, line FROM input ORDER BY line
      ON CONFLICT (key) DO NOTHING
      RETURNING key, line
    ),
    -- Lookups by source id are LATERAL … OFFSET 0 so they stay index probes per batch row: a hash join would scan the
    -- whole referenced table for every batch, making a large import quadratic.
    checked AS (
      SELECT i.*, ${refs.map((c) => `r_${c.name}.id AS ref_${c.name}`).concat('NULL AS _').join(', ')},
        CASE ${problems.map(([cond, code]) => `WHEN ${cond} THEN '${code}'`).join(' ')} END AS problem,
        CASE ${problems.map(([cond, , detail]) => `WHEN ${cond} THEN ${detail}`).join(' ')} END AS detail
      FROM input i
      LEFT JOIN first_seen fs ON fs.key = i.key AND fs.line = i.line
      LEFT JOIN LATERAL (SELECT s.line FROM ${seen} s WHERE s.key = i.key OFFSET 0) earlier ON true
      ${refs.map((c) => `LEFT JOIN LATERAL (SELECT r.* FROM ${q(c.references as string)} r WHERE r.external_id = i.in_${c.name} OFFSET 0) r_${c.name} ON true`).join('\n      ')}
    ),
    upserted AS (
      INSERT INTO ${q(spec.table)} AS t (${target.map(([c]) => q(c)).join(', ')})
      SELECT ${target.map(([, s]) => s).join(', ')} FROM checked WHERE problem IS NULL
      ON CONFLICT (${conflictColumns.map(q).join(', ')}) DO UPDATE SET ${set.join(', ')}
      WHERE ${distinct}
      RETURNING ${returning.join(', ')}
    )${touched}
    SELECT line, problem, detail, NULL::bigint AS inserted, NULL::bigint AS updated FROM checked WHERE problem IS NOT NULL
    UNION ALL
    SELECT NULL, NULL, NULL, count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted`;
}

/**
 * Sets first_response_at from the earliest agent message (bots never count) on touched tickets whose file left it empty;
 * a given value always wins. Returns the number of tickets whose derived value changed.
 */
export const DERIVE_FIRST_RESPONSES_SQL = `
  WITH derived AS (
    SELECT t.id,
      (SELECT min(m.sent_at) FROM messages m
        WHERE m.ticket_id = t.id AND m.author = 'agent' AND m.sent_at >= t.created_at) AS first_at
    FROM ${TOUCHED_TICKETS_TABLE} x JOIN tickets t ON t.id = x.id
    WHERE t.first_response_at IS NULL OR t.first_response_derived
  ),
  changed AS (
    UPDATE tickets t SET first_response_at = d.first_at, first_response_derived = d.first_at IS NOT NULL
    FROM derived d
    WHERE t.id = d.id AND (t.first_response_at, t.first_response_derived) IS DISTINCT FROM (d.first_at, d.first_at IS NOT NULL)
    RETURNING 1
  )
  SELECT count(*) AS changed FROM changed`;
