import { describe, expect, it } from 'vitest';
import { erlangC, erlangCWait } from './erlang.js';

const perMinute = (n: number): number => n / 60;

describe('Erlang C', () => {
  it('matches the textbook check: c=4, λ=0.6/min, μ=0.2/min → Wq ≈ 2.55 min', () => {
    const w = erlangCWait(4, perMinute(0.6), perMinute(0.2));
    expect(w.kind).toBe('finite');
    if (w.kind === 'finite') expect(w.seconds / 60).toBeCloseTo(2.547, 2);
    // a = 3: Σ_{k<4} 3^k/k! = 13, 3^4/4!·4/(4−3) = 13.5 → C = 13.5/26.5
    expect(erlangC(4, 3)).toBeCloseTo(13.5 / 26.5, 10);
  });

  it('says the queue grows without bound when a = λ/μ ≥ c', () => {
    expect(erlangCWait(3, perMinute(0.6), perMinute(0.2))).toEqual({ kind: 'unbounded' }); // a = 3 = c
    expect(erlangCWait(2, perMinute(1), perMinute(0.2))).toEqual({ kind: 'unbounded' });
    expect(erlangCWait(0, perMinute(0.1), perMinute(0.2))).toEqual({ kind: 'unbounded' });
  });

  it('gives no wait with no arrivals and an open counter; unknown without a service rate', () => {
    expect(erlangCWait(1, 0, perMinute(0.2))).toEqual({ kind: 'finite', seconds: 0 });
    expect(erlangCWait(1, perMinute(0.1), 0)).toEqual({ kind: 'unknown' });
  });

  it('reduces to M/M/1 for one counter: Wq = ρ/(μ−λ)', () => {
    const lambda = perMinute(0.1);
    const mu = perMinute(0.125);
    const w = erlangCWait(1, lambda, mu);
    expect(w.kind === 'finite' && w.seconds).toBeCloseTo(lambda / mu / (mu - lambda), 6);
  });

  it('stays finite and sane for a large pool (no factorial overflow)', () => {
    const w = erlangCWait(150, perMinute(20), perMinute(0.14));
    expect(w.kind).toBe('finite');
    if (w.kind === 'finite') expect(Number.isFinite(w.seconds)).toBe(true);
  });
});
