import fs from 'node:fs/promises';
import type { types } from 'mediasoup';
import {
  CounterIdSchema,
  DepartmentIdSchema,
  TypedEmitter,
  type RecordingHealth,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import { SINGLE_PROCESS, type RecordingStore, type SegmentRecord } from '../storage/Storage.js';
import { CounterRecorder } from './CounterRecorder.js';
import type { PortRange } from './ports.js';
import { applyRetention, type HeldSpan, type RetentionResult } from './retention.js';
import { salvageLeftovers, segmentSink, type SegmentSink } from './staging.js';

export interface RecordingServiceOptions {
  store: RecordingStore;
  /** Spans that must never be deleted by retention (flagged interactions, inspections). */
  heldSpans: (now: number) => Promise<HeldSpan[]>;
  /** Segments live under it; everything the module writes (but clips) stays inside it. */
  recordingsDir: string;
  /** The media node this process is (its segments' `node`); default SINGLE_PROCESS. */
  node?: string;
  /** Default 10. */
  segmentSeconds?: number;
  /** Default 30. */
  retentionDays?: number;
  /** Disk quota for segments; null for none. */
  quotaBytes?: number | null;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  ffmpegPath?: string;
  /** Default 60 s. */
  retentionIntervalMs?: number;
  /**
   * UDP ports (loopback) the recorder ffmpegs listen on, two per stream. Default: any free port, which
   * can race with mediasoup's random picks in its own range (a lost race costs a restart); a range
   * outside CW_RTC_MIN_PORT–CW_RTC_MAX_PORT and the kernel's ephemeral range (32768–60999) cannot.
   */
  ffmpegPorts?: PortRange;
}

export type RecordingServiceEvents = {
  health: [counterId: string, health: RecordingHealth];
  segment: [segment: SegmentRecord];
  /** Over quota and nothing unprotected left to delete: the operator must act. Never silent loss. */
  storageFull: [info: { usedBytes: number; quotaBytes: number }];
  storageOk: [];
};

/** Recording figures for operations (metrics, health). */
export interface RecordingFigures {
  /** Counters by recording health (counters not recording are not listed). */
  health: Map<string, RecordingHealth>;
  /** Recorder ffmpegs running now. */
  activeRecorders: number;
  /** Bytes of stored segments, and the quota (null: none). */
  usedBytes: number | null;
  quotaBytes: number | null;
  full: boolean;
  /** The recordings file system: free (for unprivileged users) and total bytes; null if unreadable. */
  disk: { freeBytes: number; totalBytes: number } | null;
}

/** What a counter publishes now, as the recorder needs it. */
export interface RecordedMedia {
  epoch: number;
  router: DepartmentRouter;
  video: types.Producer;
  audio: types.Producer | null;
}

interface Tracked {
  key: string;
  recorder: CounterRecorder;
}

const HEALTH_CHECK_MS = 1_000;

/**
 * Server-side recording: one CounterRecorder (one ffmpeg) per publishing
 * counter, per-counter health, and retention under a quota that never touches
 * held spans — of this node's own segments (clips are the ClipService's).
 */
export class RecordingService extends TypedEmitter<RecordingServiceEvents> {
  readonly #store: RecordingStore;
  readonly #node: string;
  readonly #sink: SegmentSink;
  readonly #heldSpans: (now: number) => Promise<HeldSpan[]>;
  readonly #root: string;
  readonly #segmentSeconds: number;
  readonly #retentionDays: number;
  readonly #quotaBytes: number | null;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #ffmpegPath: string;
  readonly #retentionIntervalMs: number;
  readonly #ffmpegPorts: PortRange | undefined;
  readonly #tracked = new Map<string, Tracked>();
  readonly #health = new Map<string, RecordingHealth>();
  /** Recorders being stopped (untracked or superseded); close() waits for them. */
  readonly #stopping = new Set<Promise<void>>();
  #retention: Promise<RetentionResult> | null = null;
  #storageFull = false;
  /** Bytes of stored segments at the last retention pass. */
  #usedBytes: number | null = null;
  #retentionTimer: ReturnType<typeof setInterval> | undefined;
  #healthTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #closing: Promise<void> | null = null;

  private constructor(options: RecordingServiceOptions, root: string) {
    super();
    this.#store = options.store;
    const node = options.node ?? SINGLE_PROCESS;
    this.#node = node;
    this.#sink = segmentSink(options.store, node);
    this.#heldSpans = options.heldSpans;
    this.#root = root;
    this.#segmentSeconds = options.segmentSeconds ?? 10;
    this.#retentionDays = options.retentionDays ?? 30;
    this.#quotaBytes = options.quotaBytes ?? null;
    this.#logger = options.logger.child({ module: 'recording' });
    this.#now = options.now;
    this.#ffmpegPath = options.ffmpegPath ?? 'ffmpeg';
    this.#retentionIntervalMs = options.retentionIntervalMs ?? 60_000;
    this.#ffmpegPorts = options.ffmpegPorts;
  }

  /** Makes the folders, and files what an interrupted previous process left in staging. */
  static async create(options: RecordingServiceOptions): Promise<RecordingService> {
    const segmentSeconds = options.segmentSeconds ?? 10;
    if (!Number.isInteger(segmentSeconds) || segmentSeconds < 1 || segmentSeconds > 3600)
      throw new RangeError('segmentSeconds must be a whole number of seconds, 1 to 3600');
    if ((options.retentionDays ?? 30) <= 0) throw new RangeError('retentionDays must be positive');
    if (options.quotaBytes != null && options.quotaBytes <= 0)
      throw new RangeError('quotaBytes must be positive');
    const ports = options.ffmpegPorts;
    if (
      ports &&
      !(
        Number.isInteger(ports.min) &&
        Number.isInteger(ports.max) &&
        ports.min >= 1024 &&
        ports.max <= 65535 &&
        ports.max - ports.min >= 15
      )
    )
      throw new RangeError('ffmpegPorts must be a range of at least 16 ports within 1024–65535');
    await fs.mkdir(options.recordingsDir, { recursive: true, mode: 0o750 });
    // Containment checks compare real paths: resolve the root's own symlinks once.
    const root = await fs.realpath(options.recordingsDir);
    const service = new RecordingService(options, root);
    const salvaged = await salvageLeftovers({
      root,
      store: service.#sink,
      segmentSeconds,
      logger: service.#logger,
      now: options.now,
    });
    if (salvaged.length > 0)
      service.#logger.warn({ segments: salvaged.length }, 'interrupted recordings salvaged');
    return service;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Starts the periodic retention (and runs it once now) and the health checks. */
  start(): void {
    if (this.#closed || this.#healthTimer) return;
    this.#healthTimer = setInterval(() => {
      for (const counterId of this.#health.keys()) this.#refresh(counterId);
    }, HEALTH_CHECK_MS);
    const retain = (): void => {
      this.runRetention().catch((error: unknown) => this.#logger.error({ err: error }, 'retention failed'));
    };
    this.#retentionTimer = setInterval(retain, this.#retentionIntervalMs);
    retain();
  }

  /**
   * A counter's producers changed: published, republished with a new epoch,
   * or gone (null). A new epoch or other producers replace the recorder.
   */
  track(counter: { id: string; departmentId: string }, media: RecordedMedia | null): void {
    if (this.#closed) {
      this.#logger.warn({ counterId: counter.id }, 'track after close ignored');
      return;
    }
    // Both end up in file paths: only slugs (they always are, from the directory).
    if (
      !CounterIdSchema.safeParse(counter.id).success ||
      !DepartmentIdSchema.safeParse(counter.departmentId).success
    ) {
      this.#logger.error(
        { counterId: counter.id, departmentId: counter.departmentId },
        'counter not recordable: bad id',
      );
      return;
    }
    const current = this.#tracked.get(counter.id);
    if (media === null) {
      if (current) {
        this.#tracked.delete(counter.id);
        void this.#retire(current.recorder);
      }
      this.#refresh(counter.id);
      return;
    }
    const key = `${media.epoch}:${media.video.id}:${media.audio?.id ?? '-'}`;
    if (current?.key === key) return;
    const retiring = current ? this.#retire(current.recorder) : undefined;

    const recorder = new CounterRecorder({
      counterId: counter.id,
      departmentId: counter.departmentId,
      epoch: media.epoch,
      router: media.router,
      video: media.video,
      audio: media.audio,
      root: this.#root,
      segmentSeconds: this.#segmentSeconds,
      store: this.#sink,
      logger: this.#logger,
      now: this.#now,
      ffmpegPath: this.#ffmpegPath,
      ports: this.#ffmpegPorts,
    });
    // A retired recorder still files its last segment: keep forwarding those.
    recorder.on('segment', (segment) => this.emit('segment', segment));
    recorder.on('changed', () => this.#refresh(counter.id));
    this.#tracked.set(counter.id, { key, recorder });
    recorder.start(retiring);
    this.#refresh(counter.id);
  }

  health(counterId: string): RecordingHealth {
    return this.#health.get(counterId) ?? 'off';
  }

  /** Figures for operations: health by counter, recorders running, space used and left. */
  async figures(): Promise<RecordingFigures> {
    let disk: RecordingFigures['disk'] = null;
    try {
      const stats = await fs.statfs(this.#root);
      disk = { freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
    } catch (error) {
      this.#logger.warn({ err: error }, 'recordings file system unreadable');
    }
    return {
      health: new Map(this.#health),
      activeRecorders: [...this.#tracked.values()].filter((t) => t.recorder.pid !== undefined).length,
      usedBytes: this.#usedBytes,
      quotaBytes: this.#quotaBytes,
      full: this.#storageFull,
      disk,
    };
  }

  /** The directory segments are written under (real path). */
  get dir(): string {
    return this.#root;
  }

  get storageFull(): boolean {
    return this.#storageFull;
  }

  /** The recording ffmpeg of a counter, for tests and benchmarks. */
  pid(counterId: string): number | undefined {
    return this.#tracked.get(counterId)?.recorder.pid;
  }

  /** One retention pass (a pass already running is joined, not repeated). */
  runRetention(): Promise<RetentionResult> {
    this.#retention ??= this.#retain().finally(() => {
      this.#retention = null;
    });
    return this.#retention;
  }

  /** Stops every recorder cleanly (their last segments are filed) and the timers; runs once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#healthTimer);
    clearInterval(this.#retentionTimer);
    const recorders = [...this.#tracked.values()].map((t) => t.recorder);
    this.#tracked.clear();
    for (const recorder of recorders) void this.#retire(recorder);
    await Promise.all([...this.#stopping]);
    await Promise.allSettled([this.#retention]);
    for (const counterId of [...this.#health.keys()]) this.#refresh(counterId);
    this.#logger.info('recording service closed');
  }

  async #retain(): Promise<RetentionResult> {
    const now = this.#now();
    const result = await applyRetention({
      store: this.#store,
      node: this.#node,
      heldSpans: await this.#heldSpans(now),
      root: this.#root,
      retentionDays: this.#retentionDays,
      quotaBytes: this.#quotaBytes,
      now,
      logger: this.#logger,
    });
    this.#usedBytes = result.usedBytes;
    if (result.deleted > 0) this.#logger.info({ ...result }, 'retention deleted segments');
    if (result.full && !this.#storageFull && this.#quotaBytes !== null) {
      this.#storageFull = true;
      this.#logger.error(
        { usedBytes: result.usedBytes, quotaBytes: this.#quotaBytes },
        'recording storage full: only held segments left over quota',
      );
      this.emit('storageFull', { usedBytes: result.usedBytes, quotaBytes: this.#quotaBytes });
    } else if (!result.full && this.#storageFull) {
      this.#storageFull = false;
      this.#logger.info({ usedBytes: result.usedBytes }, 'recording storage back under quota');
      this.emit('storageOk');
    }
    return result;
  }

  /** Stops a recorder in the background; resolves once it has filed its last segment. */
  #retire(recorder: CounterRecorder): Promise<void> {
    const stopping = recorder
      .stop()
      .catch((error: unknown) =>
        this.#logger.error({ err: error, counterId: recorder.counterId }, 'recorder stop failed'),
      )
      .finally(() => this.#stopping.delete(stopping));
    this.#stopping.add(stopping);
    return stopping;
  }

  #refresh(counterId: string): void {
    const previous = this.#health.get(counterId) ?? 'off';
    const next = this.#compute(counterId, previous);
    if (next === 'off') this.#health.delete(counterId);
    else this.#health.set(counterId, next);
    if (next !== previous) {
      this.#logger.info({ counterId, health: next, previous }, 'recording health changed');
      this.emit('health', counterId, next);
    }
  }

  /**
   * recording: a segment completed within 2 × segmentSeconds, or ffmpeg just
   * started; gap: none for over 3 × segmentSeconds (in between, unchanged);
   * error: ffmpeg failing, or the worker died under it; off: not recording.
   */
  #compute(counterId: string, previous: RecordingHealth): RecordingHealth {
    const status = this.#tracked.get(counterId)?.recorder.status;
    if (!status) return 'off';
    switch (status.ended) {
      case null:
        break;
      case 'router_closed':
        return 'error';
      case 'producer_closed':
      case 'stopped':
        return 'off';
    }
    if (status.failing) return 'error';
    const since = Math.max(
      status.lastSegmentAt ?? Number.NEGATIVE_INFINITY,
      status.attemptStartedAt ?? Number.NEGATIVE_INFINITY,
    );
    const age = this.#now() - since;
    const segmentMs = this.#segmentSeconds * 1000;
    if (age <= 2 * segmentMs) return 'recording';
    if (age > 3 * segmentMs) return 'gap';
    return previous === 'gap' ? 'gap' : 'recording';
  }
}
