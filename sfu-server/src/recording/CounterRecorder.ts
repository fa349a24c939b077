import type { types } from 'mediasoup';
import { Backoff, TypedEmitter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import type { SegmentRecord } from '../storage/Storage.js';
import { recorderArgs } from './ffmpegArgs.js';
import { closed, exited, logStderr, spawnFfmpeg, terminate, type FfmpegChild } from './ffmpegProcess.js';
import { releasePortPair, reservePortPair, waitForUdpPorts, type PortRange } from './ports.js';
import { RecordingTap, type TapLostReason } from './RecordingTap.js';
import { RunSegments } from './RunSegments.js';
import type { SegmentSink } from './staging.js';

export type RecorderState = 'starting' | 'running' | 'backoff' | 'stopped';
export type RecorderEndReason = 'stopped' | TapLostReason;

export interface RecorderStatus {
  state: RecorderState;
  /** The last run failed to start or died, and no segment has been written since. */
  failing: boolean;
  /** When the current ffmpeg was started (null between runs). */
  attemptStartedAt: number | null;
  lastSegmentAt: number | null;
  restarts: number;
  lastExit: string | null;
  /** Set once the recorder has stopped for good, with why. */
  ended: RecorderEndReason | null;
}

export type CounterRecorderEvents = {
  segment: [segment: SegmentRecord];
  /** The status changed; the service recomputes the counter's health. */
  changed: [];
  ended: [reason: RecorderEndReason];
};

export interface CounterRecorderOptions {
  counterId: string;
  departmentId: string;
  epoch: number;
  router: DepartmentRouter;
  video: types.Producer;
  audio: types.Producer | null;
  /** Real path of the recordings root. */
  root: string;
  segmentSeconds: number;
  store: SegmentSink;
  logger: Logger;
  now: () => number;
  ffmpegPath: string;
  /** Where the recorder ffmpeg listens; any free port when absent. */
  ports?: PortRange;
  backoff?: Backoff;
  /** SIGTERM, then SIGKILL after this long (default 2 s: an ffmpeg whose input stopped only exits that way). */
  killTimeoutMs?: number;
  /** A run that lasted this long resets the backoff. */
  stableAfterMs?: number;
}

const LISTEN_TIMEOUT_MS = 5_000;

/** How one run ended: `ran` once it filed a segment, which tells a later death from a failed start. */
interface RunOutcome {
  ran: boolean;
  reason: string;
  lost: TapLostReason | null;
}

/** The media side of one run: what it holds until it ends, and whether its source went away. */
interface RunMedia {
  ports: number[];
  tap: RecordingTap | null;
  keyframes: ReturnType<typeof setInterval> | undefined;
  /** Set by the tap's 'lost' listener, possibly while the run awaits. */
  lost: TapLostReason | null;
}

/**
 * Records one counter's focus video (and audio) for one publish epoch: a
 * loopback tap on its department router feeding one ffmpeg that writes
 * segments. Supervised like the agent's encoder: a failed start is told
 * apart from a later death, every restart gets new ports, transports and
 * consumers after a capped backoff, and stopping flushes the last segment.
 */
export class CounterRecorder extends TypedEmitter<CounterRecorderEvents> {
  readonly counterId: string;
  readonly #options: CounterRecorderOptions;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #killTimeoutMs: number;
  #loop: Promise<void> | null = null;
  #wanted = false;
  #child: FfmpegChild | null = null;
  #wake: (() => void) | null = null;
  #state: RecorderState = 'stopped';
  #failing = false;
  #attemptStartedAt: number | null = null;
  #lastSegmentAt: number | null = null;
  #restarts = 0;
  #lastExit: string | null = null;
  #ended: RecorderEndReason | null = null;

  constructor(options: CounterRecorderOptions) {
    super();
    this.counterId = options.counterId;
    this.#options = options;
    this.#logger = options.logger.child({ counterId: options.counterId, epoch: options.epoch });
    this.#backoff = options.backoff ?? new Backoff({ initialMs: 1_000, maxMs: 30_000 });
    this.#killTimeoutMs = options.killTimeoutMs ?? 2_000;
  }

  get status(): RecorderStatus {
    return {
      state: this.#state,
      failing: this.#failing,
      attemptStartedAt: this.#attemptStartedAt,
      lastSegmentAt: this.#lastSegmentAt,
      restarts: this.#restarts,
      lastExit: this.#lastExit,
      ended: this.#ended,
    };
  }

  /** The recording ffmpeg's process id, for tests and benchmarks. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Starts recording — once `after` has settled, when given: a recorder that
   * replaces another waits until that one has filed its last segment, so the
   * counter's segments never overlap. It counts as starting meanwhile.
   */
  start(after?: Promise<unknown>): void {
    if (this.#loop) return;
    this.#wanted = true;
    if (!after) {
      this.#loop = this.#supervise();
      return;
    }
    this.#attemptStartedAt = this.#options.now();
    this.#setState('starting');
    this.#loop = after.then(
      () => this.#supervise(),
      () => this.#supervise(),
    );
  }

  /** Stops for good: ffmpeg finishes its segment, which is filed; resolves when all is released. */
  async stop(): Promise<void> {
    this.#wanted = false;
    this.#wake?.();
    const child = this.#child;
    if (child) await terminate(child, this.#killTimeoutMs);
    await this.#loop;
  }

  async #supervise(): Promise<void> {
    let reason: RecorderEndReason = 'stopped';
    while (this.#wanted) {
      const startedAt = this.#options.now();
      const outcome = await this.#runOnce();
      if (outcome.lost) {
        reason = outcome.lost;
        break;
      }
      if (!this.#isWanted()) break;
      this.#restarts += 1;
      this.#failing = true;
      this.#lastExit = outcome.reason.slice(0, 300);
      if (outcome.ran) this.#logger.warn({ reason: outcome.reason }, 'recorder ffmpeg died');
      else this.#logger.error({ reason: outcome.reason }, 'recorder ffmpeg failed to start');
      if (this.#options.now() - startedAt >= (this.#options.stableAfterMs ?? 60_000)) this.#backoff.reset();
      const delay = this.#backoff.next();
      this.#setState('backoff');
      this.#logger.info({ retryInMs: delay }, 'recorder restart scheduled');
      await this.#sleep(delay);
    }
    this.#wanted = false;
    this.#ended = reason;
    this.#setState('stopped');
    this.#logger.info({ reason }, 'recorder stopped');
    this.emit('ended', reason);
  }

  /** One ffmpeg run, start to exit. Never throws: failures come back as the outcome. */
  async #runOnce(): Promise<RunOutcome> {
    this.#attemptStartedAt = this.#options.now();
    this.#setState('starting');
    const lostAlready = this.#sourceLost();
    if (lostAlready) return { ran: false, reason: lostAlready, lost: lostAlready };

    const segments = new RunSegments(
      { ...this.#options, logger: this.#logger },
      {
        filed: (segment) => this.#segmentFiled(segment),
        salvaged: (segment) => this.emit('segment', segment),
      },
    );
    const media: RunMedia = { ports: [], tap: null, keyframes: undefined, lost: null };
    try {
      const { tap, sdpFile } = await this.#prepare(segments, media);
      if (!this.#wanted || media.lost)
        return { ran: false, reason: 'stopped before start', lost: media.lost };
      const { child, stderrTail } = this.#startFfmpeg(segments, media, tap, sdpFile);
      await this.#resumeWhenListening(segments, media, tap, child);
      const { code, signal } = await closed(child);
      await segments.settled();
      const tail = stderrTail();
      return {
        ran: segments.filed > 0,
        reason: `exit ${code ?? signal ?? '?'}${tail ? `: ${tail}` : ''}`,
        lost: media.lost,
      };
    } catch (error) {
      const child = this.#child;
      if (child) await terminate(child, this.#killTimeoutMs);
      await segments.settled();
      const message = error instanceof Error ? error.message : String(error);
      return { ran: false, reason: `could not start: ${message}`, lost: media.lost ?? this.#sourceLost() };
    } finally {
      clearInterval(media.keyframes);
      this.#child = null;
      media.tap?.close();
      for (const port of media.ports) releasePortPair(port);
      await segments.cleanUp();
    }
  }

  /** The staging folder, the tap (paused, on freshly reserved ports) and the SDP ffmpeg will read. */
  async #prepare(segments: RunSegments, media: RunMedia): Promise<{ tap: RecordingTap; sdpFile: string }> {
    const o = this.#options;
    await segments.makeFolder();
    const tap = await RecordingTap.open({
      router: o.router,
      counterId: o.counterId,
      video: o.video,
      audio: o.audio,
      reservePort: async () => {
        const port = await reservePortPair(o.ports);
        media.ports.push(port);
        return port;
      },
      logger: segments.logger,
    });
    media.tap = tap;
    tap.once('lost', (reason) => {
      media.lost = reason;
      if (this.#child) void terminate(this.#child, this.#killTimeoutMs);
    });
    const sdpFile = await segments.stage(tap.container, tap.sdp);
    return { tap, sdpFile };
  }

  /** Spawns the recorder ffmpeg, its segment list read by `segments`; returns it with its stderr tail. */
  #startFfmpeg(
    segments: RunSegments,
    media: RunMedia,
    tap: RecordingTap,
    sdpFile: string,
  ): { child: FfmpegChild; stderrTail: () => string } {
    const args = recorderArgs({
      sdpFile,
      stagingDir: segments.dir,
      container: tap.container,
      segmentSeconds: this.#options.segmentSeconds,
    });
    segments.logger.info({ args, ports: media.ports }, 'starting recorder ffmpeg');
    const child = spawnFfmpeg(this.#options.ffmpegPath, args);
    this.#child = child;
    segments.pid = child.pid ?? null;
    const stderrTail = logStderr(child, segments.logger);
    segments.follow(child.stdout);
    return { child, stderrTail };
  }

  /**
   * Resumes the consumers once ffmpeg listens (or after LISTEN_TIMEOUT_MS
   * anyway), unless it died, the recorder was stopped or the source went
   * away meanwhile; from then on, asks for keyframes every segment.
   */
  async #resumeWhenListening(
    segments: RunSegments,
    media: RunMedia,
    tap: RecordingTap,
    child: FfmpegChild,
  ): Promise<void> {
    const listening = await waitForUdpPorts(media.ports, {
      timeoutMs: LISTEN_TIMEOUT_MS,
      gone: () => exited(child),
    });
    const logger = segments.logger;
    if (!listening && !exited(child)) logger.warn('recorder ffmpeg not listening yet; resuming anyway');
    if (exited(child) || !this.#isWanted() || media.lost) return;
    segments.resumedAt = this.#options.now();
    await tap.resume();
    // Browsers send keyframes only when asked; the segment muxer can only cut on one.
    media.keyframes = setInterval(() => {
      tap.requestKeyFrame().catch((error: unknown) => logger.warn({ err: error }, 'keyframe request failed'));
    }, this.#options.segmentSeconds * 1000);
    this.#setState('running');
    logger.info('recording');
  }

  /** A completed segment was filed: the recorder is healthy again. */
  #segmentFiled(segment: SegmentRecord): void {
    this.#lastSegmentAt = this.#options.now();
    this.#failing = false;
    this.emit('segment', segment);
    this.emit('changed');
  }

  /** Read through a method: `stop()` changes it while a run awaits. */
  #isWanted(): boolean {
    return this.#wanted;
  }

  #sourceLost(): TapLostReason | null {
    const o = this.#options;
    if (o.router.closed) return 'router_closed';
    if (o.video.closed || o.audio?.closed) return 'producer_closed';
    return null;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).then(() => {
      this.#wake = null;
    });
  }

  #setState(state: RecorderState): void {
    if (state !== 'starting' && state !== 'running') this.#attemptStartedAt = null;
    this.#state = state;
    this.emit('changed');
  }
}
