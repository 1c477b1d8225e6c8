import { TokenBuckets } from '../../src/limits/token-bucket';

describe('token buckets', () => {
  let now = 0;
  const buckets = () => new TokenBuckets(100, 10, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('let a client spend up to the bucket size at once, then refuse with the wait for enough refill', () => {
    const b = buckets();
    expect(b.take('k', 60)).toEqual({ allowed: true, state: { limit: 100, remaining: 40, resetSeconds: 6 } });
    expect(b.take('k', 60)).toEqual({ allowed: false, state: { limit: 100, remaining: 40, resetSeconds: 6 }, retryAfterSeconds: 2 });
    now += 2000;
    expect(b.take('k', 60).allowed).toBe(true);
  });

  it('refill at the configured rate, never beyond the bucket size', () => {
    const b = buckets();
    b.take('k', 100);
    now += 3000;
    expect(b.peek('k').remaining).toBe(30);
    now += 60_000;
    expect(b.peek('k')).toEqual({ limit: 100, remaining: 100, resetSeconds: 0 });
  });

  it('keep one bucket per client', () => {
    const b = buckets();
    b.take('a', 100);
    expect(b.take('b', 100).allowed).toBe(true);
    expect(b.take('a', 1).allowed).toBe(false);
  });
});
