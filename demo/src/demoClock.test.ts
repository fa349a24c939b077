import { businessDayStart, zoneOffsetMs } from '@counterwatch/shared';
import { describe, expect, it } from 'vitest';
import { demoClockOffset } from './demoClock.js';

const vietnamClock = (at: number): string => new Date(at + zoneOffsetMs(at)).toISOString().slice(11, 16);

describe('demoClockOffset', () => {
  it('makes now read the asked Vietnam time on the same Vietnam calendar day', () => {
    for (const machine of [
      Date.UTC(2026, 11, 4, 4, 33),
      Date.UTC(2026, 11, 4, 23, 50),
      Date.UTC(2027, 0, 1, 0, 5),
    ]) {
      for (const hhmm of ['03:55', '04:00', '11:59', '23:50']) {
        const pinned = machine + demoClockOffset(hhmm, machine);
        expect(vietnamClock(pinned)).toBe(hhmm);
        expect(Math.abs(pinned - machine)).toBeLessThan(24 * 3_600_000);
      }
    }
  });

  it('03:55 falls in the business day before 04:00', () => {
    const machine = Date.UTC(2026, 11, 4, 12, 0);
    const before = machine + demoClockOffset('03:55', machine);
    const after = machine + demoClockOffset('04:00', machine);
    expect(businessDayStart(after)).toBe(after);
    expect(businessDayStart(before)).toBe(after - 24 * 3_600_000);
  });

  it('refuses what is not HH:MM', () => {
    expect(() => demoClockOffset('4:00', 0)).toThrow(RangeError);
  });
});
