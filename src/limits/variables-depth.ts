import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';

/** Deepest nesting of lists and objects accepted in a request's variables (the deepest input type nests 3 levels). */
export const MAX_VARIABLES_DEPTH = 32;

/**
 * Refuses variables nested deeper than MAX_VARIABLES_DEPTH before anything walks them: the cost cache, GraphQL's
 * coercion and the audit log all recurse, and 5,000 levels overflowed the stack (an internal error, HTTP 500).
 * GET requests carry the variables as JSON text, parsed here only to measure them.
 */
export function checkVariablesDepth(variables: unknown): void {
  let value = variables;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return; // Apollo refuses malformed variables itself.
    }
  }
  // Breadth-first, level by level, so the check itself cannot overflow.
  let level: unknown[] = [value];
  for (let depth = 0; level.length; depth++) {
    if (depth > MAX_VARIABLES_DEPTH) {
      throw withHttpStatus(new ApiError(ErrorCode.BAD_USER_INPUT, `variables: nested deeper than ${MAX_VARIABLES_DEPTH} levels`, 'variables'), 400);
    }
    level = level.flatMap((v) => (v !== null && typeof v === 'object' ? Object.values(v) : []));
  }
}
