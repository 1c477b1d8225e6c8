import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One case of test/fixtures/acceptance/expected.json (computed independently from docs/metrics.md). */
export interface ExpectedCase {
  metric: string;
  period?: { from: string; to: string };
  filter?: Record<string, string[]>;
  groupBy?: string;
  group?: string;
  granularity?: string;
  timezone?: string;
  bucket?: string;
  value: number | null;
  sampleSize: number;
}

export const ACCEPTANCE_DIR = join(__dirname, '..', 'fixtures', 'acceptance');

/** The acceptance cases. */
export function loadExpectedCases(): ExpectedCase[] {
  return JSON.parse(readFileSync(join(ACCEPTANCE_DIR, 'expected.json'), 'utf8')).cases;
}

/** The fixture's metric names that are a field of another metric (`…Median`, `…P90`). */
const FIELD_ALIASES: Record<string, { metric: string; field: 'median' | 'p90' }> = {
  firstResponseTimeMedian: { metric: 'firstResponseTime', field: 'median' },
  firstResponseTimeP90: { metric: 'firstResponseTime', field: 'p90' },
  resolutionTimeMedian: { metric: 'averageResolutionTime', field: 'median' },
  resolutionTimeP90: { metric: 'averageResolutionTime', field: 'p90' },
};

const enumValue = (dimension: string, v: string) => (dimension === 'channel' || dimension === 'priority' ? v.toUpperCase() : JSON.stringify(v));

/** A series case names one bucket; the period queried is that bucket's whole granule, long enough to contain it. */
function seriesPeriod(c: ExpectedCase): { from: string; to: string } {
  const start = new Date(c.bucket!);
  const spanDays = { hour: 1, day: 2, week: 8, month: 32, quarter: 93, year: 367 }[c.granularity!] ?? 2;
  return {
    from: new Date(start.getTime() - spanDays * 86_400_000).toISOString(),
    to: new Date(start.getTime() + spanDays * 86_400_000).toISOString(),
  };
}

/** The GraphQL query that answers a case, and how to read value and sample size from its data. */
export function caseQuery(c: ExpectedCase): { query: string; read: (data: any) => { value: number | null; sampleSize: number } } {
  const alias = FIELD_ALIASES[c.metric];
  const metric = alias?.metric ?? c.metric;
  const valueField = alias?.field ?? 'value';
  const period = c.period ?? seriesPeriod(c);
  const filters = Object.entries(c.filter ?? {})
    .map(([d, values]) => `, ${d}: [${values.map((v) => enumValue(d, v)).join(', ')}]`)
    .join('');
  const head = `${metric}(period: { from: "${period.from}", to: "${period.to}" }${filters})`;
  if (c.groupBy) {
    return {
      query: `{ m: ${head} { breakdown(by: ${c.groupBy.toUpperCase()}) { segment ${valueField} sampleSize } } }`,
      read: (data) => {
        const row = data.m.breakdown.find((r: any) => r.segment === c.group);
        return row ? { value: row[valueField], sampleSize: row.sampleSize } : { value: null, sampleSize: 0 };
      },
    };
  }
  if (c.granularity) {
    return {
      query: `{ m: ${head} { series(granularity: ${c.granularity.toUpperCase()}, timezone: "${c.timezone}") { start localStart ${valueField} sampleSize } } }`,
      read: (data) => {
        const bucket = data.m.series.find((b: any) => new Date(b.start).getTime() === new Date(c.bucket!).getTime());
        if (!bucket) throw new Error(`no bucket starting at ${c.bucket} in ${JSON.stringify(data.m.series.map((b: any) => b.start))}`);
        return { value: bucket[valueField], sampleSize: bucket.sampleSize };
      },
    };
  }
  return {
    query: `{ m: ${head} { ${valueField} sampleSize } }`,
    read: (data) => ({ value: data.m[valueField], sampleSize: data.m.sampleSize }),
  };
}

/** Relative difference, with exact equality required around zero. */
export function relativeError(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}
