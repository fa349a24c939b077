import { AlertSchema } from '@counterwatch/shared';
import type { StoredAlert } from '../Storage.js';

/** An `alerts` row as both backends return it. */
export interface AlertRow {
  id: number;
  rule: string;
  severity: string;
  department_id: string;
  counter_id: string | null;
  counter_ids: string;
  subject: string | null;
  condition_key: string;
  details: string;
  state: string;
  opened_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution_note: string | null;
  snoozed_until: number | null;
  snoozed_by: string | null;
}

export function alertFromRow(row: AlertRow): StoredAlert {
  const alert = AlertSchema.parse({
    id: row.id,
    rule: row.rule,
    severity: row.severity,
    departmentId: row.department_id,
    counterId: row.counter_id,
    counterIds: JSON.parse(row.counter_ids) as unknown,
    subject: row.subject,
    details: JSON.parse(row.details) as unknown,
    state: row.state,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    resolutionNote: row.resolution_note,
    snoozedUntil: row.snoozed_until,
    snoozedBy: row.snoozed_by,
  });
  return { ...alert, conditionKey: row.condition_key };
}
