import { z } from 'zod';
import { AuditActionSchema, type AuditEntry } from '@counterwatch/shared';

/** An audit row as both backends store it (same columns, same names), and its entry. */
export interface AuditRow {
  seq: number;
  at: number;
  actor_id: number | null;
  actor: string;
  ip: string | null;
  action: string;
  department_id: string | null;
  counter_id: string | null;
  object_type: string | null;
  object_id: string | null;
  reason: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

const Details = z.record(z.string(), z.unknown());

export function auditFromRow(r: AuditRow): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    actorId: r.actor_id,
    actor: r.actor,
    ip: r.ip,
    action: AuditActionSchema.parse(r.action),
    departmentId: r.department_id,
    counterId: r.counter_id,
    objectType: r.object_type,
    objectId: r.object_id,
    reason: r.reason,
    details: Details.parse(JSON.parse(r.details)),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
