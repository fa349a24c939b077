import { businessDayLabel, localHour } from '../queue/businessDay.js';
import { DepartmentQueue } from '../queue/DepartmentQueue.js';
import type { StoredQueueEvent } from '../storage/Storage.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What one business day of one department says, hour by local clock hour (0–23). */
export interface DayHistory {
  day: string;
  /** Tickets issued per service and hour. */
  arrivals: Map<string, number[]>;
  /** Counter-hours on duty (opened or paused) and paused, per hour: 2.5 = two and a half counters. */
  onDuty: number[];
  paused: number[];
  /** Call → end (finished or no-show) per service, seconds. */
  handleSeconds: Map<string, number[]>;
}

export const hours24 = (): number[] => Array.from({ length: 24 }, () => 0);

/** Adds `ms` of [from, to) into the hour buckets of the local clock. */
function spread(into: number[], from: number, to: number): void {
  for (let t = from; t < to;) {
    const hour = Number(localHour(t));
    const next = Math.min(to, Math.floor(t / HOUR) * HOUR + HOUR);
    into[hour] = (into[hour] ?? 0) + (next - t) / HOUR;
    t = next;
  }
}

/**
 * Folds a department's stored events into business days, with the live
 * queue's own state machine for the tickets (as the reports do), and the
 * counters' status events for who was on duty when.
 */
export function foldHistory(
  events: readonly StoredQueueEvent[],
  departmentId: string,
  from: number,
  to: number,
): DayHistory[] {
  const byDay = new Map<number, StoredQueueEvent[]>();
  for (const e of events) {
    if (e.correctedAt < from || e.correctedAt >= to) continue;
    const index = Math.floor((e.correctedAt - from) / DAY);
    const list = byDay.get(index) ?? [];
    list.push(e);
    byDay.set(index, list);
  }
  const days: DayHistory[] = [];
  for (let start = from, index = 0; start < to; start += DAY, index += 1) {
    const list = (byDay.get(index) ?? [])
      .slice()
      .sort((a, b) => a.correctedAt - b.correctedAt || a.seq - b.seq);
    const queue = new DepartmentQueue(departmentId, start);
    const h: DayHistory = {
      day: businessDayLabel(start),
      arrivals: new Map(),
      onDuty: hours24(),
      paused: hours24(),
      handleSeconds: new Map(),
    };
    const status = new Map<string, { state: 'opened' | 'paused'; since: number }>();
    const leave = (counterId: string, at: number) => {
      const s = status.get(counterId);
      if (!s) return;
      spread(h.onDuty, s.since, at);
      if (s.state === 'paused') spread(h.paused, s.since, at);
      status.delete(counterId);
    };
    let last = start;
    for (const { event, correctedAt: at } of list) {
      queue.apply(event, at);
      last = Math.max(last, at);
      if (event.type === 'counter.opened' || event.type === 'counter.paused') {
        leave(event.counterId, at);
        status.set(event.counterId, {
          state: event.type === 'counter.opened' ? 'opened' : 'paused',
          since: at,
        });
      } else if (event.type === 'counter.closed') {
        leave(event.counterId, at);
      }
    }
    // A counter nobody closed is counted until the day's last event, not until 04:00.
    for (const id of [...status.keys()]) leave(id, last);
    for (const t of queue.tickets.values()) {
      if (t.issuedAt === null || t.issuedAt < start || t.issuedAt >= start + DAY) continue;
      const code = t.serviceCode ?? 'unknown';
      const row = h.arrivals.get(code) ?? hours24();
      const hour = Number(localHour(t.issuedAt));
      row[hour] = (row[hour] ?? 0) + 1;
      h.arrivals.set(code, row);
      const end = t.finishedAt ?? t.noShowAt;
      if (t.calledAt !== null && end !== null && end > t.calledAt) {
        const list2 = h.handleSeconds.get(code) ?? [];
        list2.push((end - t.calledAt) / 1000);
        h.handleSeconds.set(code, list2);
      }
    }
    days.push(h);
  }
  return days;
}

/** Arrivals of the day, all services, per hour. */
export function dayTotals(h: DayHistory): number[] {
  const out = hours24();
  for (const row of h.arrivals.values()) row.forEach((n, i) => (out[i] = (out[i] ?? 0) + n));
  return out;
}
