import { z } from 'zod';
import { CounterSchema, DepartmentSchema } from '../domain/directory.js';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema } from '../domain/ids.js';
import { AlertSchema } from '../domain/alerts.js';
import { CounterMediaSchema, MediaTrackSchema } from '../domain/media.js';
import { CounterQueueSchema, DepartmentMetricsSchema } from '../domain/metrics.js';
import { UserSchema } from '../domain/users.js';
import { notification, request, type Direction } from './define.js';
import {
  DtlsParametersSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  WebRtcTransportInfoSchema,
} from './mediasoupShapes.js';

/** Console ⇄ server, on `/ws/console`. Bumped on any incompatible change. */
export const CONSOLE_PROTOCOL_VERSION = 1;

export const CounterViewSchema = CounterSchema.extend({
  media: CounterMediaSchema,
  queue: CounterQueueSchema,
});
export type CounterView = z.infer<typeof CounterViewSchema>;

/** Everything a console needs to draw, sent on every (re)connect. */
export const SnapshotSchema = z.object({
  serverTime: EpochMsSchema,
  user: UserSchema,
  departments: z.array(DepartmentSchema),
  counters: z.array(CounterViewSchema),
  departmentMetrics: z.array(DepartmentMetricsSchema),
  /** Open and acknowledged alerts in the user's scope. */
  alerts: z.array(AlertSchema),
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** A small change to one counter; absent fields are unchanged. */
export const CounterPatchSchema = z.object({
  id: CounterIdSchema,
  media: CounterMediaSchema.optional(),
  queue: CounterQueueSchema.optional(),
});
export type CounterPatch = z.infer<typeof CounterPatchSchema>;

const Empty = z.object({}).strict();
const ConsumerRef = z.object({ consumerId: z.string().max(64) });

export const ConsumeResultSchema = z.object({
  consumerId: z.string(),
  producerId: z.string(),
  kind: z.enum(['audio', 'video']),
  rtpParameters: RtpParametersSchema,
  track: MediaTrackSchema,
  epoch: z.number().int().nonnegative(),
});
export type ConsumeResult = z.infer<typeof ConsumeResultSchema>;

export const consoleToServer = {
  requests: {
    hello: request(z.object({ protocolVersion: z.number().int().positive() }), SnapshotSchema),
    routerCapabilities: request(Empty, z.object({ rtpCapabilities: RtpCapabilitiesSchema })),
    /** One receive transport per department router the console views. */
    createTransport: request(z.object({ departmentId: DepartmentIdSchema }), WebRtcTransportInfoSchema),
    connectTransport: request(
      z.object({ transportId: z.string().max(64), dtlsParameters: DtlsParametersSchema }),
      Empty,
    ),
    closeTransport: request(z.object({ transportId: z.string().max(64) }), Empty),
    /** Consumers start paused; resume once the client has wired the track. */
    consume: request(
      z.object({
        transportId: z.string().max(64),
        counterId: CounterIdSchema,
        track: MediaTrackSchema,
        rtpCapabilities: RtpCapabilitiesSchema,
      }),
      ConsumeResultSchema,
    ),
    resumeConsumer: request(ConsumerRef, Empty),
    pauseConsumer: request(ConsumerRef, Empty),
    closeConsumer: request(ConsumerRef, Empty),
  },
  notifications: {},
} as const satisfies Direction;

export const ConsumerClosedReasonSchema = z.enum([
  'producer_closed',
  'transport_closed',
  'session_ended',
  'worker_died',
]);

export const serverToConsole = {
  requests: {},
  notifications: {
    /** The directory changed (counter added, renamed…): replace everything. */
    snapshot: notification(SnapshotSchema),
    /** Live changes, batched at most once a second. */
    countersPatch: notification(z.object({ at: EpochMsSchema, counters: z.array(CounterPatchSchema) })),
    /** Department metrics that changed, at most once a second. */
    departmentsPatch: notification(
      z.object({ at: EpochMsSchema, departments: z.array(DepartmentMetricsSchema) }),
    ),
    /** Alerts opened, acknowledged or resolved (resolved ones leave the active list). */
    alertsChanged: notification(z.object({ alerts: z.array(AlertSchema) })),
    consumerClosed: notification(z.object({ consumerId: z.string(), reason: ConsumerClosedReasonSchema })),
    /** The transport is gone (its worker died): make a new one and consume again. */
    transportClosed: notification(z.object({ transportId: z.string(), reason: ConsumerClosedReasonSchema })),
  },
} as const satisfies Direction;

export type ConsoleToServer = typeof consoleToServer;
export type ServerToConsole = typeof serverToConsole;

export const CONSOLE_CLOSE = {
  unauthenticated: 4401,
  sessionEnded: 4403,
  unsupportedVersion: 4426,
  /** This session (or user) already has as many console sockets open as allowed. */
  tooManyConnections: 4429,
  serverShutdown: 4503,
} as const;
