import fs from 'node:fs';
import { z } from 'zod';
import { DEFAULT_OPEN_MINUTES, OPERATIONS } from './simulator/index.js';

/**
 * Which simulated day `npm start` plays. The database outlives the demo
 * process, so a restart must continue the day it holds: the same seed and
 * opening time regenerate the same events (same ids, so the server ignores
 * the ones it has), and the backfill fills in whatever happened while the
 * demo was down. Starting a fresh day on top instead would replay old ids
 * under new times and leave the old day's citizens stuck at the counters.
 */
const StoredDaySchema = z.object({
  /** The seed asked for (CW_DEMO_SEED); days played for it count up from it. */
  baseSeed: z.number().int(),
  seed: z.number().int(),
  speed: z.number().positive(),
  /** Departments, counters and citizens: another set-up is another day. */
  setup: z.string(),
  openedAt: z.number().int(),
});
export type StoredDay = z.infer<typeof StoredDaySchema>;

export interface DayRequest {
  baseSeed: number;
  speed: number;
  setup: string;
  /** How far into a new day the demo starts. */
  newDayBackfillMinutes: number;
}

export interface DayPlan {
  day: StoredDay;
  backfillMinutes: number;
  resumed: boolean;
}

/** Simulated minutes until the last counter has surely closed. */
export const DAY_MINUTES = DEFAULT_OPEN_MINUTES + OPERATIONS.overtimeLimitMinutes + 30;

export function planDay(stored: StoredDay | null, request: DayRequest, now: number): DayPlan {
  const same =
    stored !== null &&
    stored.baseSeed === request.baseSeed &&
    stored.speed === request.speed &&
    stored.setup === request.setup;
  if (same && stored.openedAt <= now) {
    const elapsedMinutes = ((now - stored.openedAt) * stored.speed) / 60_000;
    if (elapsedMinutes < DAY_MINUTES) return { day: stored, backfillMinutes: elapsedMinutes, resumed: true };
  }
  // A new day; after a finished one for the same seed, the next seed, so no event id repeats.
  const seed = same ? stored.seed + 1 : request.baseSeed;
  const openedAt = Math.round(now - (request.newDayBackfillMinutes * 60_000) / request.speed);
  return {
    day: { baseSeed: request.baseSeed, seed, speed: request.speed, setup: request.setup, openedAt },
    backfillMinutes: request.newDayBackfillMinutes,
    resumed: false,
  };
}

/** Reads the remembered day; a missing or unreadable file means none (a new day starts). */
export function readStoredDay(file: string): StoredDay | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = StoredDaySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

export function writeStoredDay(file: string, day: StoredDay): void {
  fs.writeFileSync(file, `${JSON.stringify(day, null, 2)}\n`, { mode: 0o600 });
}
