import type { IngestTarget, RenditionSpec, VideoCodec } from '@counterwatch/shared';
import { cameraInputArgs } from './camera.js';
import { CLOCK_DRAWTEXT, gopFrames, h264Encoder, opusEncoder, vp8Encoder } from './encoderFlags.js';
import type { AudioSource, VideoSource } from './sources.js';

/** A resolved ingest target: where to send, and the agent's own SRTP key for it. */
export interface SendTarget extends Omit<IngestTarget, 'host'> {
  host: string;
  key: string;
}

export interface EncodePlan {
  video: VideoSource;
  /** The sound to publish; `none` for a camera without a microphone, even if `--audio rtsp` was asked for. */
  audio: AudioSource;
  /**
   * For an IP camera: the private ffconcat file naming its URL, so the
   * password never appears on ffmpeg's command line (see camera.ts).
   * Needed only for an rtsp `video`.
   */
  cameraList?: string | null;
  codec: VideoCodec;
  renditions: { grid: RenditionSpec; focus: RenditionSpec };
  audioBitrateKbps: number;
  keyframeIntervalSeconds: number;
  targets: { grid: SendTarget; focus: SendTarget; audio: SendTarget | null };
  /** The test picture's caption comes from this file (the counter's name), so no user text enters the filter graph. */
  captionFile: string | null;
}

/** Paths we put into the filter graph are ours, but are checked anyway: no quoting games. */
const FILTER_SAFE_PATH = /^[A-Za-z0-9_./-]+$/;
const HOST = /^[A-Za-z0-9.:[\]-]+$/;

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/**
 * The ffmpeg argument array for one counter: one input (two for separate
 * audio, and the test picture's second for the grid), one filter graph that
 * scales the picture to both renditions, and three SRTP outputs (grid, focus, audio). Built as an
 * array for `spawn` — never a shell string.
 */
export function buildFfmpegArgs(plan: EncodePlan): string[] {
  const { focus, grid } = plan.renditions;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-nostats',
    '-progress',
    'pipe:1',
    '-stats_period',
    '1',
  ];

  args.push(...videoInput(plan.video, focus, plan.cameraList ?? null));
  let audioInput: string | null = null;
  if (plan.targets.audio) {
    switch (plan.audio.kind) {
      case 'test':
        // A quiet tone: lets a listener check the audio path without a microphone.
        args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000,volume=0.12');
        audioInput = '1:a';
        break;
      case 'alsa':
        args.push('-f', 'alsa', '-thread_queue_size', '512', '-i', plan.audio.device);
        audioInput = '1:a';
        break;
      case 'rtsp':
        // The camera's first sound stream, whatever its codec (AAC, G.711, Opus…): decoded and re-encoded to Opus.
        audioInput = '0:a:0';
        break;
      case 'none':
        throw new PlanError('an audio target was requested but --audio is none');
    }
  }

  let graph: string;
  if (plan.video.kind === 'test') {
    // The test picture is drawn once per rendition, at its size and rate (a second input): one
    // 25 fps picture thinned to the grid's 15 sends frames unevenly spaced yet stamped evenly,
    // jitter that Chromium meets by dropping frames (as gst_publisher.py explains).
    const gridInput = args.filter((a) => a === '-i').length;
    args.push('-re', '-f', 'lavfi', '-i', `testsrc2=size=${grid.width}x${grid.height}:rate=${grid.fps}`);
    const caption = captionFilters(plan.captionFile);
    graph = `[0:v:0]format=yuv420p${caption}[focus];[${gridInput}:v:0]format=yuv420p${caption}[grid]`;
  } else {
    graph =
      // The first video stream, whatever its codec (H.264, H.265, MJPEG…), decoded and scaled to both renditions.
      `[0:v:0]format=yuv420p,split=2[vf][vg];` +
      // The rate is set on each output (-r), not by the fps filter: that filter holds every frame
      // until the next one arrives, a frame's time (50 ms at 20 fps) of glass-to-glass.
      `[vf]scale=${focus.width}:${focus.height}[focus];` +
      `[vg]scale=${grid.width}:${grid.height}[grid]`;
  }
  args.push('-filter_complex', graph);

  // Focus first: ffmpeg's progress report (fps) describes the first output.
  args.push(...videoOutput('[focus]', plan.codec, focus, plan.keyframeIntervalSeconds, plan.targets.focus));
  args.push(...videoOutput('[grid]', plan.codec, grid, plan.keyframeIntervalSeconds, plan.targets.grid));
  if (plan.targets.audio && audioInput) {
    args.push('-map', audioInput, ...opusEncoder(plan.audioBitrateKbps), ...rtpOutput(plan.targets.audio));
  }
  return args;
}

function videoInput(source: VideoSource, focus: RenditionSpec, cameraList: string | null): string[] {
  switch (source.kind) {
    case 'test':
      return ['-re', '-f', 'lavfi', '-i', `testsrc2=size=${focus.width}x${focus.height}:rate=${focus.fps}`];
    case 'clock':
      throw new PlanError('the clock picture is drawn by the GStreamer publisher');
    case 'v4l2':
      return ['-f', 'v4l2', '-thread_queue_size', '512', '-i', source.device];
    case 'rtsp':
      // The URL (and its password) stays in the list file; TCP and the 5 s socket timeout are set there too.
      if (cameraList === null) throw new PlanError('an IP camera needs its list file');
      if (!FILTER_SAFE_PATH.test(cameraList))
        throw new PlanError(`camera list path has unsafe characters: ${cameraList}`);
      // One decoding thread: frame threading holds a frame back per thread (100 ms at 20 fps on
      // two cores), and the picture is small enough for one.
      return ['-threads', '1', ...cameraInputArgs(cameraList)];
    case 'file':
      return ['-re', '-stream_loop', '-1', '-i', source.path];
  }
}

/** Name above the middle, clock below it: the console's tile overlays cover the top and bottom edges. */
function captionFilters(captionFile: string | null): string {
  const clock = `,${CLOCK_DRAWTEXT}`;
  if (captionFile === null) return clock;
  if (!FILTER_SAFE_PATH.test(captionFile))
    throw new PlanError(`caption file path has unsafe characters: ${captionFile}`);
  // expansion=none: the counter's name is printed as is, never evaluated.
  return (
    `,drawtext=textfile=${captionFile}:expansion=none:fontcolor=white:fontsize=h/10:box=1:boxcolor=black@0.55:boxborderw=10:x=(w-tw)/2:y=h/2-th-8` +
    clock
  );
}

function videoOutput(
  label: string,
  codec: VideoCodec,
  spec: RenditionSpec,
  keyframeIntervalSeconds: number,
  target: SendTarget,
): string[] {
  // The keyframe interval is a new viewer's worst wait: ffmpeg ignores keyframe requests.
  const gop = gopFrames(spec, keyframeIntervalSeconds);
  return [
    '-map',
    label,
    // Constant rate, decided frame by frame as each arrives (drops from a faster camera, repeats on a stall).
    '-fps_mode',
    'cfr',
    '-r',
    String(spec.fps),
    ...(codec === 'vp8' ? vp8Encoder(spec) : h264Encoder(spec)),
    '-g',
    gop,
    '-keyint_min',
    gop,
    '-pix_fmt',
    'yuv420p',
    ...rtpOutput(target),
  ];
}

function rtpOutput(target: SendTarget): string[] {
  if (!HOST.test(target.host)) throw new PlanError(`ingest host has unsafe characters: ${target.host}`);
  if (target.ssrc < 1 || target.ssrc > 0x7fffffff) throw new PlanError(`ssrc out of range: ${target.ssrc}`);
  const host = target.host.includes(':') && !target.host.startsWith('[') ? `[${target.host}]` : target.host;
  return [
    '-f',
    'rtp',
    '-ssrc',
    String(target.ssrc),
    '-payload_type',
    String(target.payloadType),
    '-srtp_out_suite',
    target.cryptoSuite,
    '-srtp_out_params',
    target.key,
    // ffmpeg sends RTCP from its own socket, so the server gives it its own port.
    `srtp://${host}:${target.port}?rtcpport=${target.rtcpPort}&pkt_size=1200`,
  ];
}

/** The same argument list with SRTP keys and camera credentials blanked, for logs. */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    if (args[i - 1] === '-srtp_out_params') return '[key]';
    return arg.replace(/(rtsps?:\/\/)[^/]*@/, '$1***@');
  });
}
