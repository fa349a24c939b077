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
import { businessDayLabel, businessDayStart } from './businessDay.js';
import { DepartmentQueue, isOpen, ticketStatus, type TicketRecord } from './DepartmentQueue.js';
import { computeMetrics, type MetricsResult } from './metrics.js';
import { aggregateFromMetrics, MetricsHistory } from './MetricsHistory.js';
import { LogCursor } from './LogCursor.js';
import { NewsFilter } from './newsFilter.js';
import { eventResult, summarise } from './outcomes.js';
import { SourceClocks } from './SourceClocks.js';
import { checkAgentTicketScope, checkEvent, type Checked, type EventOrigin } from './validation.js';

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

/** Events that put a ticket at a counter. */
const CALLS = new Set<QueueEvent['type']>([
  'ticket.called',
  'ticket.recalled',
  'service.started',
  'service.finished',
]);
const DAY_MS = 24 * 3_600_000;
/** Events arriving this long after midnight-of-business-day still count for the new day's rebuild window. */
const REBUILD_MARGIN_MS = 10 * 60_000;

interface DepartmentState {
  queue: DepartmentQueue;
  /** The day before: late events of it land here (and still reach reviews and alerts). */
  previous: DepartmentQueue | null;
  clocks: SourceClocks;
}

/** Days folded at start: the day before yesterday's left-open tickets can still come back yesterday. */
const REBUILD_DAYS = 3;
/** At most this many events in one group commit: one transaction stays short. */
const MAX_GROUP_EVENTS = 5_000;

/** A batch as it arrived: each event checked on its own (schema, directory, time). */
interface Arrived {
  origin: EventOrigin;
  checked: Checked[];
  receivedAt: number;
  /** The sender's clock against ours, when it said. */
  senderOffset: number | undefined;
}

/** A batch waiting for its group's turn. */
interface PendingBatch extends Arrived {
  resolve: (result: EventBatchResult) => void;
  reject: (error: unknown) => void;
}

interface Candidate {
  /** Where the event sits in its batch. */
  index: number;
  event: QueueEvent;
  correctedAt: number;
}

interface CheckedBatch {
  batch: PendingBatch;
  results: EventResult[];
  candidates: Candidate[];
}

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
  readonly #states = new Map<string, DepartmentState>();
  readonly #latest = new Map<string, MetricsResult>();
  /** What consoles were last told, to patch only what changed. */
  readonly #news = new NewsFilter();
  readonly #dirty = new Set<string>();
  readonly #history: MetricsHistory;
  #debounceTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #ingestQueue: Promise<unknown> = Promise.resolve();
  /** Batches waiting for the next turn, to be stored together. */
  #openGroup: { batches: PendingBatch[]; events: number } | undefined;
  /** Where this process is in the shared event log; set once the state is rebuilt. */
  readonly #log: LogCursor;
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
    for (const d of options.directory.departments()) await service.#rebuild(d.id, now);
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
    // Checked on arrival, outside the queue's turn: the schema and the directory need no state.
    const arrived = this.#arrive(origin, raw, sentAt);
    return new Promise((resolve, reject) => {
      let group = this.#openGroup;
      if (!group || group.events + raw.length > MAX_GROUP_EVENTS) {
        const opened: PendingBatch[] = [];
        group = this.#openGroup = { batches: opened, events: 0 };
        // Its turn closes it: later batches open the next group.
        void this.#enqueue(() => {
          if (this.#openGroup?.batches === opened) this.#openGroup = undefined;
          return this.#ingestGroup(opened);
        });
      }
      group.batches.push({ ...arrived, resolve, reject });
      group.events += raw.length;
    });
  }

  /** A batch as it arrives: the time, the sender's clock offset, each event checked on its own. */
  #arrive(origin: EventOrigin, raw: unknown[], sentAt: number | undefined): Arrived {
    const receivedAt = this.#now();
    // The sender told us its clock: every event of the batch is off by the same amount.
    const senderOffset = sentAt === undefined ? undefined : receivedAt - sentAt;
    const counterOf = (id: string): Counter | undefined => this.#directory.counter(id);
    const checked = raw.map((item, index) =>
      checkEvent(item, index, origin, receivedAt, counterOf, senderOffset),
    );
    return { origin, checked, receivedAt, senderOffset };
  }

  /** Once the batches handed in so far are stored and folded (shutdown waits for it). */
  async settled(): Promise<void> {
    await this.#ingestQueue;
  }

  /** Runs `work` in the ingest queue's next turn (the queue goes on whether it succeeds or not). */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#ingestQueue.then(work);
    this.#ingestQueue = run.catch(() => undefined);
    return run;
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
    this.#openGroup = undefined;
    return this.#enqueue(async () => {
      this.#ensureDay(origin.departmentId, this.#now());
      const state = this.#state(origin.departmentId, businessDayStart(this.#now()));
      const event = await build(state.queue);
      const arrived = this.#arrive(origin, [event], undefined);
      const done = new Promise<EventBatchResult>(
        (resolve, reject) => void this.#ingestGroup([{ ...arrived, resolve, reject }]),
      );
      const result = (await done).results[0];
      if (!result) throw new Error('an ingested event has no result');
      return { event, result };
    });
  }

  /**
   * Checks every batch of a group in arrival order (as if they were one:
   * a ticket called by an earlier batch is in scope for a later one), stores
   * all their accepted events in one transaction, folds them, and answers
   * each batch. A storage failure fails every batch of the group, none half.
   */
  async #ingestGroup(group: readonly PendingBatch[]): Promise<void> {
    try {
      await this.#storeGroup(group);
    } catch (error) {
      // Settled batches stay as they were answered.
      for (const batch of group) batch.reject(error);
    }
  }

  async #storeGroup(group: readonly PendingBatch[]): Promise<void> {
    const now = this.#now();
    const calledInGroup = new Map<string, string>();
    const checked = group.map((batch) => ({ batch, ...this.#check(batch, calledInGroup) }));
    const stored = await this.#storage.insertQueueEvents(
      checked.flatMap(({ batch, candidates: own }) =>
        own.map((c) => ({ event: c.event, receivedAt: batch.receivedAt, correctedAt: c.correctedAt })),
      ),
    );
    /** The group's stored events, in log order: folded from here, not read back. */
    const inserted: StoredQueueEvent[] = [];
    let at = 0;
    for (const { batch, results, candidates: own } of checked) {
      const { receivedAt } = batch;
      for (const { index, event, correctedAt } of own) {
        const outcome = stored[at++];
        if (!outcome) throw new Error('the store answered fewer events than it was given');
        results[index] = eventResult(event, outcome);
        if (outcome.status !== 'inserted') continue;
        this.#log.stored(outcome.seq);
        inserted.push({ seq: outcome.seq, event, receivedAt, correctedAt });
      }
    }
    try {
      await this.#log.foldStored(inserted, now);
    } catch (error) {
      // Stored, so accepted: the next catch-up folds what this one could not read.
      this.#logger.error({ err: error }, 'stored queue events not folded yet');
    }
    for (const { batch, results } of checked) {
      const summary = summarise(results);
      if (summary.rejected > 0) {
        this.#logger.info(
          {
            origin: batch.origin.departmentId,
            rejected: summary.rejected,
            first: results.find((r) => r.status === 'rejected'),
          },
          'queue events rejected',
        );
      }
      this.emit('batch', batch.origin, summary);
      batch.resolve(summary);
    }
  }

  /** One batch's events checked against today's state: the rejected answered, the rest to store. */
  #check(
    { origin, checked, receivedAt, senderOffset }: Arrived,
    calledInGroup: Map<string, string>,
  ): Omit<CheckedBatch, 'batch'> {
    const results: EventResult[] = new Array<EventResult>(checked.length);
    const candidates: Candidate[] = [];
    for (const [index, item] of checked.entries()) {
      if (!item.ok) {
        results[index] = { id: item.id, status: 'rejected', reason: item.reason };
        continue;
      }
      const { event } = item;
      const outOfScope = checkAgentTicketScope(
        event,
        origin,
        (ticketId) =>
          calledInGroup.get(ticketId) ?? this.state(event.departmentId)?.tickets.get(ticketId)?.counterId,
      );
      if (outOfScope) {
        results[index] = { id: event.id, status: 'rejected', reason: outOfScope };
        continue;
      }
      if ('counterId' in event && event.counterId && 'ticketId' in event && CALLS.has(event.type))
        calledInGroup.set(event.ticketId, event.counterId);
      const clocks = this.#state(event.departmentId, businessDayStart(receivedAt)).clocks;
      const correctedAt = clocks.observe(event.source.id, event.occurredAt, receivedAt, senderOffset);
      candidates.push({ index, event, correctedAt });
    }
    return { results, candidates };
  }

  /**
   * Another process stored events: fold what is new in the log (in the ingest queue's turn, so
   * they interleave with ours in log order). Calls while one waits for its turn share it.
   */
  catchUp(): Promise<void> {
    this.#catchingUp ??= this.#enqueue(() => {
      this.#catchingUp = undefined;
      return this.#log.catchUp(this.#now());
    }).catch((error: unknown) => this.#logger.error({ err: error }, 'queue events not caught up'));
    return this.#catchingUp;
  }

  /** Folds one stored event into its department's state. */
  #fold({ event, correctedAt }: StoredQueueEvent, own: boolean, now: number): void {
    const at = this.#apply(event, correctedAt, now);
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
    this.#ensureDay(departmentId, this.#now());
    return this.#states.get(departmentId)?.queue;
  }

  /** A ticket of today, left open last night, or of yesterday (a late rating, a review). */
  ticket(departmentId: string, ticketId: string): TicketRecord | undefined {
    const state = this.#states.get(departmentId);
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
      this.#ensureDay(d.id, now);
      this.#compute(d.id, now);
    }
    this.#dirty.clear();
  }

  /** Points at ≤10 s resolution, served per hour by counter, and daily aggregates. */
  history(departmentId: string, from?: number, to?: number): Promise<MetricsHistoryView> {
    return this.#history.read(departmentId, from, to);
  }

  /**
   * Folds an accepted event into the day it belongs to: today's, or
   * yesterday's for a late one (which also reaches a ticket left open last
   * night). Returns its time if it was applied; older events are stored only.
   */
  #apply(event: QueueEvent, at: number, now: number): number | undefined {
    this.#ensureDay(event.departmentId, now);
    const state = this.#state(event.departmentId, businessDayStart(now));
    if (at >= state.queue.dayStart) {
      state.queue.apply(event, at);
      return at;
    }
    const previous = state.previous;
    if (!previous || at < previous.dayStart) return undefined;
    previous.apply(event, at);
    state.queue.applyLate(event, at, 'ticketId' in event ? previous.tickets.get(event.ticketId) : undefined);
    // Yesterday's summary was written when the day ended: write it again with this event in it.
    this.#saveAggregate(event.departmentId, previous, state.queue.dayStart);
    return at;
  }

  #state(departmentId: string, dayStart: number): DepartmentState {
    let state = this.#states.get(departmentId);
    if (!state) {
      state = {
        queue: new DepartmentQueue(departmentId, dayStart),
        previous: null,
        clocks: new SourceClocks(),
      };
      this.#states.set(departmentId, state);
    }
    return state;
  }

  /**
   * A new business day at 04:00: the day that ended is summed up, and the
   * new one starts with an empty queue and closed counters; tickets still
   * open are left open with the old day (see DepartmentQueue.leftOpen).
   */
  #ensureDay(departmentId: string, now: number): void {
    const dayStart = businessDayStart(now);
    const state = this.#states.get(departmentId);
    if (state && state.queue.dayStart >= dayStart) return;
    if (state) {
      this.#saveAggregate(departmentId, state.queue, dayStart);
      this.#states.set(departmentId, {
        queue: state.queue.nextDay(dayStart),
        previous: state.queue,
        clocks: state.clocks,
      });
      this.#logger.info(
        { departmentId, leftOpen: this.#states.get(departmentId)?.queue.leftOpen.size ?? 0 },
        'business day ended',
      );
    } else {
      this.#state(departmentId, dayStart);
    }
  }

  /** The summary of a day that ended at `endedAt`. */
  #saveAggregate(departmentId: string, day: DepartmentQueue, endedAt: number): void {
    const finished = computeMetrics({
      queue: day,
      counters: this.#countersOf(departmentId),
      thresholds: this.#thresholds(departmentId),
      now: endedAt,
    });
    const leftOpen = [...day.tickets.values()].filter((t) => isOpen(ticketStatus(t))).length;
    const aggregate = aggregateFromMetrics(businessDayLabel(day.dayStart), finished.department, leftOpen);
    this.#storage.saveDailyAggregate(departmentId, aggregate).catch((error: unknown) => {
      this.#logger.error({ err: error, departmentId }, 'daily aggregate not stored');
    });
  }

  /**
   * Today's state from the stored events, as the live service would have
   * built it: the last few days folded one after another, each turning into
   * the next at 04:00. Yesterday is summed up if it was not (the server was
   * not running when it ended).
   */
  async #rebuild(departmentId: string, now: number): Promise<void> {
    const today = businessDayStart(now);
    const first = today - (REBUILD_DAYS - 1) * DAY_MS;
    const events = await this.#storage.listQueueEvents(departmentId, first - REBUILD_MARGIN_MS);
    let queue = new DepartmentQueue(departmentId, first);
    let previous: DepartmentQueue | null = null;
    for (let start = first; start <= today; start += DAY_MS) {
      if (start > first) {
        previous = queue;
        queue = queue.nextDay(start);
      }
      for (const { seq, event, correctedAt } of events) {
        if (seq > this.#log.head) continue;
        if (correctedAt >= start && correctedAt < start + DAY_MS) queue.apply(event, correctedAt);
      }
    }
    this.#states.set(departmentId, { queue, previous, clocks: new SourceClocks() });
    this.#log.rebuilt(departmentId);
    if (events.length > 0)
      this.#logger.info({ departmentId, events: events.length }, 'queue state rebuilt from stored events');
    if (previous && previous.tickets.size > 0) {
      const label = businessDayLabel(previous.dayStart);
      if ((await this.#storage.listDailyAggregates(departmentId, label, label)).length === 0)
        this.#saveAggregate(departmentId, previous, today);
    }
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
    this.#ensureDay(departmentId, now);
    const state = this.#states.get(departmentId) ?? this.#state(departmentId, businessDayStart(now));
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
