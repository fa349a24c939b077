import type { AlertThresholds, Counter, QueueEvent } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/Storage.js';
import { businessDayLabel, businessDayStart } from './businessDay.js';
import { DepartmentQueue, isOpen, ticketStatus } from './DepartmentQueue.js';
import { computeMetrics } from './metrics.js';
import { aggregateFromMetrics } from './MetricsHistory.js';
import { SourceClocks } from './SourceClocks.js';

const DAY_MS = 24 * 3_600_000;
/** Events arriving this long after midnight-of-business-day still count for the new day's rebuild window. */
export const REBUILD_MARGIN_MS = 10 * 60_000;
/** Days folded at start: the day before yesterday's left-open tickets can still come back yesterday. */
const REBUILD_DAYS = 3;

export interface DepartmentState {
  queue: DepartmentQueue;
  /** The day before: late events of it land here (and still reach reviews and alerts). */
  previous: DepartmentQueue | null;
  clocks: SourceClocks;
}

/** What the business days ask of the queue service that owns them. */
export interface BusinessDaysHost {
  counters(departmentId: string): Counter[];
  thresholds(departmentId: string): AlertThresholds;
}

export interface BusinessDaysOptions {
  storage: Pick<Storage, 'listQueueEvents' | 'saveDailyAggregate' | 'listDailyAggregates'>;
  logger: Logger;
  host: BusinessDaysHost;
}

/**
 * Each department's queue for the business day (04:00 to 04:00, Vietnam
 * time) and the day before: where events are folded, where a day turns into
 * the next and is summed up, and how both are rebuilt from the stored log.
 */
export class BusinessDays {
  readonly #storage: BusinessDaysOptions['storage'];
  readonly #logger: Logger;
  readonly #host: BusinessDaysHost;
  readonly #states = new Map<string, DepartmentState>();

  constructor(options: BusinessDaysOptions) {
    this.#storage = options.storage;
    this.#logger = options.logger;
    this.#host = options.host;
  }

  /** A department's days as they stand, without turning the day. */
  get(departmentId: string): DepartmentState | undefined {
    return this.#states.get(departmentId);
  }

  /**
   * Folds an accepted event into the day it belongs to: today's, or
   * yesterday's for a late one (which also reaches a ticket left open last
   * night). Returns its time if it was applied; older events are stored only.
   */
  apply(event: QueueEvent, at: number, now: number): number | undefined {
    this.ensureDay(event.departmentId, now);
    const state = this.state(event.departmentId, businessDayStart(now));
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

  /** A department's days, started at `dayStart` if it has none yet. */
  state(departmentId: string, dayStart: number): DepartmentState {
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
  ensureDay(departmentId: string, now: number): void {
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
      this.state(departmentId, dayStart);
    }
  }

  /** The summary of a day that ended at `endedAt`. */
  #saveAggregate(departmentId: string, day: DepartmentQueue, endedAt: number): void {
    const finished = computeMetrics({
      queue: day,
      counters: this.#host.counters(departmentId),
      thresholds: this.#host.thresholds(departmentId),
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
  async rebuild(departmentId: string, now: number, head: number): Promise<void> {
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
        if (seq > head) continue;
        if (correctedAt >= start && correctedAt < start + DAY_MS) queue.apply(event, correctedAt);
      }
    }
    this.#states.set(departmentId, { queue, previous, clocks: new SourceClocks() });
    if (events.length > 0)
      this.#logger.info({ departmentId, events: events.length }, 'queue state rebuilt from stored events');
    if (previous && previous.tickets.size > 0) {
      const label = businessDayLabel(previous.dayStart);
      if ((await this.#storage.listDailyAggregates(departmentId, label, label)).length === 0)
        this.#saveAggregate(departmentId, previous, today);
    }
  }
}
