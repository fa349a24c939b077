import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema, OpaqueIdSchema } from '../domain/ids.js';
import { CounterQueueStateSchema, ExpectedWaitSchema, ServingTicketSchema } from '../domain/metrics.js';
import { PauseReasonSchema, RatingSchema, ServiceOutcomeSchema } from '../domain/queueEvents.js';
import { ServiceCodeSchema, ServiceSchema } from '../domain/services.js';

/**
 * REST shapes for the department's own devices — kiosk, counter panel,
 * rating pad, hall board — authenticated with the department's API key.
 * Every action they take becomes an ordinary queue event.
 */
export const DeviceInfoSchema = z.object({
  department: z.object({ id: DepartmentIdSchema, name: z.string() }),
  counters: z.array(
    z.object({ id: CounterIdSchema, name: z.string(), services: z.array(ServiceCodeSchema) }),
  ),
  services: z.array(ServiceSchema),
});
export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;

export const TakeTicketSchema = z.object({ serviceCode: ServiceCodeSchema });
export const TicketReceiptSchema = z.object({
  ticketId: OpaqueIdSchema,
  ticketNumber: z.string(),
  serviceCode: ServiceCodeSchema,
  issuedAt: EpochMsSchema,
  waitingAhead: z.number().int().nonnegative(),
  expectedWait: ExpectedWaitSchema,
});
export type TicketReceipt = z.infer<typeof TicketReceiptSchema>;

export const CounterActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('open') }),
  z.object({ action: z.literal('call-next') }),
  z.object({ action: z.literal('recall') }),
  z.object({ action: z.literal('start') }),
  z.object({ action: z.literal('finish'), outcome: ServiceOutcomeSchema }),
  z.object({ action: z.literal('no-show') }),
  z.object({ action: z.literal('pause'), reason: PauseReasonSchema }),
  z.object({ action: z.literal('close') }),
]);
export type CounterAction = z.infer<typeof CounterActionSchema>;

export const CounterPanelStateSchema = z.object({
  counter: z.object({ id: CounterIdSchema, name: z.string(), services: z.array(ServiceCodeSchema) }),
  state: CounterQueueStateSchema,
  servingTicket: ServingTicketSchema.nullable(),
  queueLength: z.number().int().nonnegative(),
  waitingByService: z.record(ServiceCodeSchema, z.number().int().nonnegative()),
  /** The last citizen served here, for the rating pad. */
  lastFinished: z
    .object({ ticketId: OpaqueIdSchema, number: z.string(), finishedAt: EpochMsSchema, rated: z.boolean() })
    .nullable(),
  /** The server's clock: the pad measures "just finished" by it, not by its own. */
  serverTime: EpochMsSchema,
});
export type CounterPanelState = z.infer<typeof CounterPanelStateSchema>;

export const SubmitRatingSchema = z.object({
  rating: RatingSchema,
  comment: z.string().trim().max(500).optional(),
});
export const RatingReceiptSchema = z.object({ ticketNumber: z.string(), rating: RatingSchema });

export const BoardStateSchema = z.object({
  department: z.object({ id: DepartmentIdSchema, name: z.string() }),
  counters: z.array(
    z.object({
      id: CounterIdSchema,
      name: z.string(),
      state: CounterQueueStateSchema,
      ticketNumber: z.string().nullable(),
    }),
  ),
  recentCalls: z.array(
    z.object({
      ticketNumber: z.string(),
      counterId: CounterIdSchema,
      counterName: z.string(),
      at: EpochMsSchema,
    }),
  ),
  waiting: z.number().int().nonnegative(),
  serverTime: EpochMsSchema,
});
export type BoardState = z.infer<typeof BoardStateSchema>;
