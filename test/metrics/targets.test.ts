import { baselineOf, targetStatus } from '../../src/metrics/targets/target-status';
import { startTestApi, type TestApi } from '../support/test-api';

describe('targetStatus', () => {
  it.each([
    [95, 90, 'HIGHER_IS_BETTER', 'ON_TRACK'],
    [85, 90, 'HIGHER_IS_BETTER', 'AT_RISK'], // 5 short of 90, within 10% (9)
    [80, 90, 'HIGHER_IS_BETTER', 'OFF_TRACK'],
    [50, 60, 'LOWER_IS_BETTER', 'ON_TRACK'],
    [65, 60, 'LOWER_IS_BETTER', 'AT_RISK'],
    [70, 60, 'LOWER_IS_BETTER', 'OFF_TRACK'],
    [105, 100, 'NEUTRAL', 'ON_TRACK'],
    [85, 100, 'NEUTRAL', 'AT_RISK'],
    [75, 100, 'NEUTRAL', 'OFF_TRACK'],
  ] as const)('value %d against target %d (%s) is %s', (value, target, direction, status) => {
    expect(targetStatus(value, target, direction, 10)).toBe(status);
  });

  it('is null without a value or a target', () => {
    expect(targetStatus(null, 90, 'HIGHER_IS_BETTER', 10)).toBeNull();
    expect(targetStatus(90, null, 'HIGHER_IS_BETTER', 10)).toBeNull();
  });

  it('averages only the periods that have a value', () => {
    expect(baselineOf([10, null, 20])).toBe(15);
    expect(baselineOf([null, null])).toBeNull();
  });
});

describe('targets, baselines and status through the API', () => {
  let api: TestApi;
  // Two tickets a week for the four weeks before 2025-03-03, then three in the week of 2025-03-03.
  beforeAll(async () => {
    api = await startTestApi();
    const created = [
      ...[3, 10, 17, 24].flatMap((d) => [`2025-02-${String(d).padStart(2, '0')}T10:00:00Z`, `2025-02-${String(d).padStart(2, '0')}T11:00:00Z`]),
      '2025-03-03T09:00:00Z',
      '2025-03-04T09:00:00Z',
      '2025-03-05T09:00:00Z',
    ];
    for (const [i, at] of created.entries()) {
      await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ($1, $2, $3)`, [
        `T${i}`,
        i % 2 ? 'chat' : 'email',
        at,
      ]);
    }
  });
  afterAll(async () => api?.close());

  const week = { from: '2025-03-03T00:00:00Z', to: '2025-03-10T00:00:00Z' };
  const q = `query($p: PeriodInput!, $c: [Channel!]) { ticketVolume(period: $p, channel: $c) { value target status baseline comparison { previousValue absoluteChange relativeChange improved } b2: baseline(periods: 2) } }`;

  it('reports no target and no status until a target is set, and the baseline of the previous four weeks', async () => {
    const res = await api.graphql(q, { p: week });
    expect(res.data.ticketVolume).toMatchObject({ value: 3, target: null, status: null, baseline: 2, b2: 2 });
    expect(res.data.ticketVolume.comparison).toEqual({ previousValue: 2, absoluteChange: 1, relativeChange: 50, improved: null });
  });

  it('persists a target per metric and segment and reports the status against it', async () => {
    const set = await api.graphql(`mutation { setMetricTarget(metric: "ticketVolume", target: 3.2) { metric segment target } }`);
    expect(set.data.setMetricTarget).toEqual({ metric: 'ticketVolume', segment: '{}', target: 3.2 });
    await api.graphql(`mutation { setMetricTarget(metric: "ticketVolume", target: 10, filter: { channel: [EMAIL] }) { target } }`);
    const all = await api.graphql(q, { p: week });
    expect(all.data.ticketVolume).toMatchObject({ target: 3.2, status: 'ON_TRACK' }); // neutral: 3 is within 10% of 3.2
    const email = await api.graphql(q, { p: week, c: ['EMAIL'] });
    expect(email.data.ticketVolume).toMatchObject({ value: 2, target: 10, status: 'OFF_TRACK' });
    const listed = await api.graphql(`{ metricTargets { metric segment target } }`);
    expect(listed.data.metricTargets).toHaveLength(2);
  });

  it('replaces a target rather than adding a second one, and removes it', async () => {
    await api.graphql(`mutation { setMetricTarget(metric: "ticketVolume", target: 3) { target } }`);
    expect((await api.graphql(q, { p: week })).data.ticketVolume.target).toBe(3);
    const removed = await api.graphql(`mutation { removeMetricTarget(metric: "ticketVolume") }`);
    expect(removed.data.removeMetricTarget).toBe(true);
    const again = await api.graphql(`mutation { removeMetricTarget(metric: "ticketVolume") }`);
    expect(again.data.removeMetricTarget).toBe(false);
    expect((await api.graphql(q, { p: week })).data.ticketVolume.target).toBeNull();
  });

  it.each([
    ['an unknown metric', `mutation { setMetricTarget(metric: "happiness", target: 1) { target } }`, 'BAD_USER_INPUT', 'metric'],
    [
      'a dimension the metric lacks',
      `mutation { setMetricTarget(metric: "csat", target: 80, filter: { team: ["tier1"] }) { target } }`,
      'DIMENSION_NOT_APPLICABLE',
      'filter.team',
    ],
    [
      'an empty segment list',
      `mutation { setMetricTarget(metric: "csat", target: 80, filter: { tier: [] }) { target } }`,
      'BAD_USER_INPUT',
      'filter.tier',
    ],
    [
      'too many baseline periods',
      `{ ticketVolume(period: {from: "2025-03-03T00:00:00Z", to: "2025-03-10T00:00:00Z"}) { baseline(periods: 1000) } }`,
      'BAD_USER_INPUT',
      'periods',
    ],
  ])('rejects %s', async (_what, query, code, argument) => {
    const res = await api.graphql(query);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code, argument });
  });
});
