import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { types } from 'mediasoup';
import { Backoff, TypedEmitter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import type { SegmentRecord } from '../storage/Storage.js';
import { recorderArgs } from './ffmpegArgs.js';
import {
  closed,
  exited,
  logStderr,
  spawnFfmpeg,
  terminate,
  waitUntilClosed,
  type FfmpegChild,
} from './ffmpegProcess.js';
import { stagingFolder } from './paths.js';
import { releasePortPair, reservePortPair, waitForUdpPorts, type PortRange } from './ports.js';
import { RecordingTap, type TapLostReason } from './RecordingTap.js';
import { salvageStart, segmentSpan } from './runTimeline.js';
import { LineSplitter, parseSegmentListLine, type SegmentListEntry } from './segmentList.js';
import {
  fileSegment,
  salvageRun,
  SDP_FILE,
  SEGMENT_FILE,
  writeRunMeta,
  type RunMeta,
  type SegmentSink,
} from './staging.js';

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

/** Between the wall clock and ffmpeg's timeline; more than this is logged (publisher clock drift, stalls). */
const DRIFT_WARN_MS = 2_000;
const LISTEN_TIMEOUT_MS = 5_000;

interface Run {
  meta: RunMeta;
  dir: string;
  pid: number | null;
  /** When the consumers were resumed: no packet reached ffmpeg before. */
  resumedAt: number | null;
  /** Wall time of ffmpeg's timeline zero, fixed by the first segment (see segmentSpan). */
  anchor: number | null;
  lastEndedAt: number | null;
  segments: number;
  lost: TapLostReason | null;
  driftWarned: boolean;
  queue: Promise<void>;
}

/** Read through a function: the tap's 'lost' listener sets it while a run awaits. */
function lostDuring(run: Run): TapLostReason | null {
  return run.lost;
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
  async #runOnce(): Promise<{ ran: boolean; reason: string; lost: TapLostReason | null }> {
    const o = this.#options;
    this.#attemptStartedAt = o.now();
    this.#setState('starting');
    const lostAlready = this.#sourceLost();
    if (lostAlready) return { ran: false, reason: lostAlready, lost: lostAlready };

    const runId = `e${o.epoch}-${randomBytes(4).toString('hex')}`;
    const dir = stagingFolder(o.root, o.counterId, runId);
    const run: Run = {
      meta: {
        counterId: o.counterId,
        departmentId: o.departmentId,
        runId,
        container: 'webm',
        node: o.store.node,
      },
      dir,
      pid: null,
      resumedAt: null,
      anchor: null,
      lastEndedAt: null,
      segments: 0,
      lost: null,
      driftWarned: false,
      queue: Promise.resolve(),
    };
    const ports: number[] = [];
    let tap: RecordingTap | null = null;
    let keyframes: ReturnType<typeof setInterval> | undefined;
    const logger = this.#logger.child({ runId });
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o750 });
      tap = await RecordingTap.open({
        router: o.router,
        counterId: o.counterId,
        video: o.video,
        audio: o.audio,
        reservePort: async () => {
          const port = await reservePortPair(o.ports);
          ports.push(port);
          return port;
        },
        logger,
      });
      run.meta = { ...run.meta, container: tap.container };
      tap.once('lost', (reason) => {
        run.lost = reason;
        if (this.#child) void terminate(this.#child, this.#killTimeoutMs);
      });
      await writeRunMeta(dir, run.meta);
      const sdpFile = path.join(dir, SDP_FILE);
      // Holds mediasoup's SRTP key for this run: readable by us only.
      await fs.writeFile(sdpFile, tap.sdp, { mode: 0o600 });
      if (!this.#wanted || run.lost) return { ran: false, reason: 'stopped before start', lost: run.lost };

      const args = recorderArgs({
        sdpFile,
        stagingDir: dir,
        container: tap.container,
        segmentSeconds: o.segmentSeconds,
      });
      logger.info({ args, ports }, 'starting recorder ffmpeg');
      const child = spawnFfmpeg(o.ffmpegPath, args);
      this.#child = child;
      run.pid = child.pid ?? null;
      const stderrTail = logStderr(child, logger);
      const lines = new LineSplitter();
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        for (const line of lines.push(chunk)) this.#onListLine(run, line, logger);
      });
      child.stdout.once('end', () => {
        for (const line of lines.flush()) this.#onListLine(run, line, logger);
      });

      const listening = await waitForUdpPorts(ports, {
        timeoutMs: LISTEN_TIMEOUT_MS,
        gone: () => exited(child),
      });
      if (!listening && !exited(child)) logger.warn('recorder ffmpeg not listening yet; resuming anyway');
      if (!exited(child) && this.#isWanted() && !lostDuring(run)) {
        run.resumedAt = o.now();
        await tap.resume();
        // Browsers send keyframes only when asked; the segment muxer can only cut on one.
        const t = tap;
        keyframes = setInterval(() => {
          t.requestKeyFrame().catch((error: unknown) =>
            logger.warn({ err: error }, 'keyframe request failed'),
          );
        }, o.segmentSeconds * 1000);
        this.#setState('running');
        logger.info('recording');
      }

      const { code, signal } = await closed(child);
      await run.queue;
      const tail = stderrTail();
      return {
        ran: run.segments > 0,
        reason: `exit ${code ?? signal ?? '?'}${tail ? `: ${tail}` : ''}`,
        lost: run.lost,
      };
    } catch (error) {
      const child = this.#child;
      if (child) await terminate(child, this.#killTimeoutMs);
      await run.queue;
      const message = error instanceof Error ? error.message : String(error);
      return { ran: false, reason: `could not start: ${message}`, lost: run.lost ?? this.#sourceLost() };
    } finally {
      clearInterval(keyframes);
      this.#child = null;
      tap?.close();
      for (const port of ports) releasePortPair(port);
      await this.#cleanUp(run, logger);
    }
  }

  #onListLine(run: Run, line: string, logger: Logger): void {
    const entry = parseSegmentListLine(line);
    if (!entry) {
      logger.warn({ line }, 'unreadable segment list line');
      return;
    }
    const receivedAt = this.#options.now();
    run.queue = run.queue.then(() => this.#segmentCompleted(run, entry, receivedAt, logger));
  }

  /** Files a completed segment with its wall-clock times (see segmentSpan). */
  async #segmentCompleted(
    run: Run,
    entry: SegmentListEntry,
    receivedAt: number,
    logger: Logger,
  ): Promise<void> {
    const o = this.#options;
    try {
      const name = path.basename(entry.file);
      const match = SEGMENT_FILE.exec(name);
      if (!match) {
        logger.warn({ file: entry.file }, 'segment list names an unexpected file');
        return;
      }
      const source = path.join(run.dir, name);
      if (run.pid !== null && !(await waitUntilClosed(run.pid, source, 3_000)))
        logger.warn({ file: name }, 'segment still open after its list line; filing it anyway');
      const { anchor, startedAt, endedAt, lagMs: lag } = segmentSpan(run, entry, receivedAt);
      run.anchor = anchor;
      if (Math.abs(lag) > DRIFT_WARN_MS && !run.driftWarned) {
        run.driftWarned = true;
        logger.warn({ lagMs: lag }, 'recording timeline drifts from the wall clock');
      }
      const segment = await fileSegment({
        root: o.root,
        store: o.store,
        meta: run.meta,
        source,
        seq: Number(match[1]),
        startedAt,
        endedAt,
      });
      run.lastEndedAt = endedAt;
      run.segments += 1;
      this.#lastSegmentAt = o.now();
      this.#failing = false;
      logger.debug(
        { path: segment.path, startedAt, endedAt, bytes: segment.bytes, lagMs: lag },
        'segment recorded',
      );
      this.emit('segment', segment);
      this.emit('changed');
    } catch (error) {
      logger.error({ err: error, file: entry.file }, 'segment not filed');
    }
  }

  /** Files what ffmpeg left unfinished (killed mid-segment) and removes the staging folder. */
  async #cleanUp(run: Run, logger: Logger): Promise<void> {
    try {
      const salvaged = await salvageRun({
        root: this.#options.root,
        store: this.#options.store,
        dir: run.dir,
        segmentSeconds: this.#options.segmentSeconds,
        knownStart: salvageStart(run),
        logger,
        now: this.#options.now,
      });
      for (const segment of salvaged) this.emit('segment', segment);
    } catch (error) {
      logger.error({ err: error, dir: run.dir }, 'recorder staging folder not cleaned up');
    }
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
