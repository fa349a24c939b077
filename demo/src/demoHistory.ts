import { businessDayLabel, type Clock, type QueueEvent } from '@counterwatch/shared';
import type { SinkResult } from './simulator/SimulationRunner.js';
import { DepartmentDay, type SimCounter } from './simulator/index.js';

const DAY = 86_400_000;
/** The event log takes events up to a week old: the history is the six days before today. */
export const MAX_HISTORY_DAYS = 6;
/** Past days' seeds live apart from the live day's (seeds count days since 1970). */
const HISTORY_SEED_BASE = 9_000_000;

/**
 * The demo's past few days, so the reports and the staffing advisor have a
 * history to show: each day (Sundays closed) simulated whole from 07:30 and
 * posted like the live day. Re-posting on a restart is harmless (the same
 * ids; the server keeps the first copy).
 */
export async function postDemoHistory(options: {
  days: number;
  departments: { id: string; counters: SimCounter[]; dailyCitizens: number }[];
  now: Clock;
  sink: (departmentId: string, events: QueueEvent[]) => Promise<SinkResult>;
}): Promise<{ events: number; rejected: number }> {
  let events = 0;
  let rejected = 0;
  for (let back = Math.min(options.days, MAX_HISTORY_DAYS); back >= 1; back--) {
    const day = businessDayLabel(options.now() - back * DAY);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    if (weekday === 0) continue;
    const opensAt = Date.parse(`${day}T07:30:00+07:00`);
    for (const d of options.departments) {
      const sim = new DepartmentDay({
        departmentId: d.id,
        counters: d.counters,
        seed: HISTORY_SEED_BASE + Math.floor(opensAt / DAY),
        // Mondays and Saturdays are busier at a ward station.
        dailyCitizens: Math.round(d.dailyCitizens * (weekday === 1 || weekday === 6 ? 1.15 : 1)),
        stamp: (ms) => opensAt + ms,
      });
      // Each simulated day numbers its sources from 1: a source per day keeps (source, seq) unique.
      const batch = sim
        .runToEnd()
        .map((e) => ({ ...e, source: { ...e.source, id: `${e.source.id}:${day}` } }));
      for (let i = 0; i < batch.length; i += 500) {
        const result = await options.sink(d.id, batch.slice(i, i + 500));
        events += Math.min(500, batch.length - i);
        rejected += result.rejected.length;
      }
    }
  }
  return { events, rejected };
}
