import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

/** random() = 0.5 makes the jitter term zero, so delays are the exact base. */
const MIDDLE = (): number => 0.5;

const delays = (backoff: Backoff, n: number): number[] => Array.from({ length: n }, () => backoff.next());

describe('Backoff', () => {
  it('grows by the factor from the initial delay', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 100_000, factor: 3, random: MIDDLE });
    expect(delays(backoff, 4)).toEqual([100, 300, 900, 2700]);
  });

  it('defaults to 500 ms doubling up to 30 s', () => {
    const backoff = new Backoff({ random: MIDDLE });
    expect(delays(backoff, 8)).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('never exceeds maxMs, however many attempts', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 1000, jitter: 0.5, random: () => 0.999 });
    const all = delays(backoff, 50);
    expect(Math.max(...all)).toBe(1000);
    expect(all.slice(-10)).toEqual(Array(10).fill(1000));
  });

  it('keeps jitter within ±jitter of the base delay', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.2, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.2, random: () => 0.9999999 });
    expect(delays(low, 3)).toEqual([800, 1600, 3200]);
    expect(delays(high, 3)).toEqual([1200, 2400, 4800]);
  });

  it('spreads delays over the whole jitter range with a real random source', () => {
    const samples = Array.from({ length: 2000 }, () => new Backoff({ initialMs: 1000, jitter: 0.3 }).next());
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(700);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1300);
    // Not all the same: the jitter is really applied.
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it('jitter 0 gives exact delays', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 20, jitter: 0, random: () => 0 });
    expect(delays(backoff, 3)).toEqual([10, 20, 20]);
  });

  it('counts attempts and reset starts over from the initial delay', () => {
    const backoff = new Backoff({ initialMs: 100, random: MIDDLE });
    expect(backoff.attempt).toBe(0);
    delays(backoff, 3);
    expect(backoff.attempt).toBe(3);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(backoff.next()).toBe(100);
    expect(backoff.attempt).toBe(1);
  });

  it('factor 1 gives a constant delay', () => {
    const backoff = new Backoff({ initialMs: 250, factor: 1, random: MIDDLE });
    expect(delays(backoff, 4)).toEqual([250, 250, 250, 250]);
  });

  it.each([
    [{ initialMs: 0 }],
    [{ initialMs: -5 }],
    [{ initialMs: 1000, maxMs: 999 }],
    [{ factor: 0.5 }],
    [{ jitter: -0.1 }],
    [{ jitter: 1 }],
  ])('rejects invalid options %j', (options) => {
    expect(() => new Backoff(options)).toThrow(RangeError);
  });

  // BUG: NaN slips through the constructor's comparisons (NaN <= 0 and NaN >= 1 are false),
  // so next() returns NaN, which setTimeout treats as ~1 ms: a tight retry loop (backoff.ts, constructor).
  it('rejects NaN options', () => {
    expect(() => new Backoff({ initialMs: Number.NaN })).toThrow(RangeError);
    expect(() => new Backoff({ jitter: Number.NaN })).toThrow(RangeError);
  });
});
