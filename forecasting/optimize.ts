/**
 * A small Nelder-Mead minimiser for the few smoothing parameters of exponential smoothing.
 * Parameters live in the unit box; the objective sees them clamped, so the search
 * can never leave the admissible region. The evaluation budget is deliberately small:
 * forecast() fits several models per backtest origin and must stay fast.
 */

export interface MinimizeResult {
  x: number[];
  value: number;
  evaluations: number;
}

/** Minimises f over [lower, upper] boxes starting from x0 with at most maxEvaluations calls. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  lower: number[],
  upper: number[],
  maxEvaluations = 120,
  tolerance = 1e-5,
): MinimizeResult {
  const dim = x0.length;
  const clamp = (x: number[]) => x.map((v, i) => Math.min(upper[i], Math.max(lower[i], v)));
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const simplex: { x: number[]; v: number }[] = [];
  const start = clamp(x0);
  simplex.push({ x: start, v: evaluate(start) });
  for (let i = 0; i < dim; i++) {
    const x = start.slice();
    const step = 0.1 * (upper[i] - lower[i]);
    x[i] = x[i] + step <= upper[i] ? x[i] + step : x[i] - step;
    const cx = clamp(x);
    simplex.push({ x: cx, v: evaluate(cx) });
  }
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.v - b.v);
    const best = simplex[0];
    const worst = simplex[dim];
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + 1e-12)) break;
    const centroid = new Array<number>(dim).fill(0);
    for (let k = 0; k < dim; k++) for (let i = 0; i < dim; i++) centroid[i] += simplex[k].x[i] / dim;
    const along = (t: number) => clamp(centroid.map((c, i) => c + t * (worst.x[i] - c)));
    const reflected = along(-1);
    const vr = evaluate(reflected);
    if (vr < best.v) {
      const expanded = along(-2);
      const ve = evaluate(expanded);
      simplex[dim] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < simplex[dim - 1].v) {
      simplex[dim] = { x: reflected, v: vr };
    } else {
      const contracted = vr < worst.v ? along(-0.5) : along(0.5);
      const vc = evaluate(contracted);
      if (vc < Math.min(vr, worst.v)) {
        simplex[dim] = { x: contracted, v: vc };
      } else {
        for (let k = 1; k <= dim; k++) {
          const x = clamp(simplex[k].x.map((v, i) => best.x[i] + 0.5 * (v - best.x[i])));
          simplex[k] = { x, v: evaluate(x) };
        }
      }
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return { x: simplex[0].x, value: simplex[0].v, evaluations };
}
