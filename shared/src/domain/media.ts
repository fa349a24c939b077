import { z } from 'zod';
import { EpochMsSchema } from './ids.js';

/**
 * Every counter publishes the same picture twice: a small `grid` rendition
 * for the wall (a province of ~150 counters fits one screen at 320×180/15)
 * and a larger `focus` rendition for the single-counter view.
 */
export const RenditionNameSchema = z.enum(['grid', 'focus']);
export type RenditionName = z.infer<typeof RenditionNameSchema>;

/** What a viewer can consume from a counter. */
export const MediaTrackSchema = z.enum(['audio', 'grid', 'focus']);
export type MediaTrack = z.infer<typeof MediaTrackSchema>;

export const VideoCodecSchema = z.enum(['vp8', 'h264']);
export type VideoCodec = z.infer<typeof VideoCodecSchema>;

export const RenditionSpecSchema = z.object({
  name: RenditionNameSchema,
  width: z.number().int().min(64).max(3840),
  height: z.number().int().min(64).max(2160),
  fps: z.number().int().min(1).max(60),
  bitrateKbps: z.number().int().min(32).max(20_000),
});
export type RenditionSpec = z.infer<typeof RenditionSpecSchema>;

export const MediaStatusSchema = z.enum(['online', 'reconnecting', 'offline']);
export type MediaStatus = z.infer<typeof MediaStatusSchema>;

export const PublisherKindSchema = z.enum(['ffmpeg', 'browser']);
export type PublisherKind = z.infer<typeof PublisherKindSchema>;

export const MediaStatsSchema = z.object({
  /** Received bitrate of the focus + grid video and audio together, from mediasoup. */
  bitrateKbps: z.number().nonnegative(),
  /** Frames per second the publisher reports for its focus rendition. */
  fps: z.number().nonnegative().nullable(),
  /** Packet loss on the ingest, percent over the last stats interval. */
  packetLossPct: z.number().min(0).max(100),
  /** mediasoup's 0–10 stream score of the focus video. */
  score: z.number().min(0).max(10).nullable(),
});
export type MediaStats = z.infer<typeof MediaStatsSchema>;

/** Server-side recording of the counter: writing segments, a gap in them, failing, or not recording (offline). */
export const RecordingHealthSchema = z.enum(['recording', 'gap', 'error', 'off']);
export type RecordingHealth = z.infer<typeof RecordingHealthSchema>;

export const EncoderStateSchema = z.enum(['starting', 'running', 'backoff', 'stopped']);
/** The agent's publisher program: GStreamer answers keyframe requests, ffmpeg does not. */
export const EncoderEngineSchema = z.enum(['gstreamer', 'ffmpeg']);

/** Where an agent's picture comes from (the browser publisher reports none). */
export const AgentSourceKindSchema = z.enum(['test', 'clock', 'v4l2', 'rtsp', 'file']);

/**
 * What is wrong with the agent's source, for the console to say in words.
 * The first two are warnings (the counter is published as video only); the
 * others keep the counter off the wall until the agent's retry succeeds.
 */
export const SourceProblemSchema = z.enum([
  /** The camera sends no sound (`--audio rtsp` on a camera without a microphone). */
  'no_microphone',
  /** The camera's sound is in a codec ffmpeg cannot decode. */
  'audio_unsupported',
  /** The camera answered 401/403: wrong user or password. Retried slowly. */
  'credentials_refused',
  /** No answer, connection refused or timed out. */
  'unreachable',
  /** The camera answered 404: no stream at that path. */
  'not_found',
  /** The camera answered but sends no video stream ffmpeg can decode. */
  'no_video',
  /** Anything else the probe could not make sense of. */
  'probe_failed',
]);
export type SourceProblem = z.infer<typeof SourceProblemSchema>;

/** ffprobe's codec names (h264, hevc, mjpeg, aac, pcm_mulaw, opus…). */
const CodecNameSchema = z.string().regex(/^[a-z0-9_]{1,32}$/);

/** The agent's source as it found it on its last (re)start. */
export const AgentSourceSchema = z.object({
  kind: AgentSourceKindSchema,
  /** The codec the camera sends, when probed (IP cameras); null for local devices and the test picture. */
  videoCodec: CodecNameSchema.nullable(),
  audioCodec: CodecNameSchema.nullable(),
  /** Whether sound is being published. */
  audio: z.boolean(),
  problem: SourceProblemSchema.nullable(),
});
export type AgentSource = z.infer<typeof AgentSourceSchema>;

export const AgentHealthSchema = z.object({
  encoder: z.object({
    state: EncoderStateSchema,
    /** Optional: agents before it report none (they all ran ffmpeg). */
    engine: EncoderEngineSchema.optional(),
    restarts: z.number().int().nonnegative(),
    fps: z.number().nonnegative().nullable(),
    bitrateKbps: z.number().nonnegative().nullable(),
    lastExit: z.string().max(200).nullable(),
  }),
  outbox: z.object({
    pending: z.number().int().nonnegative(),
    capacity: z.number().int().nonnegative(),
    full: z.boolean(),
  }),
  uptimeSeconds: z.number().nonnegative(),
  /** Optional: the browser publisher and agents before this field report none. */
  source: AgentSourceSchema.optional(),
});
export type AgentHealth = z.infer<typeof AgentHealthSchema>;

/** Live media state of one counter as consoles see it. */
export const CounterMediaSchema = z.object({
  status: MediaStatusSchema,
  since: EpochMsSchema,
  publisher: PublisherKindSchema.nullable(),
  /** Tracks that can be consumed now. */
  tracks: z.array(MediaTrackSchema),
  /** Increments on every (re)publish, so viewers know their consumers are stale. */
  epoch: z.number().int().nonnegative(),
  stats: MediaStatsSchema.nullable(),
  agent: AgentHealthSchema.nullable(),
  recording: RecordingHealthSchema,
  /**
   * When the server last refused this counter's agent or publisher its token
   * (a rotated or revoked one), while none has been accepted since; absent or
   * null otherwise. Offline for that reason is "token refused", not "no signal".
   */
  credentialRefusedAt: EpochMsSchema.nullable().optional(),
});
export type CounterMedia = z.infer<typeof CounterMediaSchema>;

/** SRTP master key + salt for AES_CM_128_HMAC_SHA1_80: 30 bytes, base64. */
export const SrtpKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9+/]{40}$/, 'must be 30 bytes in base64 (40 characters, no padding)');
export const SRTP_CRYPTO_SUITE = 'AES_CM_128_HMAC_SHA1_80';
