/**
 * The one source of "now" for domain code (server, agent, simulator): epoch
 * milliseconds. Injected everywhere instead of calling `Date.now()`, so a
 * test — or an operator trying an hour — can run the whole system at a
 * pinned time of day (the business day turns at 04:00 Vietnam time).
 */
export type Clock = () => number;

/** The machine's clock. The only place domain code reads it. */
export const systemClock: Clock = () => Date.now();

/** The machine's clock moved by `offsetMs` (0 = the machine's clock itself). */
export function offsetClock(offsetMs: number, base: Clock = systemClock): Clock {
  if (!Number.isFinite(offsetMs)) throw new RangeError(`clock offset must be finite, got ${offsetMs}`);
  return offsetMs === 0 ? base : () => base() + offsetMs;
}

/**
 * `CW_CLOCK_OFFSET_MS`: how far every process of one installation runs its
 * clock ahead (or behind) the machine's. For tests and demos only; unset in
 * production. Returns 0 when unset; throws on a value that is not an integer.
 */
export function clockOffsetFromEnv(env: Record<string, string | undefined>): number {
  const raw = env.CW_CLOCK_OFFSET_MS;
  if (raw === undefined || raw.trim() === '') return 0;
  if (!/^-?\d{1,15}$/.test(raw.trim())) {
    throw new RangeError(`CW_CLOCK_OFFSET_MS must be an integer number of milliseconds, got "${raw}"`);
  }
  return Number(raw.trim());
}
