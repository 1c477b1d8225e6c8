/**
 * `npm run accuracy`: forecasts every train/test split of test/fixtures/forecasting/forecast.json
 * and prints the MASE table against R's snaive, stlf, ets and auto.arima, plus interval coverage.
 * With `-- --write` it also replaces the generated block in forecasting/README.md.
 * The only part of forecasting/ that does I/O.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { forecast, intervalCoverage, mase, type ModelName } from '../index';
import { seasonalNaiveForecast } from '../models/benchmarks';
import { holidayStudy, launchStudy, type DemoFixture, type EventStudyRow } from './event-study';
import { coverageStudy, demoCoverageCases, pooledCoverage, referenceCoverageCases, STUDY_LEVELS, type CoverageRow } from './coverage-study';

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
    {
      label: 'seasonal naive whenever it scores better in the backtest (margin 0)',
      pick: (train, c) => {
        const auto = forecast(train, { period: c.period, horizon: c.horizon });
        const snaive = auto.candidates.find((x) => x.model === 'seasonal-naive');
        const chosen = auto.candidates.find((x) => x.model === auto.model);
        return snaive && chosen && snaive.score < chosen.score ? seasonalNaiveForecast(train, c.horizon, c.period).mean : auto.mean;
      },
    },
    { label: 'always STL + ETS (stlf-like)', pick: (train, c) => forecast(train, { period: c.period, horizon: c.horizon, model: 'stl-ets' }).mean },
    {
      label: 'always additive Holt-Winters ETS',
      pick: (train, c) => forecast(train, { period: c.period, horizon: c.horizon, model: 'ets-seasonal' }).mean,
    },
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

/** Coverage per case and level: the model's normal intervals, the calibrated ones, and R's stlf where known. */
function coverageTable(rows: CoverageRow[], stlf: Map<string, number[]>): string[] {
  const out = [
    'Interval coverage out of sample: the official split of each case above, and rolling-origin backtests on the demo',
    'dataset (`demo-series.json`: 4 origins of 28 days for daily series, 2 of 168 hours for hourly ones). `model` is the',
    "model's own normal interval, `calibrated` what `forecast()` returns.",
    '',
    '| case | points | model 80% | model 95% | calibrated 80% | calibrated 95% | R stlf 80% | R stlf 95% |',
    '|---|---|---|---|---|---|---|---|',
  ];
  const [l80, l95] = STUDY_LEVELS;
  for (const r of rows) {
    const s = stlf.get(r.name);
    out.push(
      `| ${r.name} | ${r.points} | ${pct(r.inside.model[l80], r.points)} | ${pct(r.inside.model[l95], r.points)} | ` +
        `${pct(r.inside.calibrated[l80], r.points)} | ${pct(r.inside.calibrated[l95], r.points)} | ` +
        `${s ? pct(s[0], r.points) : '—'} | ${s ? pct(s[1], r.points) : '—'} |`,
    );
  }
  const points = rows.reduce((a, r) => a + r.points, 0);
  const sum = (method: 'model' | 'calibrated', level: number) => rows.reduce((a, r) => a + r.inside[method][level], 0);
  out.push(
    `| **pooled** | ${points} | ${pct(sum('model', l80), points)} | ${pct(sum('model', l95), points)} | ` +
      `**${pct(sum('calibrated', l80), points)}** | **${pct(sum('calibrated', l95), points)}** | | |`,
  );
  const pooled = pooledCoverage(rows, 'calibrated');
  const ok = pooled[l80] >= 0.75 && pooled[l80] <= 0.85 && pooled[l95] >= 0.91 && pooled[l95] <= 0.98;
  out.push('', `Target for the pooled calibrated coverage: 75–85% at 80%, 91–98% at 95% — ${ok ? 'met' : '**not met**'}.`);
  return out;
}

/** Holiday and launch regressors on the demo's daily series: mean absolute error without → with the event. */
function eventTable(demo: DemoFixture): string[] {
  const row = (r: EventStudyRow) =>
    `| ${r.name} | ${fmt(r.effect, 2)} | ${fmt(r.eventWeeks[0], 1)} → **${fmt(r.eventWeeks[1], 1)}** | ${fmt(r.otherWeeks[0], 1)} → ${fmt(r.otherWeeks[1], 1)} |`;
  return [
    'Known events on the demo data (`forecast(…, { events })`). Holidays: forecasts from 1 December for six weeks, the',
    "earlier year's holidays in the history; launch: forecasts from two weeks after it for four weeks. Mean absolute",
    'error per day, without → with the event as a regressor:',
    '',
    '| series | effect | weeks with a holiday | other weeks |',
    '|---|---|---|---|',
    ...holidayStudy(demo).map(row),
    '',
    '| series | effect | (launch weeks: in the history) | weeks after the launch |',
    '|---|---|---|---|',
    ...launchStudy(demo).map((r) => row(r).replace(/\| NaN → \*\*NaN\*\* \|/, '| — |')),
  ];
}

function main(): void {
  // npm runs scripts from the package's folder; the library itself imports nothing of the server, not even its paths.
  const root = process.cwd();
  if (!existsSync(join(root, 'test/fixtures/forecasting/forecast.json'))) {
    throw new Error(`run it from the project's folder (npm run accuracy): no test/fixtures/forecasting/forecast.json in ${root}`);
  }
  const cases = JSON.parse(readFileSync(join(root, 'test/fixtures/forecasting/forecast.json'), 'utf8')) as ForecastCase[];
  const lines: string[] = [];
  lines.push('| case | period | h | ours (model) | snaive | stlf | ets | arima | ours ≤ stlf | snaive check |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  let beatsStlf = 0;
  let beatsSnaive = 0;
  const stlfInside = new Map<string, number[]>();
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
    stlfInside.set(c.name, [
      Math.round(intervalCoverage(c.test, c.stlf.lower80, c.stlf.upper80) * c.test.length),
      Math.round(intervalCoverage(c.test, c.stlf.lower95, c.stlf.upper95) * c.test.length),
    ]);
  }
  lines.push('');
  lines.push(`Ours beats seasonal naive on ${beatsSnaive}/${cases.length} cases and is no worse than R's stlf on ${beatsStlf}/${cases.length}.`);
  lines.push('');
  const demo = JSON.parse(readFileSync(join(root, 'test/fixtures/forecasting/demo-series.json'), 'utf8')) as DemoFixture & {
    series: Parameters<typeof demoCoverageCases>[0];
  };
  lines.push('', ...coverageTable(coverageStudy([...referenceCoverageCases(cases), ...demoCoverageCases(demo.series)]), stlfInside));
  lines.push('', ...eventTable(demo));
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
