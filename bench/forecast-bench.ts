/**
 * Times forecast() on synthetic daily series with weekly seasonality, without a database:
 * one 730-point series called repeatedly, then 500 varied series (lengths 90–730) forecast once each,
 * with the options of the API's daily volume forecast.
 * Not a test: run with `npm run bench:forecast`.
 */
import { forecast, type ForecastOptions } from '../forecasting';

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

/**
 * The i-th of the varied series: length 90–730, level from a few tickets a day (many zero days) to
 * thousands, flat, growing or shrinking, weekly pattern of varying strength, some with level shifts.
 */
export function variedDaily(i: number): number[] {
  // Consecutive seeds give nearly equal first draws from an LCG: spread them with a Weyl step first.
  const rand = lcg(Math.imul(i + 1, 0x9e3779b9));
  const n = 90 + Math.floor(rand() * 641);
  const base = 2 * Math.exp(rand() * 7.5); // about 2 to 3600 a day
  const slope = (rand() - 0.4) * base * 0.002;
  const strength = rand();
  const weekly = [1.15, 1.1, 1.05, 1.0, 0.95, 0.55, 0.45].map((w) => 1 + strength * (w - 1));
  const noise = 0.05 + 0.3 * rand();
  const shiftAt = rand() < 0.3 ? Math.floor(rand() * n) : n;
  const shift = 1 + (rand() - 0.5);
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    const level = Math.max(0, (base + slope * t) * (t >= shiftAt ? shift : 1));
    const mean = level * weekly[t % 7];
    const e = (rand() + rand() + rand() - 1.5) * 2 * noise * Math.sqrt(mean + 1) * Math.sqrt(Math.max(1, mean) / 10 + 1);
    out.push(Math.max(0, Math.round(mean + e)));
  }
  return out;
}

/** Calls forecast() on one 730-point series `runs` times and prints mean, median and minimum. */
function benchSingle(options: ForecastOptions, runs: number): void {
  const series = syntheticDaily(730);
  for (let i = 0; i < 20; i++) forecast(series, options); // warm-up for the JIT
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
    `forecast(730 daily values, periods [7], horizon 28), ${runs} calls, model ${model}: ` +
      `mean ${mean.toFixed(2)} ms, median ${times[runs >> 1].toFixed(2)} ms, min ${times[0].toFixed(2)} ms per call`,
  );
}

/** Forecasts `count` varied series once each (after a short warm-up) and prints the total and per-series time. */
function benchVaried(options: ForecastOptions, count: number): void {
  const all = Array.from({ length: count }, (_, i) => variedDaily(i));
  for (let i = 0; i < 20; i++) forecast(all[i], options); // warm-up for the JIT
  const models: Record<string, number> = {};
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (const s of all) {
    const m = forecast(s, options).model;
    models[m] = (models[m] ?? 0) + 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  // CPU time as well: on a shared machine the wall time also counts waiting for a core.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const lengths = all.map((s) => s.length);
  console.log(
    `forecast(${count} varied daily series, ${Math.min(...lengths)}–${Math.max(...lengths)} values, periods [7], horizon 28): ` +
      `${seconds.toFixed(2)} s total (CPU ${cpuSeconds.toFixed(2)} s), ${((seconds * 1000) / count).toFixed(2)} ms per series; ` +
      `models ${JSON.stringify(models)}`,
  );
}

if (require.main === module) {
  const options: ForecastOptions = { horizon: 28, periods: [7] };
  benchSingle(options, 200);
  benchVaried(options, 500);
}
