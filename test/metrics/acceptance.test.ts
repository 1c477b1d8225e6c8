import { folderSource, importDataset } from '../../src/import';
import { ACCEPTANCE_DIR, caseQuery, loadExpectedCases, relativeError } from '../support/expected-cases';
import { startTestApi, type TestApi } from '../support/test-api';

/**
 * Every case of expected.json (computed independently from the metric specification) through the GraphQL API, on the
 * acceptance dataset imported with the real importer.
 */
describe('acceptance dataset through the API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    await importDataset(api.db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
  });
  afterAll(async () => api?.close());

  const cases = loadExpectedCases();
  const label = (c: (typeof cases)[number]) =>
    c.groupBy ? `by ${c.groupBy} = ${c.group}` : c.granularity ? `${c.granularity} bucket ${c.bucket} in ${c.timezone}` : JSON.stringify(c.filter);

  it.each(cases.map((c, i) => [i, c.metric, label(c), c] as const))('case %i: %s %s', async (_i, _metric, _label, c) => {
    const { query, read } = caseQuery(c);
    const res = await api.graphql(query);
    expect(res.errors).toBeUndefined();
    const got = read(res.data);
    expect(got.sampleSize).toBe(c.sampleSize);
    if (c.value === null) expect(got.value).toBeNull();
    else expect(relativeError(got.value!, c.value)).toBeLessThanOrEqual(1e-9);
  });

  it('matches the ticket volume per channel for February–April 2025', async () => {
    const expected = cases.filter((c) => c.metric === 'ticketVolume' && c.groupBy === 'channel');
    expect(expected.length).toBeGreaterThan(0);
    const res = await api.graphql(
      `{ ticketVolume(period: { from: "2025-02-01T00:00:00Z", to: "2025-05-01T00:00:00Z" }) { breakdown(by: CHANNEL) { segment value } } }`,
    );
    for (const c of expected) expect(res.data.ticketVolume.breakdown).toContainEqual({ segment: c.group, value: c.value });
  });
});
