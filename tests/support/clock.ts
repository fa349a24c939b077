import { zoneOffsetMs } from '@counterwatch/shared';

/**
 * A clock for one test stack: the machine's clock moved so that it reads a
 * chosen Vietnam time of day now, running at real speed. The stack's server
 * and agents get the same offset (CW_CLOCK_OFFSET_MS), so the events a test
 * stamps and the server's "now" agree — and a test about "minutes ago" means
 * the same thing whenever CI runs (the business day turns at 04:00 Vietnam
 * time, 21:00 UTC).
 */
export interface TestClock {
  offsetMs: number;
  readonly now: () => number;
}

const DAY = 86_400_000;

/** Reads `hh:mm[:ss]` Vietnam time now, on today's Vietnam date (or the one given). */
export function clockAt(time: string, machineNow = Date.now()): TestClock {
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m) throw new Error(`clockAt: expected hh:mm[:ss], got ${time}`);
  const offset = zoneOffsetMs(machineNow);
  const localMidnight = Math.floor((machineNow + offset) / DAY) * DAY - offset;
  const target = localMidnight + ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000;
  return clockAtInstant(target, machineNow);
}

/** Reads the instant `target` (epoch ms) now. */
export function clockAtInstant(target: number, machineNow = Date.now()): TestClock {
  const offsetMs = Math.round(target - machineNow);
  return { offsetMs, now: () => Date.now() + offsetMs };
}

/** Where tests that are not about the time of day run: mid-morning, well inside the business day. */
export const MID_MORNING = '10:30';

/**
 * Rate limits count in fixed windows of the server's clock (multiples of `windowMs`): waits, if
 * needed, until at least `marginMs` of the current window is left, so a test's attempts that must be
 * counted together fall in one window.
 */
export async function wellInsideWindow(clock: TestClock, windowMs: number, marginMs: number): Promise<void> {
  const left = windowMs - (clock.now() % windowMs);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 1_000));
}
