import type { DataSource } from 'typeorm';
import { ROLLUP_TABLES } from '../../src/metrics/rollups/rollup-tables';

/** Every rollup table's rows (hourly and daily) as text, in a fixed order. */
export async function rollupRows(dataSource: DataSource): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of ROLLUP_TABLES.flatMap((t) => [t.name, `${t.name}_daily`])) {
    const rows: { r: string }[] = await dataSource.query(`SELECT to_jsonb(x)::text AS r FROM ${t} x ORDER BY 1`);
    out[t] = rows.map((x) => x.r);
  }
  return out;
}
