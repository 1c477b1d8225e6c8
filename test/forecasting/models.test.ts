/**
 * The candidate models against R's forecast package on the reference splits:
 * our STL + ETS pipeline against R's stlf() point forecasts and intervals,
 * and our additive Holt-Winters ETS against the accuracy R's ets() reached.
 */
import { mase } from '../../forecasting';
import { stlEtsForecast } from '../../forecasting/models/decomposition';
import { autoEts, forecastEts } from '../../forecasting/models/ets';
import { buildIntervals } from '../../forecasting/selection';
import { FORECAST_CASES } from './fixtures';

describe('models against R forecast 8.20', () => {
  it.each(FORECAST_CASES.map((c) => [c.name, c] as const))("STL + ETS reproduces R's stlf on %s", (_name, c) => {
    const f = stlEtsForecast(c.train, c.horizon, { periods: [c.period] });
    const built = buildIntervals(f, [80, 95]);
    // ETS parameters come from different optimisers, so allow small differences.
    f.mean.forEach((v, h) => expect(Math.abs(v - c.stlf.mean[h]) / c.stlf.mean[h]).toBeLessThan(0.03));
    const halfWidth = (lo: number[], up: number[]) => lo.map((l, h) => (up[h] - l) / 2);
    const ours95 = halfWidth(built.lower[1], built.upper[1]);
    const r95 = halfWidth(c.stlf.lower95, c.stlf.upper95);
    const ours80 = halfWidth(built.lower[0], built.upper[0]);
    const r80 = halfWidth(c.stlf.lower80, c.stlf.upper80);
    expect(Math.abs(ours95[0] - r95[0]) / r95[0]).toBeLessThan(0.01);
    expect(Math.abs(ours80[0] - r80[0]) / r80[0]).toBeLessThan(0.01);
    ours95.forEach((w, h) => expect(Math.abs(w - r95[h]) / r95[h]).toBeLessThan(0.12));
  });

  it.each(FORECAST_CASES.map((c) => [c.name, c] as const))("additive seasonal ETS is about as accurate as R's ets() on %s", (_name, c) => {
    const f = forecastEts(autoEts(c.train, c.period), c.horizon);
    expect(mase(c.test, f.mean, c.train, c.period)).toBeLessThan(c.mase.ets * 1.1);
  });
});
