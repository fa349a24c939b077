import { AlertSchema } from '@counterwatch/shared';
import type { AlertPart, NewAlert, StoredAlert } from '../Storage.js';

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

/**
 * The INSERT of a new alert, with `?` parameters (SQLite; PostgreSQL batches them: `pgAlertWrites`). A second unresolved alert for
 * the same condition conflicts with the partial unique index and is skipped (no row), not an error:
 * the batch it came in stores the others.
 */
export function alertInsert(alert: NewAlert): [string, (string | number | null)[]] {
  return [
    `INSERT INTO alerts (rule, severity, department_id, counter_id, counter_ids, subject, condition_key, details,
       state, opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
    [
      alert.rule,
      alert.severity,
      alert.departmentId,
      alert.counterId,
      JSON.stringify(alert.counterIds),
      alert.subject,
      alert.conditionKey,
      JSON.stringify(alert.details),
      alert.state,
      alert.openedAt,
      alert.acknowledgedAt,
      alert.acknowledgedBy,
      alert.resolvedAt,
      alert.resolvedBy,
      alert.resolutionNote,
    ],
  ];
}

/** The UPDATE of one part of an alert (see `Storage.updateAlert`), with `?` parameters (SQLite). */
export function alertUpdate(alert: StoredAlert, part: AlertPart): [string, (string | number | null)[]] {
  switch (part) {
    case 'grade':
      return [
        'UPDATE alerts SET severity = ?, details = ?, counter_ids = ? WHERE id = ?',
        [alert.severity, JSON.stringify(alert.details), JSON.stringify(alert.counterIds), alert.id],
      ];
    case 'handling':
      return [
        `UPDATE alerts SET state = ?, acknowledged_at = ?, acknowledged_by = ?, resolved_at = ?, resolved_by = ?,
           resolution_note = ?, snoozed_until = ?, snoozed_by = ? WHERE id = ?`,
        [
          alert.state,
          alert.acknowledgedAt,
          alert.acknowledgedBy,
          alert.resolvedAt,
          alert.resolvedBy,
          alert.resolutionNote,
          alert.snoozedUntil ?? null,
          alert.snoozedBy ?? null,
          alert.id,
        ],
      ];
  }
}
