import { analyseDrivers } from '../../src/metrics/drivers/drivers';
import { startTestApi, type TestApi } from '../support/test-api';

describe('analyseDrivers', () => {
  it('splits a rate change into mix and rate effects that add up to the change', () => {
    const previous = {
      value: 20,
      segments: [
        { segment: 'email', value: 10, sampleSize: 100 },
        { segment: 'chat', value: 30, sampleSize: 100 },
      ],
    };
    const current = {
      value: 27.5,
      segments: [
        { segment: 'email', value: 20, sampleSize: 100 },
        { segment: 'chat', value: 30, sampleSize: 300 },
      ],
    };
    const a = analyseDrivers(previous, current, false);
    expect(a.change).toBe(7.5);
    const email = a.segments.find((s) => s.segment === 'email')!;
    const chat = a.segments.find((s) => s.segment === 'chat')!;
    expect(chat.mixEffect).toBeCloseTo(0.25 * 30, 12); // share 0.5 → 0.75 at rate 30
    expect(chat.rateEffect).toBe(0);
    expect(email.mixEffect).toBeCloseTo(-0.25 * 15, 12); // share 0.5 → 0.25 at mean rate 15
    expect(email.rateEffect).toBeCloseTo(0.375 * 10, 12); // mean share 0.375, rate +10
    expect(a.unexplained).toBeCloseTo(0, 12);
  });

  it('attributes a new segment entirely to mix', () => {
    const a = analyseDrivers(
      { value: 10, segments: [{ segment: 'a', value: 10, sampleSize: 10 }] },
      {
        value: 15,
        segments: [
          { segment: 'a', value: 10, sampleSize: 10 },
          { segment: 'b', value: 20, sampleSize: 10 },
        ],
      },
      false,
    );
    expect(a.segments[0]).toMatchObject({ segment: 'b', mixEffect: 10, rateEffect: 0, previousValue: null });
    expect(a.unexplained).toBeCloseTo(0, 12);
  });

  it('gives each segment its own change for additive metrics', () => {
    const a = analyseDrivers(
      {
        value: 30,
        segments: [
          { segment: 'x', value: 10, sampleSize: 10 },
          { segment: 'y', value: 20, sampleSize: 20 },
        ],
      },
      {
        value: 45,
        segments: [
          { segment: 'x', value: 25, sampleSize: 25 },
          { segment: 'y', value: 20, sampleSize: 20 },
        ],
      },
      true,
    );
    expect(a.segments.map((s) => [s.segment, s.contribution])).toEqual([
      ['x', 15],
      ['y', 0],
    ]);
    expect(a.unexplained).toBe(0);
  });

  it('reports no change when a period has no value', () => {
    expect(analyseDrivers({ value: null, segments: [] }, { value: 3, segments: [] }, false)).toMatchObject({ change: null, unexplained: null });
  });
});

describe('drivers through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // February: 100 email (10% abandoned) and 100 chat (30%); March: chat grows to 300, each channel's rate unchanged.
    const add = (prefix: string, channel: string, month: string, n: number, abandoned: number) =>
      api.db.dataSource.query(
        `INSERT INTO tickets (external_id, channel, created_at, abandoned_at)
         SELECT $1 || i, $2, $3::timestamptz + i * interval '1 minute', CASE WHEN i <= $5 THEN $3::timestamptz + i * interval '1 minute' + interval '1 minute' END
         FROM generate_series(1, $4::int) i`,
        [prefix, channel, `2025-${month}-02T00:00:00Z`, n, abandoned],
      );
    await add('fe', 'email', '02', 100, 10);
    await add('fc', 'chat', '02', 100, 30);
    await add('me', 'email', '03', 100, 10);
    await add('mc', 'chat', '03', 300, 90);
  });
  afterAll(async () => api?.close());

  it('finds a channel mix shift behind a rising abandonment rate', async () => {
    const res = await api.graphql(`{ abandonmentRate(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) {
      value drivers(by: CHANNEL, comparedTo: { from: "2025-02-01T00:00:00Z", to: "2025-03-01T00:00:00Z" }) {
        previousValue currentValue change unexplained segments { segment previousShare currentShare mixEffect rateEffect contribution } } } }`);
    expect(res.errors).toBeUndefined();
    const d = res.data.abandonmentRate.drivers;
    expect(d).toMatchObject({ previousValue: 20, currentValue: 25, change: 5 });
    expect(d.segments[0]).toMatchObject({ segment: 'chat', previousShare: 0.5, currentShare: 0.75 });
    expect(d.segments[0].mixEffect).toBeCloseTo(7.5, 9);
    expect(d.segments[0].rateEffect).toBeCloseTo(0, 9);
    expect(d.segments[1].mixEffect).toBeCloseTo(-2.5, 9);
    expect(d.unexplained).toBeCloseTo(0, 9);
  });

  it('rejects a compared period that ends before it starts', async () => {
    const res = await api.graphql(`{ abandonmentRate(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) {
      drivers(by: CHANNEL, comparedTo: { from: "2025-03-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { change } } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PERIOD', argument: 'comparedTo.to' });
  });
});
