import { ApiError, ErrorCode } from '../api/errors';

/** A BAD_USER_INPUT error whose message starts with the argument it is about. */
export function badInput(argument: string, message: string): ApiError {
  return new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}: ${message}`, argument);
}

/** Throws BAD_USER_INPUT naming the argument unless the number is within [min, max] (and whole when asked). */
export function checkNumber(value: number, argument: string, min: number, max: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new ApiError(
      ErrorCode.BAD_USER_INPUT,
      `${argument}: must be ${integer ? 'a whole number ' : ''}between ${min} and ${max} (got ${value})`,
      argument,
    );
  }
  return value;
}

/** Checks interval levels: whole percentages strictly between 0 and 100, no duplicates. */
export function checkLevels(levels: number[], argument = 'levels'): number[] {
  if (!levels.length) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}: give at least one level`, argument);
  levels.forEach((l, i) => checkNumber(l, `${argument}[${i}]`, 1, 99, true));
  if (new Set(levels).size !== levels.length) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}: levels repeat`, argument);
  return [...levels].sort((a, b) => a - b);
}
