import { z } from 'zod';

/**
 * Where the counter's picture and sound come from.
 *   video: `test` | `clock` | `v4l2:/dev/videoN` | `rtsp://…` / `rtsps://…` | a file path
 *          (`clock`: a test picture carrying its capture time, for measuring
 *          glass-to-glass; GStreamer only — agent/gst/clock_picture.py)
 *   audio: `test` | `alsa:<device>` | `rtsp` (the video's RTSP stream) | `none`
 */
export type VideoSource =
  | { kind: 'test' }
  | { kind: 'clock' }
  | { kind: 'v4l2'; device: string }
  | { kind: 'rtsp'; url: string }
  | { kind: 'file'; path: string };

export type AudioSource =
  { kind: 'test' } | { kind: 'alsa'; device: string } | { kind: 'rtsp' } | { kind: 'none' };

const SafeDevicePath = z.string().regex(/^\/dev\/[A-Za-z0-9_./-]+$/, 'must be a /dev path');
// ALSA names like `default`, `hw:1`, `plughw:CARD=USB,DEV=0`.
const AlsaDevice = z.string().regex(/^[A-Za-z0-9_:,=.-]{1,64}$/, 'must be an ALSA device name such as hw:1');

export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

export function parseVideoSource(spec: string): VideoSource {
  if (spec === 'test') return { kind: 'test' };
  if (spec === 'clock') return { kind: 'clock' };
  if (spec.startsWith('v4l2:')) {
    const device = SafeDevicePath.safeParse(spec.slice(5));
    if (!device.success)
      throw new SourceError(`--video ${spec}: ${device.error.issues[0]?.message ?? 'invalid'}`);
    return { kind: 'v4l2', device: device.data };
  }
  if (/^rtsps?:\/\//.test(spec)) {
    // The URL parser would silently drop a tab or newline; ffmpeg would not. Spaces must be %20.
    if (/[\s\p{Cc}]/u.test(spec))
      throw new SourceError(`--video ${redactUrl(spec)}: the URL has spaces or control characters`);
    try {
      new URL(spec);
    } catch {
      throw new SourceError(`--video ${redactUrl(spec)}: not a valid URL`);
    }
    return { kind: 'rtsp', url: spec };
  }
  if (spec.startsWith('-')) throw new SourceError(`--video ${spec}: a file path must not start with "-"`);
  if (spec.length === 0) throw new SourceError('--video is empty');
  return { kind: 'file', path: spec };
}

export function parseAudioSource(spec: string, video: VideoSource): AudioSource {
  if (spec === 'test') return { kind: 'test' };
  if (spec === 'none') return { kind: 'none' };
  if (spec === 'rtsp') {
    if (video.kind !== 'rtsp') throw new SourceError('--audio rtsp needs an rtsp:// --video');
    return { kind: 'rtsp' };
  }
  if (spec.startsWith('alsa:')) {
    const device = AlsaDevice.safeParse(spec.slice(5));
    if (!device.success)
      throw new SourceError(`--audio ${spec}: ${device.error.issues[0]?.message ?? 'invalid'}`);
    return { kind: 'alsa', device: device.data };
  }
  throw new SourceError(`--audio ${spec}: use test, alsa:<device>, rtsp or none`);
}

/** IP camera URLs often carry credentials: never print them. */
export function redactUrl(url: string): string {
  // Greedy up to the last '@' of the authority: passwords may contain '@'.
  return url.replace(/\/\/[^/]*@/, '//***@');
}

export function describeVideo(source: VideoSource): string {
  switch (source.kind) {
    case 'test':
      return 'test picture';
    case 'clock':
      return 'clock picture';
    case 'v4l2':
      return `camera ${source.device}`;
    case 'rtsp':
      return `IP camera ${redactUrl(source.url)}`;
    case 'file':
      return `file ${source.path}`;
  }
}
