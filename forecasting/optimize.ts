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

/**
 * Evaluates the objective at two points in one call, writing both values to `out`; each value must
 * equal what the single-point objective returns. Worth it when one evaluation is a long recursion
 * that leaves the CPU idle between steps: two side by side cost about as much as one.
 */
export type PairObjective = (a: number[], b: number[], out: number[]) => void;

interface Vertex {
  x: number[];
  v: number;
}

const finiteOrInfinity = (v: number) => (Number.isFinite(v) ? v : Number.POSITIVE_INFINITY);

/**
 * Minimises f over [lower, upper] boxes starting from x0 with at most maxEvaluations calls.
 * With `pair`, points are evaluated two at a time where the search allows; the path and result are the same.
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  lower: number[],
  upper: number[],
  maxEvaluations = 120,
  tolerance = 1e-5,
  pair?: PairObjective,
): MinimizeResult {
  const dim = x0.length;
  const clampInPlace = (x: number[]) => {
    for (let i = 0; i < dim; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
    return x;
  };
  let evaluations = 0;
  const evaluate = (x: number[]) => {
    evaluations++;
    return finiteOrInfinity(f(x));
  };
  const pairValues = [0, 0];
  /** Sets the value of every vertex in `list`, two at a time when possible. */
  const evaluateVertices = (list: Vertex[]) => {
    let k = 0;
    if (pair) {
      for (; k + 1 < list.length; k += 2) {
        pair(list[k].x, list[k + 1].x, pairValues);
        evaluations += 2;
        list[k].v = finiteOrInfinity(pairValues[0]);
        list[k + 1].v = finiteOrInfinity(pairValues[1]);
      }
    }
    for (; k < list.length; k++) list[k].v = evaluate(list[k].x);
  };

  const start = clampInPlace(x0.slice());
  const simplex: Vertex[] = [{ x: start, v: 0 }];
  for (let i = 0; i < dim; i++) {
    const x = start.slice();
    const step = 0.1 * (upper[i] - lower[i]);
    x[i] = x[i] + step <= upper[i] ? x[i] + step : x[i] - step;
    simplex.push({ x: clampInPlace(x), v: 0 });
  }
  evaluateVertices(simplex);

  // The search runs for every ETS fit at every backtest origin: trial points go to spare arrays, and an
  // accepted one trades arrays with the vertex it replaces, so the search allocates nothing per step.
  const centroid = new Array<number>(dim).fill(0);
  let reflected = centroid.slice();
  let expanded = centroid.slice();
  let contracted = centroid.slice();
  const along = (t: number, worst: number[], out: number[]) => {
    for (let i = 0; i < dim; i++) out[i] = centroid[i] + t * (worst[i] - centroid[i]);
    return clampInPlace(out);
  };
  /** Replaces the worst vertex by `x` (value v) and returns the worst vertex's array for reuse. */
  const replaceWorst = (x: number[], v: number) => {
    const worst = simplex[dim];
    const spare = worst.x;
    worst.x = x;
    worst.v = v;
    return spare;
  };
  const shrinking = simplex.slice(1);
  while (evaluations < maxEvaluations) {
    sortByValue(simplex);
    const best = simplex[0];
    const worst = simplex[dim];
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + 1e-12)) break;
    centroid.fill(0);
    for (let k = 0; k < dim; k++) for (let i = 0; i < dim; i++) centroid[i] += simplex[k].x[i] / dim;
    along(-1, worst.x, reflected);
    let vr: number;
    // The inside contraction is the most frequent second evaluation: with a pair objective it is
    // computed alongside the reflection for free, and counted only if the search uses it.
    let insideValue = Number.NaN;
    if (pair) {
      pair(reflected, along(0.5, worst.x, contracted), pairValues);
      evaluations++;
      vr = finiteOrInfinity(pairValues[0]);
      insideValue = finiteOrInfinity(pairValues[1]);
    } else {
      vr = evaluate(reflected);
    }
    if (vr < best.v) {
      const ve = evaluate(along(-2, worst.x, expanded));
      if (ve < vr) expanded = replaceWorst(expanded, ve);
      else reflected = replaceWorst(reflected, vr);
    } else if (vr < simplex[dim - 1].v) {
      reflected = replaceWorst(reflected, vr);
    } else {
      const inside = !(vr < worst.v);
      let vc: number;
      if (inside && pair) {
        evaluations++;
        vc = insideValue;
      } else {
        vc = evaluate(along(inside ? 0.5 : -0.5, worst.x, contracted));
      }
      if (vc < Math.min(vr, worst.v)) {
        contracted = replaceWorst(contracted, vc);
      } else {
        for (let k = 1; k <= dim; k++) {
          const x = simplex[k].x;
          for (let i = 0; i < dim; i++) x[i] = best.x[i] + 0.5 * (x[i] - best.x[i]);
          clampInPlace(x);
          shrinking[k - 1] = simplex[k];
        }
        evaluateVertices(shrinking);
      }
    }
  }
  sortByValue(simplex);
  return { x: simplex[0].x, value: simplex[0].v, evaluations };
}

/**
 * Stable sort by value, ascending: the order Array.prototype.sort((a, b) => a.v - b.v) gives
 * (values are finite or +Infinity, and equal values keep their places), without a comparator call per pair.
 */
function sortByValue(simplex: Vertex[]): void {
  for (let i = 1; i < simplex.length; i++) {
    const item = simplex[i];
    let j = i - 1;
    while (j >= 0 && item.v < simplex[j].v) {
      simplex[j + 1] = simplex[j];
      j--;
    }
    simplex[j + 1] = item;
  }
}
