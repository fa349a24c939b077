import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema } from '../domain/ids.js';
import {
  AgentHealthSchema,
  MediaStatsSchema,
  MediaTrackSchema,
  PublisherKindSchema,
  RecordingHealthSchema,
} from '../domain/media.js';
import { notification, request, type Direction } from './define.js';
import { RtpParametersSchema } from './mediasoupShapes.js';

/**
 * A control process ⇄ a media node, on the node's `/ws/node`. The control process connects; it
 * learns which counters publish on the node and pipes the tracks its consoles watch into its own
 * routers (a PipeTransport pair per department, SRTP between hosts). Bumped on any incompatible change.
 */
export const NODE_PROTOCOL_VERSION = 1;

/** A counter's media on the node: its tracks (none = not publishing there any more). */
export const NodeCounterMediaSchema = z.object({
  counterId: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  publisher: PublisherKindSchema.nullable(),
  /** The node's own epoch: the control process maps it to one of its own. */
  epoch: z.number().int().nonnegative(),
  tracks: z.array(MediaTrackSchema),
});
export type NodeCounterMedia = z.infer<typeof NodeCounterMediaSchema>;

/** What the node knows of the counter's agent and ingest, beyond its tracks. */
export const NodeCounterStatusSchema = z.object({
  counterId: CounterIdSchema,
  agent: AgentHealthSchema.nullable(),
  stats: MediaStatsSchema.omit({ fps: true }).nullable(),
  /** Its recording on the node (segments stay there): the wall and the alert rules read it. */
  recording: RecordingHealthSchema,
});
export type NodeCounterStatus = z.infer<typeof NodeCounterStatusSchema>;

/** SRTP between the two ends of a pipe (mediasoup's SrtpParameters). */
export const PipeSrtpSchema = z.object({
  cryptoSuite: z.enum([
    'AEAD_AES_256_GCM',
    'AEAD_AES_128_GCM',
    'AES_CM_128_HMAC_SHA1_80',
    'AES_CM_128_HMAC_SHA1_32',
  ]),
  keyBase64: z.string().min(16).max(128),
});
const PipeEndSchema = z.object({
  ip: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  srtp: PipeSrtpSchema,
});

const Empty = z.object({}).strict();

export const controlToNode = {
  requests: {
    hello: request(
      z.object({
        protocolVersion: z.number().int().positive(),
        /** The cluster's shared secret (in the database both read). */
        secret: z.string().min(32).max(128),
        process: z.string().min(1).max(64),
      }),
      z.object({
        node: z.string(),
        counters: z.array(NodeCounterMediaSchema),
        statuses: z.array(NodeCounterStatusSchema),
      }),
    ),
    /** A pipe for one department: the control side's end in, the node's end back. */
    openPipe: request(
      PipeEndSchema.extend({ departmentId: DepartmentIdSchema }),
      PipeEndSchema.extend({ pipeId: z.string().min(1).max(64) }),
    ),
    /** Sends one of a counter's tracks down a pipe; the control side produces it with the same id. */
    pipeTrack: request(
      z.object({ pipeId: z.string().min(1).max(64), counterId: CounterIdSchema, track: MediaTrackSchema }),
      z.object({
        producerId: z.string(),
        kind: z.enum(['audio', 'video']),
        rtpParameters: RtpParametersSchema,
        epoch: z.number().int().nonnegative(),
      }),
    ),
    closePipe: request(z.object({ pipeId: z.string().min(1).max(64) }), Empty),
  },
  notifications: {},
} as const satisfies Direction;

export const nodeToControl = {
  requests: {},
  notifications: {
    counterMedia: notification(NodeCounterMediaSchema),
    counterStatus: notification(NodeCounterStatusSchema),
    /** A piped producer ended on the node (republish, agent gone): the control side closes its copy. */
    pipedClosed: notification(z.object({ pipeId: z.string(), producerId: z.string() })),
  },
} as const satisfies Direction;

export type ControlToNode = typeof controlToNode;
export type NodeToControl = typeof nodeToControl;

export const NODE_CLOSE = { authFailed: 4401, unsupportedVersion: 4426, serverShutdown: 4503 } as const;

/**
 * A recording segment a media node holds, fetched by a control process to cut a clip (segments stay
 * on the node that wrote them). The control process presents the cluster secret as a bearer token.
 */
export const NODE_SEGMENT_ROUTE = '/api/v1/node/segments/:segmentId';

export const NodeSegmentParamsSchema = z.object({
  segmentId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** The URL path of segment `id` on a node (relative to the node's base URL). */
export const nodeSegmentPath = (id: number): string => NODE_SEGMENT_ROUTE.replace(':segmentId', String(id));
