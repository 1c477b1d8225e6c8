/**
 * Times forecast() on a 730-point synthetic daily series with weekly seasonality.
 * Not a test: run with `npx tsc -p tsconfig.json && node dist/bench/forecast-bench.js`.
 */
import { forecast } from '../forecasting';

/** Deterministic pseudo-random numbers so every run times the same series. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function syntheticDaily(n: number): number[] {
  const rand = lcg(42);
  const weekly = [1.15, 1.1, 1.05, 1.0, 0.95, 0.55, 0.45];
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    const level = 400 + 0.15 * t + 40 * Math.sin((2 * Math.PI * t) / 365.25);
    const noise = (rand() + rand() + rand() - 1.5) * 40;
    out.push(Math.max(0, Math.round(level * weekly[t % 7] + noise)));
  }
  return out;
}

const series = syntheticDaily(730);
const options = { period: 7, horizon: 28 };
for (let i = 0; i < 20; i++) forecast(series, options); // warm-up for the JIT
const runs = 200;
const times: number[] = [];
let model = '';
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  model = forecast(series, options).model;
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / runs;
// The median and minimum are less sensitive than the mean to other processes sharing the CPU.
console.log(
  `forecast(730 daily values, period 7, horizon 28), ${runs} calls, model ${model}: ` +
  `mean ${mean.toFixed(2)} ms, median ${times[runs >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms per call`,
);
