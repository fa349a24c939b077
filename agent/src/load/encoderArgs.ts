import type { RenditionSpec } from '@counterwatch/shared';
import { CLOCK_DRAWTEXT, gopFrames, opusEncoder, vp8Encoder } from '../media/encoderFlags.js';

/**
 * The load publisher's one encoder: a test picture with a running clock,
 * encoded once per rendition (VP8, as the agents' default), and a quiet tone
 * (Opus, as an agent's test sound), plain RTP to the relay's loopback ports. Everything else about it matches an agent's
 * ffmpeg: realtime VP8, explicit GOP, 1200-byte packets.
 *
 * Each rendition is drawn at its own rate, so its frames leave as evenly as
 * their timestamps say. One 20 fps picture thinned to the grid's 15 by the
 * `fps` filter sent frames 50, 50 and 100 ms apart stamped 67 ms apart: 33 ms
 * of jitter in every tile, which Chromium met by dropping frames (53–148 of
 * 1,800 on an 8-counter wall with the machine three-quarters idle; 0 since).
 */
export function loadEncoderArgs(options: {
  renditions: { grid: RenditionSpec; focus: RenditionSpec };
  keyframeIntervalSeconds: number;
  ports: { grid: number; focus: number; audio: number };
  audioBitrateKbps: number;
}): string[] {
  const { grid, focus } = options.renditions;
  const output = (label: string, spec: RenditionSpec, port: number): string[] => {
    const gop = gopFrames(spec, options.keyframeIntervalSeconds);
    return [
      '-map',
      `[${label}]`,
      ...vp8Encoder(spec),
      '-g',
      gop,
      '-keyint_min',
      gop,
      '-f',
      'rtp',
      '-payload_type',
      '101',
      // The encoder's RTCP goes to the same port, where the relay drops it.
      `rtp://127.0.0.1:${port}?pkt_size=1200&rtcpport=${port}`,
    ];
  };
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-nostats',
    '-progress',
    'pipe:1',
    '-stats_period',
    '1',
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${focus.width}x${focus.height}:rate=${focus.fps}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${grid.width}x${grid.height}:rate=${grid.fps}`,
    '-re',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000,volume=0.12',
    '-filter_complex',
    `[0:v]${CLOCK_DRAWTEXT}[focus];[1:v]${CLOCK_DRAWTEXT}[grid]`,
    // Focus first: the progress report's fps describes the first output.
    ...output('focus', focus, options.ports.focus),
    ...output('grid', grid, options.ports.grid),
    '-map',
    '2:a',
    ...opusEncoder(options.audioBitrateKbps),
    '-f',
    'rtp',
    '-payload_type',
    '100',
    `rtp://127.0.0.1:${options.ports.audio}?pkt_size=1200&rtcpport=${options.ports.audio}`,
  ];
}
