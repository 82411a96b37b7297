/** A seeded source of pseudo-random numbers; the simulator never touches Math.random. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  range(min: number, max: number): number;
  /** A Poisson-distributed count with the given mean. */
  poisson(mean: number): number;
}

/** FNV-1a over UTF-16 code units: a stable 32-bit hash to derive per-director seeds from names. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// Knuth's multiplication method underflows exp(-mean) for large means; split big means into chunks.
const POISSON_CHUNK = 30;

/** Creates a mulberry32 generator: tiny, fast and good enough for traffic noise. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const poissonSmall = (mean: number): number => {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    poisson(mean) {
      if (!(mean > 0)) return 0;
      let total = 0;
      let rest = mean;
      while (rest > POISSON_CHUNK) {
        total += poissonSmall(POISSON_CHUNK);
        rest -= POISSON_CHUNK;
      }
      return total + poissonSmall(rest);
    },
  };
}
