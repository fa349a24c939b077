/**
 * The daily arrival intensity of a ward police one-stop department: a morning
 * peak (~09:00–10:30), a lunch dip (~11:30–13:30) and a smaller afternoon
 * bump, scaled so the expected arrivals over the opening hours equal
 * `dailyCitizens`. Piecewise linear, so its integral is exact and its maximum
 * is a tight envelope for thinning.
 */

/** 07:30–17:00. */
export const DEFAULT_OPEN_MINUTES = 570;
/** 07:30 as minutes since midnight: where minute 0 of the default day falls on the clock. */
export const DEFAULT_OPENING_CLOCK_MINUTES = 7 * 60 + 30;

/** [minutes since 07:30 in the default 570-minute day, relative intensity]. */
const SHAPE: readonly (readonly [number, number])[] = [
  [0, 0.6], // 07:30 doors open, people already waiting outside
  [30, 0.9], // 08:00
  [90, 1.8], // 09:00
  [105, 2.0], // 09:15 morning peak
  [180, 2.0], // 10:30
  [210, 1.4], // 11:00
  [240, 0.7], // 11:30
  [270, 0.3], // 12:00 lunch dip
  [330, 0.3], // 13:00
  [360, 0.8], // 13:30
  [390, 1.0], // 14:00
  [420, 1.2], // 14:30 afternoon bump
  [450, 1.2], // 15:00
  [510, 0.8], // 16:00
  [555, 0.4], // 16:45
  [570, 0.2], // 17:00
];

export interface ArrivalProfile {
  readonly dailyCitizens: number;
  readonly openMinutes: number;
  /** Expected arrivals per minute at `minute` since opening; 0 outside [0, openMinutes). */
  rate(minute: number): number;
  /** The maximum of {@link rate}: the envelope for thinning. */
  readonly maxRate: number;
  /** Expected arrivals between two times (minutes since opening). */
  expected(fromMinute: number, toMinute: number): number;
}

/**
 * A profile for a day of `openMinutes` (default 07:30–17:00). Other lengths
 * stretch the default shape proportionally, so the peak stays in the first
 * third of the day.
 */
export function createArrivalProfile(
  dailyCitizens: number,
  openMinutes: number = DEFAULT_OPEN_MINUTES,
): ArrivalProfile {
  if (!(dailyCitizens >= 0) || !Number.isFinite(dailyCitizens)) {
    throw new RangeError(`dailyCitizens must be a finite number >= 0, got ${dailyCitizens}`);
  }
  if (!(openMinutes > 0) || !Number.isFinite(openMinutes)) {
    throw new RangeError(`openMinutes must be a finite number > 0, got ${openMinutes}`);
  }
  const stretch = openMinutes / DEFAULT_OPEN_MINUTES;
  const knots = SHAPE.map(([m, v]) => [m * stretch, v] as const);

  // Cumulative integral of the shape at each knot.
  const cumulative: number[] = [0];
  for (let i = 1; i < knots.length; i++) {
    const [m0, v0] = at(knots, i - 1);
    const [m1, v1] = at(knots, i);
    cumulative.push(at(cumulative, i - 1) + ((v0 + v1) / 2) * (m1 - m0));
  }
  const total = at(cumulative, cumulative.length - 1);
  const scale = dailyCitizens / total;

  /** Index of the segment [knots[i], knots[i+1]] holding minute m (0 <= m <= openMinutes). */
  const segment = (m: number): number => {
    let i = 0;
    while (i < knots.length - 2 && at(knots, i + 1)[0] <= m) i++;
    return i;
  };
  const shapeAt = (m: number): number => {
    const i = segment(m);
    const [m0, v0] = at(knots, i);
    const [m1, v1] = at(knots, i + 1);
    return v0 + ((v1 - v0) * (m - m0)) / (m1 - m0);
  };
  const integral = (m: number): number => {
    const x = Math.min(Math.max(m, 0), openMinutes);
    const i = segment(x);
    const [m0, v0] = at(knots, i);
    return at(cumulative, i) + ((v0 + shapeAt(x)) / 2) * (x - m0);
  };

  return {
    dailyCitizens,
    openMinutes,
    rate: (minute) => (minute >= 0 && minute < openMinutes ? scale * shapeAt(minute) : 0),
    maxRate: scale * Math.max(...knots.map(([, v]) => v)),
    expected: (from, to) => (to > from ? scale * (integral(to) - integral(from)) : 0),
  };
}

function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`index ${i} out of range`);
  return item;
}
