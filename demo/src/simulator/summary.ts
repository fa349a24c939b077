import type { QueueEvent, Rating, ServiceOutcome } from '@counterwatch/shared';
import { DEFAULT_OPENING_CLOCK_MINUTES } from './profile.js';

/** Where a simulated day sits on the clock, to turn occurredAt back into local clock time. */
export interface DayClock {
  /** Epoch ms stamped on events at simulated time 0 (opening). */
  openedAt: number;
  /** Simulated time per wall time (the runner's `speed`). Default 1. */
  speed?: number;
  /** Opening time as minutes since midnight. Default 07:30. */
  openingClockMinutes?: number;
}

export interface DaySummary {
  arrivals: number;
  cancelled: number;
  called: number;
  recalls: number;
  noShows: number;
  served: number;
  outcomes: Record<ServiceOutcome, number>;
  ratings: Record<Rating, number>;
  comments: number;
  pauses: number;
  /** Tickets issued per local clock hour (7 = 07:00–08:00). */
  arrivalsByHour: Record<number, number>;
  busiestHour: number | undefined;
  /** Issue → first call, over called tickets, in simulated minutes. */
  meanWaitMinutes: number;
  p90WaitMinutes: number;
  maxWaitMinutes: number;
  /** Local clock minutes (since midnight) of the last counter.closed. */
  lastClosedClockMinutes: number | undefined;
}

/** Headline numbers of a simulated day, for tests, benchmarks and demo logs. */
export function summarizeDay(events: readonly QueueEvent[], clock: DayClock): DaySummary {
  const speed = clock.speed ?? 1;
  const opening = clock.openingClockMinutes ?? DEFAULT_OPENING_CLOCK_MINUTES;
  const clockMinutes = (at: number): number => opening + ((at - clock.openedAt) * speed) / 60_000;

  const s: DaySummary = {
    arrivals: 0,
    cancelled: 0,
    called: 0,
    recalls: 0,
    noShows: 0,
    served: 0,
    outcomes: { completed: 0, returned: 0, transferred: 0 },
    ratings: { satisfied: 0, neutral: 0, unsatisfied: 0 },
    comments: 0,
    pauses: 0,
    arrivalsByHour: {},
    busiestHour: undefined,
    meanWaitMinutes: 0,
    p90WaitMinutes: 0,
    maxWaitMinutes: 0,
    lastClosedClockMinutes: undefined,
  };
  const issuedAt = new Map<string, number>();
  const waits: number[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'ticket.issued': {
        s.arrivals++;
        issuedAt.set(e.ticketId, e.occurredAt);
        const hour = Math.floor(clockMinutes(e.occurredAt) / 60);
        s.arrivalsByHour[hour] = (s.arrivalsByHour[hour] ?? 0) + 1;
        break;
      }
      case 'ticket.called': {
        s.called++;
        const at = issuedAt.get(e.ticketId);
        if (at !== undefined) waits.push(((e.occurredAt - at) * speed) / 60_000);
        break;
      }
      case 'ticket.recalled':
        s.recalls++;
        break;
      case 'ticket.cancelled':
        s.cancelled++;
        break;
      case 'ticket.no_show':
        s.noShows++;
        break;
      case 'service.started':
        break;
      case 'service.finished':
        s.served++;
        s.outcomes[e.outcome]++;
        break;
      case 'rating.submitted':
        s.ratings[e.rating]++;
        if (e.comment !== undefined) s.comments++;
        break;
      case 'rating.commented':
        s.comments++;
        break;
      case 'counter.paused':
        s.pauses++;
        break;
      case 'counter.opened':
        break;
      case 'counter.closed':
        s.lastClosedClockMinutes = Math.max(s.lastClosedClockMinutes ?? 0, clockMinutes(e.occurredAt));
        break;
    }
  }
  let busiest = 0;
  for (const [hour, n] of Object.entries(s.arrivalsByHour)) {
    if (n > busiest) {
      busiest = n;
      s.busiestHour = Number(hour);
    }
  }
  if (waits.length > 0) {
    waits.sort((a, b) => a - b);
    s.meanWaitMinutes = waits.reduce((a, b) => a + b, 0) / waits.length;
    s.p90WaitMinutes = waits[Math.min(waits.length - 1, Math.floor(waits.length * 0.9))] ?? 0;
    s.maxWaitMinutes = waits[waits.length - 1] ?? 0;
  }
  return s;
}
