import { startTestApi, type TestApi } from '../support/test-api';

// An import commits between two statements of one request: the answer must still come from one version of the data.
const PERIOD = `period: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }`;
const QUERY = `{ ticketVolume(${PERIOD}) { value } csat(${PERIOD}) { sampleSize } }`;

async function addTicketsAndSurveys(api: TestApi, prefix: string, n: number): Promise<void> {
  await api.db.dataSource.transaction(async (m) => {
    for (let i = 0; i < n; i++) {
      await m.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ($1, 'chat', '2025-01-10T10:00:00Z')`, [`${prefix}T${i}`]);
      await m.query(`INSERT INTO surveys (external_id, kind, score, responded_at) VALUES ($1, 'csat', 5, '2025-01-10T11:00:00Z')`, [
        `${prefix}S${i}`,
      ]);
    }
  });
}

describe('one request, one snapshot', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await addTicketsAndSurveys(api, 'a', 3);
  });
  afterAll(async () => api?.close());
  afterEach(() => {
    api.beforeStatement = undefined;
  });

  it('reads every statement of a request from the data as it was at its first statement', async () => {
    const before = await api.graphql(QUERY);
    expect(before.errors).toBeUndefined();
    expect(before.data).toEqual({ ticketVolume: { value: 3 }, csat: { sampleSize: 3 } });

    let seen = 0;
    let write: Promise<void> | undefined;
    api.beforeStatement = async () => {
      if (++seen !== 2) return;
      // The import's commit lands after the request's first statement and before its second. The embedded database has
      // one connection, held by the request: there the write waits for the request, so it is not awaited to the end.
      write = addTicketsAndSurveys(api, 'b', 2);
      await Promise.race([write, new Promise((r) => setTimeout(r, 300))]);
    };
    const during = await api.graphql(QUERY);
    await write;
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(during.errors).toBeUndefined();
    expect(during.data).toEqual(before.data);

    api.beforeStatement = undefined;
    const after = await api.graphql(QUERY);
    expect(after.data).toEqual({ ticketVolume: { value: 5 }, csat: { sampleSize: 5 } });
  });

  it('writes of a mutation are not held in a read-only snapshot', async () => {
    const res = await api.graphql(`mutation { setMetricTarget(metric: "csat", target: 4.5) { target } }`);
    expect(res.errors?.map((e) => e.message)).toBeUndefined();
  });
});
