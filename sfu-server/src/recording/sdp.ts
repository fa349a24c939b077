import type { types } from 'mediasoup';
import type { Container } from './paths.js';

/** One stream ffmpeg receives: where it listens and what the consumer sends there. */
export interface SdpStream {
  kind: 'audio' | 'video';
  /** RTP port ffmpeg binds; it takes port + 1 for RTCP (the transports are not rtcp-muxed). */
  port: number;
  rtpParameters: types.RtpParameters;
  /** mediasoup's SRTP sending key: ffmpeg authenticates every packet, so nothing else can inject media. */
  srtp: { cryptoSuite: types.SrtpCryptoSuite; keyBase64: string };
}

const TOKEN = /^[A-Za-z0-9_-]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PROFILE_LEVEL_ID = /^[0-9A-Fa-f]{6}$/;

/** Matroska flavour that holds the video codec as sent, without re-encoding. */
export function containerFor(videoMimeType: string): Container {
  switch (videoMimeType.toLowerCase()) {
    case 'video/vp8':
      return 'webm';
    case 'video/h264':
      return 'mkv';
    default:
      throw new Error(`no recording container for ${videoMimeType}`);
  }
}

/** ffmpeg's `-segment_format` for a container. */
export function segmentFormat(container: Container): 'webm' | 'matroska' {
  return container === 'webm' ? 'webm' : 'matroska';
}

/**
 * The SDP file ffmpeg reads to receive the consumers' RTP on loopback.
 * Everything in it comes from mediasoup, and is checked anyway: a line break
 * smuggled into a value would add SDP lines.
 */
export function buildSdp(sessionName: string, streams: readonly SdpStream[]): string {
  if (!TOKEN.test(sessionName)) throw new Error('SDP session name must be a token');
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', `s=${sessionName}`, 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const stream of streams) {
    const codec = stream.rtpParameters.codecs[0];
    if (!codec) throw new Error(`${stream.kind} consumer has no codec`);
    const [type, name] = codec.mimeType.split('/');
    if (type !== stream.kind || name === undefined || !TOKEN.test(name))
      throw new Error(`unexpected ${stream.kind} codec ${codec.mimeType}`);
    const pt = codec.payloadType;
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new Error(`bad payload type ${pt}`);
    if (!Number.isInteger(stream.port) || stream.port < 1 || stream.port > 65534)
      throw new Error(`bad port ${stream.port}`);
    if (!TOKEN.test(stream.srtp.cryptoSuite) || !BASE64.test(stream.srtp.keyBase64))
      throw new Error('bad SRTP parameters');

    lines.push(`m=${stream.kind} ${stream.port} RTP/SAVP ${pt}`);
    const channels = stream.kind === 'audio' && codec.channels !== undefined ? `/${codec.channels}` : '';
    lines.push(`a=rtpmap:${pt} ${name}/${codec.clockRate}${channels}`);
    const fmtp = name.toLowerCase() === 'h264' ? h264Fmtp(codec) : null;
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
    lines.push(`a=crypto:1 ${stream.srtp.cryptoSuite} inline:${stream.srtp.keyBase64}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\n')}\n`;
}

function h264Fmtp(codec: types.RtpCodecParameters): string {
  const mode = codecParameter(codec, 'packetization-mode') ?? 0;
  const profile = codecParameter(codec, 'profile-level-id');
  if (mode !== 0 && mode !== 1) throw new Error('unsupported H.264 packetization-mode');
  const parts = [`packetization-mode=${mode}`];
  if (profile !== undefined) {
    if (typeof profile !== 'string' || !PROFILE_LEVEL_ID.test(profile))
      throw new Error('bad H.264 profile-level-id');
    parts.push(`profile-level-id=${profile}`);
  }
  return parts.join(';');
}

/** mediasoup types codec parameters as `any`: read them as `unknown`. */
function codecParameter(codec: types.RtpCodecParameters, key: string): unknown {
  const parameters: unknown = codec.parameters;
  if (typeof parameters !== 'object' || parameters === null) return undefined;
  return (parameters as Record<string, unknown>)[key];
}
