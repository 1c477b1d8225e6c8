import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { startTestApi, type TestApi } from '../support/test-api';

// Tickets around month and day boundaries in UTC and in America/New_York, so time-zone bucketing is visible.
const TICKETS: [id: string, channel: string, product: string | null, tier: string | null, createdAt: string][] = [
  ['T1', 'email', 'api', 'pro', '2025-02-01T00:00:00Z'], // Jan 31 19:00 in New York
  ['T2', 'chat', 'api', 'enterprise', '2025-02-01T05:00:00Z'], // Feb 1 00:00 in New York
  ['T3', 'chat', 'billing', 'free', '2025-02-14T12:00:00+01:00'],
  ['T4', 'phone', null, null, '2025-03-10T03:30:00-04:00'],
  ['T5', 'email', 'api', 'enterprise', '2025-03-31T23:59:59.999999Z'],
  ['T6', 'email', 'api', 'pro', '2025-04-01T00:00:00Z'], // excluded by a period ending at April 1 (half-open)
];

async function seed(api: TestApi) {
  await api.db.dataSource.query(
    `INSERT INTO customers (external_id, tier, signed_up_at) VALUES ('C-pro', 'pro', '2024-01-01Z'), ('C-enterprise', 'enterprise', '2024-01-01Z'), ('C-free', 'free', '2024-01-01Z')`,
  );
  for (const [id, channel, product, tier, createdAt] of TICKETS) {
    await api.db.dataSource.query(
      `INSERT INTO tickets (external_id, channel, product, customer_id, created_at)
       VALUES ($1, $2, $3, (SELECT id FROM customers WHERE external_id = 'C-' || $4::text), $5)`,
      [id, channel, product, tier, createdAt],
    );
  }
}

const Q = `query($period: PeriodInput!, $channel: [Channel!], $product: [String!], $tier: [String!], $g: Granularity!, $tz: String) {
  ticketVolume(period: $period, channel: $channel, product: $product, tier: $tier) {
    value sampleSize unit
    series(granularity: $g, timezone: $tz) { localStart start end value sampleSize }
  }
}`;

describe('ticketVolume', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await seed(api);
  });
  afterAll(async () => api?.close());

  const period = { from: '2025-02-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };

  it('counts tickets created in a half-open period', async () => {
    const res = await api.graphql(Q, { period, g: 'MONTH' });
    expect(res.errors).toBeUndefined();
    expect(res.data.ticketVolume).toMatchObject({ value: 5, sampleSize: 5, unit: 'COUNT' });
  });

  it('filters by lists, combined with AND, with tier taken from the customer', async () => {
    const one = await api.graphql(Q, { period, g: 'MONTH', channel: ['EMAIL', 'CHAT'] });
    expect(one.data.ticketVolume.value).toBe(4);
    const both = await api.graphql(Q, { period, g: 'MONTH', product: ['api'], tier: ['enterprise'] });
    expect(both.data.ticketVolume.value).toBe(2);
    const none = await api.graphql(Q, { period, g: 'MONTH', tier: ['nobody'] });
    expect(none.data.ticketVolume).toMatchObject({ value: 0, sampleSize: 0 });
  });

  it('buckets a monthly series in the requested time zone', async () => {
    const res = await api.graphql(Q, { period, g: 'MONTH', tz: 'America/New_York' });
    expect(res.errors).toBeUndefined();
    const series = res.data.ticketVolume.series;
    expect(series.map((b: any) => [b.localStart, b.value])).toEqual([
      ['2025-01-01T00:00:00', 1], // T1 is still January in New York
      ['2025-02-01T00:00:00', 2],
      ['2025-03-01T00:00:00', 2],
    ]);
    expect(series[1].start).toBe('2025-02-01T05:00:00.000Z');
  });

  it('lists empty buckets with a zero count in a daily series', async () => {
    const res = await api.graphql(Q, { period: { from: '2025-02-13T00:00:00Z', to: '2025-02-16T00:00:00Z' }, g: 'DAY' });
    expect(res.data.ticketVolume.series.map((b: any) => [b.localStart, b.value, b.sampleSize])).toEqual([
      ['2025-02-13T00:00:00', 0, 0],
      ['2025-02-14T00:00:00', 1, 1],
      ['2025-02-15T00:00:00', 0, 0],
    ]);
  });

  it('handles a daylight-saving change: the New York day of 9 March 2025 is 23 hours long', async () => {
    const res = await api.graphql(Q, {
      period: { from: '2025-03-09T05:00:00Z', to: '2025-03-11T04:00:00Z', timezone: 'America/New_York' },
      g: 'DAY',
    });
    const [mar9, mar10] = res.data.ticketVolume.series;
    expect(mar9).toMatchObject({ localStart: '2025-03-09T00:00:00', start: '2025-03-09T05:00:00.000Z', end: '2025-03-10T04:00:00.000Z', value: 0 });
    expect(mar10).toMatchObject({ localStart: '2025-03-10T00:00:00', value: 1 });
  });

  it('answers several metric fields, values and series alike, with one statement per fact table', async () => {
    api.statements.length = 0;
    const res = await api.graphql(
      `query($p: PeriodInput!) {
      a: ticketVolume(period: $p) { value sampleSize }
      b: ticketVolume(period: $p) { value series(granularity: DAY) { value } }
      c: ticketVolume(period: $p) { series(granularity: DAY) { value } }
    }`,
      { p: period },
    );
    expect(res.errors).toBeUndefined();
    // Besides the request's one check of whether the rollups are current.
    expect(api.statements.filter((s) => s !== ROLLUPS_CURRENT_SQL)).toHaveLength(1);
  });

  it.each([
    ['to before from', { period: { from: '2025-04-01T00:00:00Z', to: '2025-02-01T00:00:00Z' }, g: 'DAY' }, 'INVALID_PERIOD', 'period.to'],
    ['an empty period', { period: { from: '2025-04-01T00:00:00Z', to: '2025-04-01T00:00:00Z' }, g: 'DAY' }, 'INVALID_PERIOD', 'period.to'],
    ['an unknown period time zone', { period: { ...period, timezone: 'Mars/Olympus' }, g: 'DAY' }, 'UNKNOWN_TIMEZONE', 'period.timezone'],
    ['an unknown series time zone', { period, g: 'DAY', tz: 'Europe/Atlantis' }, 'UNKNOWN_TIMEZONE', 'timezone'],
    ['too long a period', { period: { from: '2000-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, g: 'YEAR' }, 'PERIOD_TOO_LONG', 'period'],
    ['too many buckets', { period: { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, g: 'HOUR' }, 'TOO_MANY_BUCKETS', 'granularity'],
  ])('rejects %s with a coded error naming the argument', async (_what, variables, code, argument) => {
    const res = await api.graphql(Q, variables);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, argument });
    expect(JSON.stringify(res.errors)).not.toMatch(/SELECT|at .*\.ts/);
  });

  it.each([
    [
      'a channel that does not exist',
      `{ ticketVolume(period: {from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z"}, channel: [FAX]) { value } }`,
    ],
    ['a timestamp without offset', `{ ticketVolume(period: {from: "2025-01-01T00:00:00", to: "2025-02-01T00:00:00Z"}) { value } }`],
    [
      'a dimension the metric does not have',
      `{ ticketVolume(period: {from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z"}, region: ["eu"]) { value } }`,
    ],
  ])('rejects %s as a schema error', async (_what, query) => {
    const res = await api.graphql(query);
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions?.code).toMatch(/GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT/);
  });
});
