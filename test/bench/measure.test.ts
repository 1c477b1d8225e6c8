import { interleavedRuns, percentile } from '../../bench/measure';

describe('bench measurements', () => {
  it('interleaved runs take turns, warm-ups untimed, and time each operation on its own', async () => {
    const calls: string[] = [];
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const [a, b] = await interleavedRuns(
      async () => {
        calls.push('a');
        await wait(1);
      },
      async () => {
        calls.push('b');
        await wait(25);
      },
      2,
      3,
    );
    expect(calls.join('')).toBe('ababababab');
    expect([a.runs, b.runs]).toEqual([3, 3]);
    expect(b.min).toBeGreaterThanOrEqual(20);
    expect(a.p50).toBeLessThan(b.p50);
  });

  it('percentiles interpolate between closest ranks, as percentile_cont', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([10, 20], 95)).toBeCloseTo(19.5);
  });
});
