import type {
  AlertThresholds,
  Clock,
  Counter,
  DepartmentMetrics,
  HistoryPoint,
  MetricsHistory as MetricsHistoryView,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DailyAggregate, Storage } from '../storage/Storage.js';
import { businessDayLabel, businessDayStart, localHour } from './businessDay.js';
import { DepartmentQueue, ticketStatus } from './DepartmentQueue.js';
import { computeMetrics, type MetricsResult } from './metrics.js';

const HISTORY_KEEP_MS = 3 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;
const SAMPLE_MS = 10_000;

/** What the history asks of the queue service that owns it. */
export interface MetricsHistoryHost {
  departments(): string[];
  counters(departmentId: string): Counter[];
  thresholds(departmentId: string): AlertThresholds;
  /** The latest metrics of every department. */
  latest(): ReadonlyMap<string, MetricsResult>;
  /** Today's queue of a department. */
  today(departmentId: string): DepartmentQueue | undefined;
}

export interface MetricsHistoryOptions {
  storage: Storage;
  host: MetricsHistoryHost;
  logger: Logger;
  now: Clock;
  /** Events are read from this long before the day's start (late-corrected clocks). */
  marginMs: number;
}

/**
 * A department's metrics over time: a point every 10 s, sampled live by the
 * writer process, filled in from the day's events for a stretch no process
 * sampled, and read back with served-per-hour counts and daily aggregates.
 */
export class MetricsHistory {
  readonly #storage: Storage;
  readonly #host: MetricsHistoryHost;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #marginMs: number;
  /** Departments whose history needs no replay (no late events since the last one). */
  readonly #complete = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: MetricsHistoryOptions) {
    this.#storage = options.storage;
    this.#host = options.host;
    this.#logger = options.logger.child({ module: 'metrics-history' });
    this.#now = options.now;
    this.#marginMs = options.marginMs;
  }

  /** Samples every 10 s, and fills in today's history for any stretch no process sampled. */
  start(): void {
    this.#timer = setInterval(() => void this.sample(), SAMPLE_MS);
    void this.#backfillAll();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  /** An event from before the sampled history (an outbox, a backfill): the next read replays the day. */
  eventBeforeSamples(departmentId: string): void {
    this.#complete.delete(departmentId);
  }

  async sample(): Promise<void> {
    // Of several processes on one database, the writer samples (they all hold the same state).
    if (this.#closed || !this.#storage.changes.leads()) return;
    const now = this.#now();
    const rows: { departmentId: string; point: HistoryPoint }[] = [];
    for (const [departmentId, result] of this.#host.latest())
      rows.push({ departmentId, point: historyPoint(result, now) });
    try {
      await this.#storage.insertHistoryPoints(rows);
      if (Math.floor(now / SAMPLE_MS) % 360 === 0)
        await this.#storage.deleteHistoryBefore(now - HISTORY_KEEP_MS);
    } catch (error) {
      this.#logger.error({ err: error }, 'history sample not stored');
    }
  }

  /** Points at ≤10 s resolution, served per hour by counter, and daily aggregates. */
  async read(departmentId: string, from?: number, to?: number): Promise<MetricsHistoryView> {
    const now = this.#now();
    const start = from ?? businessDayStart(now);
    const end = to ?? now;
    if (!this.#complete.has(departmentId)) await this.#backfill(departmentId);
    const points = await this.#storage.listHistory(departmentId, start, end);
    const servedByHour: Record<string, Record<string, number>> = {};
    const queue = this.#host.today(departmentId);
    if (queue) {
      for (const t of queue.tickets.values()) {
        if (ticketStatus(t) !== 'finished' || t.finishedAt === null || t.counterId === null) continue;
        if (t.finishedAt < start || t.finishedAt > end) continue;
        const byHour = (servedByHour[t.counterId] ??= {});
        const hour = localHour(t.finishedAt);
        byHour[hour] = (byHour[hour] ?? 0) + 1;
      }
    }
    const daily = await this.#storage.listDailyAggregates(
      departmentId,
      businessDayLabel(now - 30 * DAY_MS),
      businessDayLabel(now - DAY_MS),
    );
    const today = this.#host.latest().get(departmentId)?.department;
    // Today so far: nothing is left open before it ends.
    if (today) daily.push(aggregateFromMetrics(businessDayLabel(now), today, 0));
    return { departmentId, from: start, to: end, points, servedByHour, daily };
  }

  async #backfillAll(): Promise<void> {
    for (const id of this.#host.departments()) {
      if (this.#closed) return;
      await this.#backfill(id);
      // Let the event loop breathe between departments: this runs beside live traffic.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Replays today's events to rebuild the 10 s points missing before the first sampled one. */
  async #backfill(departmentId: string): Promise<void> {
    this.#complete.add(departmentId);
    const now = this.#now();
    const dayStart = businessDayStart(now);
    try {
      const stored = await this.#storage.listHistory(departmentId, dayStart, now);
      const until = stored[0]?.at ?? now;
      const events = await this.#storage.listQueueEvents(departmentId, dayStart - this.#marginMs);
      const timed = events
        .filter((e) => e.correctedAt >= dayStart && e.correctedAt < until)
        .map((e) => ({ event: e.event, at: e.correctedAt }));
      const first = timed.sort((a, b) => a.at - b.at)[0];
      if (!first) return;
      const queue = new DepartmentQueue(departmentId, dayStart);
      const counters = this.#host.counters(departmentId);
      const thresholds = this.#host.thresholds(departmentId);
      const rows: { departmentId: string; point: HistoryPoint }[] = [];
      let next = 0;
      for (let t = Math.ceil(first.at / SAMPLE_MS) * SAMPLE_MS; t < until - SAMPLE_MS / 2; t += SAMPLE_MS) {
        for (let item = timed[next]; item && item.at <= t; item = timed[++next])
          queue.apply(item.event, item.at);
        rows.push({
          departmentId,
          point: historyPoint(computeMetrics({ queue, counters, thresholds, now: t }), t),
        });
      }
      await this.#storage.insertHistoryPoints(rows);
      this.#logger.info({ departmentId, points: rows.length }, 'history filled in from events');
    } catch (error) {
      this.#logger.error({ err: error, departmentId }, 'history backfill failed');
    }
  }
}

function historyPoint(result: MetricsResult, at: number): HistoryPoint {
  const m = result.department;
  return {
    at,
    queueLength: m.queueLength,
    longestWaitSeconds: m.longestWaitSeconds,
    meanWaitSeconds: m.meanWaitSeconds,
    openCounters: m.openCounters,
    servedToday: m.servedToday,
    satisfaction: m.satisfaction,
    counters: Object.fromEntries([...result.counters].map(([id, q]) => [id, { queueLength: q.queueLength }])),
  };
}

/** A day's summary from its metrics at its end. */
export function aggregateFromMetrics(day: string, m: DepartmentMetrics, leftOpen: number): DailyAggregate {
  return {
    day,
    issued: m.issuedToday,
    served: m.servedToday,
    meanWaitSeconds: m.meanWaitSeconds,
    satisfaction: m.satisfaction,
    noShowRate: m.noShowRate,
    leftOpen,
  };
}
