import type { AlertPart, NewAlert, StoredAlert } from '../Storage.js';
import { matchInOrder } from './matchInOrder.js';
import type { Sql } from './PgDb.js';

/**
 * Alert writes on PostgreSQL, one statement per kind however many alerts a burst opens or re-grades
 * (an outbox flushing hours of events moves alerts by the hundred): a statement per alert costs a
 * round trip and a parameter bind each.
 */

/**
 * Inserts every alert in one statement. A second unresolved alert for a condition conflicts with
 * the partial unique index and is skipped (null in its place), not an error.
 */
export async function insertAlerts(sql: Sql, inserts: readonly NewAlert[]): Promise<(StoredAlert | null)[]> {
  if (inserts.length === 0) return [];
  const rows = await sql.all<{ id: number; condition_key: string; state: string }>(
    `INSERT INTO alerts (rule, severity, department_id, counter_id, counter_ids, subject, condition_key, details,
       state, opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note)
     SELECT rule, severity, department_id, counter_id, counter_ids, subject, condition_key, details, state,
       opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note
     FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
       ?::bigint[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY
       AS a(rule, severity, department_id, counter_id, counter_ids, subject, condition_key, details, state,
         opened_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note, ord)
     ORDER BY ord
     ON CONFLICT DO NOTHING
     RETURNING id, condition_key, state`,
    [
      inserts.map((a) => a.rule),
      inserts.map((a) => a.severity),
      inserts.map((a) => a.departmentId),
      inserts.map((a) => a.counterId),
      inserts.map((a) => JSON.stringify(a.counterIds)),
      inserts.map((a) => a.subject),
      inserts.map((a) => a.conditionKey),
      inserts.map((a) => JSON.stringify(a.details)),
      inserts.map((a) => a.state),
      inserts.map((a) => a.openedAt),
      inserts.map((a) => a.acknowledgedAt),
      inserts.map((a) => a.acknowledgedBy),
      inserts.map((a) => a.resolvedAt),
      inserts.map((a) => a.resolvedBy),
      inserts.map((a) => a.resolutionNote),
    ],
  );
  // A row belongs to the first alert still unmatched with its condition and state: of two alerts for
  // one condition in a batch, either both are inserted (resolved ones never conflict) or the second,
  // unresolved, conflicts whenever the first does or was inserted.
  const key = (conditionKey: string, state: string): string => JSON.stringify([conditionKey, state]);
  const matched = matchInOrder(inserts, rows, {
    order: (r) => r.id,
    item: (a) => key(a.conditionKey, a.state),
    row: (r) => key(r.condition_key, r.state),
  });
  return inserts.map((alert, i) => {
    const row = matched[i];
    return row ? { ...alert, id: row.id } : null;
  });
}

/** Updates each alert's part in one statement per part; the ids of the rows that exist. */
export async function updateAlerts(
  sql: Sql,
  updates: readonly { alert: StoredAlert; part: AlertPart }[],
): Promise<number[]> {
  const grade = updates.filter((u) => u.part === 'grade').map((u) => u.alert);
  const handling = updates.filter((u) => u.part === 'handling').map((u) => u.alert);
  const ids: number[] = [];
  if (grade.length > 0) {
    const rows = await sql.all<{ id: number }>(
      `UPDATE alerts AS a SET severity = u.severity, details = u.details, counter_ids = u.counter_ids
       FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS u(id, severity, details, counter_ids)
       WHERE a.id = u.id
       RETURNING a.id`,
      [
        grade.map((a) => a.id),
        grade.map((a) => a.severity),
        grade.map((a) => JSON.stringify(a.details)),
        grade.map((a) => JSON.stringify(a.counterIds)),
      ],
    );
    ids.push(...rows.map((r) => r.id));
  }
  if (handling.length > 0) {
    const rows = await sql.all<{ id: number }>(
      `UPDATE alerts AS a SET state = u.state, acknowledged_at = u.acknowledged_at,
         acknowledged_by = u.acknowledged_by, resolved_at = u.resolved_at, resolved_by = u.resolved_by,
         resolution_note = u.resolution_note, snoozed_until = u.snoozed_until, snoozed_by = u.snoozed_by
       FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[],
         ?::text[]) AS u(id, state, acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution_note,
         snoozed_until, snoozed_by)
       WHERE a.id = u.id
       RETURNING a.id`,
      [
        handling.map((a) => a.id),
        handling.map((a) => a.state),
        handling.map((a) => a.acknowledgedAt),
        handling.map((a) => a.acknowledgedBy),
        handling.map((a) => a.resolvedAt),
        handling.map((a) => a.resolvedBy),
        handling.map((a) => a.resolutionNote),
        handling.map((a) => a.snoozedUntil ?? null),
        handling.map((a) => a.snoozedBy ?? null),
      ],
    );
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}
