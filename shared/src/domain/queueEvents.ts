import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema, OpaqueIdSchema } from './ids.js';
import { ServiceCodeSchema } from './services.js';

/**
 * Queue events: what kiosks, counter panels, rating pads and queue-number
 * systems report. Every event carries a globally unique id (idempotency),
 * the department, the time at the source and a per-source sequence number
 * (ordering, since source clocks drift).
 */
const Base = {
  id: OpaqueIdSchema,
  departmentId: DepartmentIdSchema,
  occurredAt: EpochMsSchema,
  source: z.object({
    /** The emitting system: `kiosk-1`, `counter:c01`, `queue-system`… */
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits and . _ : -'),
    seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  }),
};

const TicketIdSchema = OpaqueIdSchema;
const TicketNumberSchema = z
  .string()
  .min(1)
  .max(12)
  .regex(/^[A-Za-z0-9-]+$/, 'must be letters, digits and -');

export const ServiceOutcomeSchema = z.enum(['completed', 'returned', 'transferred']);
export type ServiceOutcome = z.infer<typeof ServiceOutcomeSchema>;
export const RatingSchema = z.enum(['satisfied', 'neutral', 'unsatisfied']);
export type Rating = z.infer<typeof RatingSchema>;
export const PauseReasonSchema = z.enum(['break', 'meeting', 'technical', 'other']);
export type PauseReason = z.infer<typeof PauseReasonSchema>;

export const TicketIssuedSchema = z.object({
  ...Base,
  type: z.literal('ticket.issued'),
  ticketId: TicketIdSchema,
  ticketNumber: TicketNumberSchema,
  serviceCode: ServiceCodeSchema,
});
export const TicketCalledSchema = z.object({
  ...Base,
  type: z.literal('ticket.called'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
});
export const TicketRecalledSchema = z.object({
  ...Base,
  type: z.literal('ticket.recalled'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
});
export const ServiceStartedSchema = z.object({
  ...Base,
  type: z.literal('service.started'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
});
export const ServiceFinishedSchema = z.object({
  ...Base,
  type: z.literal('service.finished'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
  outcome: ServiceOutcomeSchema,
});
export const TicketNoShowSchema = z.object({
  ...Base,
  type: z.literal('ticket.no_show'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema.optional(),
});
export const TicketCancelledSchema = z.object({
  ...Base,
  type: z.literal('ticket.cancelled'),
  ticketId: TicketIdSchema,
});
export const RatingSubmittedSchema = z.object({
  ...Base,
  type: z.literal('rating.submitted'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
  rating: RatingSchema,
  comment: z.string().trim().max(500).optional(),
});
/**
 * A comment added to a rating already submitted (the rating pad records the
 * rating at the tap; the citizen may then write why). At most one per ticket
 * is kept; it never changes the rating.
 */
export const RatingCommentedSchema = z.object({
  ...Base,
  type: z.literal('rating.commented'),
  ticketId: TicketIdSchema,
  counterId: CounterIdSchema,
  comment: z.string().trim().min(1).max(500),
});
export const CounterOpenedSchema = z.object({
  ...Base,
  type: z.literal('counter.opened'),
  counterId: CounterIdSchema,
});
export const CounterPausedSchema = z.object({
  ...Base,
  type: z.literal('counter.paused'),
  counterId: CounterIdSchema,
  reason: PauseReasonSchema,
});
export const CounterClosedSchema = z.object({
  ...Base,
  type: z.literal('counter.closed'),
  counterId: CounterIdSchema,
});

export const QueueEventSchema = z.discriminatedUnion('type', [
  TicketIssuedSchema,
  TicketCalledSchema,
  TicketRecalledSchema,
  ServiceStartedSchema,
  ServiceFinishedSchema,
  TicketNoShowSchema,
  TicketCancelledSchema,
  RatingSubmittedSchema,
  RatingCommentedSchema,
  CounterOpenedSchema,
  CounterPausedSchema,
  CounterClosedSchema,
]);
export type QueueEvent = z.infer<typeof QueueEventSchema>;
export type QueueEventType = QueueEvent['type'];
export const QUEUE_EVENT_TYPES = QueueEventSchema.options.map((o) => o.shape.type.value);

/** Largest batch one request may carry (REST ingest and agent relay). */
export const MAX_EVENT_BATCH = 500;

export const EventResultSchema = z.object({
  /** The event id, or the batch index when the event had no readable id. */
  id: z.string(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  reason: z.string().optional(),
});
export type EventResult = z.infer<typeof EventResultSchema>;

export const EventBatchResultSchema = z.object({
  accepted: z.number().int().nonnegative(),
  duplicate: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  results: z.array(EventResultSchema),
});
export type EventBatchResult = z.infer<typeof EventBatchResultSchema>;

/** A batch: events are validated one by one, so the envelope only checks it is a bounded list. */
export const EventBatchSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_EVENT_BATCH),
  /** The sender's clock when it sent the batch: lets the server correct every event's time for its clock. */
  sentAt: EpochMsSchema.optional(),
});
