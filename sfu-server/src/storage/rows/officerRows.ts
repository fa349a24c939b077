import type { OfficerRef } from '@counterwatch/shared';

/** The officer a row names (its id, name and badge columns), or null. */
export function officerRef(id: number | null, name: string | null, badge: string | null): OfficerRef | null {
  return id === null ? null : { id, displayName: name ?? '', badgeNumber: badge ?? '' };
}
