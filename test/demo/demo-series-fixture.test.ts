import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoFixture, demoVolumeSeries } from '../../src/demo/demo-series';

describe('test/fixtures/forecasting/demo-series.json', () => {
  it('matches the demo generator (regenerate with npm run fixtures:demo-series)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../fixtures/forecasting/demo-series.json'), 'utf8')) as unknown;
    expect(committed).toEqual(demoFixture());
  });

  it('counts every ticket of the window once in the daily total', () => {
    const all = demoVolumeSeries({ tickets: 2000, seed: 7, days: 60 }).find((s) => s.name === 'all' && s.granularity === 'day')!;
    expect(all.values).toHaveLength(60);
    expect(all.values.reduce((a, b) => a + b, 0)).toBe(2000);
  });
});
