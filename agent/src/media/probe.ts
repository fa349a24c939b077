import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { SourceProblem } from '@counterwatch/shared';
import { withDeathSignal } from './setpriv.js';

/** One stream of the source as ffprobe sees it. */
export interface ProbedStream {
  /** The stream's index in the input (`0:<index>`). */
  index: number;
  /** ffprobe's codec name; null when ffmpeg has no decoder it knows the stream by. */
  codec: string | null;
}

/** The first video and the first audio stream of a source. */
export interface SourceProbe {
  video: ProbedStream | null;
  audio: ProbedStream | null;
}

/** The source could not be used: what went wrong, in the console's terms, and ffprobe's last words. */
export class ProbeError extends Error {
  readonly problem: SourceProblem;
  /** ffprobe's last line (redacted), for the operator. */
  readonly detail: string;
  /** The tail of what ffprobe said (redacted), for the debug log. */
  readonly stderr: string;

  constructor(problem: SourceProblem, detail: string, stderr = '') {
    super(`${problem}: ${detail}`);
    this.name = 'ProbeError';
    this.problem = problem;
    this.detail = detail;
    this.stderr = stderr;
  }
}

// ffprobe -of json: only what we ask for, every field optional (a stream it cannot identify has no codec_name).
const FfprobeOutputSchema = z.object({
  streams: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
      }),
    )
    .default([]),
});

const CODEC_NAME = /^[a-z0-9_]{1,32}$/;

/** Picks the first video and audio streams out of ffprobe's JSON. */
export function parseProbeOutput(json: string): SourceProbe {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new ProbeError('probe_failed', 'ffprobe printed no JSON');
  }
  const parsed = FfprobeOutputSchema.safeParse(raw);
  if (!parsed.success) throw new ProbeError('probe_failed', 'ffprobe printed unexpected JSON');
  const first = (type: string): ProbedStream | null => {
    const stream = parsed.data.streams.find((s) => s.codec_type === type);
    if (!stream) return null;
    const codec = stream.codec_name && CODEC_NAME.test(stream.codec_name) ? stream.codec_name : null;
    return { index: stream.index, codec };
  };
  return { video: first('video'), audio: first('audio') };
}

/** What ffprobe's complaint means for the counter (its stderr, already redacted). */
export function classifyProbeFailure(stderr: string): SourceProblem {
  if (/\b40[13]\b|Unauthorized|authorization failed|Forbidden/i.test(stderr)) return 'credentials_refused';
  if (/\b404\b|Not Found/i.test(stderr)) return 'not_found';
  if (
    /Connection refused|timed out|No route to host|(Network|Host) is unreachable|Failed to resolve|Name or service not known|name resolution|Connection reset|Broken pipe|End of file|Server returned 5XX/i.test(
      stderr,
    )
  ) {
    return 'unreachable';
  }
  return 'probe_failed';
}

/** ffprobe's arguments: the streams' types and codecs as JSON, after a short look at the source. */
export function buildProbeArgs(input: readonly string[]): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    // The codecs are in the camera's SDP; a second of media is plenty to confirm them.
    '-analyzeduration',
    '1000000',
    '-probesize',
    '1000000',
    '-of',
    'json',
    '-show_entries',
    'stream=index,codec_type,codec_name',
    ...input,
  ];
}

export interface ProbeOptions {
  ffprobePath: string;
  /** Input options ending in `-i <input>`. */
  input: readonly string[];
  /** ffprobe is killed after this long: a camera that accepts the connection but never answers. */
  timeoutMs: number;
  /** Blanks credentials in anything ffprobe says before it is kept or thrown. */
  redact: (text: string) => string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs ffprobe on the source (an argument array, never a shell) and returns
 * its first video and audio streams, or throws a ProbeError that says what
 * is wrong.
 */
export function probeSource(options: ProbeOptions): Promise<SourceProbe> {
  const [command, argv] = withDeathSignal(options.ffprobePath, buildProbeArgs(options.input));
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      // The JSON for a handful of streams is small; anything bigger is not what we asked for.
      if (stdout.length < 1_000_000) stdout += chunk;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    child.once('error', (error) => {
      stderr += `\n${error.message}`;
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const said = options.redact(stderr).trim();
      const lastLine = said.split('\n').at(-1)?.trim().slice(0, 160) ?? '';
      if (timedOut) {
        reject(new ProbeError('unreachable', `no answer within ${Math.round(options.timeoutMs / 1000)} s`));
        return;
      }
      if (code !== 0) {
        reject(
          new ProbeError(
            classifyProbeFailure(said),
            lastLine || `ffprobe exited with ${code ?? '?'}`,
            said.slice(-1_000),
          ),
        );
        return;
      }
      try {
        const probe = parseProbeOutput(stdout);
        if (!probe.video || probe.video.codec === null) {
          reject(new ProbeError('no_video', probe.video ? 'the video codec is unknown' : 'no video stream'));
          return;
        }
        resolve(probe);
      } catch (error) {
        reject(error instanceof ProbeError ? error : new ProbeError('probe_failed', String(error)));
      }
    });
  });
}
