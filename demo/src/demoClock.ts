import { zoneOffsetMs } from '@counterwatch/shared';

/**
 * The clock offset that makes "now" read `HH:MM` Vietnam time today (the
 * calendar day in Vietnam at `machineNow`), so the demo can be started just
 * before the business day turns at 04:00, or at any other hour.
 */
export function demoClockOffset(hhmm: string, machineNow: number): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`expected HH:MM, got ${hhmm}`);
  const offset = zoneOffsetMs(machineNow);
  const localMidnight = Math.floor((machineNow + offset) / 86_400_000) * 86_400_000 - offset;
  const target = localMidnight + (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  return target - machineNow;
}
