/**
 * Capped exponential backoff with jitter, used for every reconnect and
 * restart loop (agent → server, agent → ffmpeg, console → server).
 */
export interface BackoffOptions {
  /** First delay. */
  initialMs?: number;
  /** Upper bound for any delay. */
  maxMs?: number;
  factor?: number;
  /** Fraction of the delay randomised either way, so many clients do not retry in lockstep. */
  jitter?: number;
  random?: () => number;
}

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 500;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#factor = options.factor ?? 2;
    this.#jitter = options.jitter ?? 0.2;
    this.#random = options.random ?? Math.random;
    const finite = [this.#initialMs, this.#maxMs, this.#factor, this.#jitter].every(Number.isFinite);
    if (!finite || this.#initialMs <= 0 || this.#maxMs < this.#initialMs || this.#factor < 1) {
      throw new RangeError('backoff needs 0 < initialMs <= maxMs and factor >= 1');
    }
    if (this.#jitter < 0 || this.#jitter >= 1) throw new RangeError('backoff jitter must be in [0, 1)');
  }

  /** How many delays were handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay in ms; grows by `factor` up to `maxMs`. */
  next(): number {
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempt);
    this.#attempt += 1;
    const spread = base * this.#jitter * (this.#random() * 2 - 1);
    return Math.max(0, Math.min(this.#maxMs, Math.round(base + spread)));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
