/**
 * Seeded randomness for the simulator. Everything random in a simulated day
 * comes from here so that a seed reproduces the day exactly (tests, demos,
 * benchmarks); Math.random is never used.
 */

/** cyrb128: hashes a string to 128 bits, used to seed sfc32 from any label. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A weighted option for {@link Random.weighted}. */
export interface Weighted<T> {
  value: T;
  weight: number;
}

/** sfc32 (Small Fast Counting, 128-bit state): fast, passes PractRand, trivially portable. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeds from a number or any string label (e.g. `42:ward-1:arrivals`) for independent streams. */
  constructor(seed: number | string) {
    [this.a, this.b, this.c, this.d] = cyrb128(String(seed));
    // Discard the first outputs: sfc32 mixes poorly right after seeding.
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`exponential rate must be > 0, got ${rate}`);
    // 1 - next() is in (0, 1], so the log is finite.
    return -Math.log(1 - this.next()) / rate;
  }

  /** Standard normal (Box–Muller; the second value is dropped to keep the stream simple). */
  normal(): number {
    const u1 = 1 - this.next();
    const u2 = this.next();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Lognormal parameterised by its own mean and coefficient of variation (sd / mean). */
  lognormal(mean: number, cv: number): number {
    if (!(mean > 0) || !(cv >= 0)) throw new RangeError(`lognormal needs mean > 0 and cv >= 0`);
    const sigma2 = Math.log(1 + cv * cv);
    const mu = Math.log(mean) - sigma2 / 2;
    return Math.exp(mu + Math.sqrt(sigma2) * this.normal());
  }

  /** One of the options with probability proportional to its weight (weights >= 0, sum > 0). */
  weighted<T>(options: readonly Weighted<T>[]): T {
    let total = 0;
    for (const o of options) {
      if (!(o.weight >= 0) || !Number.isFinite(o.weight)) throw new RangeError(`bad weight ${o.weight}`);
      total += o.weight;
    }
    if (!(total > 0)) throw new RangeError('weighted choice needs a positive total weight');
    let r = this.next() * total;
    let last: Weighted<T> | undefined;
    for (const o of options) {
      if (o.weight === 0) continue;
      last = o;
      r -= o.weight;
      if (r < 0) return o.value;
    }
    // Only reachable through floating-point rounding: fall back to the last positive option.
    if (last === undefined) throw new RangeError('weighted choice needs a positive total weight');
    return last.value;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick needs a non-empty array');
    return item;
  }
}
