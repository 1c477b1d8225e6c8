import { Client } from 'pg';
import { statementName } from '../../src/db/prepared-statements';
import { useAcceptanceDatabase } from '../support/acceptance-database';
import { startTestApi, type TestApi } from '../support/test-api';

// Named statements are for PostgreSQL's own connections (the embedded database keeps its statements unnamed).
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

/**
 * Through the whole server, as a dashboard asks: the statements over the rollups reach PostgreSQL named (their plans
 * are kept), those over the raw tables unnamed (planned for their period each time).
 */
onPostgres("the API's statements as PostgreSQL receives them", () => {
  const database = useAcceptanceDatabase();
  const sent: { name?: string; text: string }[] = [];
  const original = Client.prototype.query;
  let rolled: TestApi;
  let raw: TestApi;
  beforeAll(async () => {
    jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const config = args[0] as string | { name?: string; text: string };
      sent.push(typeof config === 'string' ? { text: config } : { name: config.name, text: config.text });
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original);
    rolled = await startTestApi({}, { db: database() });
    raw = await startTestApi({ METRIC_ROLLUPS: 'off' }, { db: database() });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await rolled?.close();
    await raw?.close();
  });

  const query = `query ($period: PeriodInput!) {
    firstResponseTime(period: $period) { value median p90 breakdown(by: CHANNEL) { segment median } }
  }`;
  const period = { from: '2024-12-01T00:00:00Z', to: '2025-06-01T00:00:00Z', timezone: 'UTC' };
  const metricStatements = async (api: TestApi) => {
    sent.length = 0;
    const res = await api.graphql(query, { period });
    expect(res.errors).toBeUndefined();
    expect(res.data.firstResponseTime.median).toEqual(expect.any(Number));
    return sent.filter((s) => /\bagg\b/.test(s.text));
  };

  it('sends the rollup reads named by their text, the raw reads unnamed', async () => {
    const fromRollups = await metricStatements(rolled);
    expect(fromRollups.some((s) => s.text.includes('width_bucket'))).toBe(true);
    for (const s of fromRollups) {
      expect(s.text).toMatch(/_rollup/);
      expect(s.name).toBe(statementName(s.text));
    }
    const fromRaw = await metricStatements(raw);
    expect(fromRaw.length).toBeGreaterThan(0);
    for (const s of fromRaw) {
      expect(s.text).not.toMatch(/_rollup/);
      expect(s.name).toBeUndefined();
    }
  });
});
