/**
 * Exact percentiles from rollup rows that keep their durations as sorted arrays, without sorting every duration.
 *
 * A continuous percentile of a group's n values needs its values of rank f = floor(p(n-1)) and c = ceil(p(n-1))
 * (from 0). The statement brackets them between two candidate values lo < hi such that at most f values lie at or
 * below lo and more than c at or below hi; the values in between, sliced out of each row's sorted array, are a small
 * share, and sorting them gives both, interpolated as percentile_cont does (the same float arithmetic): the answer is
 * exact. It reads the group's rows three times:
 * 1. each row's values at the ranks p + d (d on the LADDER, scaled to the row), averaged over the group's rows
 *    weighted by their sizes (on an asinh scale, where durations' long tails weigh little): candidates close to the
 *    group's values of rank p + d when its rows are alike (pass 1 reads, for a grouping set, the rows holding just its
 *    own segments — for a total, one row per day — not finer ones; passes 2 and 3 may read finer rows that partition
 *    them). With -Infinity and Infinity, which bracket everything, they are the candidates;
 * 2. width_bucket (a binary search of a row's array) counts exactly how many of each row's values lie at or below
 *    every candidate; summed per group, the counts pick the tightest pair that brackets both ranks;
 * 3. each row's values between that pair are sliced out, concatenated per group and sorted.
 * Daily rows keep their marks (marksSql: the values at the ranks pass 1 reads, for arrays of MARKS_FROM values or more),
 * so pass 1 reads those instead of whole arrays. Passes 2 and 3 fetch each row's array once; the sort is of the
 * bracket's values (a fraction of a percent of a large group), so a period ten times as dense costs about the fetching
 * more, not the sorting.
 */

/** The percentiles a duration metric answers, and their column suffixes. */
export const PERCENTILES = [
  { p: 0.5, suffix: 'median' },
  { p: 0.9, suffix: 'p90' },
] as const;

/** Offsets from the percentile's rank (as shares of the values) at which candidates are taken, finest nearest. */
export const LADDER = [-0.3, -0.1, -0.03, -0.01, -0.003, -0.001, 0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3] as const;

/** Rows with fewer values keep no marks: their arrays stay within the row, and pass 1 reads them there. */
export const MARKS_FROM = 64;

/** The share of a row's values at which pass 1 takes percentile p's candidate for ladder offset d. */
const rungShare = (p: number, d: number) => Math.min(1, Math.max(0, p + d));

/** Shares of a row's values at which its marks are taken: each percentile's rank plus each ladder offset. */
const MARK_SHARES = PERCENTILES.flatMap(({ p }) => LADDER.map((d) => rungShare(p, d)));

/** Position in the marks of percentile i's ladder rung j (the first mark is the row's number of values). */
const markIndex = (i: number, j: number) => 2 + i * LADDER.length + j;

/** 1-based position, in a sorted array of n values, of the value at a share of them. */
const rankSql = (share: number, n: string) => `floor(${share}::float8 * (${n} - 1))::int + 1`;

/** The column keeping a values column's marks. */
export const marksColumnOf = (values: string) => `${values}_marks`;

/**
 * A sorted array's marks: its number of values, then its values at MARK_SHARES; null for arrays of fewer than
 * MARKS_FROM values.
 */
export const marksSql = (array: string) =>
  `CASE WHEN cardinality(${array}) >= ${MARKS_FROM} THEN ARRAY[cardinality(${array})::float8, ${MARK_SHARES.map((share) => `${array}[${rankSql(share, `cardinality(${array})`)}]`).join(', ')}] END`;

/** The rows one branch reads, and the grouping sets they answer. */
export interface PercentileRows {
  /** WHERE conditions selecting them (over `r`). */
  where: string[];
  /** Its grouping sets: GROUPING() mask (gid) and the indexes of the keys each holds. */
  sets: readonly { gid: number; holds: readonly number[] }[];
}

export interface SortedPercentilesInput {
  /** FROM list reading the rollup rows as `r`. */
  from: string;
  /** The rows' sorted array of durations (a column of `r`). */
  column: string;
  /** The grouping keys (expressions over `r`), output as g<index>. */
  keys: readonly { index: number; expr: string }[];
  /** Each set of rows with the grouping sets it answers (every set in exactly one): pass 1 reads these. */
  branches: readonly PercentileRows[];
  /**
   * The rows passes 2 and 3 read, when not the same (every set in exactly one): a total asked with a breakdown is
   * counted and sliced from the breakdown's rows, whose arrays those passes fetch anyway, instead of fetching the
   * total's own arrays as well.
   */
  arrayBranches?: readonly PercentileRows[];
  /** Output columns of each percentile, in PERCENTILES order. */
  outputs: readonly string[];
  /** The rows' marks of the array (marksSql), when they keep them: pass 1 then reads those instead of large arrays. */
  marks?: string;
}

/**
 * CTEs ending in `agg`: one row per group (columns gid, g<index> of the keys, and the outputs), like an aggregate over
 * GROUPING SETS of the same keys. Groups without values have no row. The CTE `sliced` holds each group's sorted values
 * (`s<percentile>`), for tests to look at.
 */
export function sortedPercentileCtes(input: SortedPercentilesInput): string[] {
  const { keys, outputs, column } = input;
  const groupCols = ['gid', ...keys.map((key) => `k${key.index}`)];
  const group = groupCols.join(', ');
  const list = (prefix: string) => groupCols.map((c) => `${prefix}${c}`).join(', ');
  const same = (a: string, b: string) =>
    groupCols.map((c) => (c === 'gid' ? `${a}.gid = ${b}.gid` : `${a}.${c} IS NOT DISTINCT FROM ${b}.${c}`)).join(' AND ');
  const q = PERCENTILES.map((x, i) => ({ ...x, i }));
  const rungs = LADDER.map((d, j) => ({ d, j }));
  // Candidate k of a percentile (1-based): -Infinity, the ladder's, Infinity.
  const inner = rungs.map(({ j }) => j + 2);
  const at = (p: number) => `${p}::float8 * (n - 1)::float8`;

  const branchSql = (rows: 'arrays' | 'marks') =>
    (rows === 'arrays' ? (input.arrayBranches ?? input.branches) : input.branches).map(({ where, sets }) => {
      const keyOf = (s: { holds: readonly number[] }, key: { index: number; expr: string }) => (s.holds.includes(key.index) ? key.expr : 'NULL');
      const grouping =
        sets.length === 1
          ? `SELECT ${[String(sets[0].gid), ...keys.map((key) => `${keyOf(sets[0], key)} AS k${key.index}`)].join(', ')}`
          : `SELECT * FROM (VALUES ${sets.map((s) => `(${[String(s.gid), ...keys.map((key) => keyOf(s, key))].join(', ')})`).join(', ')}) v(${group})`;
      const values =
        rows === 'arrays'
          ? `x.a, x.n
  FROM ${input.from}
  CROSS JOIN LATERAL (SELECT y.a, cardinality(y.a) AS n FROM (SELECT array_cat(r.${column}, '{}'::float8[]) AS a OFFSET 0) y) x`
          : `r.${input.marks} AS mk, r.${column} AS a
  FROM ${input.from}`;
      return `SELECT ${list('s.')}, ${values}
  CROSS JOIN LATERAL (${grouping}) s(${group})
  WHERE ${[...where, `r.${column} IS NOT NULL`].join(' AND ')}`;
    });
  // Pass 1's value of rank p + d of a row: from its marks, else (a small array) from the array in the row.
  const mark = input.marks
    ? (p: number, d: number, i: number, j: number) =>
        `CASE WHEN mk IS NULL THEN a[${rankSql(rungShare(p, d), 'cardinality(a)')}] ELSE mk[${markIndex(i, j)}] END`
    : (p: number, d: number) => `a[${rankSql(rungShare(p, d), 'n')}]`;
  const marksRows = input.marks
    ? [
        `pm AS NOT MATERIALIZED (
  ${branchSql('marks').join('\n  UNION ALL\n  ')}
)`,
      ]
    : [];
  return [
    // Each row's array once per pass: array_cat with an empty array returns the array itself, fetched and
    // decompressed once, which width_bucket and subscripts then use as it is (the column would be fetched at each use).
    // Whatever a pass keeps of a row is computed apart (OFFSET 0): a sort, hash or Memoize of rows would copy arrays.
    // A pass looks up its group's row (LATERAL), so that the rows are read once, never once per group.
    `pr AS NOT MATERIALIZED (
  ${branchSql('arrays').join('\n  UNION ALL\n  ')}
)`,
    ...marksRows,
    // Pass 1: the candidates, weighted averages of the rows' values at the ladder's ranks (asinh is monotonic, so the
    // candidates keep the ladder's order).
    `candidates AS MATERIALIZED (
  SELECT ${group}, sum(n) AS n,
         ${q
           .map(
             ({ i }) =>
               `ARRAY['-Infinity'::float8, ${rungs.map(({ j }) => `sinh(sum(n * asinh(m${i}_${j})) / sum(n))`).join(', ')}, 'Infinity'] AS c${i}`,
           )
           .join(',\n         ')}
  FROM (
    SELECT ${group}, ${input.marks ? 'coalesce(mk[1]::int, cardinality(a)) AS n' : 'n'}, ${q.flatMap(({ p, i }) => rungs.map(({ d, j }) => `${mark(p, d, i, j)} AS m${i}_${j}`)).join(', ')}
    FROM ${input.marks ? 'pm' : 'pr'}
    OFFSET 0
  ) marks
  GROUP BY ${group}
)`,
    // Pass 2: how many values lie at or below each candidate; the tightest bracket of both ranks.
    `chosen AS MATERIALIZED (
  SELECT ${group}, n, ${q
    .map(
      ({ p, i }) => `${at(p)} AS at${i},
         c${i}[(SELECT max(k) FROM generate_subscripts(t${i}, 1) k WHERE t${i}[k] <= floor(${at(p)}))] AS lo${i},
         c${i}[(SELECT min(k) FROM generate_subscripts(t${i}, 1) k WHERE t${i}[k] >= ceil(${at(p)}) + 1)] AS hi${i},
         t${i}[(SELECT max(k) FROM generate_subscripts(t${i}, 1) k WHERE t${i}[k] <= floor(${at(p)}))] AS below${i}`,
    )
    .join(',\n         ')}
  FROM (
    SELECT ${group}, n, ${q.map(({ i }) => `c${i}, ARRAY[0, ${inner.map((k) => `sum(n${i}_${k})`).join(', ')}, n] AS t${i}`).join(', ')}
    FROM (
      SELECT ${list('pr.')}, b.n, ${q.map(({ i }) => `b.c${i}`).join(', ')},
             ${q.flatMap(({ i }) => inner.map((k) => `width_bucket(b.c${i}[${k}], pr.a) AS n${i}_${k}`)).join(', ')}
      FROM pr CROSS JOIN LATERAL (SELECT * FROM candidates b WHERE ${same('b', 'pr')} OFFSET 0) b
      OFFSET 0
    ) w
    GROUP BY ${group}, n, ${q.map(({ i }) => `c${i}`).join(', ')}
  ) t
)`,
    // Pass 3: the values between each bracket, sorted.
    `sliced AS (
  SELECT ${group}, ${q.map(({ i }) => `at${i}, below${i}, (SELECT array_agg(v ORDER BY v) FROM unnest(rollup_array_cat(z.s${i})) v) AS s${i}`).join(', ')}
  FROM (
    SELECT ${list('pr.')}, ${q.map(({ i }) => `h.at${i}, h.below${i}, pr.a[width_bucket(h.lo${i}, pr.a) + 1:width_bucket(h.hi${i}, pr.a)] AS s${i}`).join(', ')}
    FROM pr CROSS JOIN LATERAL (SELECT * FROM chosen h WHERE ${same('h', 'pr')} OFFSET 0) h
    OFFSET 0
  ) z
  GROUP BY ${group}, ${q.map(({ i }) => `at${i}, below${i}`).join(', ')}
)`,
    `agg AS (
  SELECT ${[group, ...keys.map((key) => `k${key.index} AS g${key.index}`)].join(', ')},
         ${q
           .map(({ i }) => {
             const pick = (round: string) => `s${i}[(${round}(at${i})::int8 - below${i} + 1)::int]`;
             return `(${pick('floor')} + ((at${i} - floor(at${i})) * (${pick('ceil')} - ${pick('floor')})))::float8 AS ${outputs[i]}`;
           })
           .join(',\n         ')}
  FROM sliced
)`,
  ];
}
