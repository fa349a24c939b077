import { describe, expect, it } from 'vitest';
import { clipAround, dayWindow, fractionOf, hourMarks, isRecorded, serviceClip, timeAt } from './dayTimeline';

// 2026-03-10 10:30 in Vietnam (UTC+7) = 03:30 UTC; its business day began at 04:00 local = 21:00 UTC the day before.
const now = Date.UTC(2026, 2, 10, 3, 30);
const dayStart = Date.UTC(2026, 2, 9, 21, 0);

describe('replay timeline arithmetic', () => {
  it("shows today's business day up to now, and earlier days whole", () => {
    expect(dayWindow(now)).toEqual({ from: dayStart, to: now });
    expect(dayWindow(now, 1)).toEqual({ from: dayStart - 86_400_000, to: dayStart });
    // 03:59 local still belongs to the day that began yesterday at 04:00.
    const beforeFour = Date.UTC(2026, 2, 9, 20, 59);
    expect(dayWindow(beforeFour).from).toBe(dayStart - 86_400_000);
  });

  it('maps times to the bar and back', () => {
    const w = dayWindow(now);
    expect(fractionOf(dayStart, w)).toBe(0);
    expect(fractionOf(now, w)).toBe(1);
    expect(fractionOf(now + 60_000, w)).toBe(1);
    expect(timeAt(0.5, w)).toBe(dayStart + (now - dayStart) / 2);
    expect(timeAt(2, w)).toBe(now);
  });

  it('a click plays five minutes from 30 s before, never past now or before the day', () => {
    const w = dayWindow(now);
    expect(clipAround(dayStart + 3_600_000, w)).toEqual({
      from: dayStart + 3_600_000 - 30_000,
      to: dayStart + 3_600_000 + 270_000,
    });
    expect(clipAround(now - 10_000, w)).toEqual({ from: now - 40_000, to: now });
    expect(clipAround(dayStart + 5_000, w).from).toBe(dayStart);
  });

  it('a service plays from 30 s before its call to 30 s after it ended, at most half an hour', () => {
    expect(serviceClip({ calledAt: 1_000_000, startedAt: 1_060_000, finishedAt: 1_360_000 })).toEqual({
      from: 970_000,
      to: 1_390_000,
    });
    expect(serviceClip({ calledAt: null, startedAt: 1_000_000, finishedAt: 1_100_000 }).from).toBe(970_000);
    const long = serviceClip({ calledAt: 0 + 100_000, startedAt: 100_000, finishedAt: 100_000 + 3_600_000 });
    expect(long.to - long.from).toBe(30 * 60_000);
  });

  it('knows what is recorded and labels local hours', () => {
    expect(isRecorded(5, [{ from: 0, to: 10 }])).toBe(true);
    expect(isRecorded(11, [{ from: 0, to: 10 }])).toBe(false);
    const marks = hourMarks(dayWindow(now));
    expect(marks.map((m) => m.hour)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(marks[0]!.at).toBe(dayStart);
  });
});
