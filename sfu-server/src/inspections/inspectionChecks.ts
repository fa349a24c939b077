import path from 'node:path';
import { AppError, type ChecklistResult } from '@counterwatch/shared';
import type { InspectionRecord } from '../storage/Storage.js';

/** Stills are kept while their inspection report is: the report embeds them. */
const MAX_STILL_BYTES = 600_000;

type User = { id: number; username: string };

/**
 * The draft is the inspector's own: no one else reads or writes it, not
 * even within scope (it is not a finding until they end the inspection).
 */
export function ownsInspection(user: User, inspection: InspectionRecord): boolean {
  return inspection.inspectorId === null
    ? inspection.inspector === user.username
    : inspection.inspectorId === user.id;
}

export function assertOwnDraft(user: User, inspection: InspectionRecord): void {
  if (!ownsInspection(user, inspection))
    throw new AppError('forbidden', 'the draft belongs to the inspector who started the inspection');
}

/** Answers are to the inspection's own checklist items. */
export function assertKnownItems(
  inspection: InspectionRecord,
  results: Record<string, ChecklistResult>,
): void {
  const known = new Set(inspection.checklist.map((c) => c.id));
  const unknown = Object.keys(results).filter((k) => !known.has(k));
  if (unknown.length > 0)
    throw new AppError('invalid_request', `unknown checklist items: ${unknown.join(', ')}`);
}

/** A still as sent (a data URL or bare base64), decoded; refused unless it is a JPEG of a bounded size. */
export function decodeStill(still: string | undefined): Buffer | null {
  const bytes = still === undefined ? null : Buffer.from(still.slice(still.indexOf(',') + 1), 'base64');
  if (bytes) {
    if (bytes.length > MAX_STILL_BYTES) throw new AppError('message_too_large', 'the still is too large');
    if (bytes[0] !== 0xff || bytes[1] !== 0xd8)
      throw new AppError('invalid_request', 'the still is not a JPEG');
  }
  return bytes;
}

/** The absolute path of a still's stored (relative) path; one that would leave the stills folder is not found. */
export function stillPathInside(stillsDir: string, relative: string): string {
  const root = path.resolve(stillsDir);
  const absolute = path.resolve(root, relative);
  if (!absolute.startsWith(root + path.sep)) throw new AppError('not_found', 'no such still');
  return absolute;
}
