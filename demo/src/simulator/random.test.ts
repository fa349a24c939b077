import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

const sample = <T>(n: number, draw: () => T): T[] => Array.from({ length: n }, draw);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const min = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const max = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);
const sd = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('Random', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = sample(20, () => new Random(7).next());
    expect(new Set(a).size).toBe(1);
    const r1 = new Random(42);
    const r2 = new Random(42);
    const r3 = new Random(43);
    const s1 = sample(100, () => r1.nextUint32());
    expect(sample(100, () => r2.nextUint32())).toEqual(s1);
    expect(sample(100, () => r3.nextUint32())).not.toEqual(s1);
    expect(new Random('42:a').next()).not.toBe(new Random('42:b').next());
  });

  it('next is in [0, 1) and roughly uniform', () => {
    const r = new Random(1);
    const xs = sample(100_000, () => r.next());
    expect(min(xs)).toBeGreaterThanOrEqual(0);
    expect(max(xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    const buckets = new Array<number>(10).fill(0);
    for (const x of xs) buckets[Math.floor(x * 10)]!++;
    for (const b of buckets) expect(b).toBeGreaterThan(9_500);
  });

  it('uniform and int respect their bounds', () => {
    const r = new Random(2);
    const us = sample(10_000, () => r.uniform(20, 90));
    expect(min(us)).toBeGreaterThanOrEqual(20);
    expect(max(us)).toBeLessThan(90);
    const is = sample(10_000, () => r.int(1, 3));
    expect(new Set(is)).toEqual(new Set([1, 2, 3]));
  });

  it('bernoulli hits its probability', () => {
    const r = new Random(3);
    const hits = sample(100_000, () => (r.bernoulli(0.04) ? 1 : 0));
    expect(mean(hits)).toBeGreaterThan(0.037);
    expect(mean(hits)).toBeLessThan(0.043);
  });

  it('exponential has mean 1/rate', () => {
    const r = new Random(4);
    const xs = sample(100_000, () => r.exponential(0.5));
    expect(min(xs)).toBeGreaterThanOrEqual(0);
    expect(mean(xs)).toBeGreaterThan(1.95);
    expect(mean(xs)).toBeLessThan(2.05);
    expect(() => r.exponential(0)).toThrow(RangeError);
  });

  it('normal has mean 0 and sd 1', () => {
    const r = new Random(5);
    const xs = sample(100_000, () => r.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.02);
    expect(sd(xs)).toBeCloseTo(1, 1);
  });

  it('lognormal has the requested mean and coefficient of variation', () => {
    const r = new Random(6);
    const xs = sample(200_000, () => r.lognormal(10, 0.5));
    expect(min(xs)).toBeGreaterThan(0);
    expect(mean(xs)).toBeGreaterThan(9.9);
    expect(mean(xs)).toBeLessThan(10.1);
    expect(sd(xs) / mean(xs)).toBeGreaterThan(0.48);
    expect(sd(xs) / mean(xs)).toBeLessThan(0.52);
  });

  it('weighted picks in proportion to weight and never picks zero weights', () => {
    const r = new Random(7);
    const options = [
      { value: 'a', weight: 6 },
      { value: 'b', weight: 3 },
      { value: 'z', weight: 0 },
      { value: 'c', weight: 1 },
    ];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, z: 0 };
    for (let i = 0; i < 100_000; i++) counts[r.weighted(options)]!++;
    expect(counts.z).toBe(0);
    expect(counts.a! / 100_000).toBeCloseTo(0.6, 1);
    expect(counts.b! / 100_000).toBeCloseTo(0.3, 1);
    expect(counts.c! / 100_000).toBeCloseTo(0.1, 1);
    expect(() => r.weighted([{ value: 'x', weight: 0 }])).toThrow(RangeError);
    expect(() => r.weighted([{ value: 'x', weight: -1 }])).toThrow(RangeError);
  });

  it('pick chooses every element and rejects an empty array', () => {
    const r = new Random(8);
    expect(new Set(sample(1000, () => r.pick(['x', 'y', 'z'])))).toEqual(new Set(['x', 'y', 'z']));
    expect(() => r.pick([])).toThrow(RangeError);
  });
});
