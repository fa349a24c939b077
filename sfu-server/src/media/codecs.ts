import type { types } from 'mediasoup';
import type { VideoCodec } from '@counterwatch/shared';

/** What every department router speaks. Same list everywhere, so one Device fits all routers. */
export const ROUTER_MEDIA_CODECS: types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 300 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];

/** Payload types the ffmpeg agent is told to use on its plain RTP ingest. */
export const INGEST_PAYLOAD_TYPES = { audio: 100, vp8: 101, h264: 102 } as const;

/**
 * Keyframe requests the SFU may send a plain ingest's video: without them in the
 * producer's parameters mediasoup sends none, and a new viewer waits for the
 * next periodic keyframe. The GStreamer publisher honours both; ffmpeg ignores them.
 */
const KEYFRAME_FEEDBACK: types.RtcpFeedback[] = [
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
];

/**
 * How long (ms) mediasoup holds further keyframe requests to a publisher after
 * forwarding one: a wall of new viewers opening the same counter costs its
 * encoder one keyframe, not one each. The first request goes out at once.
 */
export const KEYFRAME_REQUEST_DELAY_MS = 500;

/** The RTP parameters of a plain (agent) ingest stream. */
export function plainIngestRtpParameters(
  kind: 'audio' | 'video',
  videoCodec: VideoCodec,
  ssrc: number,
): types.RtpParameters {
  if (kind === 'audio') {
    return {
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType: INGEST_PAYLOAD_TYPES.audio,
          clockRate: 48000,
          channels: 2,
          parameters: { 'sprop-stereo': 0 },
        },
      ],
      encodings: [{ ssrc }],
    };
  }
  if (videoCodec === 'h264') {
    return {
      codecs: [
        {
          mimeType: 'video/H264',
          payloadType: INGEST_PAYLOAD_TYPES.h264,
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' },
          rtcpFeedback: KEYFRAME_FEEDBACK,
        },
      ],
      encodings: [{ ssrc }],
    };
  }
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: INGEST_PAYLOAD_TYPES.vp8,
        clockRate: 90000,
        rtcpFeedback: KEYFRAME_FEEDBACK,
      },
    ],
    encodings: [{ ssrc }],
  };
}
