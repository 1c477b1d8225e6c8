/**
 * Math functions bound once at module level. The generator calls them hundreds of millions of times; looking `Math`
 * up as a global each time is cheap in Node but very slow inside VM contexts (as Jest runs tests), so they are bound here.
 */
export const { abs, ceil, cos, exp, floor, imul, log, max, min, pow, round, sqrt } = Math;
/** NaN without a global lookup; the generator's "empty" instant. */
export const NAN = 0 / 0;
/** Number.isNaN without a global lookup. */
export const isNaN = (x: number): boolean => x !== x;
