import { randomBytes } from 'node:crypto';
import { AppError, ENROLMENT_ALPHABET, ENROLMENT_CODE_LENGTH, type Clock } from '@counterwatch/shared';
import type { AttemptStore } from '../storage/Storage.js';
import { AttemptLimit } from './attempts.js';

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
  /** Where the counts live: shared by every process on the database. */
  store: AttemptStore;
  now: Clock;
  /** Refused attempts allowed from one address per window. */
  maxFailures?: number;
  windowMs?: number;
}

/**
 * Failed redemptions per client address, over both enrolment endpoints
 * (agents and devices), counted in the database so the limit holds across
 * every process on it (fixed windows: see AttemptLimit). An attempt counts as
 * failed before it is checked and is given back if it succeeds, so parallel
 * guesses cannot all slip under the limit.
 */
export class EnrolmentLimiter {
  readonly #limit: AttemptLimit;

  constructor(options: EnrolmentLimiterOptions) {
    this.#limit = new AttemptLimit({
      store: options.store,
      scope: 'enrol-ip',
      max: options.maxFailures ?? 10,
      windowMs: options.windowMs ?? ENROLMENT_TTL_MS,
      now: options.now,
    });
  }

  /** Runs one redemption from `ip`; refused with 429 once the address has failed too often lately. */
  async attempt<T>(ip: string | null, redeem: () => Promise<T>): Promise<T> {
    const taken = await this.#limit.take(ip ?? 'unknown');
    if (!taken)
      throw new AppError('rate_limited', 'too many wrong enrolment codes; try again in a few minutes');
    const result = await redeem();
    await this.#limit.giveBack(taken);
    return result;
  }
}
