import { z } from 'zod';
import {
  CounterIdSchema,
  DepartmentIdSchema,
  DisplayNameSchema,
  EpochMsSchema,
  OpaqueIdSchema,
} from '../domain/ids.js';
import { CounterQueueStateSchema, ExpectedWaitSchema, ServingTicketSchema } from '../domain/metrics.js';
import { PauseReasonSchema, RatingSchema, ServiceOutcomeSchema } from '../domain/queueEvents.js';
import { ServiceCodeSchema, ServiceSchema } from '../domain/services.js';

/**
 * The department's own devices — kiosk, counter panel, rating pad, hall
 * board. Each is enrolled on its own from the console and holds its own
 * token with the narrowest rights for its kind (REST `/api/v1/device/*`,
 * `Authorization: Bearer <device token>`). Every action becomes an ordinary
 * queue event whose source is the device (`device:<id>`).
 */
export const DeviceKindSchema = z.enum(['kiosk', 'panel', 'rating', 'board']);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;
/** Kinds that belong to one counter (the others serve the whole department). */
export const COUNTER_DEVICE_KINDS: readonly DeviceKind[] = ['panel', 'rating'];

export const DeviceIdSchema = z.string().regex(/^dv-[a-z0-9]{8,32}$/, 'must be a device id (dv-…)');

/** The source id of a device's queue events. */
export function deviceSourceId(deviceId: string): string {
  return `device:${deviceId}`;
}

/** What a device knows about itself. */
export const DeviceSelfSchema = z.object({
  id: DeviceIdSchema,
  kind: DeviceKindSchema,
  name: z.string(),
  departmentId: DepartmentIdSchema,
  counterId: CounterIdSchema.nullable(),
});
export type DeviceSelf = z.infer<typeof DeviceSelfSchema>;

/** Unambiguous letters and digits (no I, O, 0, 1): 12 of them are 60 bits. */
export const ENROLMENT_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const ENROLMENT_CODE_LENGTH = 12;

/** A one-time enrolment code as a person types it: case, spaces and dashes do not matter. */
export const EnrolmentCodeSchema = z
  .string()
  .max(40)
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(
    z
      .string()
      .regex(
        new RegExp(`^[${ENROLMENT_ALPHABET}]{${ENROLMENT_CODE_LENGTH}}$`),
        'must be the 12-character enrolment code from the console',
      ),
  );

/** `ABCDEFGHJKLM` → `ABCD-EFGH-JKLM`, for reading aloud and typing. */
export function formatEnrolmentCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** POST /api/v1/device/enroll — the code from the console for the device's own token. */
export const EnrollRequestSchema = z.object({
  code: EnrolmentCodeSchema,
  /** The page asking: a code for another kind of device is refused (and stays usable). */
  kind: DeviceKindSchema.optional(),
});
export const EnrollResponseSchema = z.object({ token: z.string().min(32), device: DeviceSelfSchema });
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/** GET /api/v1/device/info — the device, its department, and the counters and services it deals with. */
export const DeviceInfoSchema = z.object({
  device: DeviceSelfSchema,
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
  /** The last citizen served here, and whether they rated. */
  lastFinished: z
    .object({ ticketId: OpaqueIdSchema, number: z.string(), finishedAt: EpochMsSchema, rated: z.boolean() })
    .nullable(),
  /** The server's clock: the pad measures "just finished" by it, not by its own. */
  serverTime: EpochMsSchema,
});
export type CounterPanelState = z.infer<typeof CounterPanelStateSchema>;

/** GET /api/v1/device/counters/:id/rating — all a rating pad sees: who may rate now. */
export const RatingPadStateSchema = z.object({
  counter: z.object({ id: CounterIdSchema, name: z.string() }),
  /** The citizen who just left this counter, not rated yet (within the rating window). */
  pending: z.object({ ticketId: OpaqueIdSchema, number: z.string(), finishedAt: EpochMsSchema }).nullable(),
  serverTime: EpochMsSchema,
});
export type RatingPadState = z.infer<typeof RatingPadStateSchema>;

/** The rating is recorded at the tap; the comment, if any, follows on its own. */
export const SubmitRatingSchema = z.object({ ticketId: OpaqueIdSchema, rating: RatingSchema });
export const RatingReceiptSchema = z.object({
  ticketId: OpaqueIdSchema,
  ticketNumber: z.string(),
  rating: RatingSchema,
});
export const RatingCommentSchema = z.object({
  ticketId: OpaqueIdSchema,
  comment: z.string().trim().min(1).max(500),
});
export const RatingCommentReceiptSchema = z.object({ ticketId: OpaqueIdSchema, ticketNumber: z.string() });

/** "Quầy 1 — Căn cước" → "Quầy 1": what the hall board shows and says to find the desk. */
export function counterShortName(name: string): string {
  return name.split(/\s+[—–-]\s+/)[0]?.trim() || name;
}

export const BoardCallSchema = z.object({
  ticketId: OpaqueIdSchema,
  ticketNumber: z.string(),
  counterId: CounterIdSchema,
  counterName: z.string(),
  /** The latest call or recall: a recall is a new announcement. */
  at: EpochMsSchema,
});
export type BoardCall = z.infer<typeof BoardCallSchema>;

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
  recentCalls: z.array(BoardCallSchema),
  waiting: z.number().int().nonnegative(),
  serverTime: EpochMsSchema,
});
export type BoardState = z.infer<typeof BoardStateSchema>;

// ---- Administration (console, admins): enrol and revoke devices one by one ----

export const DeviceAdminSchema = z.object({
  id: DeviceIdSchema,
  departmentId: DepartmentIdSchema,
  kind: DeviceKindSchema,
  counterId: CounterIdSchema.nullable(),
  name: z.string(),
  createdAt: EpochMsSchema,
  createdBy: z.string(),
  enrolledAt: EpochMsSchema.nullable(),
  lastUsedAt: EpochMsSchema.nullable(),
  revokedAt: EpochMsSchema.nullable(),
  revokedBy: z.string().nullable(),
  /** An unused enrolment code is waiting until then. */
  codeExpiresAt: EpochMsSchema.nullable(),
});
export type DeviceAdmin = z.infer<typeof DeviceAdminSchema>;
export const DeviceListSchema = z.object({ devices: z.array(DeviceAdminSchema) });
export const DeviceResponseSchema = z.object({ device: DeviceAdminSchema });

export const CreateDeviceSchema = z
  .object({
    departmentId: DepartmentIdSchema,
    kind: DeviceKindSchema,
    counterId: CounterIdSchema.nullable().default(null),
    name: DisplayNameSchema.pipe(z.string().max(80)),
  })
  .refine((d) => COUNTER_DEVICE_KINDS.includes(d.kind) === (d.counterId !== null), {
    message: 'a counter panel or rating pad needs its counter; a kiosk or board has none',
    path: ['counterId'],
  });
export type CreateDevice = z.infer<typeof CreateDeviceSchema>;

/** A fresh one-time enrolment code, shown once. */
export const IssuedEnrolmentSchema = z.object({
  device: DeviceAdminSchema,
  code: z.string(),
  expiresAt: EpochMsSchema,
});
export type IssuedEnrolment = z.infer<typeof IssuedEnrolmentSchema>;
