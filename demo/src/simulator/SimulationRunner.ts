import { Backoff, MAX_EVENT_BATCH, type Clock, type QueueEvent } from '@counterwatch/shared';
import { DepartmentDay, type SimCounter } from './DepartmentDay.js';

export interface SimulationRunnerOptions {
  departments: { id: string; counters: SimCounter[]; dailyCitizens?: number }[];
  seed: number;
  /** Simulated minutes already elapsed at start (backfill: emitted at once, stamped in the past). Default 150. */
  backfillMinutes?: number;
  /** Simulated time runs this many times faster than the wall clock. Default 1. */
  speed?: number;
  /**
   * Where events go; called per department with batches of at most 500, in
   * order; awaited. Throwing means "not delivered, try again later"; events it
   * reports as rejected were refused for good and are never sent again.
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- a sink that never refuses returns nothing
  sink: (departmentId: string, events: QueueEvent[]) => Promise<SinkResult | void>;
  /** Default 1000. */
  tickMs?: number;
  now: Clock;
  /** Sink failures (the batch is retried later, with capped backoff). Default: console.error. */
  onError?: (error: unknown) => void;
  /** An event the receiver refused for good (a dead letter). Default: console.error. */
  onRejected?: (event: QueueEvent, reason: string) => void;
}

/** What the receiver said of a batch: the events it refused for good. */
export interface SinkResult {
  rejected: { id: string; reason: string }[];
}

interface Lane {
  day: DepartmentDay;
  /** Events produced but not yet accepted by the sink, in order. */
  pending: QueueEvent[];
  /** The delivery loop in progress, if any: at most one per department keeps batches in order. */
  delivering: Promise<void> | undefined;
  delivered: number;
  /** How many of the first events are the backfill. */
  backfill: number;
  /** Failed deliveries back off (capped), so a receiver that is down is not hammered every tick. */
  backoff: Backoff;
  retryAt: number;
}

/**
 * Plays simulated department days against the wall clock. The day opened
 * `backfillMinutes` of simulated time before `start()`; from then on each tick
 * advances every department to the simulated time matching the wall clock and
 * hands new events to the sink, one batch at a time per department.
 */
export class SimulationRunner {
  private readonly options: SimulationRunnerOptions;
  private readonly speed: number;
  private readonly backfillMs: number;
  private readonly now: Clock;
  private readonly onError: (error: unknown) => void;
  private readonly onRejected: (event: QueueEvent, reason: string) => void;
  private rejectedCount = 0;
  private lanes: Lane[] = [];
  private openedAt = 0;
  private simNow = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private started = false;
  private stopped = false;
  private backfill: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: SimulationRunnerOptions) {
    const speed = options.speed ?? 1;
    const backfillMinutes = options.backfillMinutes ?? 150;
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be > 0, got ${speed}`);
    if (!(backfillMinutes >= 0) || !Number.isFinite(backfillMinutes)) {
      throw new RangeError(`backfillMinutes must be >= 0, got ${backfillMinutes}`);
    }
    const ids = new Set(options.departments.map((d) => d.id));
    if (ids.size !== options.departments.length) throw new RangeError('duplicate department id');
    this.options = options;
    this.speed = speed;
    this.backfillMs = backfillMinutes * 60_000;
    this.now = options.now;
    this.onError =
      options.onError ??
      ((error: unknown) => {
        console.error('simulation sink failed; retrying later:', error);
      });
    this.onRejected =
      options.onRejected ??
      ((event, reason) => {
        console.error(`simulated event ${event.id} refused for good: ${reason}`);
      });
  }

  /** Events the receiver refused for good (dead letters): never sent again. */
  get rejected(): number {
    return this.rejectedCount;
  }

  /** Epoch ms at which the simulated day opened (set by start). */
  get dayOpenedAt(): number {
    return this.openedAt;
  }

  /** True once every department's day is over and all its events were delivered. */
  get finished(): boolean {
    return this.started && this.lanes.every((l) => l.day.finished && l.pending.length === 0);
  }

  /**
   * Creates the days, delivers the backfill and starts ticking. Resolves once
   * the backfill has been delivered (failed batches are retried on ticks);
   * rejects if stopped before that.
   */
  start(): Promise<void> {
    if (this.started) return Promise.reject(new Error('SimulationRunner already started'));
    this.started = true;
    const startedAt = this.now();
    this.openedAt = startedAt - this.backfillMs / this.speed;
    const stamp = (simMs: number): number => this.openedAt + simMs / this.speed;
    this.lanes = this.options.departments.map((d) => ({
      day: new DepartmentDay({
        departmentId: d.id,
        counters: d.counters,
        seed: this.options.seed,
        stamp,
        ...(d.dailyCitizens === undefined ? {} : { dailyCitizens: d.dailyCitizens }),
      }),
      pending: [],
      delivering: undefined,
      delivered: 0,
      backfill: 0,
      backoff: new Backoff({ initialMs: 1_000, maxMs: 30_000 }),
      retryAt: 0,
    }));

    this.simNow = this.backfillMs;
    for (const lane of this.lanes) {
      lane.pending.push(...lane.day.advanceTo(this.simNow));
      lane.backfill = lane.pending.length;
    }
    const done = new Promise<void>((resolve, reject) => {
      this.backfill = { resolve, reject };
    });
    this.checkBackfill();
    for (const lane of this.lanes) void this.deliver(lane);
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    return done;
  }

  /** Stops ticking; deliveries already handed to the sink still complete. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const pending = this.backfill;
    this.backfill = undefined;
    pending?.reject(new Error('SimulationRunner stopped before the backfill was delivered'));
  }

  /**
   * Advances every department to the simulated time matching the wall clock
   * and delivers what is pending (including batches that failed before).
   * Resolves when this round of deliveries has settled; sink failures go to
   * onError, so it rejects only if onError itself throws.
   */
  async tick(): Promise<void> {
    if (!this.started || this.stopped) return;
    // A clock stepping back must not move simulated time backwards.
    this.simNow = Math.max(this.simNow, (this.now() - this.openedAt) * this.speed);
    for (const lane of this.lanes) {
      const events = lane.day.advanceTo(this.simNow);
      if (events.length > 0) lane.pending.push(...events);
    }
    await Promise.all(this.lanes.map((lane) => this.deliver(lane)));
    if (this.finished && this.timer !== undefined) {
      // Nothing more will happen: stop the interval so it does not keep the process busy.
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Starts the department's delivery loop unless one is running; returns the running loop. */
  private deliver(lane: Lane): Promise<void> {
    lane.delivering ??= this.drain(lane).finally(() => {
      lane.delivering = undefined;
    });
    return lane.delivering;
  }

  /**
   * Sends pending batches in order until none are left or the sink fails
   * (then a later tick retries, after a capped backoff). Events the receiver
   * refuses for good are handed to onRejected and dropped from the lane:
   * retrying them could never succeed and would block everything behind them.
   */
  private async drain(lane: Lane): Promise<void> {
    if (this.now() < lane.retryAt) return;
    while (lane.pending.length > 0 && !this.stopped) {
      const batch = lane.pending.slice(0, MAX_EVENT_BATCH);
      // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- as the sink's type
      let result: SinkResult | void;
      try {
        result = await this.options.sink(lane.day.departmentId, batch);
      } catch (error: unknown) {
        lane.retryAt = this.now() + lane.backoff.next();
        this.onError(error);
        return;
      }
      lane.backoff.reset();
      lane.retryAt = 0;
      for (const refused of result?.rejected ?? []) {
        const event = batch.find((e) => e.id === refused.id);
        if (!event) continue;
        this.rejectedCount += 1;
        this.onRejected(event, refused.reason);
      }
      lane.pending.splice(0, batch.length);
      lane.delivered += batch.length;
      this.checkBackfill();
    }
  }

  private checkBackfill(): void {
    if (this.backfill === undefined) return;
    if (this.lanes.every((l) => l.delivered >= l.backfill)) {
      this.backfill.resolve();
      this.backfill = undefined;
    }
  }
}
