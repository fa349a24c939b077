import { randomBytes } from 'node:crypto';
import { AppError, ENROLMENT_ALPHABET, ENROLMENT_CODE_LENGTH, type Clock } from '@counterwatch/shared';

/**
 * One-time enrolment codes, the same for a counter's agent and a department
 * device: 12 unambiguous characters (60 bits), good for 15 minutes, once,
 * stored only as their hash; redemption is rate-limited per address.
 */
export const ENROLMENT_TTL_MS = 15 * 60_000;

export function newEnrolmentCode(): string {
  // 32 letters: a byte modulo 32 is unbiased.
  return [...randomBytes(ENROLMENT_CODE_LENGTH)]
    .map((b) => ENROLMENT_ALPHABET.charAt(b % ENROLMENT_ALPHABET.length))
    .join('');
}

export interface EnrolmentLimiterOptions {
  now: Clock;
  /** Refused attempts allowed from one address per window. */
  maxFailures?: number;
  windowMs?: number;
}

/**
 * Failed redemptions per client address, over both enrolment endpoints
 * (agents and devices), in this process. An attempt counts as failed before
 * it is checked and is given back if it succeeds, so parallel guesses cannot
 * all slip under the limit.
 */
export class EnrolmentLimiter {
  readonly #now: Clock;
  readonly #max: number;
  readonly #windowMs: number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: EnrolmentLimiterOptions) {
    this.#now = options.now;
    this.#max = options.maxFailures ?? 10;
    this.#windowMs = options.windowMs ?? ENROLMENT_TTL_MS;
  }

  /** Runs one redemption from `ip`; refused with 429 once the address has failed too often lately. */
  async attempt<T>(ip: string | null, redeem: () => Promise<T>): Promise<T> {
    const key = ip ?? 'unknown';
    const now = this.#now();
    const recent = (this.#failures.get(key) ?? []).filter((at) => at > now - this.#windowMs);
    if (recent.length >= this.#max) {
      this.#failures.set(key, recent);
      throw new AppError('rate_limited', 'too many wrong enrolment codes; try again in a few minutes');
    }
    recent.push(now);
    this.#failures.set(key, recent);
    const result = await redeem();
    const index = recent.indexOf(now);
    if (index >= 0) recent.splice(index, 1);
    if (recent.length === 0) this.#failures.delete(key);
    return result;
  }
}
