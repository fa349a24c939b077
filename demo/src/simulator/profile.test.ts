import { describe, expect, it } from 'vitest';
import { createArrivalProfile } from './profile.js';

describe('createArrivalProfile', () => {
  it('integrates to dailyCitizens over the opening hours', () => {
    for (const [daily, open] of [
      [300, 570],
      [120, 570],
      [300, 480],
    ] as const) {
      const p = createArrivalProfile(daily, open);
      expect(p.expected(0, open)).toBeCloseTo(daily, 9);
      // A Riemann sum of rate agrees with the exact integral.
      let sum = 0;
      for (let m = 0; m < open; m += 0.01) sum += p.rate(m) * 0.01;
      expect(sum).toBeCloseTo(daily, 0);
    }
  });

  it('peaks in the morning, dips at lunch and has an afternoon bump', () => {
    const p = createArrivalProfile(300);
    const at = (hh: number, mm: number): number => p.rate(hh * 60 + mm - 450);
    expect(at(9, 45)).toBeCloseTo(p.maxRate, 9);
    expect(at(12, 30)).toBeLessThan(at(8, 0) / 2);
    expect(at(14, 45)).toBeGreaterThan(at(13, 0) * 3);
    expect(at(14, 45)).toBeLessThan(at(9, 45));
    for (let m = 0; m < 570; m++) expect(p.rate(m)).toBeLessThanOrEqual(p.maxRate);
    expect(p.rate(-1)).toBe(0);
    expect(p.rate(570)).toBe(0);
    expect(p.expected(90, 180)).toBeGreaterThan(p.expected(390, 480));
  });

  it('rejects nonsense', () => {
    expect(() => createArrivalProfile(-1)).toThrow(RangeError);
    expect(() => createArrivalProfile(300, 0)).toThrow(RangeError);
    expect(createArrivalProfile(0).maxRate).toBe(0);
  });
});
