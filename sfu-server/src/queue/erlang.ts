import type { ExpectedWait } from '@counterwatch/shared';

/**
 * Expected wait in an M/M/c queue (Erlang C).
 *   λ: arrivals per second, μ: services per second per counter, c: open counters.
 * With offered load a = λ/μ ≥ c the queue grows without bound.
 * Check: c = 4, λ = 0.6/min, μ = 0.2/min → Wq ≈ 2.55 min.
 */
export function erlangCWait(c: number, lambda: number, mu: number): ExpectedWait {
  if (!(mu > 0) || !Number.isFinite(lambda) || lambda < 0 || !Number.isInteger(c) || c < 0)
    return { kind: 'unknown' };
  // Nobody open to serve it: a new ticket would wait until someone opens.
  if (c === 0) return { kind: 'unbounded' };
  if (lambda === 0) return { kind: 'finite', seconds: 0 };
  const a = lambda / mu;
  if (a >= c) return { kind: 'unbounded' };
  const probability = erlangC(c, a);
  return { kind: 'finite', seconds: probability / (c * mu - lambda) };
}

/** Probability that an arrival waits: C(c, a), computed with a stable running term. */
export function erlangC(c: number, a: number): number {
  // Σ_{k<c} a^k/k!  and  a^c/c!, built term by term (no factorial overflow).
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  const top = term * (c / (c - a));
  return top / (sum + top);
}

/**
 * What a ticket issued now waits, given the queue it joins: Erlang C is the
 * steady-state mean for the measured arrival rate, blind to a backlog built
 * up earlier (14 waiting and no arrivals in the last hour reads "0"). Given
 * the state, M/M/c is exact: behind n waiting with f of the c counters free,
 * it waits for max(0, n − f + 1) completions at rate c·μ. The estimate is the
 * larger of the two, so neither a backlog nor a busy hour is hidden.
 */
export function newTicketWait(
  steady: ExpectedWait,
  state: { waiting: number; open: number; free: number },
  mu: number,
): ExpectedWait {
  if (steady.kind !== 'finite' || !(mu > 0) || state.open <= 0) return steady;
  const completions = Math.max(0, state.waiting - Math.max(0, state.free) + 1);
  const backlog = completions / (state.open * mu);
  return { kind: 'finite', seconds: Math.max(steady.seconds, backlog) };
}

/**
 * Share of arrivals called within `t` seconds in M/M/c (Erlang C):
 * P(W ≤ t) = 1 − C(c, a)·e^{−(cμ − λ)t}. 0 when the queue grows without bound.
 */
export function erlangCWithin(c: number, lambda: number, mu: number, t: number): number {
  if (!(mu > 0) || !(lambda >= 0) || !Number.isInteger(c) || c < 0 || !(t >= 0)) return 0;
  if (lambda === 0) return 1;
  if (c === 0) return 0;
  const a = lambda / mu;
  if (a >= c) return 0;
  return 1 - erlangC(c, a) * Math.exp(-(c * mu - lambda) * t);
}

/**
 * The same for an arrival that joins behind a backlog of `backlog` waiting
 * (left from an earlier, busier hour): it first waits for the backlog to
 * clear at c·μ — the correction {@link newTicketWait} makes to expected
 * waits — then as in steady state. An overloaded hour (a ≥ c) has no steady
 * state: as erlangCWait says "unbounded", nobody is counted as called in time.
 */
export function erlangCWithinAfterBacklog(
  c: number,
  lambda: number,
  mu: number,
  t: number,
  backlog: number,
): number {
  if (c <= 0 || !(mu > 0)) return lambda > 0 || backlog > 0 ? 0 : 1;
  const clear = Math.max(0, backlog) / (c * mu);
  if (clear >= t) return 0;
  return erlangCWithin(c, lambda, mu, t - clear);
}
