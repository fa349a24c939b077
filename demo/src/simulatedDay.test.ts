import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_MINUTES, planDay, readStoredDay, writeStoredDay, type DayRequest } from './simulatedDay.js';

const NOW = Date.UTC(2026, 10, 22, 5, 0, 0);
const MIN = 60_000;
const request: DayRequest = { baseSeed: 100, speed: 1, setup: 'a', newDayBackfillMinutes: 150 };

describe('which simulated day the demo plays', () => {
  it('starts a new day 150 minutes in when none is remembered', () => {
    const plan = planDay(null, request, NOW);
    expect(plan).toEqual({
      day: { baseSeed: 100, seed: 100, speed: 1, setup: 'a', openedAt: NOW - 150 * MIN },
      backfillMinutes: 150,
      resumed: false,
    });
  });

  it('continues the remembered day after a restart, filling in the time it was down', () => {
    const first = planDay(null, request, NOW).day;
    const plan = planDay(first, request, NOW + 95 * MIN);
    expect(plan.resumed).toBe(true);
    expect(plan.day).toEqual(first);
    expect(plan.backfillMinutes).toBeCloseTo(245, 6);
  });

  it('counts elapsed time in simulated minutes at the remembered speed', () => {
    const fast = { ...request, speed: 10 };
    const first = planDay(null, fast, NOW).day;
    expect(first.openedAt).toBe(NOW - 15 * MIN);
    expect(planDay(first, fast, NOW + 10 * MIN).backfillMinutes).toBeCloseTo(250, 6);
  });

  it('after the day is over, starts the next with the next seed (no event id repeats)', () => {
    const first = planDay(null, request, NOW).day;
    const plan = planDay(first, request, first.openedAt + DAY_MINUTES * MIN);
    expect(plan.resumed).toBe(false);
    expect(plan.day.seed).toBe(101);
    expect(plan.day.baseSeed).toBe(100);
  });

  it('another seed, speed or set-up is another day', () => {
    const first = planDay(null, request, NOW).day;
    expect(planDay(first, { ...request, baseSeed: 7 }, NOW).day.seed).toBe(7);
    expect(planDay(first, { ...request, speed: 2 }, NOW).resumed).toBe(false);
    expect(planDay(first, { ...request, setup: 'b' }, NOW).resumed).toBe(false);
  });

  it('remembers the day in a file; a missing or damaged file is no day', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-day-'));
    const file = path.join(dir, 'simulated-day.json');
    expect(readStoredDay(file)).toBeNull();
    const day = planDay(null, request, NOW).day;
    writeStoredDay(file, day);
    expect(readStoredDay(file)).toEqual(day);
    fs.writeFileSync(file, '{"seed": "x"');
    expect(readStoredDay(file)).toBeNull();
    fs.writeFileSync(file, '{"seed": "x"}');
    expect(readStoredDay(file)).toBeNull();
    fs.rmSync(dir, { recursive: true });
  });
});
