import { ApiError, ErrorCode } from '../api/errors';
import { DIMENSIONS, normaliseFilter, type Dimension, type SegmentFilter } from './dimensions';
import type { FactSource } from './fact-sources';
import type { MetricDefinition } from './metric-definition';

/**
 * What a caller may see: allowed values per dimension (a partner's scope). Null means unrestricted (admins, analysts).
 * Every metric statement is built from the request's filter intersected with the scope, so no path can read outside it.
 */
export type Scope = SegmentFilter | null;

/** The dimensions a scope restricts. */
export function scopedDimensions(scope: Scope): Dimension[] {
  return scope ? DIMENSIONS.filter((d) => scope[d] !== undefined) : [];
}

/** Throws FORBIDDEN unless the metric can be restricted on every dimension of the scope. */
export function assertMetricInScope(metric: MetricDefinition, scope: Scope): void {
  const missing = scopedDimensions(scope).filter((d) => !metric.dimensions.includes(d));
  if (missing.length) {
    throw new ApiError(ErrorCode.FORBIDDEN, `${metric.name} cannot be limited to your scope (it has no ${missing.join(' or ')} dimension)`);
  }
}

/** Throws FORBIDDEN, naming the argument, when a filter asks for a value outside the scope. */
export function assertFilterInScope(filter: SegmentFilter, scope: Scope, argumentPrefix = ''): void {
  for (const d of scopedDimensions(scope)) {
    const allowed = new Set(scope![d]);
    const outside = (filter[d] ?? []).filter((v) => !allowed.has(v));
    if (outside.length) {
      throw new ApiError(ErrorCode.FORBIDDEN, `${argumentPrefix}${d}: not in your scope`, `${argumentPrefix}${d}`);
    }
  }
}

/** The filter a statement may run with: each scoped dimension narrowed to the allowed values. */
export function effectiveFilter(filter: SegmentFilter, scope: Scope): SegmentFilter {
  if (!scope) return filter;
  const out: SegmentFilter = { ...filter };
  for (const d of scopedDimensions(scope)) {
    const allowed = scope[d]!;
    out[d] = filter[d] ? filter[d]!.filter((v) => allowed.includes(v)) : allowed;
  }
  return normaliseFilter(out);
}

/** Throws (a programming error) if a statement would read a source that cannot honour the scope. */
export function assertSourceHonoursScope(source: FactSource, scope: Scope): void {
  for (const d of scopedDimensions(scope)) {
    if (!source.dimensions[d]) throw new ApiError(ErrorCode.FORBIDDEN, `data from ${source.name} cannot be limited to your scope`);
  }
}
