import { publicHoliday, type Campaign, type ForecastAccuracy } from '@counterwatch/shared';
import { dayTotals, hours24, type DayHistory } from './history.js';

/** How many recent same-weekday days make the weekday × hour profile. */
const PROFILE_WEEKS = 4;
/** The trend compares the last week with what the profile of the weeks before expected; damped and bounded. */
const TREND_DAYS = 7;
const TREND_DAMPING = 0.5;
const TREND_BOUNDS = [0.75, 1.35] as const;

export function isoWeekday(day: string): number {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The factor a campaign puts on a service's arrivals that day in that department (1: none). */
export function campaignFactor(
  campaigns: readonly Campaign[],
  departmentId: string,
  day: string,
  serviceCode: string,
): number {
  let f = 1;
  for (const c of campaigns) {
    if (!c.departmentIds.includes(departmentId) || day < c.from || day > c.to) continue;
    if (c.serviceCode !== null && c.serviceCode !== serviceCode) continue;
    f *= 1 + c.upliftPercent / 100;
  }
  return f;
}

export interface DayForecast {
  day: string;
  holiday: string | null;
  trend: number;
  campaignIds: number[];
  /** Expected arrivals per service and local hour. */
  byService: Map<string, number[]>;
  /** The days whose mean made the profile (for the counters usually on duty). */
  reference: DayHistory[];
}

/**
 * Forecasts one day from history strictly before it: the mean of the last
 * few same-weekday working days (campaign days scaled back to ordinary),
 * times a damped recent trend, times the declared campaigns; nothing on a
 * public holiday. A weekday with no history (Sunday, closed) forecasts zero.
 */
export function forecastDay(
  history: readonly DayHistory[],
  departmentId: string,
  day: string,
  campaigns: readonly Campaign[],
): DayForecast {
  const holiday = publicHoliday(day);
  const weekday = isoWeekday(day);
  const usable = history.filter((h) => h.day < day && publicHoliday(h.day) === null);
  const reference = usable.filter((h) => isoWeekday(h.day) === weekday).slice(-PROFILE_WEEKS);
  const byService = new Map<string, number[]>();
  for (const h of reference) {
    for (const [code, row] of h.arrivals) {
      const into = byService.get(code) ?? hours24();
      const back = campaignFactor(campaigns, departmentId, h.day, code);
      row.forEach((n, i) => (into[i] = (into[i] ?? 0) + n / back / reference.length));
      byService.set(code, into);
    }
  }
  // Campaign days count as ordinary ones: their uplift is scaled back out.
  const ordinary = (h: DayHistory): number => {
    let n = 0;
    for (const [code, row] of h.arrivals)
      n += sum(row) / campaignFactor(campaigns, departmentId, h.day, code);
    return n;
  };
  const trend = trendOf(usable, ordinary);
  const campaignIds = campaigns
    .filter((c) => c.departmentIds.includes(departmentId) && day >= c.from && day <= c.to)
    .map((c) => c.id);
  for (const [code, row] of byService) {
    const f = holiday !== null ? 0 : trend * campaignFactor(campaigns, departmentId, day, code);
    byService.set(
      code,
      row.map((n) => n * f),
    );
  }
  return { day, holiday, trend, campaignIds, byService, reference };
}

/** Last week's arrivals against what the same weekdays of the weeks before had. */
function trendOf(usable: readonly DayHistory[], total: (h: DayHistory) => number): number {
  const recent = usable.slice(-TREND_DAYS);
  let actual = 0;
  let expected = 0;
  for (const h of recent) {
    const before = usable
      .filter((b) => b.day < h.day && isoWeekday(b.day) === isoWeekday(h.day))
      .slice(-PROFILE_WEEKS);
    if (before.length === 0) continue;
    actual += total(h);
    expected += before.reduce((n, b) => n + total(b), 0) / before.length;
  }
  if (expected < 50) return 1;
  const raw = 1 + TREND_DAMPING * (actual / expected - 1);
  return Math.min(TREND_BOUNDS[1], Math.max(TREND_BOUNDS[0], Math.round(raw * 1000) / 1000));
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Department arrivals per hour of a forecast. */
export function forecastTotals(f: DayForecast): number[] {
  const out = hours24();
  for (const row of f.byService.values()) row.forEach((n, i) => (out[i] = (out[i] ?? 0) + n));
  return out;
}

/**
 * The forecast's error on held-back history: the last `heldOut` days are
 * forecast from the days before them only and compared, hour by hour, with
 * what happened.
 */
export function measureAccuracy(
  history: readonly DayHistory[],
  departmentId: string,
  campaigns: readonly Campaign[],
  heldOut = 7,
): ForecastAccuracy | null {
  if (history.length <= heldOut + 7) return null;
  const test = history.slice(-heldOut);
  const train = history.slice(0, -heldOut);
  let absError = 0;
  let total = 0;
  const dailyErrors: number[] = [];
  for (const h of test) {
    const f = forecastTotals(forecastDay(train, departmentId, h.day, campaigns));
    const a = dayTotals(h);
    for (let i = 0; i < 24; i++) absError += Math.abs((a[i] ?? 0) - (f[i] ?? 0));
    const dayActual = sum(a);
    total += dayActual;
    if (dayActual > 0) dailyErrors.push(Math.abs(dayActual - sum(f)) / dayActual);
  }
  const first = test[0];
  const last = test[test.length - 1];
  if (!first || !last) return null;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    from: first.day,
    to: last.day,
    days: test.length,
    arrivals: total,
    hourlyWape: total > 0 ? round(absError / total) : null,
    dailyMape: dailyErrors.length > 0 ? round(sum(dailyErrors) / dailyErrors.length) : null,
  };
}
