import { describe, expect, it } from 'vitest';
import { erlangC, erlangCWait, erlangCWithin, erlangCWithinAfterBacklog, newTicketWait } from './erlang.js';

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

  describe('a ticket issued now', () => {
    const mu = perMinute(1 / 13); // 13 min per service

    it('waits out a backlog that Erlang C cannot see: 14 waiting, one busy counter, no arrivals', () => {
      const steady = erlangCWait(1, 0, mu);
      expect(steady).toEqual({ kind: 'finite', seconds: 0 });
      // 15 completions at one per 13 min
      expect(newTicketWait(steady, { waiting: 14, open: 1, free: 0 }, mu)).toEqual({
        kind: 'finite',
        seconds: 15 * 13 * 60,
      });
    });

    it('shares the backlog among the open counters and counts the free ones', () => {
      const steady = { kind: 'finite', seconds: 0 } as const;
      // 6 waiting, 3 open of which 1 free: 6 − 1 + 1 = 6 completions at 3μ
      expect(newTicketWait(steady, { waiting: 6, open: 3, free: 1 }, mu)).toEqual({
        kind: 'finite',
        seconds: (6 / 3) * 13 * 60,
      });
      // More free counters than waiting: served at once
      expect(newTicketWait(steady, { waiting: 1, open: 3, free: 2 }, mu)).toEqual(steady);
    });

    it('keeps Erlang C where it is the longer, and unbounded or unknown as they are', () => {
      const busy = erlangCWait(4, perMinute(0.6), perMinute(0.2));
      expect(newTicketWait(busy, { waiting: 0, open: 4, free: 1 }, perMinute(0.2))).toEqual(busy);
      expect(newTicketWait({ kind: 'unbounded' }, { waiting: 3, open: 1, free: 0 }, mu)).toEqual({
        kind: 'unbounded',
      });
      expect(newTicketWait({ kind: 'unknown' }, { waiting: 3, open: 1, free: 0 }, mu)).toEqual({
        kind: 'unknown',
      });
    });
  });
});

describe('Erlang C service level (the staffing advisor)', () => {
  it('matches hand-computed P(W ≤ t) = 1 − C·e^{−(cμ−λ)t}', () => {
    // c = 4, a = 3: C = 13.5/26.5, cμ − λ = 0.2/min; t = 15 min → 1 − 0.50943·e^{−3} = 0.974637
    expect(erlangCWithin(4, perMinute(0.6), perMinute(0.2), 15 * 60)).toBeCloseTo(0.974637, 5);
    // M/M/1, ρ = 0.8: 1 − 0.8·e^{−0.025·10} = 0.376959
    expect(erlangCWithin(1, perMinute(0.1), perMinute(0.125), 10 * 60)).toBeCloseTo(0.376959, 5);
    // c = 7, a = 6 (36 an hour, 10 minutes each): C = 0.613830, 1 − C·e^{−1.5} = 0.863036
    expect(erlangCWithin(7, perMinute(0.6), perMinute(0.1), 15 * 60)).toBeCloseTo(0.863036, 5);
    expect(erlangCWithin(8, perMinute(0.6), perMinute(0.1), 15 * 60)).toBeCloseTo(0.982227, 5);
    // Overloaded, or nobody open: nobody is sure to be called in time.
    expect(erlangCWithin(6, perMinute(0.6), perMinute(0.1), 15 * 60)).toBe(0);
    expect(erlangCWithin(0, perMinute(0.6), perMinute(0.1), 15 * 60)).toBe(0);
    expect(erlangCWithin(1, 0, perMinute(0.1), 60)).toBe(1);
  });

  it('first clears the backlog at c·μ, then waits as in steady state', () => {
    // 2 waiting, c = 2, μ = 0.2/min: 5 min to clear, then P(W ≤ 10 min), C(2, 1) = 1/3 → 1 − e^{−2}/3
    expect(erlangCWithinAfterBacklog(2, perMinute(0.2), perMinute(0.2), 15 * 60, 2)).toBeCloseTo(0.954888, 5);
    // 10 waiting take 25 min to clear: nobody arriving now is called within 15.
    expect(erlangCWithinAfterBacklog(2, perMinute(0.2), perMinute(0.2), 15 * 60, 10)).toBe(0);
    // No backlog: the steady-state figure.
    expect(erlangCWithinAfterBacklog(4, perMinute(0.6), perMinute(0.2), 15 * 60, 0)).toBeCloseTo(0.974637, 5);
  });
});
