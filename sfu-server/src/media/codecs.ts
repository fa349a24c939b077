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

/** The RTP parameters of a plain (ffmpeg) ingest stream. */
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
        },
      ],
      encodings: [{ ssrc }],
    };
  }
  return {
    codecs: [{ mimeType: 'video/VP8', payloadType: INGEST_PAYLOAD_TYPES.vp8, clockRate: 90000 }],
    encodings: [{ ssrc }],
  };
}
