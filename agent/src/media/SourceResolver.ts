import fs from 'node:fs';
import path from 'node:path';
import { TypedEmitter, type AgentSource, type SourceProblem } from '@counterwatch/shared';
import type { Logger } from 'pino';
import { cameraInputArgs, cameraListFile, credentialRedactor, urlSecrets } from './camera.js';
import { ProbeError, probeSource, type SourceProbe } from './probe.js';
import type { AudioSource, VideoSource } from './sources.js';

/** What the next ffmpeg run reads. */
export interface ResolvedSource {
  video: VideoSource;
  /** `none` when the camera turned out to have no (decodable) sound. */
  audio: AudioSource;
  /** The IP camera's private list file, or null for other sources. */
  cameraList: string | null;
}

/** The source cannot be used now; `retryInMs` overrides the normal backoff when set. */
export class SourceUnavailableError extends Error {
  readonly problem: SourceProblem;
  readonly retryInMs: number | undefined;

  constructor(message: string, problem: SourceProblem, retryInMs: number | undefined) {
    super(message);
    this.name = 'SourceUnavailableError';
    this.problem = problem;
    this.retryInMs = retryInMs;
  }
}

export interface SourceResolverOptions {
  video: VideoSource;
  audio: AudioSource;
  /** A private directory (0700) of the agent's: the camera's list file is written there. */
  dir: string;
  ffprobePath: string;
  logger: Logger;
  /** ffprobe is killed after this long (default 15 s). */
  probeTimeoutMs?: number;
  /** A camera that refuses the credentials is asked again after this long (default 60 s), not on the backoff. */
  credentialsRetryMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The sound to publish for what the camera turned out to send: its own
 * sound when asked for (`--audio rtsp`) and present in a codec ffmpeg
 * decodes, else none — with the reason, so the console can say it.
 * Another sound source (a USB microphone, the test tone) is used as asked.
 */
export function adaptToCamera(
  probe: SourceProbe,
  audio: AudioSource,
): { audio: AudioSource; problem: SourceProblem | null } {
  if (audio.kind !== 'rtsp') return { audio, problem: null };
  if (probe.audio === null) return { audio: { kind: 'none' }, problem: 'no_microphone' };
  if (probe.audio.codec === null) return { audio: { kind: 'none' }, problem: 'audio_unsupported' };
  return { audio, problem: null };
}

/** What each problem means, as the log says it (the console has its own words). */
const PROBLEM_TEXT: Record<SourceProblem, string> = {
  no_microphone: 'the camera has no microphone: publishing video only',
  audio_unsupported: "the camera's sound cannot be decoded: publishing video only",
  credentials_refused: 'camera refused the credentials: check the user and password in the camera URL',
  unreachable: 'camera unreachable',
  not_found: 'the camera has no stream at this path',
  no_video: 'the camera sends no video ffmpeg can decode',
  probe_failed: 'could not read the camera',
};

/**
 * Looks at the agent's source before every publisher start. An IP camera is
 * probed with ffprobe each time (it may come back from a reboot with other
 * streams): video only when it has no sound, a clear error and a slow retry
 * when it refuses the credentials. Keeps what it found for the health report,
 * and the camera's password out of everything it prints.
 */
export type SourceResolverEvents = {
  /** What the agent knows about its source changed (codecs, sound, problem). */
  changed: [report: AgentSource];
};

export class SourceResolver extends TypedEmitter<SourceResolverEvents> {
  readonly #options: SourceResolverOptions;
  readonly #logger: Logger;
  readonly #redact: (text: string) => string;
  readonly #cameraList: string | null;
  #report: AgentSource;

  constructor(options: SourceResolverOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger.child({ module: 'source' });
    const { video, audio } = options;
    this.#redact = credentialRedactor(video.kind === 'rtsp' ? urlSecrets(video.url) : []);
    this.#cameraList = video.kind === 'rtsp' ? path.join(options.dir, 'camera.ffconcat') : null;
    this.#report = {
      kind: video.kind,
      videoCodec: null,
      audioCodec: null,
      audio: audio.kind !== 'none',
      problem: null,
    };
  }

  /** The source as last found, for the agent's health report. */
  get report(): AgentSource {
    return this.#report;
  }

  /** Blanks the camera's credentials in `text`. */
  redact(text: string): string {
    return this.#redact(text);
  }

  /** Probes the source if it is an IP camera; throws SourceUnavailableError when it cannot be used. */
  async resolve(): Promise<ResolvedSource> {
    const { video, audio } = this.#options;
    if (video.kind !== 'rtsp' || this.#cameraList === null) {
      return { video, audio, cameraList: null };
    }
    // Written before each probe: the directory is the agent's own, so nothing else may have put a file there.
    const listFile = this.#cameraList;
    // A tmp cleaner may have removed the directory while the agent ran for weeks.
    fs.mkdirSync(path.dirname(listFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(listFile, cameraListFile(video.url), { mode: 0o600 });
    let probe: SourceProbe;
    try {
      probe = await probeSource({
        ffprobePath: this.#options.ffprobePath,
        input: cameraInputArgs(listFile),
        timeoutMs: this.#options.probeTimeoutMs ?? 15_000,
        // ffprobe names the list file where it means the camera: say "camera".
        redact: (text) => this.#redact(text).replaceAll(listFile, 'camera'),
        ...(this.#options.env ? { env: this.#options.env } : {}),
      });
    } catch (error) {
      const problem = error instanceof ProbeError ? error.problem : 'probe_failed';
      const detail = this.#redact(error instanceof ProbeError ? error.detail : String(error));
      const retryInMs =
        problem === 'credentials_refused' ? (this.#options.credentialsRetryMs ?? 60_000) : undefined;
      this.#setReport({ ...this.#report, videoCodec: null, audioCodec: null, audio: false, problem });
      if (error instanceof ProbeError && error.stderr)
        this.#logger.debug({ stderr: error.stderr }, 'ffprobe said');
      this.#logger.error({ problem, detail, ...(retryInMs ? { retryInMs } : {}) }, PROBLEM_TEXT[problem]);
      throw new SourceUnavailableError(`${PROBLEM_TEXT[problem]} (${detail})`, problem, retryInMs);
    }

    const { audio: publishedAudio, problem } = adaptToCamera(probe, audio);
    const previous = this.#report;
    this.#setReport({
      kind: 'rtsp',
      videoCodec: probe.video?.codec ?? null,
      audioCodec: probe.audio?.codec ?? null,
      audio: publishedAudio.kind !== 'none',
      problem,
    });
    if (problem !== null && previous.problem !== problem) {
      this.#logger.warn({ problem, videoCodec: this.#report.videoCodec }, PROBLEM_TEXT[problem]);
    } else if (
      previous.videoCodec !== this.#report.videoCodec ||
      previous.audioCodec !== this.#report.audioCodec
    ) {
      this.#logger.info(
        { videoCodec: this.#report.videoCodec, audioCodec: this.#report.audioCodec },
        'camera streams found',
      );
    }
    return { video, audio: publishedAudio, cameraList: this.#cameraList };
  }

  /** Removes the camera's list file (its URL holds the password). */
  close(): void {
    if (this.#cameraList) fs.rmSync(this.#cameraList, { force: true });
  }

  #setReport(report: AgentSource): void {
    const before = this.#report;
    this.#report = report;
    const same = (Object.keys(report) as (keyof AgentSource)[]).every((k) => report[k] === before[k]);
    if (!same) this.emit('changed', report);
  }
}
