import { parse } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { estimateCost } from '../../src/metrics/query-cost';
import { ROLLUP_READ_COST } from '../../src/metrics/metric-cost';
import { buildApiSchema } from '../../src/server/schema';

const config = loadConfig({});
const cost = (query: string, variables: Record<string, unknown> = {}) => estimateCost(buildApiSchema(), parse(query), undefined, variables, config);
const period = (days: number) => `{ from: "2025-01-01T00:00:00Z", to: "${new Date(Date.UTC(2025, 0, 1 + days)).toISOString()}" }`;
const dailySeries = (days: number) => `{ ticketVolume(period: ${period(days)}) { series(granularity: DAY) { value } } }`;

describe('query cost', () => {
  it('charges a series one per bucket of its enclosing period (and its read, per 30 days)', () => {
    expect(cost(dailySeries(90)) - cost(dailySeries(30))).toBe(60 + 2 * ROLLUP_READ_COST);
    const hourly = cost(`{ ticketVolume(period: ${period(7)}) { series(granularity: HOUR) { value } } }`);
    expect(hourly - cost(dailySeries(7))).toBe(7 * 24 - 7);
  });

  it('reads the period from variables as from literals', () => {
    const withVariables = cost(`query($p: PeriodInput!) { ticketVolume(period: $p) { series(granularity: DAY) { value } } }`, {
      p: { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' },
    });
    expect(withVariables).toBe(cost(dailySeries(90)));
  });

  it('charges a series in a fragment buckets for the longest period it is used under, and each period its own read', () => {
    const query = `fragment S on TicketMetric { series(granularity: DAY) { value } }
      { a: ticketVolume(period: ${period(10)}) { ...S } b: ticketVolume(period: ${period(90)}) { ...S } }`;
    const longest = cost(`{ ticketVolume(period: ${period(90)}) { ...S } } fragment S on TicketMetric { series(granularity: DAY) { value } }`);
    // Reads per started 30 days: 3 over 90 days, 1 over 10.
    expect(cost(query)).toBe(2 * longest - (3 - 1) * ROLLUP_READ_COST);
  });

  it('charges declared costs: a breakdown more than a value, a baseline per period (5 and its read)', () => {
    const P = `period: ${period(30)}`;
    expect(cost(`{ ticketVolume(${P}) { breakdown(by: CHANNEL) { value } } }`)).toBeGreaterThan(cost(`{ ticketVolume(${P}) { value } }`) + 5);
    expect(cost(`{ ticketVolume(${P}) { baseline(periods: 8) } }`) - cost(`{ ticketVolume(${P}) { baseline(periods: 4) } }`)).toBe(
      4 * (5 + ROLLUP_READ_COST),
    );
  });
});

describe('periodArgumentCost', () => {
  it("charges per bucket of the field's own period argument", async () => {
    const { periodArgumentCost } = await import('../../src/metrics/query-cost');
    const estimate = periodArgumentCost('history', { argument: 'granularity' }, 2);
    const history = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2025-01-31T00:00:00Z') };
    const args = (granularity?: string) => ({ args: { history, granularity }, childComplexity: 4 }) as any;
    expect(estimate(args('day'))).toBe(31 * 2 + 4);
    expect(estimate(args('hour'))).toBe((30 * 24 + 1) * 2 + 4);
    expect(estimate(args())).toBe(31 * 2 + 4);
  });
});
