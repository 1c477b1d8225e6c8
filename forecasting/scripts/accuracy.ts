/**
 * `npm run accuracy`: forecasts every train/test split of test/fixtures/forecasting/forecast.json
 * and prints the MASE table against R's snaive, stlf, ets and auto.arima, plus interval coverage.
 * With `-- --write` it also replaces the generated block in forecasting/README.md.
 * The only part of forecasting/ that does I/O.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forecast, intervalCoverage, mase, type ModelName } from '../index';
import { seasonalNaiveForecast } from '../models/benchmarks';
import { projectRoot } from '../../src/config/project-root';

interface ForecastCase {
  name: string;
  period: number;
  horizon: number;
  train: number[];
  test: number[];
  mase: { snaive: number; stlf: number; ets: number; arima: number };
  stlf: { mean: number[]; lower80: number[]; upper80: number[]; lower95: number[]; upper95: number[] };
}


const fmt = (v: number, digits = 4) => v.toFixed(digits);
const pct = (inside: number, total: number) => `${((100 * inside) / total).toFixed(1)}% (${inside}/${total})`;

/**
 * The selection rule compared with simpler strategies on more than the three official splits:
 * each reference series is cut at 8 successive origins one horizon apart (the first is the official
 * split), and every strategy forecasts the next horizon from the data before the cut.
 */
function selectionStudy(cases: ForecastCase[]): string[] {
  const windows = 8;
  const strategies: { label: string; pick: (train: number[], c: ForecastCase) => number[] }[] = [
    { label: 'forecast() (automatic choice, as shipped)', pick: (train, c) => forecast(train, { period: c.period, horizon: c.horizon }).mean },
    {
      label: 'lowest backtest score, no preference',
      pick: (train, c) => {
        const auto = forecast(train, { period: c.period, horizon: c.horizon });
        const best = auto.candidates.reduce((a, b) => (b.score < a.score ? b : a)).model as ModelName;
        return forecast(train, { period: c.period, horizon: c.horizon, model: best }).mean;
      },
    },
    { label: 'always STL + ETS (stlf-like)', pick: (train, c) => forecast(train, { period: c.period, horizon: c.horizon, model: 'stl-ets' }).mean },
    { label: 'always additive Holt-Winters ETS', pick: (train, c) => forecast(train, { period: c.period, horizon: c.horizon, model: 'ets-seasonal' }).mean },
    { label: 'seasonal naive', pick: (train, c) => seasonalNaiveForecast(train, c.horizon, c.period).mean },
  ];
  const totals = strategies.map(() => 0);
  let count = 0;
  for (const c of cases) {
    const full = [...c.train, ...c.test];
    for (let k = 0; k < windows; k++) {
      const end = full.length - k * c.horizon;
      const train = full.slice(0, end - c.horizon);
      const test = full.slice(end - c.horizon, end);
      strategies.forEach((s, i) => {
        totals[i] += mase(test, s.pick(train, c), train, c.period);
      });
      count++;
    }
  }
  return [
    `Selection rule study: mean MASE over ${count} windows (${windows} consecutive test windows per series, the last being the official split).`,
    '',
    '| strategy | mean MASE |',
    '|---|---|',
    ...strategies.map((s, i) => `| ${s.label} | ${fmt(totals[i] / count)} |`),
  ];
}

function main(): void {
  const root = projectRoot();
  const cases = JSON.parse(readFileSync(join(root, 'test/fixtures/forecasting/forecast.json'), 'utf8')) as ForecastCase[];
  const lines: string[] = [];
  lines.push('| case | period | h | ours (model) | snaive | stlf | ets | arima | ours ≤ stlf | snaive check |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  const inside: Record<number, number> = { 80: 0, 95: 0 };
  const rInside: Record<number, number> = { 80: 0, 95: 0 };
  let total = 0;
  let beatsStlf = 0;
  let beatsSnaive = 0;
  const coverageRows: string[] = [];
  for (const c of cases) {
    const result = forecast(c.train, { period: c.period, horizon: c.horizon, levels: [80, 95] });
    const ours = mase(c.test, result.mean, c.train, c.period);
    const snaive = mase(c.test, seasonalNaiveForecast(c.train, c.horizon, c.period).mean, c.train, c.period);
    if (ours <= c.mase.stlf) beatsStlf++;
    if (ours < c.mase.snaive) beatsSnaive++;
    lines.push(
      `| ${c.name} | ${c.period} | ${c.horizon} | **${fmt(ours)}** (${result.model}) | ${fmt(c.mase.snaive)} | ` +
      `${fmt(c.mase.stlf)} | ${fmt(c.mase.ets)} | ${fmt(c.mase.arima)} | ${ours <= c.mase.stlf ? 'yes' : 'no'} | ` +
      `${Math.abs(snaive - c.mase.snaive) < 1e-9 ? 'ours = R' : `differs: ${fmt(snaive, 6)}`} |`,
    );
    const cov: string[] = [];
    for (const interval of result.intervals) {
      const k = Math.round(intervalCoverage(c.test, interval.lower, interval.upper) * c.test.length);
      inside[interval.level] += k;
      cov.push(pct(k, c.test.length));
    }
    const r80 = Math.round(intervalCoverage(c.test, c.stlf.lower80, c.stlf.upper80) * c.test.length);
    const r95 = Math.round(intervalCoverage(c.test, c.stlf.lower95, c.stlf.upper95) * c.test.length);
    rInside[80] += r80;
    rInside[95] += r95;
    total += c.test.length;
    coverageRows.push(`| ${c.name} | ${cov[0]} | ${cov[1]} | ${pct(r80, c.test.length)} | ${pct(r95, c.test.length)} |`);
  }
  lines.push('');
  lines.push(`Ours beats seasonal naive on ${beatsSnaive}/${cases.length} cases and is no worse than R's stlf on ${beatsStlf}/${cases.length}.`);
  lines.push('');
  lines.push('| case | ours 80% | ours 95% | R stlf 80% | R stlf 95% |');
  lines.push('|---|---|---|---|---|');
  lines.push(...coverageRows);
  lines.push(`| **all** | ${pct(inside[80], total)} | ${pct(inside[95], total)} | ${pct(rInside[80], total)} | ${pct(rInside[95], total)} |`);
  lines.push('', ...selectionStudy(cases));
  const block = lines.join('\n');
  console.log(block);

  if (process.argv.includes('--write')) {
    const readme = join(root, 'forecasting/README.md');
    const text = readFileSync(readme, 'utf8');
    const start = '<!-- accuracy:start -->';
    const end = '<!-- accuracy:end -->';
    const i = text.indexOf(start);
    const j = text.indexOf(end);
    if (i < 0 || j < i) throw new Error(`markers ${start} / ${end} not found in ${readme}`);
    writeFileSync(readme, `${text.slice(0, i + start.length)}\n${block}\n${text.slice(j)}`);
    console.log(`\nupdated ${readme}`);
  }
}

main();
