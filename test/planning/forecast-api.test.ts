import { hourlyArrivalsSql } from '../support/hourly-arrivals';
import { startTestApi, type TestApi } from '../support/test-api';

// Eight weeks of hourly chat arrivals with a daily shape (busy mid-day), quiet weekends and deterministic noise, from Monday 6 January 2025.
const SEED_CHAT = hourlyArrivalsSql({ prefix: 'c', channel: 'chat', product: "'api'" });

describe('forecast API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await api.db.dataSource.query(SEED_CHAT);
  });
  afterAll(async () => api?.close());

  const daily = `query($h: Int!, $g: ForecastGranularity!, $from: DateTime!, $to: DateTime!) {
    ticketVolumeForecast(history: { from: $from, to: $to }, granularity: $g, horizon: $h, channel: [CHAT]) {
      history { localStart value }
      forecast { start localStart value intervals { level lower upper } }
      decomposition { trend seasonal { period values } remainder }
      model modelDescription note
      accuracy { mase smape mae coverage80 coverage95 seasonalNaiveMase origins }
    } }`;

  it('forecasts 28 days with finite, non-negative values and intervals that widen with the horizon', async () => {
    const res = await api.graphql(daily, { h: 28, g: 'DAY', from: '2025-01-06T00:00:00Z', to: '2025-03-03T00:00:00Z' });
    expect(res.errors).toBeUndefined();
    const f = res.data.ticketVolumeForecast;
    expect(f.history).toHaveLength(56);
    expect(f.forecast).toHaveLength(28);
    expect(f.forecast[0].localStart).toBe('2025-03-03T00:00:00');
    for (const p of f.forecast) {
      expect(Number.isFinite(p.value)).toBe(true);
      expect(p.value).toBeGreaterThanOrEqual(0);
      const [i80, i95] = p.intervals;
      expect(i80.level).toBe(80);
      expect(i95.lower).toBeLessThanOrEqual(i80.lower);
      expect(i95.upper).toBeGreaterThanOrEqual(i80.upper);
      expect(i80.lower).toBeLessThanOrEqual(p.value);
    }
    const width = (p: any) => p.intervals[1].upper - p.intervals[1].lower;
    expect(width(f.forecast[27])).toBeGreaterThan(width(f.forecast[0]));
    expect(f.decomposition.seasonal.map((s: any) => s.period)).toEqual([7]);
    f.history.forEach((h: any, i: number) =>
      expect(f.decomposition.trend[i] + f.decomposition.seasonal[0].values[i] + f.decomposition.remainder[i]).toBeCloseTo(h.value, 6),
    );
    expect(f.accuracy.mase).toBeLessThan(f.accuracy.seasonalNaiveMase);
  });

  it('forecasts 7 days hourly with daily and weekly seasonality', async () => {
    const res = await api.graphql(daily, { h: 168, g: 'HOUR', from: '2025-01-06T00:00:00Z', to: '2025-03-03T00:00:00Z' });
    expect(res.errors).toBeUndefined();
    const f = res.data.ticketVolumeForecast;
    expect(f.forecast).toHaveLength(168);
    expect(f.decomposition.seasonal.map((s: any) => s.period)).toEqual([24, 168]);
    expect(f.forecast.every((p: any) => Number.isFinite(p.value) && p.value >= 0 && p.intervals[0].lower >= 0)).toBe(true);
    // Monday noon is busier than Monday 3 am, as in the history.
    const at = (local: string) => f.forecast.find((p: any) => p.localStart === local).value;
    expect(at('2025-03-03T12:00:00')).toBeGreaterThan(at('2025-03-03T03:00:00') + 3);
  });

  it('says so when the history is too short for a seasonality', async () => {
    const res = await api.graphql(daily, { h: 7, g: 'DAY', from: '2025-02-20T00:00:00Z', to: '2025-03-03T00:00:00Z' });
    expect(res.errors).toBeUndefined();
    expect(res.data.ticketVolumeForecast.note).toMatch(/fewer than two cycles of 7/);
    expect(res.data.ticketVolumeForecast.decomposition).toBeNull();
  });

  it('serves a repeated forecast from the cache until the data changes', async () => {
    const vars = { h: 14, g: 'DAY', from: '2025-01-06T00:00:00Z', to: '2025-03-03T00:00:00Z' };
    await api.graphql(daily, vars);
    api.statements.length = 0;
    await api.graphql(daily, vars);
    expect(api.statements).toHaveLength(1); // only the data version
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('late', 'chat', '2025-03-01T10:00:00Z')`);
    api.statements.length = 0;
    const res = await api.graphql(daily, vars);
    expect(api.statements.length).toBeGreaterThan(1);
    expect(res.data.ticketVolumeForecast.history.at(-2).value).toBeGreaterThan(0);
  });

  it('finds an injected spike in the anomalies of the daily series', async () => {
    await api.db.dataSource.query(
      `INSERT INTO tickets (external_id, channel, created_at) SELECT 'spike' || k, 'chat', '2025-02-12T09:00:00Z'::timestamptz + k * interval '10 seconds' FROM generate_series(1, 300) k`,
    );
    const res = await api.graphql(`{ ticketVolume(period: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, channel: [CHAT]) {
      anomalies { localStart value expected deviation score } } }`);
    expect(res.errors).toBeUndefined();
    const anomalies = res.data.ticketVolume.anomalies;
    expect(anomalies.map((a: any) => a.localStart)).toContain('2025-02-12T00:00:00');
    const spike = anomalies.find((a: any) => a.localStart === '2025-02-12T00:00:00');
    expect(spike.deviation).toBeGreaterThan(250);
    expect(anomalies.length).toBeLessThanOrEqual(2);
  });

  it.each([
    ['a zero horizon', `horizon: 0`, 'horizon'],
    ['a 100% level', `horizon: 3, levels: [80, 100]`, 'levels[1]'],
    ['an inverted history', `horizon: 3, history: { from: "2025-03-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }`, 'history.to'],
  ])('rejects %s naming the argument', async (_what, args, argument) => {
    const history = args.includes('history:') ? '' : 'history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, ';
    const res = await api.graphql(`{ ticketVolumeForecast(${history}${args}) { model } }`);
    expect(res.errors?.[0]?.extensions?.argument).toBe(argument);
  });
});

describe('churn forecast API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // 1,000 pro customers from 2023; 20 churn in each month of 2024 (2% of the base in January, a little more later).
    await api.db.dataSource.query(`INSERT INTO customers (external_id, tier, signed_up_at, churned_at)
      SELECT 'c' || i, 'pro', '2023-01-01Z', CASE WHEN i % 50 < 12 THEN '2024-01-01T00:00:00Z'::timestamptz + (i % 50) * interval '1 month' + interval '3 days' END
      FROM generate_series(1, 1000) i`);
  });
  afterAll(async () => api?.close());

  it('projects monthly churn and customers lost with intervals from the active base', async () => {
    const res = await api.graphql(`{ churnForecast(history: { from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }, horizon: 3, tier: ["pro"]) {
      activeBase method note history { localStart rate activeAtStart }
      months { localStart activeBase rate rateIntervals { level lower upper } customersLost customersLostIntervals { level lower upper } } } }`);
    expect(res.errors).toBeUndefined();
    const c = res.data.churnForecast;
    expect(c.history).toHaveLength(12);
    expect(c.history[0]).toMatchObject({ localStart: '2024-01-01T00:00:00', activeAtStart: 1000, rate: 2 });
    expect(c.activeBase).toBe(760);
    expect(c.months.map((m: any) => m.localStart)).toEqual(['2025-01-01T00:00:00', '2025-02-01T00:00:00', '2025-03-01T00:00:00']);
    expect(c.months[0].activeBase).toBe(760);
    for (const m of c.months) {
      expect(m.rate).toBeGreaterThan(1.5);
      expect(m.rate).toBeLessThan(3.5);
      expect(m.rateIntervals[1].lower).toBeLessThanOrEqual(m.rate);
      expect(m.rateIntervals[1].upper).toBeGreaterThanOrEqual(m.rate);
      expect(m.customersLost).toBeCloseTo((m.activeBase * m.rate) / 100, 6);
    }
  });

  it('rejects a segment with no history', async () => {
    const res = await api.graphql(
      `{ churnForecast(history: { from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }, horizon: 3, tier: ["nobody"]) { method } }`,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'history' });
  });
});
