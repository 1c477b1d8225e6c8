import { visibleBreakdownRows } from '../../src/metrics/metric-loaders';
import { startTestApi, type TestApi } from '../support/test-api';

describe('a partner with a minimum group size', () => {
  let api: TestApi;
  let partner: string;
  beforeAll(async () => {
    api = await startTestApi({ PARTNER_MIN_GROUP_SIZE: 5 }, { auth: true });
    partner = await api.createKey({ name: 'acme', role: 'partner', scope: { product: ['api'] } });
    // api tickets: 6 by chat, 2 by phone (a group small enough to single out two customers).
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, product, created_at)
      SELECT 't' || i, CASE WHEN i <= 6 THEN 'chat' ELSE 'phone' END, 'api', '2025-03-02T00:00:00Z'::timestamptz + i * interval '1 hour'
      FROM generate_series(1, 8) i`);
  });
  afterAll(async () => api?.close());

  const q = `{ ticketVolume(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) { value breakdown(by: CHANNEL) { segment value } } }`;

  it('sees the total, and no breakdown segment that the total would single out a small group from', async () => {
    const res = await api.graphql(q, undefined, { key: partner });
    expect(res.errors).toBeUndefined();
    // phone (2) is below the size; shown alone, chat (6) would give it away as 8 − 6, so it is left out too.
    expect(res.data.ticketVolume).toEqual({ value: 8, breakdown: [] });
  });

  it('withholds a value filtered down to a small segment', async () => {
    const res = await api.graphql(
      `{ phone: ticketVolume(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, channel: [PHONE]) { value sampleSize suppressed }
         chat: ticketVolume(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, channel: [CHAT]) { value sampleSize suppressed } }`,
      undefined,
      { key: partner },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ phone: { value: null, sampleSize: 0, suppressed: true }, chat: { value: 6, sampleSize: 6, suppressed: false } });
  });

  it('withholds small series buckets and comparisons', async () => {
    const res = await api.graphql(
      `{ ticketVolume(period: { from: "2025-03-02T00:00:00Z", to: "2025-03-03T00:00:00Z" }, channel: [PHONE]) {
           series(granularity: HOUR) { value suppressed } comparison { previousValue } }
         later: ticketVolume(period: { from: "2025-03-03T00:00:00Z", to: "2025-03-04T00:00:00Z" }, channel: [PHONE]) { comparison { previousValue previousSampleSize } } }`,
      undefined,
      { key: partner },
    );
    expect(res.errors).toBeUndefined();
    const series = res.data.ticketVolume.series as { value: number | null; suppressed: boolean }[];
    expect(series.filter((b) => b.suppressed)).toHaveLength(2);
    expect(series.every((b) => (b.suppressed ? b.value === null : b.value === 0))).toBe(true);
    expect(res.data.later.comparison).toEqual({ previousValue: null, previousSampleSize: 0 });
  });

  it('keeps the breakdown rows when what they leave out is a large enough group', () => {
    const row = (segment: string, sampleSize: number) => ({ segment, value: sampleSize, sampleSize, suppressed: false });
    expect(visibleBreakdownRows([row('a', 9), row('b', 7), row('c', 3), row('d', 2)], 5).map((r) => r.segment)).toEqual(['a', 'b']);
    expect(visibleBreakdownRows([row('a', 9), row('b', 7), row('c', 3)], 5).map((r) => r.segment)).toEqual(['a']);
    expect(visibleBreakdownRows([row('a', 9), row('b', 7)], 5).map((r) => r.segment)).toEqual(['a', 'b']);
    expect(visibleBreakdownRows([row('a', 4), row('b', 0)], 0).map((r) => r.segment)).toEqual(['a']);
  });

  it('does not limit unscoped callers', async () => {
    const res = await api.graphql(q);
    expect(res.data.ticketVolume.breakdown).toEqual([
      { segment: 'chat', value: 6 },
      { segment: 'phone', value: 2 },
    ]);
  });
});
