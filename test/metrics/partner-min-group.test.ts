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

  it('sees breakdown segments only from that size, and still the total', async () => {
    const res = await api.graphql(q, undefined, { key: partner });
    expect(res.errors).toBeUndefined();
    expect(res.data.ticketVolume).toEqual({ value: 8, breakdown: [{ segment: 'chat', value: 6 }] });
  });

  it('does not limit unscoped callers', async () => {
    const res = await api.graphql(q);
    expect(res.data.ticketVolume.breakdown).toEqual([{ segment: 'chat', value: 6 }, { segment: 'phone', value: 2 }]);
  });
});
