import { compareNumbers, DASHBOARD_METRICS, dashboardDocument, dashboardParams, dashboardVariables, numbersFromResponse } from '../../bench/dashboard';
import { runSqlVariant, SQL_VARIANTS } from '../../bench/dashboard-sql';
import { folderSource, importDataset } from '../../src/import';
import { ACCEPTANCE_DIR } from '../support/expected-cases';
import { startTestApi, type TestApi } from '../support/test-api';

/**
 * The bench's hand-written dashboard SQL (bench/dashboard-sql.ts) is its floor and its cross-check of the API's
 * numbers: every variant must give exactly the API's numbers, here on the acceptance fixture (the bench itself runs on
 * the demo data and only warns). Checked with the rollups on and off, and for the dashboard with medians.
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
const params = dashboardParams(new Date('2025-07-01T00:00:00Z'), { days: 60, timezone: 'America/New_York', product: 'billing' });

describe.each(['on', 'off'] as const)('the hand-written dashboard SQL gives the API’s numbers (METRIC_ROLLUPS=%s)', (rollups) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ METRIC_ROLLUPS: rollups });
    await importDataset(api.db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
  });
  afterAll(async () => api?.close());

  it.each(SQL_VARIANTS.map((v) => [v.name, v] as const))('%s', async (_name, variant) => {
    const { numbers } = await runSqlVariant(variant, params, (sql, values) => api.db.dataSource.query(sql, values));
    for (const medians of [false, true]) {
      const res = await api.graphql(dashboardDocument({ medians }), dashboardVariables(params));
      expect(res.errors).toBeUndefined();
      const fromApi = numbersFromResponse(res.data);
      expect(compareNumbers(numbers, fromApi)).toEqual([]);
      for (const m of DASHBOARD_METRICS) {
        expect(fromApi[m].sampleSize).toBeGreaterThan(0);
        expect(fromApi[m].previousSampleSize).toBeGreaterThan(0);
      }
    }
  });
});
