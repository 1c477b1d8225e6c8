import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSource } from '../../src/demo/demo-source';
import { folderSource, importDataset } from '../../src/import';
import { startTestApi, type TestApi } from '../support/test-api';

// Forecasts on the demo data `npm start` loads (seed 42, 100,000 tickets over two years to 2026-11-01), through the importer.
describe('forecasts on the demo data', () => {
  let api: TestApi;
  let spikeDir: string;
  beforeAll(async () => {
    api = await startTestApi();
    await importDataset(api.db.dataSource, demoSource({ tickets: 100_000, seed: 42 }), { sourceName: 'demo' });
  }, 300_000); // loading 620,000 records takes about 30 s on PGlite, longer on a busy machine
  afterAll(async () => {
    await api?.close();
    if (spikeDir) rmSync(spikeDir, { recursive: true, force: true });
  });

  const forecastQuery = (granularity: string, horizon: number, from: string) => `{ ticketVolumeForecast(
      history: { from: "${from}", to: "2026-11-01T00:00:00Z" }, granularity: ${granularity}, horizon: ${horizon}) {
      model note accuracy { mase seasonalNaiveMase coverage80 coverage95 }
      forecast { localStart value intervals { level lower upper } } } }`;

  const checkForecast = (f: any, horizon: number) => {
    expect(f.forecast).toHaveLength(horizon);
    for (const p of f.forecast) {
      expect(Number.isFinite(p.value)).toBe(true);
      expect(p.value).toBeGreaterThanOrEqual(0);
      for (const i of p.intervals) {
        expect(Number.isFinite(i.lower) && Number.isFinite(i.upper)).toBe(true);
        expect(i.lower).toBeGreaterThanOrEqual(0);
        expect(i.lower).toBeLessThanOrEqual(p.value);
        expect(i.upper).toBeGreaterThanOrEqual(p.value);
      }
    }
    // The upper half-width (z·sd) shows the widening; the lower bound is clamped at zero on quiet days.
    const halfWidth = (p: any) => p.intervals.find((i: any) => i.level === 95).upper - p.value;
    expect(halfWidth(f.forecast[horizon - 1])).toBeGreaterThan(halfWidth(f.forecast[0]));
    expect(f.accuracy.mase).toBeLessThan(f.accuracy.seasonalNaiveMase);
  };

  it('forecasts 28 days daily: finite, non-negative, widening intervals, better than seasonal naive in backtest', async () => {
    const res = await api.graphql(forecastQuery('DAY', 28, '2025-11-01T00:00:00Z'));
    expect(res.errors).toBeUndefined();
    checkForecast(res.data.ticketVolumeForecast, 28);
  });

  it('forecasts 7 days hourly with daily and weekly seasonality, better than seasonal naive in backtest', async () => {
    const res = await api.graphql(forecastQuery('HOUR', 168, '2026-08-01T00:00:00Z'));
    expect(res.errors).toBeUndefined();
    const f = res.data.ticketVolumeForecast;
    expect(f.forecast).toHaveLength(168);
    for (const p of f.forecast) expect(p.value).toBeGreaterThanOrEqual(0);
    const halfWidth = (p: any) => p.intervals[1].upper - p.value;
    expect(halfWidth(f.forecast[167])).toBeGreaterThan(halfWidth(f.forecast[0]));
    expect(f.accuracy.mase).toBeLessThan(f.accuracy.seasonalNaiveMase);
  });

  it('staffs chat on the demo data only while its business calendar is open', async () => {
    const query = `{ staffingPlan(channel: CHAT, from: "2026-11-01T00:00:00Z", days: 7, intervalMinutes: 30) {
        calendar openingBacklog note days { date arrivals carriedContacts contacts agentHours fte }
        totals { arrivals carriedContacts carriedBeyondPlan contacts agentHours fte }
        intervals { localStart open carriedContacts scheduledAgents } } }`;
    const around = await api.graphql(query);
    expect(around.errors).toBeUndefined();
    // Without a calendar a few chats at night staff the whole Sunday.
    expect(around.data.staffingPlan.days[0].agentHours).toBeGreaterThan(24);
    const hours = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((d) => `{ day: ${d}, opens: "09:00", closes: "17:00" }`).join(', ');
    expect(
      (await api.graphql(`mutation { setBusinessCalendar(input: { name: "chat", timezone: "UTC", hours: [${hours}], channels: [CHAT] }) { name } }`))
        .errors,
    ).toBeUndefined();
    try {
      const res = await api.graphql(query);
      expect(res.errors).toBeUndefined();
      const p = res.data.staffingPlan;
      expect(p.calendar).toBe('chat');
      expect(p.days[0]).toMatchObject({ date: '2026-11-01', contacts: 0, agentHours: 0 });
      expect(p.days[0].arrivals).toBeCloseTo(around.data.staffingPlan.days[0].arrivals, 9);
      for (const i of p.intervals) if (!i.open) expect(i.scheduledAgents).toBe(0);
      expect(p.days[1].carriedContacts).toBeGreaterThan(p.days[0].arrivals);
      expect(p.totals.contacts + p.totals.carriedBeyondPlan).toBeCloseTo(p.totals.arrivals + p.openingBacklog, 6);
      expect(p.totals.agentHours).toBeLessThan(around.data.staffingPlan.totals.agentHours);
    } finally {
      await api.graphql(`mutation { removeBusinessCalendar(name: "chat") }`);
    }
  });

  it('finds a spike imported into the data among the daily anomalies', async () => {
    spikeDir = mkdtempSync(join(tmpdir(), 'deskmetrics-spike-'));
    const rows = Array.from(
      { length: 250 },
      (_, i) => `SPIKE${i},chat,2026-10-14T${String(8 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
    );
    writeFileSync(join(spikeDir, 'tickets.csv'), ['ticket_id,channel,created_at', ...rows].join('\n') + '\n');
    const summary = await importDataset(api.db.dataSource, folderSource(spikeDir), { sourceName: 'spike' });
    expect(summary.total.inserted).toBe(250);
    const res = await api.graphql(`{ ticketVolume(period: { from: "2026-08-01T00:00:00Z", to: "2026-11-01T00:00:00Z" }, channel: [CHAT]) {
      anomalies { localStart value expected deviation score } } }`);
    expect(res.errors).toBeUndefined();
    const spike = res.data.ticketVolume.anomalies.find((a: any) => a.localStart === '2026-10-14T00:00:00');
    expect(spike).toBeDefined();
    expect(spike.deviation).toBeGreaterThan(200);
  });
});
