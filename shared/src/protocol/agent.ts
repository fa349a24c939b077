import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema } from '../domain/ids.js';
import {
  AgentHealthSchema,
  MediaTrackSchema,
  PublisherKindSchema,
  RenditionSpecSchema,
  SRTP_CRYPTO_SUITE,
  SrtpKeySchema,
  VideoCodecSchema,
} from '../domain/media.js';
import { EventBatchResultSchema, EventBatchSchema } from '../domain/queueEvents.js';
import { notification, request, type Direction } from './define.js';
import {
  DtlsParametersSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
  WebRtcTransportInfoSchema,
} from './mediasoupShapes.js';

/** Counter agent ⇄ server, on `/ws/agent`. Bumped on any incompatible change. */
export const AGENT_PROTOCOL_VERSION = 1;

export const AgentHelloSchema = z.object({
  protocolVersion: z.number().int().positive(),
  counterId: CounterIdSchema,
  token: z.string().min(16).max(512),
  publisher: PublisherKindSchema,
  agentVersion: z.string().max(40),
  /**
   * Media nodes this agent could not reach or just lost (by name): placement looks elsewhere for
   * it, so an agent whose node died is placed again at once instead of after the node's heartbeat ages.
   */
  avoid: z.array(z.string().min(1).max(64)).max(8).optional(),
});

export const AgentWelcomeSchema = z.object({
  sessionId: z.string(),
  counter: z.object({ id: CounterIdSchema, departmentId: DepartmentIdSchema, name: z.string() }),
  /** The renditions the province wants; an agent may not exceed them. */
  renditions: z.array(RenditionSpecSchema).length(2),
  audioBitrateKbps: z.number().int().positive(),
  keyframeIntervalSeconds: z.number().positive(),
  heartbeatIntervalMs: z.number().int().positive(),
  serverTime: EpochMsSchema,
  /**
   * The counter is placed on another media node: the agent says hello there instead (and does
   * nothing else on this socket). Absent when this server takes the counter's media itself.
   */
  redirect: z.object({ node: z.string().min(1).max(64), url: z.url({ protocol: /^https?$/ }) }).optional(),
});
export type AgentWelcome = z.infer<typeof AgentWelcomeSchema>;

/** Where ffmpeg sends one RTP stream; `host: null` means the host the agent connected to. */
export const IngestTargetSchema = z.object({
  host: z.string().nullable(),
  port: z.number().int().min(1).max(65535),
  /** RTCP goes to its own port: ffmpeg sends RTCP from a second socket, which rtcp-mux comedia would lock onto. */
  rtcpPort: z.number().int().min(1).max(65535),
  ssrc: z.number().int().min(1).max(0x7fffffff),
  payloadType: z.number().int().min(96).max(127),
  cryptoSuite: z.literal(SRTP_CRYPTO_SUITE),
  /**
   * The SFU's own SRTP key on this transport: its RTCP to the agent (keyframe
   * requests, receiver reports) is encrypted with it. Secret, like the agent's
   * keys; optional, as servers before it sent none (an agent then keeps periodic keyframes).
   */
  sfuKey: SrtpKeySchema.optional(),
});
export type IngestTarget = z.infer<typeof IngestTargetSchema>;

export const PublishPlainSchema = z.object({
  videoCodec: VideoCodecSchema,
  /** One fresh key per transport, chosen by the agent; never logged. */
  keys: z.object({ grid: SrtpKeySchema, focus: SrtpKeySchema, audio: SrtpKeySchema.nullable() }),
});
export const PublishPlainResultSchema = z.object({
  epoch: z.number().int().nonnegative(),
  targets: z.object({
    grid: IngestTargetSchema,
    focus: IngestTargetSchema,
    audio: IngestTargetSchema.nullable(),
  }),
});
export type PublishPlainResult = z.infer<typeof PublishPlainResultSchema>;

const Empty = z.object({}).strict();

export const agentToServer = {
  requests: {
    hello: request(AgentHelloSchema, AgentWelcomeSchema),
    /** ffmpeg agent: SRTP PlainTransports for audio and both renditions. */
    publishPlain: request(PublishPlainSchema, PublishPlainResultSchema),
    /** Browser agent: mediasoup-client send transport. */
    routerCapabilities: request(Empty, z.object({ rtpCapabilities: RtpCapabilitiesSchema })),
    createSendTransport: request(Empty, WebRtcTransportInfoSchema),
    connectSendTransport: request(z.object({ dtlsParameters: DtlsParametersSchema }), Empty),
    produce: request(
      z.object({
        track: MediaTrackSchema,
        kind: z.enum(['audio', 'video']),
        rtpParameters: RtpParametersSchema,
      }),
      z.object({ producerId: z.string(), epoch: z.number().int().nonnegative() }),
    ),
    unpublish: request(Empty, Empty),
    /** Queue events relayed from the counter, at least once, from the agent's outbox. */
    pushEvents: request(EventBatchSchema, EventBatchResultSchema),
  },
  notifications: {
    heartbeat: notification(AgentHealthSchema),
  },
} as const satisfies Direction;

export const serverToAgent = {
  requests: {},
  notifications: {
    /** The server lost this counter's media (worker restart): publish again from scratch. */
    republish: notification(z.object({ reason: z.enum(['worker_died', 'server_request']) })),
  },
} as const satisfies Direction;

export type AgentToServer = typeof agentToServer;
export type ServerToAgent = typeof serverToAgent;

/** Close codes the server uses on `/ws/agent`; agents treat 44xx as "do not retry blindly". */
export const AGENT_CLOSE = {
  authFailed: 4401,
  unsupportedVersion: 4426,
  superseded: 4409,
  /** Its media node is draining: say hello to the control side again (at once) to be placed elsewhere. */
  moved: 4307,
  revoked: 4403,
  serverShutdown: 4503,
} as const;
