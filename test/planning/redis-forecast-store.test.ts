import { decode, encode } from '../../src/planning/redis-forecast-store';

describe('forecasts stored as JSON in Redis', () => {
  it('read back equal to what was computed, dates and non-finite numbers included', () => {
    const forecast = {
      history: [{ start: new Date('2025-01-06T00:00:00Z'), localStart: '2025-01-06T00:00:00', value: null }],
      accuracy: { mase: Number.NaN, smape: Number.POSITIVE_INFINITY, mae: -0.5 },
      // Plain objects that merely look like the tags keep their other fields.
      note: { $date: 'not a tag', other: 1 },
    };
    expect(decode(encode(forecast))).toEqual(forecast);
    expect((decode(encode(forecast)) as typeof forecast).history[0].start).toBeInstanceOf(Date);
  });
});
