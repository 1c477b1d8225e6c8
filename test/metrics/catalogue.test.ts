import { METRICS } from '../../src/metrics/registry';
import { startTestApi, type TestApi } from '../support/test-api';

describe('metric catalogue', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.db.dataSource.query(
      `INSERT INTO customers (external_id, tier, product, signed_up_at) VALUES ('c1', 'pro', 'api', '2024-01-01Z'), ('c2', 'free', NULL, '2024-01-01Z')`,
    );
    await api.db.dataSource.query(`INSERT INTO agents (external_id, name, team) VALUES ('a1', 'Ann', 'tier1'), ('a2', 'Bo', NULL)`);
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, product, created_at) VALUES ('t1', 'chat', 'billing', '2025-01-01Z')`);
  });
  afterAll(async () => api?.close());

  it('lists every registered metric with its metadata and dimensions', async () => {
    const res = await api.graphql(`{ metricCatalogue { name title description formula unit direction kind indicator dimensions hasDistribution } }`);
    expect(res.data.metricCatalogue.map((m: any) => m.name)).toEqual(METRICS.map((m) => m.name));
    expect(res.data.metricCatalogue.find((m: any) => m.name === 'firstResponseTime')).toMatchObject({
      unit: 'SECONDS',
      direction: 'LOWER_IS_BETTER',
      kind: 'QUANTITATIVE',
      hasDistribution: true,
      dimensions: ['CHANNEL', 'PRODUCT', 'TIER', 'PRIORITY', 'TEAM', 'AGENT'],
    });
    expect(res.data.metricCatalogue.find((m: any) => m.name === 'nps')).toMatchObject({
      unit: 'SCORE',
      kind: 'QUALITATIVE',
      dimensions: ['CHANNEL', 'PRODUCT', 'TIER'],
    });
  });

  it('covers every metric of the specification', () => {
    const spec = [
      'ticketVolume',
      'firstResponseTime',
      'averageResponseTime',
      'averageResolutionTime',
      'firstContactResolutionRate',
      'slaComplianceResolution',
      'slaComplianceFirstResponse',
      'abandonmentRate',
      'escalationRate',
      'reopenRate',
      'interactionsPerTicket',
      'averageHandleTime',
      'ticketHandlingTime',
      'backlog',
      'csat',
      'csatSatisfiedShare',
      'nps',
      'customerEffortScore',
      'churnRate',
      'retentionRate',
      'revenue',
      'customerLifetimeValue',
      'agentUtilizationRate',
    ];
    expect(METRICS.map((m) => m.name).sort()).toEqual(spec.sort());
  });

  it.each([
    ['PRODUCT', ['api', 'billing']],
    ['TIER', ['free', 'pro']],
    ['TEAM', ['tier1']],
    ['AGENT', ['a1', 'a2']],
    ['CHANNEL', ['chat']],
  ])('lists the known values of %s', async (dimension, values) => {
    const res = await api.graphql(`{ dimensionValues(dimension: ${dimension}) }`);
    expect(res.data.dimensionValues).toEqual(values);
  });

  it('rejects an unknown dimension as a schema error', async () => {
    const res = await api.graphql(`{ dimensionValues(dimension: REGION) }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
