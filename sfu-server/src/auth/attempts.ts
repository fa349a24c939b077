import { createHash } from 'node:crypto';
import type { Clock } from '@counterwatch/shared';
import type { AttemptStore } from '../storage/Storage.js';

export interface AttemptLimitOptions {
  store: AttemptStore;
  /** Names the limit in the store (each limit counts apart). */
  scope: string;
  /** Attempts allowed per key and window. */
  max: number;
  windowMs: number;
  now: Clock;
}

/** An attempt counted in one window: give it back there. */
export interface TakenAttempt {
  key: string;
  windowStart: number;
}

/**
 * One rate limit whose counts live in the database, so every process on it
 * shares them. Fixed windows aligned on multiples of `windowMs` (the same for
 * every process): one conditional upsert per attempt, at the price of at most
 * twice the maximum across a window boundary (the end of one window and the
 * start of the next). Keys (addresses, usernames) are stored as their sha256
 * only. Windows past are pruned by the first attempt of each new window in
 * each process.
 */
export class AttemptLimit {
  readonly #store: AttemptStore;
  readonly #scope: string;
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  #prunedBefore = 0;

  constructor(options: AttemptLimitOptions) {
    this.#store = options.store;
    this.#scope = options.scope;
    this.#max = options.max;
    this.#windowMs = options.windowMs;
    this.#now = options.now;
  }

  /** Counts an attempt for `value` if its window is below the maximum; undefined when refused. */
  async take(value: string): Promise<TakenAttempt | undefined> {
    const windowStart = await this.#window();
    const key = keyOf(value);
    return (await this.#store.take(this.#scope, key, windowStart, this.#max))
      ? { key, windowStart }
      : undefined;
  }

  /** Gives back `n` attempts counted in the taken attempt's window. */
  async giveBack(taken: TakenAttempt, n = 1): Promise<void> {
    if (n > 0) await this.#store.giveBack(this.#scope, taken.key, taken.windowStart, n);
  }

  /** Forgets every attempt for `value`; what each window held. */
  async clear(value: string): Promise<{ key: string; windowStart: number; count: number }[]> {
    const key = keyOf(value);
    return (await this.#store.clear(this.#scope, key)).map((w) => ({ key, ...w }));
  }

  /** The stored key of a value (its sha256). */
  keyOf(value: string): string {
    return keyOf(value);
  }

  /** The current window's start, pruning the windows before it once per window. */
  async #window(): Promise<number> {
    const now = this.#now();
    const windowStart = now - (((now % this.#windowMs) + this.#windowMs) % this.#windowMs);
    if (windowStart > this.#prunedBefore) {
      this.#prunedBefore = windowStart;
      await this.#store.prune(this.#scope, windowStart);
    }
    return windowStart;
  }
}

function keyOf(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
