import {
  serviceInfo,
  type AlertThresholds,
  type Counter,
  type CounterQueue,
  type CounterQueueState,
  type DepartmentMetrics,
  type ExpectedWait,
  type ServiceMetrics,
  type ServingTicket,
} from '@counterwatch/shared';
import { ticketStatus, type DepartmentQueue, type TicketRecord } from './DepartmentQueue.js';
import { erlangCWait, newTicketWait } from './erlang.js';

/**
 * Metrics of one department at `now`, computed in one pass over its
 * tickets. Pure: the same state and time give the same numbers.
 */
const HOUR = 3_600_000;
/** Below this many finished services of a kind, its typical time stands in for the measured one. */
const MIN_SERVICE_SAMPLES = 3;

export interface MetricsInput {
  queue: DepartmentQueue;
  counters: Counter[];
  thresholds: AlertThresholds;
  now: number;
}

export interface MetricsResult {
  department: DepartmentMetrics;
  counters: Map<string, CounterQueue>;
}

interface CounterAccumulator {
  waitsLastHour: number[];
  serviceSecondsToday: number[];
  servedLastHour: number;
  servedToday: number;
  calledToday: number;
  noShowsToday: number;
  rated: number;
  satisfied: number;
  active: TicketRecord | undefined;
  lastDoneAt: number | null;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function p90(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)] ?? null;
}

const seconds = (ms: number): number => Math.max(0, ms / 1000);
const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);

export function computeMetrics({ queue, counters, thresholds, now }: MetricsInput): MetricsResult {
  const hourAgo = now - HOUR;
  const acc = new Map<string, CounterAccumulator>();
  for (const c of counters) {
    acc.set(c.id, {
      waitsLastHour: [],
      serviceSecondsToday: [],
      servedLastHour: 0,
      servedToday: 0,
      calledToday: 0,
      noShowsToday: 0,
      rated: 0,
      satisfied: 0,
      active: undefined,
      lastDoneAt: null,
    });
  }
  const waitingByService = new Map<string, number[]>(); // issue times of waiting tickets
  const issuedLastHourByService = new Map<string, number>();
  const serviceSecondsByService = new Map<string, number[]>();
  const deptWaitsLastHour: number[] = [];
  const deptServiceSeconds: number[] = [];
  let servedLastHour = 0;
  let servedToday = 0;
  let issuedToday = 0;
  let calledToday = 0;
  let noShowsToday = 0;
  const ratings = { satisfied: 0, neutral: 0, unsatisfied: 0 };
  let ratedLastHour = 0;
  let satisfiedLastHour = 0;

  for (const t of queue.tickets.values()) {
    const status = ticketStatus(t);
    if (t.issuedAt !== null) {
      // A ticket of last night that came back today was not issued today.
      if (t.issuedAt >= queue.dayStart) issuedToday += 1;
      if (t.issuedAt >= hourAgo && t.serviceCode) {
        issuedLastHourByService.set(t.serviceCode, (issuedLastHourByService.get(t.serviceCode) ?? 0) + 1);
      }
    }
    if (status === 'waiting' && t.serviceCode && t.issuedAt !== null) {
      const list = waitingByService.get(t.serviceCode) ?? [];
      list.push(t.issuedAt);
      waitingByService.set(t.serviceCode, list);
    }
    const c = t.counterId === null ? undefined : acc.get(t.counterId);
    if (t.calledAt !== null) {
      calledToday += 1;
      if (c) c.calledToday += 1;
      if (t.issuedAt !== null && t.calledAt >= hourAgo) {
        const wait = seconds(t.calledAt - t.issuedAt);
        deptWaitsLastHour.push(wait);
        c?.waitsLastHour.push(wait);
      }
    }
    if (status === 'no_show') {
      noShowsToday += 1;
      if (c) {
        c.noShowsToday += 1;
        c.lastDoneAt = Math.max(c.lastDoneAt ?? 0, t.noShowAt ?? 0);
      }
    }
    if (status === 'finished' && t.finishedAt !== null) {
      servedToday += 1;
      const inLastHour = t.finishedAt >= hourAgo;
      if (inLastHour) servedLastHour += 1;
      if (t.startedAt !== null) {
        const s = seconds(t.finishedAt - t.startedAt);
        deptServiceSeconds.push(s);
        if (t.serviceCode) {
          const list = serviceSecondsByService.get(t.serviceCode) ?? [];
          list.push(s);
          serviceSecondsByService.set(t.serviceCode, list);
        }
        c?.serviceSecondsToday.push(s);
      }
      if (c) {
        c.servedToday += 1;
        if (inLastHour) c.servedLastHour += 1;
        c.lastDoneAt = Math.max(c.lastDoneAt ?? 0, t.finishedAt);
      }
    }
    if ((status === 'called' || status === 'serving') && c) {
      // One citizen at a time; if the data says two, the most recently called is the one at the desk.
      if (!c.active || (t.lastCalledAt ?? 0) > (c.active.lastCalledAt ?? 0)) c.active = t;
    }
    if (t.rating !== null) {
      ratings[t.rating] += 1;
      if (c) {
        c.rated += 1;
        if (t.rating === 'satisfied') c.satisfied += 1;
      }
      if (t.ratedAt !== null && t.ratedAt >= hourAgo) {
        ratedLastHour += 1;
        if (t.rating === 'satisfied') satisfiedLastHour += 1;
      }
    }
  }

  // Counter states first: Erlang C needs the number of open counters per service.
  const states = new Map<
    string,
    { state: CounterQueueState; since: number | null; reason: CounterQueue['pauseReason'] }
  >();
  for (const counter of counters) {
    const a = acc.get(counter.id);
    const status = queue.counterStatus(counter.id);
    const active = a?.active;
    let state: CounterQueueState;
    let since: number | null;
    if (active) {
      state = active.startedAt !== null ? 'serving' : 'calling';
      since = active.startedAt ?? active.lastCalledAt;
    } else if (status?.type === 'counter.paused') {
      state = 'paused';
      since = status.at;
    } else if (status?.type === 'counter.closed') {
      state = 'closed';
      since = status.at;
    } else if (status?.type === 'counter.opened' || (a?.calledToday ?? 0) > 0) {
      // A counter that calls tickets is open even if its panel never said so.
      state = 'idle';
      since = Math.max(status?.at ?? 0, a?.lastDoneAt ?? 0) || null;
    } else {
      state = 'closed';
      since = null;
    }
    states.set(counter.id, { state, since, reason: state === 'paused' ? (status?.reason ?? null) : null });
  }

  const offered = new Set<string>([...counters.flatMap((c) => c.services), ...waitingByService.keys()]);
  const services: ServiceMetrics[] = [];
  const waitByService = new Map<string, ExpectedWait>();
  for (const code of [...offered].sort()) {
    const measured = serviceSecondsByService.get(code) ?? [];
    const meanService =
      measured.length >= MIN_SERVICE_SAMPLES
        ? (mean(measured) ?? 0)
        : (serviceInfo(code)?.typicalMinutes ?? 10) * 60;
    const arrivalsPerHour = issuedLastHourByService.get(code) ?? 0;
    let open = 0;
    let free = 0;
    for (const c of counters) {
      const s = states.get(c.id)?.state;
      if (!c.services.includes(code) || !(s === 'idle' || s === 'serving' || s === 'calling')) continue;
      open += 1;
      if (s === 'idle') free += 1;
    }
    const waiting = waitingByService.get(code)?.length ?? 0;
    const mu = 1 / Math.max(1, meanService);
    const erlangWait = erlangCWait(open, arrivalsPerHour / 3600, mu);
    const expectedWait = newTicketWait(erlangWait, { waiting, open, free }, mu);
    waitByService.set(code, expectedWait);
    services.push({
      serviceCode: code,
      waiting,
      arrivalsPerHour,
      meanServiceSeconds: Math.round(meanService),
      openCounters: open,
      erlangWait: roundWait(erlangWait),
      expectedWait: roundWait(expectedWait),
    });
  }

  const counterResults = new Map<string, CounterQueue>();
  for (const counter of counters) {
    const a = acc.get(counter.id);
    const st = states.get(counter.id);
    if (!a || !st) continue;
    let queueLength = 0;
    let oldest: number | null = null;
    for (const code of counter.services) {
      for (const issuedAt of waitingByService.get(code) ?? []) {
        queueLength += 1;
        oldest = oldest === null ? issuedAt : Math.min(oldest, issuedAt);
      }
    }
    const expectedWait = counterExpectedWait(counter.services, waitByService, issuedLastHourByService);
    const longestWaitSeconds = oldest === null ? null : Math.round(seconds(now - oldest));
    const servingTicket: ServingTicket | null =
      a.active && a.active.number !== null && a.active.serviceCode !== null
        ? {
            ticketId: a.active.id,
            number: a.active.number,
            serviceCode: a.active.serviceCode,
            since: a.active.startedAt ?? a.active.lastCalledAt ?? a.active.calledAt ?? now,
          }
        : null;
    const partial = {
      state: st.state,
      stateSince: st.since,
      pauseReason: st.reason,
      servingTicket,
      queueLength,
      longestWaitSeconds,
      oldestWaitingSince: oldest,
      expectedWait: roundWait(expectedWait),
      meanWaitSeconds: round1(mean(a.waitsLastHour)),
      p90WaitSeconds: round1(p90(a.waitsLastHour)),
      meanServiceSeconds: round1(mean(a.serviceSecondsToday)),
      p90ServiceSeconds: round1(p90(a.serviceSecondsToday)),
      servedLastHour: a.servedLastHour,
      servedToday: a.servedToday,
      noShowRate: a.calledToday === 0 ? null : round3(a.noShowsToday / a.calledToday),
      satisfaction: a.rated === 0 ? null : round3(a.satisfied / a.rated),
      ratedToday: a.rated,
    };
    counterResults.set(counter.id, { ...partial, pressure: pressureOf(partial, thresholds, now) });
  }

  const allWaiting = [...waitingByService.values()].flat();
  const oldestOverall = allWaiting.length === 0 ? null : Math.min(...allWaiting);
  const openCounters = [...states.values()].filter(
    (s) => s.state === 'idle' || s.state === 'serving' || s.state === 'calling',
  ).length;
  const rated = ratings.satisfied + ratings.neutral + ratings.unsatisfied;
  const department: DepartmentMetrics = {
    departmentId: queue.departmentId,
    at: now,
    queueLength: allWaiting.length,
    longestWaitSeconds: oldestOverall === null ? null : Math.round(seconds(now - oldestOverall)),
    openCounters,
    meanWaitSeconds: round1(mean(deptWaitsLastHour)),
    p90WaitSeconds: round1(p90(deptWaitsLastHour)),
    meanServiceSeconds: round1(mean(deptServiceSeconds)),
    p90ServiceSeconds: round1(p90(deptServiceSeconds)),
    servedLastHour,
    servedToday,
    issuedToday,
    openFromPreviousDay: queue.leftOpen.size,
    resumedFromPreviousDay: queue.resumed.size,
    noShowRate: calledToday === 0 ? null : round3(noShowsToday / calledToday),
    satisfaction: rated === 0 ? null : round3(ratings.satisfied / rated),
    satisfactionLastHour: ratedLastHour === 0 ? null : round3(satisfiedLastHour / ratedLastHour),
    ratingsLastHour: ratedLastHour,
    ratingsToday: ratings,
    services,
  };
  return { department, counters: counterResults };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function roundWait(w: ExpectedWait): ExpectedWait {
  return w.kind === 'finite' ? { kind: 'finite', seconds: Math.round(w.seconds) } : w;
}

/**
 * A ticket issued now for one of the counter's services: the arrival-weighted
 * mean of their waits; with no arrivals in the last hour to weigh by, the
 * longest (a backlog still counts).
 */
function counterExpectedWait(
  services: string[],
  waits: Map<string, ExpectedWait>,
  arrivals: Map<string, number>,
): ExpectedWait {
  let weight = 0;
  let total = 0;
  let longest: number | null = null;
  for (const code of services) {
    const w = waits.get(code);
    const lambda = arrivals.get(code) ?? 0;
    if (!w || w.kind === 'unknown') continue;
    if (w.kind === 'unbounded' && lambda > 0) return { kind: 'unbounded' };
    if (w.kind === 'finite') {
      longest = Math.max(longest ?? 0, w.seconds);
      total += w.seconds * lambda;
      weight += lambda;
    }
  }
  if (longest === null) return { kind: 'unknown' };
  return { kind: 'finite', seconds: weight === 0 ? longest : total / weight };
}

/** 1 means "at a threshold", above is over; the highest of the counter's signals. */
function pressureOf(q: Omit<CounterQueue, 'pressure'>, t: AlertThresholds, now: number): number {
  if (q.state === 'closed') return 0;
  const signals = [
    q.queueLength / t.queuePerCounter,
    (q.longestWaitSeconds ?? 0) / (t.longestWaitMinutes * 60),
    q.expectedWait.kind === 'finite'
      ? q.expectedWait.seconds / (t.expectedWaitMinutes * 60)
      : q.expectedWait.kind === 'unbounded'
        ? 2
        : 0,
    q.state === 'idle' && q.queueLength > 0 && q.stateSince !== null
      ? (now - q.stateSince) / (t.idleMinutes * 60_000)
      : 0,
  ];
  return Math.round(Math.max(0, ...signals) * 100) / 100;
}
