import { AppError, MAX_REPORT_DAYS, type ReportQuery } from '@counterwatch/shared';
import { businessDayLabel, businessDayStart, zoneOffsetMs } from '../queue/businessDay.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ReportSpan {
  period: ReportQuery['period'];
  label: string;
  from: number;
  /** End of the span, capped at now: a period still running is reported so far. */
  to: number;
  /** The span's full end (after `to` when partial). */
  end: number;
  partial: boolean;
  /** The previous period, as long as the part of this one reported (a day so far against the same hours the day before). */
  previousFrom: number;
  previousTo: number;
  /** Business day starts covered (the fold walks them). */
  dayStarts: number[];
}

/** 04:00 Vietnam time on the calendar day `label`. */
export function dayStartOf(label: string): number {
  const [y, m, d] = label.split('-').map(Number);
  const guess = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 4);
  return guess - zoneOffsetMs(guess);
}

function addDays(label: string, days: number): string {
  const d = new Date(`${label}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function isoWeek(label: string): string {
  const d = new Date(`${label}T00:00:00Z`);
  const weekday = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
  d.setUTCDate(d.getUTCDate() + 4 - weekday); // the Thursday decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / DAY + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The span a query asks for, at `now`; a span that has not begun or is too long is a 400. */
export function reportSpan(query: ReportQuery, now: number): ReportSpan {
  const today = businessDayLabel(now);
  let from: number;
  let end: number;
  let label: string;
  let previousFrom: number;
  if (query.period === 'custom' && query.fromAt !== undefined && query.toAt !== undefined) {
    from = query.fromAt;
    end = query.toAt;
    label = `${query.fromAt}…${query.toAt}`;
    previousFrom = from - (end - from);
  } else if (query.period === 'custom') {
    const first = query.from ?? today;
    const last = query.to ?? first;
    from = dayStartOf(first);
    end = dayStartOf(addDays(last, 1));
    label = first === last ? first : `${first}…${last}`;
    previousFrom = from - (end - from);
  } else {
    const date = query.date ?? today;
    if (query.period === 'day') {
      from = dayStartOf(date);
      end = from + DAY;
      label = date;
      previousFrom = from - DAY;
    } else if (query.period === 'week') {
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
      const monday = addDays(date, 1 - weekday);
      from = dayStartOf(monday);
      end = dayStartOf(addDays(monday, 7));
      label = isoWeek(monday);
      previousFrom = dayStartOf(addDays(monday, -7));
    } else {
      const month = date.slice(0, 7);
      const [y, m] = month.split('-').map(Number);
      const next = new Date(Date.UTC(y ?? 1970, m ?? 1, 1)).toISOString().slice(0, 10);
      const prev = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 2, 1)).toISOString().slice(0, 10);
      from = dayStartOf(`${month}-01`);
      end = dayStartOf(next);
      label = month;
      previousFrom = dayStartOf(prev);
    }
  }
  if (from >= now) throw new AppError('invalid_request', 'the period has not begun yet');
  if (end - from > MAX_REPORT_DAYS * DAY)
    throw new AppError('invalid_request', `a report covers at most ${MAX_REPORT_DAYS} days`);
  const to = Math.min(end, now);
  const previousTo = Math.min(from, previousFrom + (to - from));
  const dayStarts: number[] = [];
  for (let d = businessDayStart(previousFrom); d < to; d += DAY) dayStarts.push(d);
  return {
    period: query.period,
    label,
    from,
    to,
    end,
    partial: end > now,
    previousFrom,
    previousTo,
    dayStarts,
  };
}
