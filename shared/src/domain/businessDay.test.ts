import { describe, expect, it } from 'vitest';
import { businessDayLabel, businessDayStart, localHour, zoneOffsetMs } from './businessDay.js';

/** The zone's offset as Intl names it ("GMT+07:06:30"), read independently of the cached path. */
const named = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Ho_Chi_Minh', timeZoneName: 'longOffset' });
function referenceOffsetMs(at: number): number {
  const name = named.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!match) throw new Error(`unexpected zone name ${name}`);
  const [, sign = '+', h = '0', m = '0', s = '0'] = match;
  return (sign === '-' ? -1 : 1) * ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

const MINUTE = 60_000;

describe('zone offsets (cached by hour)', () => {
  it('agree with Intl on both sides of the 04:00 business-day boundary, asked in any order', () => {
    // 2026-03-14 04:00 in Ho Chi Minh City is 2026-03-13 21:00 UTC.
    const boundary = Date.UTC(2026, 2, 13, 21, 0, 0);
    const before = boundary - 1;
    const times = [boundary, before, boundary + 1, before - 1, boundary, before];
    for (const at of times) {
      expect(zoneOffsetMs(at)).toBe(7 * 3_600_000);
      expect(zoneOffsetMs(at)).toBe(referenceOffsetMs(at));
    }
    for (let round = 0; round < 2; round++) {
      expect(businessDayStart(before)).toBe(boundary - 24 * 3_600_000);
      expect(businessDayLabel(before)).toBe('2026-03-13');
      expect(localHour(before)).toBe('03');
      expect(businessDayStart(boundary)).toBe(boundary);
      expect(businessDayLabel(boundary)).toBe('2026-03-14');
      expect(localHour(boundary)).toBe('04');
    }
  });

  it('follow a change of offset on an hour boundary (1975-06-13, +08:00 to +07:00)', () => {
    const change = Date.UTC(1975, 5, 12, 16, 0, 0);
    for (let at = change - 2 * 3_600_000; at <= change + 2 * 3_600_000; at += MINUTE)
      expect(zoneOffsetMs(at), new Date(at).toISOString()).toBe(referenceOffsetMs(at));
    expect(zoneOffsetMs(change - 1)).toBe(8 * 3_600_000);
    expect(zoneOffsetMs(change)).toBe(7 * 3_600_000);
  });

  it('follow a change of offset in the middle of an hour (1911-05-01, +07:06:30 to +07:00)', () => {
    // 00:00 local at +07:06:30 is 16:53:30 UTC: the hour around it is never cached.
    const change = Date.UTC(1911, 3, 30, 16, 53, 30);
    const start = Date.UTC(1911, 3, 30, 15, 0, 0);
    // Warm the hour with its early part first, then walk across the change by the second near it.
    expect(zoneOffsetMs(start + 3_600_000)).toBe(referenceOffsetMs(start + 3_600_000));
    for (let at = start; at <= start + 3 * 3_600_000; at += MINUTE)
      expect(zoneOffsetMs(at), new Date(at).toISOString()).toBe(referenceOffsetMs(at));
    for (let at = change - 5_000; at <= change + 5_000; at += 500)
      expect(zoneOffsetMs(at), new Date(at).toISOString()).toBe(referenceOffsetMs(at));
    expect(zoneOffsetMs(change - 1)).toBe((7 * 3_600 + 6 * 60 + 30) * 1000);
    expect(zoneOffsetMs(change)).toBe(7 * 3_600_000);
  });
});
