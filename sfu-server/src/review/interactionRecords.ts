import type { FlagReason, Interaction, QueueEvent } from '@counterwatch/shared';
import type { TicketRecord } from '../queue/DepartmentQueue.js';
import type { InteractionRecord, ReviewStore } from '../storage/Storage.js';

/** The events that make or complete an interaction. */
export const RECORDED = new Set<QueueEvent['type']>([
  'service.finished',
  'rating.submitted',
  'rating.commented',
]);

/** The clip of an interaction: its service plus this much on each side. */
export const CLIP_MARGIN_MS = 60_000;

export type NewInteraction = Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep' | 'officer'>;

/** A flag to add to a stored interaction; `by` is null when the system raised it. */
export interface NewFlag {
  record: InteractionRecord;
  reason: FlagReason;
  note: string | null;
  by: string | null;
}

/** A served ticket as an interaction, once it has a counter, a service and a span. */
export function interactionFrom(
  departmentId: string,
  t: TicketRecord,
  finishedAt: number | null,
): NewInteraction | undefined {
  const startedAt = t.startedAt ?? t.lastCalledAt ?? t.calledAt;
  if (startedAt === null || finishedAt === null || t.counterId === null || t.serviceCode === null)
    return undefined;
  return {
    departmentId,
    counterId: t.counterId,
    ticketId: t.id,
    ticketNumber: t.number ?? t.id,
    serviceCode: t.serviceCode,
    issuedAt: t.issuedAt,
    calledAt: t.calledAt,
    startedAt,
    finishedAt: Math.max(startedAt, finishedAt),
    outcome: t.outcome ?? 'completed',
    rating: t.rating,
    ratingComment: t.ratingComment,
    ratedAt: t.ratedAt,
  };
}

type StoredFlag = Awaited<ReturnType<ReviewStore['flags']>>[number];
type StoredDecision = Awaited<ReturnType<ReviewStore['decisions']>>[number];

/** What reviewers see of stored interactions, with their flags and decisions. */
export function interactionViews(
  records: readonly InteractionRecord[],
  flags: readonly StoredFlag[],
  decisions: readonly StoredDecision[],
): Interaction[] {
  return records.map((r) => ({
    id: r.id,
    departmentId: r.departmentId,
    counterId: r.counterId,
    ticketId: r.ticketId,
    ticketNumber: r.ticketNumber,
    serviceCode: r.serviceCode,
    issuedAt: r.issuedAt,
    calledAt: r.calledAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    outcome: r.outcome,
    waitSeconds:
      r.issuedAt !== null && r.calledAt !== null ? Math.max(0, (r.calledAt - r.issuedAt) / 1000) : null,
    serviceSeconds: Math.max(0, (r.finishedAt - r.startedAt) / 1000),
    rating: r.rating,
    ratingComment: r.ratingComment,
    ratedAt: r.ratedAt,
    officer: r.officer,
    clipFrom: r.startedAt - CLIP_MARGIN_MS,
    clipTo: r.finishedAt + CLIP_MARGIN_MS,
    flags: flags
      .filter((f) => f.interactionId === r.id)
      .map((f) => ({ reason: f.reason, note: f.note, by: f.by, at: f.at })),
    review: r.review,
    decisions: decisions
      .filter((d) => d.interactionId === r.id)
      .map((d) => ({ finding: d.finding, note: d.note, by: d.by, at: d.at })),
    keep: r.keep,
  }));
}
