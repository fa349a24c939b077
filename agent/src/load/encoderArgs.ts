import type { RenditionSpec } from '@counterwatch/shared';

/**
 * The load publisher's one encoder: a test picture with a running clock,
 * encoded once per rendition (VP8, as the agents' default), and a quiet tone
 * (Opus, as an agent's test sound), plain RTP to the relay's loopback ports. Everything else about it matches an agent's
 * ffmpeg: realtime VP8, explicit GOP, 1200-byte packets.
 */
export function loadEncoderArgs(options: {
  renditions: { grid: RenditionSpec; focus: RenditionSpec };
  keyframeIntervalSeconds: number;
  ports: { grid: number; focus: number; audio: number };
  audioBitrateKbps: number;
}): string[] {
  const { grid, focus } = options.renditions;
  const output = (label: string, spec: RenditionSpec, port: number): string[] => {
    const rate = `${spec.bitrateKbps}k`;
    const gop = String(Math.max(1, Math.round(spec.fps * options.keyframeIntervalSeconds)));
    return [
      '-map',
      `[${label}]`,
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
      '-b:v',
      rate,
      '-maxrate',
      rate,
      '-bufsize',
      `${spec.bitrateKbps * 2}k`,
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
  const clock =
    'drawtext=text=%{localtime}:fontcolor=white:fontsize=h/14:box=1:boxcolor=black@0.55:boxborderw=8:x=(w-tw)/2:y=h/2+8';
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
    'sine=frequency=440:sample_rate=48000,volume=0.12',
    '-filter_complex',
    `[0:v]${clock},split=2[focus][g];[g]scale=${grid.width}:${grid.height},fps=${grid.fps}[grid]`,
    // Focus first: the progress report's fps describes the first output.
    ...output('focus', focus, options.ports.focus),
    ...output('grid', grid, options.ports.grid),
    '-map',
    '1:a',
    '-c:a',
    'libopus',
    '-b:a',
    `${options.audioBitrateKbps}k`,
    '-ar',
    '48000',
    '-ac',
    '2',
    '-application',
    'lowdelay',
    '-f',
    'rtp',
    '-payload_type',
    '100',
    `rtp://127.0.0.1:${options.ports.audio}?pkt_size=1200&rtcpport=${options.ports.audio}`,
  ];
}
