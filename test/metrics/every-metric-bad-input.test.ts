import { DIMENSIONS } from '../../src/metrics/dimensions';
import { METRICS } from '../../src/metrics/registry';
import { startTestApi, type TestApi } from '../support/test-api';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

/** Every registered metric refuses bad arguments with a coded error naming them, and answers an empty period sensibly. */
describe.each(METRICS.map((m) => [m.name, m] as const))('%s', (name, metric) => {
  it('refuses a period that ends before it starts', async () => {
    const res = await api.graphql(`{ ${name}(period: { from: "2025-03-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { value } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PERIOD', argument: 'period.to' });
  });

  it('refuses an unknown series time zone', async () => {
    const res = await api.graphql(
      `{ ${name}(period: { from: "2025-02-01T00:00:00Z", to: "2025-03-01T00:00:00Z" }) { series(granularity: DAY, timezone: "Nowhere/Special") { value } } }`,
    );
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UNKNOWN_TIMEZONE', argument: 'timezone' });
  });

  it('has no argument for a dimension it does not apply to', async () => {
    const missing = DIMENSIONS.find((d) => !metric.dimensions.includes(d));
    if (!missing) return; // ticket metrics accept every dimension
    const res = await api.graphql(`{ ${name}(period: { from: "2025-02-01T00:00:00Z", to: "2025-03-01T00:00:00Z" }, ${missing}: ["x"]) { value } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses an empty filter list', async () => {
    const dimension = metric.dimensions[0];
    const res = await api.graphql(`{ ${name}(period: { from: "2025-02-01T00:00:00Z", to: "2025-03-01T00:00:00Z" }, ${dimension}: []) { value } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: dimension });
  });

  it('answers a period without data with sample size 0 and its empty value', async () => {
    const res = await api.graphql(`{ ${name}(period: { from: "2030-01-01T00:00:00Z", to: "2030-02-01T00:00:00Z" }) { value sampleSize } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data[name]).toEqual({ value: metric.emptyValue, sampleSize: 0 });
  });
});
