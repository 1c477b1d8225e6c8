import { ApiError, ErrorCode } from '../api/errors';
import { CHANNELS, PRIORITIES } from '../data/domain';
import { DIMENSIONS, normaliseFilter, type Dimension, type SegmentFilter } from '../metrics/dimensions';
import type { Role } from './caller';

/** Dimensions whose values are a closed set of the data contract: a scope value outside it could never match. */
const CLOSED_VALUES: Partial<Record<Dimension, readonly string[]>> = { channel: CHANNELS, priority: PRIORITIES };

const isDimension = (d: string): d is Dimension => (DIMENSIONS as readonly string[]).includes(d);

/**
 * Checks a key's scope against its role and the dimensions; returns it normalised. Partners must have a scope (a partner
 * without one would see everything); other roles must not (admins and analysts see everything, ingest keys nothing).
 */
export function validateScope(
  role: Role,
  scope: Record<string, readonly string[] | null | undefined> | null | undefined,
  argument = 'scope',
): SegmentFilter | null {
  const entries = Object.entries(scope ?? {}).filter(([, values]) => values !== undefined && values !== null) as [string, readonly string[]][];
  if (role !== 'partner') {
    if (entries.length)
      throw new ApiError(
        ErrorCode.BAD_USER_INPUT,
        `${argument}: only partner keys have a scope (${role} keys ${role === 'ingest' ? 'read nothing' : 'see everything'})`,
        argument,
      );
    return null;
  }
  if (!entries.length) {
    throw new ApiError(
      ErrorCode.BAD_USER_INPUT,
      `${argument}: a partner key needs a scope, e.g. product=api (allowed values per dimension)`,
      argument,
    );
  }
  const out: SegmentFilter = {};
  for (const [d, values] of entries) {
    if (!isDimension(d))
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}: unknown dimension ${JSON.stringify(d)}; one of ${DIMENSIONS.join(', ')}`, argument);
    const cleaned = values.map((v) => v.trim());
    if (!cleaned.length || cleaned.some((v) => !v)) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}.${d}: give at least one value, and no empty ones`, `${argument}.${d}`);
    }
    const closed = CLOSED_VALUES[d];
    const unknown = closed ? cleaned.filter((v) => !closed.includes(v)) : [];
    if (unknown.length) {
      throw new ApiError(
        ErrorCode.BAD_USER_INPUT,
        `${argument}.${d}: unknown value ${JSON.stringify(unknown[0])}; one of ${closed!.join(', ')}`,
        `${argument}.${d}`,
      );
    }
    out[d] = cleaned;
  }
  return normaliseFilter(out);
}

/**
 * Parses command-line scope options (`product=api,mobile-app`, repeatable; repeated dimensions add values) into a scope
 * object for validateScope; throws naming the option for a malformed one.
 */
export function parseScopeOptions(options: readonly string[], option = '--scope'): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const raw of options) {
    const match = /^\s*([A-Za-z]+)\s*=(.*)$/.exec(raw);
    if (!match) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${option}: expected dimension=value[,value…], got ${JSON.stringify(raw)}`, option);
    const dimension = match[1].toLowerCase();
    const values = match[2].split(',').map((v) => v.trim());
    if (values.some((v) => !v)) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${option} ${dimension}: empty value in ${JSON.stringify(raw)}`, option);
    out[dimension] = [...(out[dimension] ?? []), ...values];
  }
  return out;
}
