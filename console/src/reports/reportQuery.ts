import type { ReportPeriod } from '@counterwatch/shared';
import { queryString } from '../api/http';

/** What the reports page asks for; turned into the REST query of /api/v1/reports and its exports. */
export interface ReportForm {
  period: ReportPeriod;
  /** A day in the period (day, week, month); '' = today on the server's clock. */
  date: string;
  from: string;
  to: string;
  departmentId: string;
  targetMinutes: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `?period=week&date=…` for a complete form; null while a date is missing or the span reversed. */
export function reportQuery(form: ReportForm): string | null {
  const department = form.departmentId || undefined;
  const target = Number.isInteger(form.targetMinutes) && form.targetMinutes >= 1 ? form.targetMinutes : null;
  if (target === null) return null;
  if (form.period === 'custom') {
    if (!DAY.test(form.from) || !DAY.test(form.to) || form.from > form.to) return null;
    return queryString({
      period: 'custom',
      from: form.from,
      to: form.to,
      departmentId: department,
      targetMinutes: target,
    });
  }
  if (form.date !== '' && !DAY.test(form.date)) return null;
  return queryString({
    period: form.period,
    date: form.date,
    departmentId: department,
    targetMinutes: target,
  });
}

/** Relative change from `previous` to `current`, or null when there is nothing to compare with. */
export function change(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/** Escapes text for a CSS string literal (the printed page's margin boxes). */
export function cssString(text: string): string {
  return `"${text
    .replace(/[\\"]/g, (c) => `\\${c}`)
    .replace(/[\n\r\f]/g, ' ')
    .replace(/</g, '\\3c ')}"`;
}
