import { createHash } from 'node:crypto';
import type { AuditEntry } from '@counterwatch/shared';

/** The hash of the empty chain: the first row links to it. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** A canonical text of a row: fixed field order, details with sorted keys. */
export function canonical(seq: number, fields: AuditFields): string {
  return JSON.stringify([
    seq,
    fields.at,
    fields.actorId,
    fields.actor,
    fields.ip,
    fields.action,
    fields.departmentId,
    fields.counterId,
    fields.objectType,
    fields.objectId,
    fields.reason,
    sortKeys(fields.details),
  ]);
}

/** hash(n) = sha256(hash(n−1) ‖ canonical(row n)): editing or removing a row breaks every later link. */
export function chainHash(prevHash: string, seq: number, fields: AuditFields): string {
  return createHash('sha256').update(prevHash).update(canonical(seq, fields)).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}
