/** Small, fast, seedable random numbers for the demo generator (sfc32 seeded through a murmur3 finaliser). */
import { cos, exp, floor, imul, log, sqrt } from './fast-math';

const TWO_PI = 2 * Math.PI;

/** murmur3's 32-bit finaliser: a good avalanche on one 32-bit word. */
export function mix32(x: number): number {
  x = imul(x ^ (x >>> 16), 0x85ebca6b);
  x = imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** The seed's low and high 32-bit words (any safe integer, negative too). */
function seedWords(seed: number): [number, number] {
  return [seed >>> 0, floor(seed / 4294967296) >>> 0];
}

/** A uniform [0, 1) number from hashing (seed, a, b): for one-off decisions that must not depend on draw order. */
export function hash01(seed: number, a: number, b: number): number {
  const [lo, hi] = seedWords(seed);
  let h = mix32(lo ^ 0x9e3779b9);
  h = mix32(h ^ hi ^ 0x7f4a7c15);
  h = mix32(h ^ imul(a >>> 0, 0x27d4eb2f));
  h = mix32(h ^ imul(b >>> 0, 0x165667b1) ^ 0x61c88647);
  return h / 4294967296;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator), reseedable in place so one instance serves every record:
 * each record draws from its own stream keyed by (seed, index, purpose), so any record can be regenerated alone.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed = 0, key = 0, purpose = 0) {
    this.reseed(seed, key, purpose);
  }

  /** Starts the stream of (seed, key, purpose). */
  reseed(seed: number, key: number, purpose: number): this {
    const [lo, hi] = seedWords(seed);
    const h = mix32(mix32(mix32(lo ^ 0x9e3779b9) ^ hi) ^ imul(key >>> 0, 0x9e3779b1) ^ imul((key / 4294967296) >>> 0, 0x2545f491));
    const p = mix32(h ^ imul(purpose + 1, 0x85ebca77));
    this.a = p;
    this.b = mix32(p ^ 0x6a09e667);
    this.c = mix32(p ^ 0xbb67ae85);
    this.d = 1;
    for (let i = 0; i < 10; i++) this.next();
    return this;
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return floor(this.next() * n);
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return sqrt(-2 * log(u)) * cos(TWO_PI * this.next());
  }

  /** Log-normal with the given median and log-scale spread. */
  logNormal(median: number, sigma: number): number {
    return median * exp(sigma * this.normal());
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * log(1 - this.next());
  }

  /** Poisson count with a small mean (Knuth), capped. */
  poisson(mean: number, cap: number): number {
    const limit = exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit && k < cap) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** An index drawn from cumulative weights (last entry = total). */
  pick(cumulative: ArrayLike<number>): number {
    const x = this.next() * cumulative[cumulative.length - 1];
    let i = 0;
    while (i < cumulative.length - 1 && x >= cumulative[i]) i++;
    return i;
  }
}

/** Cumulative sums of weights, for Rng.pick. */
export function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}
