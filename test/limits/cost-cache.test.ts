import { parse } from 'graphql';
import { CostCache } from '../../src/limits/cost-cache';

describe('CostCache', () => {
  const document = parse('query Q($p: Int) { a }');

  it('estimates an operation once per document, operation name and variables', () => {
    const cache = new CostCache();
    let calls = 0;
    const estimate = (cost: number) => () => (calls++, cost);
    expect(cache.costOf(document, 'Q', { p: 1 }, estimate(10))).toBe(10);
    expect(cache.costOf(document, 'Q', { p: 1 }, estimate(99))).toBe(10);
    expect(calls).toBe(1);
    expect(cache.costOf(document, 'Q', { p: 2 }, estimate(20))).toBe(20);
    expect(cache.costOf(document, undefined, { p: 1 }, estimate(30))).toBe(30);
    expect(cache.costOf(parse('query Q($p: Int) { a }'), 'Q', { p: 1 }, estimate(40))).toBe(40);
    expect(calls).toBe(4);
  });

  it('does not remember a failed estimate', () => {
    const cache = new CostCache();
    expect(() =>
      cache.costOf(document, 'Q', { p: 'x' }, () => {
        throw new Error('bad variables');
      }),
    ).toThrow('bad variables');
    expect(cache.costOf(document, 'Q', { p: 'x' }, () => 5)).toBe(5);
  });
});
