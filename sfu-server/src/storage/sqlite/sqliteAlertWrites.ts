import type { AlertPart, NewAlert, StoredAlert } from '../Storage.js';

/**
 * Alert writes on SQLite, one statement per alert (a local file: no round trip to save), run by
 * `SqliteStorage.writeAlerts` in its transaction. PostgreSQL batches them: `postgres/pgAlertWrites`.
 */

/**
 * The INSERT of a new alert, with `?` parameters. A second unresolved alert for the same condition
 * conflicts with the partial unique index and is skipped (no row), not an error: the batch it came
 * in stores the others.
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

/** The UPDATE of one part of an alert (see `Storage.updateAlert`), with `?` parameters. */
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
