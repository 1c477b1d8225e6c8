/** Latency percentiles and throughput of an async operation. */

/** Percentile of a sample by linear interpolation between closest ranks (as PostgreSQL's percentile_cont). */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export interface Latency {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function latencyOf(ms: readonly number[]): Latency {
  return {
    runs: ms.length,
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    min: Math.min(...ms),
    max: Math.max(...ms),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
  };
}

/** Runs `op` `warmup` times untimed, then `runs` times one after another; resolves to the latencies (ms). */
export async function sequentialRuns(op: () => Promise<unknown>, warmup: number, runs: number): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await op();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await op();
    ms.push(performance.now() - started);
  }
  return latencyOf(ms);
}

/**
 * Runs `a` and `b` `warmup` times each untimed, then `runs` times in turn (a, b, a, b, …); resolves to the latencies of
 * each. Whatever else loads the machine meanwhile weighs on both alike, so their ratio is steadier than that of two
 * separate series.
 */
export async function interleavedRuns(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warmup: number,
  runs: number,
): Promise<[Latency, Latency]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const ms: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [j, op] of [a, b].entries()) {
      const started = performance.now();
      await op();
      ms[j].push(performance.now() - started);
    }
  }
  return [latencyOf(ms[0]), latencyOf(ms[1])];
}

export interface Throughput {
  clients: number;
  seconds: number;
  requests: number;
  perSecond: number;
  /** Latency of the requests under that load. */
  latency: Latency;
}

/**
 * `clients` loops each running `op` back to back for `seconds`; requests started before the deadline are finished and
 * counted, and the rate is over the time until the last one finished.
 */
export async function throughput(op: () => Promise<unknown>, clients: number, seconds: number): Promise<Throughput> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const ms: number[] = [];
  const loop = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await op();
      ms.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  const elapsed = (performance.now() - started) / 1000;
  return { clients, seconds: elapsed, requests: ms.length, perSecond: ms.length / elapsed, latency: latencyOf(ms) };
}
