import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { startTestApi, type TestApi } from '../support/test-api';

// A dashboard: 12 metrics over one period and filter, three daily series, two channel breakdowns and two comparisons.
const DASHBOARD = `query($p: PeriodInput!, $product: [String!]) {
  volume: ticketVolume(period: $p, product: $product) { value sampleSize series(granularity: DAY) { value } comparison { previousValue } }
  frt: firstResponseTime(period: $p, product: $product) { value median p90 series(granularity: DAY) { value } }
  art: averageResolutionTime(period: $p, product: $product) { value median series(granularity: DAY) { value } }
  fcr: firstContactResolutionRate(period: $p, product: $product) { value breakdown(by: CHANNEL) { segment value } }
  sla: slaComplianceResolution(period: $p, product: $product) { value }
  slaFirst: slaComplianceFirstResponse(period: $p, product: $product) { value }
  abandon: abandonmentRate(period: $p, product: $product) { value breakdown(by: CHANNEL) { segment value } }
  escalation: escalationRate(period: $p, product: $product) { value comparison { previousValue } }
  reopen: reopenRate(period: $p, product: $product) { value }
  response: averageResponseTime(period: $p, product: $product) { value }
  aht: averageHandleTime(period: $p, product: $product) { value }
  csat: csat(period: $p, product: $product) { value }
}`;

describe('a 12-metric dashboard request', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());
  // The statements reading facts or rollups: each request also asks once whether the rollups are current.
  const reads = () => {
    expect(api.statements.filter((s) => s === ROLLUPS_CURRENT_SQL)).toHaveLength(1);
    return api.statements.filter((s) => s !== ROLLUPS_CURRENT_SQL);
  };

  it('issues one statement per fact table and period, whatever the series and breakdowns', async () => {
    api.statements.length = 0;
    const res = await api.graphql(DASHBOARD, { p: { from: '2025-02-01T00:00:00Z', to: '2025-05-01T00:00:00Z' }, product: ['api'] });
    expect(res.errors).toBeUndefined();
    // tickets (values, daily series and channel breakdowns, by GROUPING SETS, and the previous period's totals), the
    // medians and p90s of each of the two durations that ask for them (a search of the rollup rows' sorted durations),
    // agent messages, surveys.
    expect(reads()).toHaveLength(5);
    expect(reads().filter((s) => s.includes('width_bucket'))).toHaveLength(2);
  });

  it('does not issue more statements when the same dashboard asks for more metrics of the same fact tables', async () => {
    api.statements.length = 0;
    const more = DASHBOARD.replace(
      'csat: csat',
      `nps: nps(period: $p, product: $product) { value }
       ces: customerEffortScore(period: $p, product: $product) { value }
       ipt: interactionsPerTicket(period: $p, product: $product) { value series(granularity: DAY) { value } }
       csat: csat`,
    );
    const res = await api.graphql(more, { p: { from: '2025-02-01T00:00:00Z', to: '2025-05-01T00:00:00Z' }, product: ['api'] });
    expect(res.errors).toBeUndefined();
    expect(reads()).toHaveLength(5);
  });

  it("answers the comparisons' previous period in the statement of the period when both read rollups", async () => {
    api.statements.length = 0;
    const withoutPercentiles = DASHBOARD.replace(/ median( p90)?/g, '');
    const period = { from: '2025-02-01T00:00:00Z', to: '2025-05-01T00:00:00Z' };
    const res = await api.graphql(withoutPercentiles, { p: period, product: ['api'] });
    expect(res.errors).toBeUndefined();
    // tickets (the period's values, series and breakdowns, and the previous period's totals), agent messages, surveys.
    expect(reads()).toHaveLength(3);
    expect(reads()[0]).toMatch(/ticket_rollup_daily r[\s\S]*ticket_rollup_daily r/);
    // (rollup-equals-raw checks the numbers of such statements on imported data.)
  });
});
