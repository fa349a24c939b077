import path from 'node:path';
import type { Container } from './paths.js';
import { segmentFormat } from './sdp.js';

/**
 * The recorder: RTP in (described by the SDP file), the packets copied as
 * they are into segments of the codec's own container. The segment list goes
 * to stdout, one CSV line per completed segment, so no folder is polled.
 */
export function recorderArgs(options: {
  sdpFile: string;
  stagingDir: string;
  container: Container;
  segmentSeconds: number;
}): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-nostats',
    // The SDP file, then plain UDP sockets: nothing else may be opened from the input side.
    '-protocol_whitelist',
    'file,udp,rtp',
    // Loopback only: mediasoup sends from 127.0.0.1, nobody on the network reaches these ports.
    '-localaddr',
    '127.0.0.1',
    '-i',
    options.sdpFile,
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    'segment',
    '-segment_time',
    String(options.segmentSeconds),
    // Cut at the first keyframe after each wall-clock boundary (every segment_time from midnight), so
    // segments last segment_time ± one keyframe interval. Edges line up across counters, and a gap in
    // the input stays inside one segment whose listed times include it (pts-based cuts list it short,
    // then catch up with a burst of one-GOP segments).
    '-segment_atclocktime',
    '1',
    '-segment_format',
    segmentFormat(options.container),
    '-reset_timestamps',
    '1',
    // Each cluster (≤ 1 s) reaches the disk as it closes: a killed recorder loses at most that.
    '-segment_format_options',
    'flush_packets=1:cluster_time_limit=1000',
    '-segment_list',
    'pipe:1',
    '-segment_list_type',
    'csv',
    path.join(options.stagingDir, `seg-%06d.${options.container}`),
  ];
}

/**
 * A clip: the listed segments one after the other (concat demuxer), cut to
 * [offset, offset + duration] on output. Copy only: the video starts at the
 * first keyframe at or after the offset (ffmpeg drops leading non-keyframes),
 * the audio at the offset.
 */
export function clipArgs(options: {
  listFile: string;
  output: string;
  container: Container;
  offsetSeconds: number;
  durationSeconds: number;
}): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-protocol_whitelist',
    'file',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    options.listFile,
    '-ss',
    options.offsetSeconds.toFixed(3),
    '-t',
    options.durationSeconds.toFixed(3),
    '-map',
    '0',
    '-c',
    'copy',
    '-f',
    segmentFormat(options.container),
    '-y',
    options.output,
  ];
}

/** One `file '…'` line of a concat list; a quote inside is closed, escaped and reopened. */
export function concatListLine(file: string): string {
  if (/[\r\n]/.test(file)) throw new Error('segment path with a line break');
  return `file '${file.replaceAll("'", "'\\''")}'`;
}
