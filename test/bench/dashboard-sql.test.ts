import {
  compareNumbers,
  DASHBOARD_METRICS,
  DURATION_METRICS,
  dashboardDocument,
  dashboardParams,
  dashboardVariables,
  numbersFromResponse,
} from '../../bench/dashboard';
import { ROLLUP_TABLES, ROLLUP_TABLES_WITH_MEDIANS, runSqlVariant, SQL_VARIANTS } from '../../bench/dashboard-sql';
import { folderSource, importDataset } from '../../src/import';
import { rebuildPendingRollups } from '../../src/metrics/rollups/rollup-rebuild';
import { installRollupDefinitions } from '../../src/metrics/rollups/rollup-refresh';
import { ACCEPTANCE_DIR } from '../support/expected-cases';
import { startTestApi, type TestApi } from '../support/test-api';

/**
 * The bench's hand-written dashboard SQL (bench/dashboard-sql.ts) is its floor and its cross-check of the API's
 * numbers: every variant must give exactly the API's numbers, here on the acceptance fixture (the bench itself runs on
 * the demo data and only warns). Checked with the rollups on and off, with the daily rollups in the dashboard's zone
 * (New York, with a daylight-saving change between the periods, and UTC) and in another, and for the dashboard with
 * medians.
 */
describe('the bench dashboard period', () => {
  it('is the last whole local days before the end of the data, and the previous period of equal length', () => {
    const p = dashboardParams(new Date('2026-11-01T00:00:00Z'), { days: 90, timezone: 'America/New_York', product: 'api' });
    expect(p.from.toISOString()).toBe('2026-08-02T04:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-10-31T04:00:00.000Z');
    expect(p.previousFrom.toISOString()).toBe('2026-05-04T04:00:00.000Z');
    expect(p.days).toHaveLength(90);
    expect([p.days[0], p.days[89]]).toEqual(['2026-08-02T00:00:00', '2026-10-30T00:00:00']);
  });

  it('keeps local midnights across a daylight-saving change', () => {
    const p = dashboardParams(new Date('2026-11-08T05:00:00Z'), { days: 7, timezone: 'America/New_York', product: 'api' });
    expect(p.from.toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-11-08T05:00:00.000Z');
    expect(p.days).toEqual(['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-11-${d}T00:00:00`));
  });
});

// The fixture's tickets run from January to June 2025: 60 days to July 1st and the 60 before hold data of every metric.
// The previous period has the period's length in hours, so a daylight-saving change in either period moves its start off
// a local midnight, and the rollup variant reads the hours before its first local midnight from the hourly rollups. In New
// York the 60 days to July 1st give a previous period from 23:00 on March 1st (one such hour); the 42 days to April 19th
// contain the change themselves, so their previous period starts at 01:00 on January 25th: 23 such hours, which hold
// billing tickets, agent replies and a survey.
const dataEnd = new Date('2025-07-01T00:00:00Z');
const PERIODS = {
  '60 days to July 1st': (timezone: string) => dashboardParams(dataEnd, { days: 60, timezone, product: 'billing' }),
  '42 days to April 19th': (timezone: string) => dashboardParams(new Date('2025-04-19T04:00:00Z'), { days: 42, timezone, product: 'billing' }),
};
type PeriodName = keyof typeof PERIODS;

describe('the edge of the test periods', () => {
  it('is the previous period starting off a local midnight in New York', () => {
    const p = PERIODS['42 days to April 19th']('America/New_York');
    expect([p.previousFrom.toISOString(), p.from.toISOString(), p.to.toISOString()]).toEqual([
      '2025-01-25T06:00:00.000Z',
      '2025-03-08T05:00:00.000Z',
      '2025-04-19T04:00:00.000Z',
    ]);
    expect(PERIODS['60 days to July 1st']('America/New_York').previousFrom.toISOString()).toBe('2025-03-02T04:00:00.000Z');
  });
});

/**
 * Each case is a database with its daily rollups in `rollupZone` and an API reading them or not: the rollup variant
 * needs the daily rows in the dashboard's zone (as the bench builds them); the last case keeps the API on the hourly
 * rollups for a New York dashboard, where only the raw variant applies.
 */
const CASES: { dashboardZone: string; rollupZone: string; rollups: 'on' | 'off'; reads: string | null; periods: PeriodName[] }[] = [
  {
    dashboardZone: 'America/New_York',
    rollupZone: 'America/New_York',
    rollups: 'on',
    reads: 'ticket_rollup_daily',
    periods: ['60 days to July 1st', '42 days to April 19th'],
  },
  {
    dashboardZone: 'America/New_York',
    rollupZone: 'America/New_York',
    rollups: 'off',
    reads: null,
    periods: ['60 days to July 1st', '42 days to April 19th'],
  },
  { dashboardZone: 'UTC', rollupZone: 'UTC', rollups: 'on', reads: 'ticket_rollup_daily', periods: ['60 days to July 1st'] },
  { dashboardZone: 'America/New_York', rollupZone: 'UTC', rollups: 'on', reads: 'ticket_rollup r', periods: ['60 days to July 1st'] },
];

describe.each(CASES)(
  'the hand-written dashboard SQL gives the API’s numbers (dashboard in $dashboardZone, ROLLUP_TIMEZONE=$rollupZone, METRIC_ROLLUPS=$rollups)',
  ({ dashboardZone, rollupZone, rollups, reads, periods }) => {
    let api: TestApi;
    beforeAll(async () => {
      // Raw-table reads are priced 40 per 30 days (src/metrics/metric-cost.ts): the dashboard sent again and again with
      // METRIC_ROLLUPS=off would empty the default bucket, which this test does not check.
      api = await startTestApi({ METRIC_ROLLUPS: rollups, ROLLUP_TIMEZONE: rollupZone, RATE_LIMIT_BURST_COST: 1_000_000 });
      // The test database installs the rollups in the environment's zone (UTC by default): rebuild them in this one.
      await installRollupDefinitions(api.db.dataSource, rollupZone);
      await rebuildPendingRollups(api.db.dataSource);
      await importDataset(api.db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
    });
    afterAll(async () => api?.close());

    it('reads the rollups it is meant to', async () => {
      api.statements.length = 0;
      const res = await api.graphql(dashboardDocument({ medians: false }), dashboardVariables(PERIODS[periods[0]](dashboardZone)));
      expect(res.errors).toBeUndefined();
      const all = api.statements.join('\n');
      if (reads) expect(all).toContain(`FROM ${reads}`);
      else expect(all).not.toMatch(/_rollup/);
    });

    const combinations = periods.flatMap((period) => SQL_VARIANTS.map((v) => [v.name, period, v] as const));
    it.each(combinations)('%s, %s', async (_name, period, variant) => {
      const params = PERIODS[period](dashboardZone);
      const unavailable = variant.unavailable(params, rollupZone);
      if (variant === ROLLUP_TABLES || variant === ROLLUP_TABLES_WITH_MEDIANS) expect(unavailable === null).toBe(rollupZone === dashboardZone);
      if (unavailable) return;
      const { numbers } = await runSqlVariant(variant, params, (sql, values) => api.db.dataSource.query(sql, values));
      // A variant computing medians is compared with the dashboard that asks for them (its medians and p90s too).
      for (const medians of variant.medians ? [true] : [false, true]) {
        const res = await api.graphql(dashboardDocument({ medians }), dashboardVariables(params));
        expect(res.errors).toBeUndefined();
        const fromApi = numbersFromResponse(res.data);
        expect(compareNumbers(numbers, fromApi)).toEqual([]);
        if (variant.medians) {
          for (const m of DURATION_METRICS) {
            expect(numbers[m].median).toEqual(expect.any(Number));
            expect(numbers[m].breakdown.every((b) => typeof b.p90 === 'number')).toBe(true);
          }
        }
        for (const m of DASHBOARD_METRICS) {
          expect(fromApi[m].sampleSize).toBeGreaterThan(0);
          expect(fromApi[m].previousSampleSize).toBeGreaterThan(0);
        }
      }
    });
  },
);
