/**
 * Queue numbers, waits and "today" follow the department's business day:
 * local time in Asia/Ho_Chi_Minh, starting at 04:00 so a department that
 * stays open late to clear its backlog keeps its day together.
 */
export const DEPARTMENT_TIME_ZONE = 'Asia/Ho_Chi_Minh';
const DAY_STARTS_AT_HOUR = 4;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const partsFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: DEPARTMENT_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * Offsets by UTC hour: an Intl call per event was a measurable share of ingest.
 * Only hours whose first and last second agree are kept, so an hour holding a
 * change of offset (historic ones fell mid-hour) is always asked afresh.
 */
const offsetByHour = new Map<number, number>();
const OFFSET_CACHE_HOURS = 1_024;

/** The zone's offset from UTC at `at`, in ms (Vietnam: +7 h, no daylight saving). */
export function zoneOffsetMs(at: number): number {
  const hour = Math.floor(at / HOUR);
  const cached = offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const offset = uncachedZoneOffsetMs(at);
  if (
    uncachedZoneOffsetMs(hour * HOUR) === offset &&
    uncachedZoneOffsetMs((hour + 1) * HOUR - 1) === offset
  ) {
    if (offsetByHour.size >= OFFSET_CACHE_HOURS) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

function uncachedZoneOffsetMs(at: number): number {
  const parts = Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** Start of the business day containing `at` (epoch ms). */
export function businessDayStart(at: number): number {
  const offset = zoneOffsetMs(at);
  const local = at + offset - DAY_STARTS_AT_HOUR * HOUR;
  return Math.floor(local / DAY) * DAY - offset + DAY_STARTS_AT_HOUR * HOUR;
}

/** `YYYY-MM-DD` of the business day containing `at`. */
export function businessDayLabel(at: number): string {
  const start = businessDayStart(at);
  return new Date(start + zoneOffsetMs(start)).toISOString().slice(0, 10);
}

/** Local hour (`00`–`23`) of `at`, for per-hour charts. */
export function localHour(at: number): string {
  return String(new Date(at + zoneOffsetMs(at)).getUTCHours()).padStart(2, '0');
}

/** Local ISO weekday (1 = Monday … 7 = Sunday) and minutes since local midnight. */
export function localWeekdayAndMinute(at: number): { weekday: number; minute: number } {
  const local = new Date(at + zoneOffsetMs(at));
  const day = local.getUTCDay();
  return { weekday: day === 0 ? 7 : day, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** ISO 8601 in the departments' zone with its offset: "2025-03-14T08:05:09.120+07:00". */
export function localIsoTime(at: number): string {
  const offset = zoneOffsetMs(at);
  const sign = offset < 0 ? '-' : '+';
  const minutes = Math.abs(offset) / 60_000;
  const zone = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return `${new Date(at + offset).toISOString().slice(0, 23)}${zone}`;
}
