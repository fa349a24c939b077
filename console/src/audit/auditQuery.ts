import type { AuditAction } from '@counterwatch/shared';
import { queryString } from '../api/http';
import { parseLocalDateTime } from '../i18n/i18n';

/** The audit filters as typed in the form: text, and times as `datetime-local` values in Vietnam time. */
export interface AuditFilters {
  from: string;
  to: string;
  actor: string;
  action: AuditAction | '';
  /** A department's name or id, as typed. */
  department: string;
  /** A counter's name or id, as typed. */
  counter: string;
  limit: number;
}

export const emptyAuditFilters: AuditFilters = {
  from: '',
  to: '',
  actor: '',
  action: '',
  department: '',
  counter: '',
  limit: 500,
};

export const AUDIT_LIMITS = [100, 500, 1000, 5000] as const;

/**
 * `?from=…&actor=…` for both the list and the CSV export, so the file holds
 * what the table shows (all of it: the export ignores `limit`). Names are
 * sent as typed; the server resolves them. Blank fields are left out; a time that is not one too
 * (the form marks it).
 */
export function auditQueryString(filters: AuditFilters): string {
  return queryString({
    from: parseLocalDateTime(filters.from),
    to: parseLocalDateTime(filters.to),
    actor: filters.actor.trim(),
    action: filters.action,
    department: filters.department.trim(),
    counter: filters.counter.trim(),
    limit: filters.limit,
  });
}

/** A detail value in one line: strings as they are, anything else as JSON. */
export function detailText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}
