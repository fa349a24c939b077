import type { Alert } from '@counterwatch/shared';
import type { StoredAlert } from '../storage/Storage.js';

export const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** JSON with sorted keys: the same alert read back compares equal whatever order its fields were set in. */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );

/** What consoles and the API see: the condition key is the engine's own. */
export const publicAlert = ({ conditionKey: _key, ...alert }: StoredAlert): Alert => alert;

/** A new open alert, not stored yet (id 0: storing gives it its id). */
export const openAlert = (
  fields: Pick<
    StoredAlert,
    'rule' | 'severity' | 'departmentId' | 'counterId' | 'counterIds' | 'subject' | 'details' | 'conditionKey'
  >,
  now: number,
): StoredAlert => ({
  id: 0,
  ...fields,
  state: 'open',
  openedAt: now,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  resolutionNote: null,
});
