import { startTestApi, type TestApi } from '../support/test-api';

/** The worked examples at the end of the metric specification, each built as data and read back through the API. */
describe('worked examples of the metric definitions', () => {
  let api: TestApi;
  const sql = (text: string, params: unknown[] = []) => api.db.dataSource.query(text, params);
  const ask = async (field: string, period: { from: string; to: string }, select = 'value sampleSize') => {
    const res = await api.graphql(`{ m: ${field}(period: { from: "${period.from}", to: "${period.to}" }) { ${select} } }`);
    expect(res.errors).toBeUndefined();
    return res.data.m;
  };
  // Each example lives in its own month so examples cannot see each other's records.
  const month = (m: number) => ({
    from: `2024-${String(m).padStart(2, '0')}-01T00:00:00Z`,
    to: `2024-${String(m + 1).padStart(2, '0')}-01T00:00:00Z`,
  });
  const at = (m: number, minutes = 0) => new Date(Date.UTC(2024, m - 1, 2) + minutes * 60_000).toISOString();

  beforeAll(async () => {
    api = await startTestApi();
    await sql(`INSERT INTO agents (external_id, name, team) VALUES ('A', 'Agent', 'tier1')`);
  });
  afterAll(async () => api?.close());

  it('300 minutes of response time over 100 queries give an average response time of 3 minutes', async () => {
    // 50 replies after 1 minute and 50 after 5 minutes, each to a customer message sent when the ticket was created.
    await sql(
      `INSERT INTO tickets (external_id, channel, created_at) SELECT 'rt' || i, 'email', $1::timestamptz + i * interval '1 hour' FROM generate_series(1, 100) i`,
      [at(1)],
    );
    await sql(
      `INSERT INTO messages (external_id, ticket_id, author, sent_at) SELECT 'rtc' || t.id, t.id, 'customer', t.created_at FROM tickets t WHERE t.external_id LIKE 'rt%'`,
    );
    await sql(`INSERT INTO messages (external_id, ticket_id, author, agent_id, sent_at)
      SELECT 'rta' || t.id, t.id, 'agent', (SELECT id FROM agents), t.created_at + CASE WHEN t.id % 2 = 0 THEN interval '1 minute' ELSE interval '5 minutes' END
      FROM tickets t WHERE t.external_id LIKE 'rt%'`);
    expect(await ask('averageResponseTime', month(1))).toEqual({ value: 180, sampleSize: 100 });
  });

  it('an inquiry at 09:00 first answered at 09:15 has a first response time of 15 minutes', async () => {
    await sql(
      `INSERT INTO tickets (external_id, channel, created_at, first_response_at) VALUES ('fr', 'chat', '2024-02-02T09:00:00Z', '2024-02-02T09:15:00Z')`,
    );
    expect(await ask('firstResponseTime', month(2), 'value median sampleSize')).toEqual({ value: 900, median: 900, sampleSize: 1 });
  });

  it('600 minutes over 50 resolved issues give an average resolution time of 12 minutes', async () => {
    await sql(
      `INSERT INTO tickets (external_id, channel, created_at, resolved_at)
      SELECT 'rs' || i, 'web', $1::timestamptz + i * interval '1 hour', $1::timestamptz + i * interval '1 hour' + CASE WHEN i % 2 = 0 THEN interval '6 minutes' ELSE interval '18 minutes' END
      FROM generate_series(1, 50) i`,
      [at(3)],
    );
    expect(await ask('averageResolutionTime', month(3))).toEqual({ value: 720, sampleSize: 50 });
  });

  it('70 of 100 issues resolved on first contact give an FCR of 70%', async () => {
    await sql(
      `INSERT INTO tickets (external_id, channel, created_at, resolved_at, escalated)
      SELECT 'fc' || i, 'email', $1::timestamptz + i * interval '1 hour', $1::timestamptz + i * interval '1 hour' + interval '1 hour', i > 70
      FROM generate_series(1, 100) i`,
      [at(4)],
    );
    await sql(`INSERT INTO messages (external_id, ticket_id, author, agent_id, sent_at)
      SELECT 'fca' || t.id, t.id, 'agent', (SELECT id FROM agents), t.created_at + interval '5 minutes' FROM tickets t WHERE t.external_id LIKE 'fc%'`);
    expect(await ask('firstContactResolutionRate', month(4))).toEqual({ value: 70, sampleSize: 100 });
  });

  it('40% promoters and 20% detractors give an NPS of 20', async () => {
    const scores = [9, 10, 9, 10, 7, 8, 7, 8, 3, 6];
    for (const [i, score] of scores.entries()) {
      await sql(`INSERT INTO surveys (external_id, kind, score, responded_at) VALUES ($1, 'nps', $2, $3)`, [`nps${i}`, score, at(5, i)]);
    }
    expect(await ask('nps', month(5))).toEqual({ value: 20, sampleSize: 10 });
  });

  it('50 CSAT responses summing to 200 give a CSAT of 80', async () => {
    await sql(
      `INSERT INTO surveys (external_id, kind, score, responded_at) SELECT 'cs' || i, 'csat', CASE WHEN i <= 25 THEN 3 ELSE 5 END, $1::timestamptz + i * interval '1 minute' FROM generate_series(1, 50) i`,
      [at(6)],
    );
    expect(await ask('csat', month(6))).toEqual({ value: 80, sampleSize: 50 });
  });

  it('80 of 100 resolved within the SLA give a compliance of 80%', async () => {
    await sql(`INSERT INTO sla_policies (priority, channel, resolution_minutes) VALUES ('urgent', NULL, 60)`);
    await sql(
      `INSERT INTO tickets (external_id, channel, priority, created_at, resolved_at)
      SELECT 'sl' || i, 'phone', 'urgent', $1::timestamptz + i * interval '1 hour', $1::timestamptz + i * interval '1 hour' + CASE WHEN i <= 80 THEN interval '60 minutes' ELSE interval '61 minutes' END
      FROM generate_series(1, 100) i`,
      [at(7)],
    );
    expect(await ask('slaComplianceResolution', month(7))).toEqual({ value: 80, sampleSize: 100 });
  });

  it('40 of 200 inquiries abandoned give an abandonment rate of 20%', async () => {
    await sql(
      `INSERT INTO tickets (external_id, channel, created_at, abandoned_at)
      SELECT 'ab' || i, 'phone', $1::timestamptz + i * interval '1 minute', CASE WHEN i <= 40 THEN $1::timestamptz + i * interval '1 minute' + interval '2 minutes' END
      FROM generate_series(1, 200) i`,
      [at(8)],
    );
    expect(await ask('abandonmentRate', month(8))).toEqual({ value: 20, sampleSize: 200 });
  });

  it('500 customers at the start and 50 lost give a churn rate of 10%', async () => {
    await sql(
      `INSERT INTO customers (external_id, tier, signed_up_at, churned_at)
      SELECT 'ch' || i, 'churn-example', '2020-01-01Z', CASE WHEN i <= 50 THEN $1::timestamptz + i * interval '1 hour' END FROM generate_series(1, 500) i`,
      [at(9)],
    );
    const res = await api.graphql(
      `{ churnRate(period: ${JSON.stringify(month(9)).replace(/"(from|to)"/g, '$1')}, tier: ["churn-example"]) { value sampleSize } }`,
    );
    expect(res.data.churnRate).toEqual({ value: 10, sampleSize: 500 });
  });

  it('$100 purchases, 2 a year and a 5-year lifespan give a CLV of $1,000', async () => {
    // Over 2023: 100 customers active at the start, 20 of them churn (20% a year, lifespan 5 years); 10 buy twice at $100.
    await sql(`INSERT INTO customers (external_id, tier, signed_up_at, churned_at)
      SELECT 'lv' || i, 'clv-example', '2020-01-01Z', CASE WHEN i > 80 THEN '2023-12-01T00:00:00Z'::timestamptz END FROM generate_series(1, 100) i`);
    await sql(`INSERT INTO orders (external_id, customer_id, amount, ordered_at)
      SELECT 'o' || c.id || '-' || k, c.id, 100, '2023-03-01T00:00:00Z'::timestamptz + k * interval '120 days'
      FROM customers c CROSS JOIN generate_series(1, 2) k WHERE c.tier = 'clv-example' AND c.external_id IN ('lv1','lv2','lv3','lv4','lv5','lv6','lv7','lv8','lv9','lv10')`);
    // 2023 has 365 days; the specification's year is 365.25 days, which cancels out of the product.
    const res = await api.graphql(
      `{ customerLifetimeValue(period: {from: "2023-01-01T00:00:00Z", to: "2024-01-01T00:00:00Z"}, tier: ["clv-example"]) { value sampleSize } }`,
    );
    expect(res.data.customerLifetimeValue.value).toBeCloseTo(1000, 9);
    expect(res.data.customerLifetimeValue.sampleSize).toBe(20);
  });

  it('600 minutes of handling over 100 interactions give an AHT of 6 minutes', async () => {
    await sql(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('aht', 'phone', $1)`, [at(10)]);
    await sql(
      `INSERT INTO messages (external_id, ticket_id, author, agent_id, sent_at, handle_seconds)
      SELECT 'ah' || i, (SELECT id FROM tickets WHERE external_id = 'aht'), 'agent', (SELECT id FROM agents), $1::timestamptz + i * interval '1 minute', CASE WHEN i % 2 = 0 THEN 120 ELSE 600 END
      FROM generate_series(1, 100) i`,
      [at(10)],
    );
    expect(await ask('averageHandleTime', month(10))).toEqual({ value: 360, sampleSize: 100 });
  });

  it('320 active of 400 available hours give a utilisation of 80%', async () => {
    await sql(`INSERT INTO agent_activity (agent_id, date, available_seconds, active_seconds)
      SELECT (SELECT id FROM agents), DATE '2024-11-01' + i, 8 * 3600, CASE WHEN i < 40 THEN 8 * 3600 ELSE 0 END FROM generate_series(0, 49) i
      WHERE DATE '2024-11-01' + i < DATE '2024-12-20'`);
    // 49 days × 8 h = 392 h available: extend the last day to make 400 h, 320 h (40 days × 8 h) active.
    await sql(`UPDATE agent_activity SET available_seconds = 16 * 3600 WHERE date = '2024-12-19'`);
    expect(await ask('agentUtilizationRate', { from: '2024-11-01T00:00:00Z', to: '2024-12-20T00:00:00Z' })).toEqual({ value: 80, sampleSize: 49 });
  });
});
