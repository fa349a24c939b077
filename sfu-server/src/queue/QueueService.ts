import {
  AppError,
  MAX_EVENT_BATCH,
  TypedEmitter,
  type AlertThresholds,
  type Counter,
  type CounterQueue,
  type Department,
  type DepartmentMetrics,
  type EventBatchResult,
  type EventResult,
  type MetricsHistory as MetricsHistoryView,
  type QueueEvent,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage, StoredQueueEvent } from '../storage/Storage.js';
import { businessDayStart } from './businessDay.js';
import type { DepartmentQueue, TicketRecord } from './DepartmentQueue.js';
import { computeMetrics, type MetricsResult } from './metrics.js';
import { MetricsHistory } from './MetricsHistory.js';
import { LogCursor } from './LogCursor.js';
import { NewsFilter } from './newsFilter.js';
import { BusinessDays, REBUILD_MARGIN_MS } from './BusinessDays.js';
import { GroupCommit } from './GroupCommit.js';
import type { EventOrigin } from './validation.js';

export interface QueueDirectory {
  department(id: string): Department | undefined;
  departments(): Department[];
  counter(id: string): Counter | undefined;
  counters(): Counter[];
}

export interface QueueServiceOptions {
  storage: Storage;
  directory: QueueDirectory;
  thresholds: (departmentId: string) => AlertThresholds;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  /** Recompute this long after new events (coalescing bursts); the 1 s tick covers the rest. */
  debounceMs?: number;
}

export type QueueServiceEvents = {
  /** Fresh metrics for a department, with what changed enough to tell consoles. */
  computed: [
    departmentId: string,
    result: MetricsResult,
    changed: { counters: string[]; department: boolean },
  ];
  /**
   * A newly stored event (not replays), at its corrected time, folded in the
   * order of the shared log; `own` when this process accepted it (another
   * process on the same database accepted the others).
   */
  accepted: [event: QueueEvent, at: number, own: boolean];
  /** A batch answered, event by event (accepted, duplicate, rejected). */
  batch: [origin: EventOrigin, result: EventBatchResult];
  /** A batch refused whole before any event was looked at (too large), with the error's code. */
  batchRefused: [origin: EventOrigin, code: string];
};

/** How long after leaving a citizen can still be flagged from the live view. */
const RECENT_CITIZEN_MS = 10 * 60_000;

/**
 * Queue events in, metrics out. Stores each event once (idempotent by id),
 * folds it into the department's state for the business day, recomputes the
 * metrics, and keeps 10-second history and daily aggregates. A restart
 * replays today's stored events and arrives at the same numbers.
 */
export class QueueService extends TypedEmitter<QueueServiceEvents> {
  readonly #storage: Storage;
  readonly #directory: QueueDirectory;
  readonly #thresholds: (departmentId: string) => AlertThresholds;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #debounceMs: number;
  readonly #days: BusinessDays;
  readonly #latest = new Map<string, MetricsResult>();
  /** What consoles were last told, to patch only what changed. */
  readonly #news = new NewsFilter();
  readonly #dirty = new Set<string>();
  readonly #history: MetricsHistory;
  #debounceTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  /** Where this process is in the shared event log; set once the state is rebuilt. */
  readonly #log: LogCursor;
  /** The ingest's turns: batches stored together, catch-ups and built events between them. */
  readonly #groups: GroupCommit;
  /** A catch-up waiting for its turn. */
  #catchingUp: Promise<void> | undefined;
  #closed = false;

  private constructor(options: QueueServiceOptions, head: number) {
    super();
    this.#storage = options.storage;
    this.#directory = options.directory;
    this.#thresholds = options.thresholds;
    this.#logger = options.logger.child({ module: 'queue' });
    this.#now = options.now;
    this.#debounceMs = options.debounceMs ?? 50;
    this.#log = new LogCursor({
      storage: options.storage,
      head,
      host: {
        fold: (row, own, at) => this.#fold(row, own, at),
        changed: (departmentId) => this.#markDirty(departmentId),
      },
    });
    this.#days = new BusinessDays({
      storage: options.storage,
      logger: this.#logger,
      host: { counters: (id) => this.#countersOf(id), thresholds: (id) => this.#thresholds(id) },
    });
    this.#groups = new GroupCommit({
      storage: options.storage,
      log: this.#log,
      logger: this.#logger,
      now: options.now,
      host: {
        counter: (id) => this.#directory.counter(id),
        ticketCounter: (departmentId, ticketId) => this.state(departmentId)?.tickets.get(ticketId)?.counterId,
        clocks: (departmentId, receivedAt) =>
          this.#days.state(departmentId, businessDayStart(receivedAt)).clocks,
        answered: (origin, summary) => this.emit('batch', origin, summary),
      },
    });
    this.#history = new MetricsHistory({
      storage: options.storage,
      logger: options.logger,
      now: options.now,
      marginMs: REBUILD_MARGIN_MS,
      host: {
        departments: () => this.#directory.departments().map((d) => d.id),
        counters: (id) => this.#countersOf(id),
        thresholds: (id) => this.#thresholds(id),
        latest: () => this.#latest,
        today: (id) => this.state(id),
      },
    });
  }

  /** Rebuilds every department's state for today from the stored events. */
  static async create(options: QueueServiceOptions): Promise<QueueService> {
    // Everything up to the head is committed: the rebuild folds exactly that, the log the rest.
    const service = new QueueService(options, await options.storage.queueEventsHead());
    const now = service.#now();
    for (const d of options.directory.departments()) {
      await service.#days.rebuild(d.id, now, service.#log.head);
      service.#log.rebuilt(d.id);
    }
    for (const d of options.directory.departments()) service.#compute(d.id, now);
    return service;
  }

  /**
   * Starts the 1 s recompute tick (time moves waits on) and the 10 s history
   * sampler, and fills in today's history from the events for any stretch the
   * server was not running to sample it.
   */
  start(): void {
    this.#tickTimer = setInterval(() => this.tick(), 1_000);
    this.#history.start();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#tickTimer);
    this.#history.close();
    clearTimeout(this.#debounceTimer);
  }

  /**
   * Validates, stores and applies a batch. Accepted events are stored in one
   * transaction; rejected ones are reported with their reason and stored not
   * at all; replays are `duplicate` and change nothing.
   *
   * Batches that arrive while the one before is being stored wait together
   * and are stored in one transaction (group commit): one commit — and one
   * fsync — for many senders, checked and answered each as its own batch.
   */
  ingest(origin: EventOrigin, raw: unknown[], sentAt?: number): Promise<EventBatchResult> {
    if (raw.length > MAX_EVENT_BATCH) {
      const code = 'message_too_large';
      this.emit('batchRefused', origin, code);
      return Promise.reject(new AppError(code, `a batch holds at most ${MAX_EVENT_BATCH} events`));
    }
    return this.#groups.ingest(origin, raw, sentAt);
  }

  /** Once the batches handed in so far are stored and folded (shutdown waits for it). */
  settled(): Promise<void> {
    return this.#groups.settled();
  }

  /**
   * Builds one event from today's state and ingests it in the same turn of
   * the ingest queue: no other batch lands in between, so what the event
   * took (the next ticket number, the next call) is seen by the next one.
   */
  ingestBuilt(
    origin: EventOrigin,
    build: (queue: DepartmentQueue) => Promise<QueueEvent>,
  ): Promise<{ event: QueueEvent; result: EventResult }> {
    // Batches arriving after this one are stored after it, in arrival order.
    return this.#groups.alone(async (store) => {
      this.#days.ensureDay(origin.departmentId, this.#now());
      const state = this.#days.state(origin.departmentId, businessDayStart(this.#now()));
      const event = await build(state.queue);
      return { event, result: await store(origin, event) };
    });
  }

  /**
   * Another process stored events: fold what is new in the log (in the ingest queue's turn, so
   * they interleave with ours in log order). Calls while one waits for its turn share it.
   */
  catchUp(): Promise<void> {
    this.#catchingUp ??= this.#groups
      .turn(() => {
        this.#catchingUp = undefined;
        return this.#log.catchUp(this.#now());
      })
      .catch((error: unknown) => this.#logger.error({ err: error }, 'queue events not caught up'));
    return this.#catchingUp;
  }

  /** Folds one stored event into its department's state. */
  #fold({ event, correctedAt }: StoredQueueEvent, own: boolean, now: number): void {
    const at = this.#days.apply(event, correctedAt, now);
    if (at === undefined) return;
    // An event from before the sampled history (an outbox, a backfill): replay it into the charts.
    if (at < now - 60_000) this.#history.eventBeforeSamples(event.departmentId);
    this.emit('accepted', event, at, own);
  }

  /** The latest metrics (recomputed at most a second ago). */
  metrics(departmentId: string): MetricsResult | undefined {
    return this.#latest.get(departmentId);
  }

  counterQueue(counterId: string): CounterQueue {
    const counter = this.#directory.counter(counterId);
    const result = counter && this.#latest.get(counter.departmentId);
    return result?.counters.get(counterId) ?? EMPTY_COUNTER_QUEUE;
  }

  departmentMetrics(departmentId: string): DepartmentMetrics | undefined {
    return this.#latest.get(departmentId)?.department;
  }

  /** Today's state of a department, for the device pages and alert rules. */
  state(departmentId: string): DepartmentQueue | undefined {
    this.#days.ensureDay(departmentId, this.#now());
    return this.#days.get(departmentId)?.queue;
  }

  /** A ticket of today, left open last night, or of yesterday (a late rating, a review). */
  ticket(departmentId: string, ticketId: string): TicketRecord | undefined {
    const state = this.#days.get(departmentId);
    return (
      state?.queue.tickets.get(ticketId) ??
      state?.queue.leftOpen.get(ticketId) ??
      state?.previous?.tickets.get(ticketId)
    );
  }

  /**
   * The citizen at the counter's desk now, or the one who left it within the
   * last ten minutes (still in mind, so still flaggable from the live view).
   */
  activeTicket(departmentId: string, counterId: string): TicketRecord | undefined {
    const queue = this.state(departmentId);
    const serving = this.counterQueue(counterId).servingTicket;
    if (serving) return queue?.tickets.get(serving.ticketId);
    let last: TicketRecord | undefined;
    for (const t of queue?.tickets.values() ?? []) {
      if (
        t.counterId === counterId &&
        t.finishedAt !== null &&
        (!last || t.finishedAt > (last.finishedAt ?? 0))
      )
        last = t;
    }
    return last && this.#now() - (last.finishedAt ?? 0) < RECENT_CITIZEN_MS ? last : undefined;
  }

  /** Recomputes now (device pages need their answer to include their own event). */
  refresh(departmentId: string): MetricsResult | undefined {
    this.#compute(departmentId, this.#now());
    return this.#latest.get(departmentId);
  }

  nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    return this.#storage.nextSourceSeq(departmentId, sourceId);
  }

  /** Recomputes every department: waits grow with time even when nothing happens. */
  tick(): void {
    if (this.#closed) return;
    const now = this.#now();
    for (const d of this.#directory.departments()) {
      this.#days.ensureDay(d.id, now);
      this.#compute(d.id, now);
    }
    this.#dirty.clear();
  }

  /** Points at ≤10 s resolution, served per hour by counter, and daily aggregates. */
  history(departmentId: string, from?: number, to?: number): Promise<MetricsHistoryView> {
    return this.#history.read(departmentId, from, to);
  }

  #countersOf(departmentId: string): Counter[] {
    return this.#directory.counters().filter((c) => c.departmentId === departmentId);
  }

  #markDirty(departmentId: string): void {
    this.#dirty.add(departmentId);
    this.#debounceTimer ??= setTimeout(() => {
      this.#debounceTimer = undefined;
      const now = this.#now();
      for (const id of [...this.#dirty]) this.#compute(id, now);
      this.#dirty.clear();
    }, this.#debounceMs);
  }

  #compute(departmentId: string, now: number): void {
    this.#days.ensureDay(departmentId, now);
    const state = this.#days.get(departmentId) ?? this.#days.state(departmentId, businessDayStart(now));
    const result = computeMetrics({
      queue: state.queue,
      counters: this.#countersOf(departmentId),
      thresholds: this.#thresholds(departmentId),
      now,
    });
    this.#latest.set(departmentId, result);
    this.emit('computed', departmentId, result, this.#news.news(departmentId, result));
  }
}

export const EMPTY_COUNTER_QUEUE: CounterQueue = {
  state: 'closed',
  stateSince: null,
  pauseReason: null,
  servingTicket: null,
  queueLength: 0,
  longestWaitSeconds: null,
  oldestWaitingSince: null,
  expectedWait: { kind: 'unknown' },
  meanWaitSeconds: null,
  p90WaitSeconds: null,
  meanServiceSeconds: null,
  p90ServiceSeconds: null,
  servedLastHour: 0,
  servedToday: 0,
  noShowRate: null,
  satisfaction: null,
  ratedToday: 0,
  pressure: 0,
};
