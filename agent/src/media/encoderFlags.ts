import type { RenditionSpec } from '@counterwatch/shared';

/**
 * ffmpeg encoder settings shared by the agent's publisher and the load publisher, so the
 * benchmark's streams are encoded exactly as a counter's.
 */

/** Frames between keyframes: the keyframe interval is a new viewer's worst wait when the encoder ignores requests. */
export function gopFrames(spec: RenditionSpec, keyframeIntervalSeconds: number): string {
  return String(Math.max(1, Math.round(spec.fps * keyframeIntervalSeconds)));
}

/** Rate control: the bitrate as a ceiling, with two seconds' worth of buffer. */
function rateControl(spec: RenditionSpec): string[] {
  const rate = `${spec.bitrateKbps}k`;
  return ['-b:v', rate, '-maxrate', rate, '-bufsize', `${spec.bitrateKbps * 2}k`];
}

/** Realtime VP8: no look-ahead, no alt-ref frames, error resilient, one thread. */
export function vp8Encoder(spec: RenditionSpec): string[] {
  return [
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-threads',
    '1',
    '-auto-alt-ref',
    '0',
    '-lag-in-frames',
    '0',
    '-error-resilient',
    '1',
    ...rateControl(spec),
  ];
}

/** Baseline H.264 with no B-frames or scene-cut keyframes, for the hardware decoders of a wall's browsers. */
export function h264Encoder(spec: RenditionSpec): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-level:v',
    '3.1',
    '-sc_threshold',
    '0',
    ...rateControl(spec),
  ];
}

/** Opus at 48 kHz stereo in low-delay mode. */
export function opusEncoder(bitrateKbps: number): string[] {
  return [
    '-c:a',
    'libopus',
    '-b:a',
    `${bitrateKbps}k`,
    '-ar',
    '48000',
    '-ac',
    '2',
    '-application',
    'lowdelay',
  ];
}

/** The running clock drawn below the middle of a test picture (the tile's overlays cover the edges). */
export const CLOCK_DRAWTEXT =
  'drawtext=text=%{localtime}:fontcolor=white:fontsize=h/14:box=1:boxcolor=black@0.55:boxborderw=8:x=(w-tw)/2:y=h/2+8';
