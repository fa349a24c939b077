import type { StaffingAdviceItem, StaffingHour } from '@counterwatch/shared';
import { erlangC, erlangCWait, erlangCWithinAfterBacklog, newTicketWait } from '../queue/erlang.js';

/** The hour is walked in slices: the backlog a busy hour builds is carried slice by slice. */
const SLICES = 12;
const SLICE_S = 3600 / SLICES;
/** No department opens more counters than this in an hour. */
const MAX_COUNTERS = 60;

export interface HourInput {
  hour: number;
  arrivals: number;
  /** Mean call → end of service, seconds, for this hour's mix of services. */
  handleSeconds: number;
}

export interface HourOutcome {
  share: number | null;
  waitMinutes: number | null;
  /** Citizens the next hour inherits: the fluid backlog, or the steady-state queue (Erlang C's Lq) if larger. */
  backlogEnd: number;
  /** The fluid backlog alone: > 0 when the hour cannot keep up with its arrivals. */
  overflow: number;
}

/**
 * One hour staffed with `counters`, entered with `backlog` citizens still
 * waiting: the share called within `targetSeconds` (Erlang C, each slice's
 * arrivals first waiting for the backlog to clear) and the backlog left.
 * `pausedShare` of each counter's time goes to breaks and meetings.
 */
export function evaluateHour(
  input: HourInput,
  counters: number,
  backlog: number,
  targetSeconds: number,
  pausedShare: number,
): HourOutcome {
  const lambda = input.arrivals / 3600;
  const mu = (1 - pausedShare) / input.handleSeconds;
  let b = backlog;
  let within = 0;
  let waitMid: number | null = null;
  for (let s = 0; s < SLICES; s++) {
    within += erlangCWithinAfterBacklog(counters, lambda, mu, targetSeconds, b) / SLICES;
    if (s === SLICES / 2) {
      const steady = erlangCWait(counters, lambda, mu);
      const w = newTicketWait(steady, { waiting: b, open: counters, free: 0 }, mu);
      waitMid = w.kind === 'finite' ? w.seconds / 60 : null;
    }
    b = Math.max(0, b + (lambda - counters * mu) * SLICE_S);
  }
  // A busy hour that keeps up still ends with a queue (on average Lq): counters closing at the hour
  // leave it to those that stay. Near saturation Lq is a long-run figure an hour never reaches:
  // at most half of the hour's citizens who wait at all are still waiting at its end.
  const a = lambda / mu;
  const c = counters > 0 && a < counters ? erlangC(counters, a) : 0;
  const lq = c > 0 ? Math.min((c * lambda) / (counters * mu - lambda), 0.5 * c * input.arrivals) : 0;
  return {
    share: input.arrivals > 0 ? within : null,
    waitMinutes: input.arrivals > 0 ? waitMid : null,
    backlogEnd: Math.max(b, lq),
    overflow: b,
  };
}

export interface DayPlanInput {
  hours: HourInput[];
  /** Counters usually on duty per hour (averaged) for the same weekday. */
  actual: number[];
  targetSeconds: number;
  targetShare: number;
  pausedShare: number;
}

/**
 * The hours of a day with the counters the target needs, hour after hour
 * (the fewest that reach it, given the backlog the advised plan carries in),
 * beside the counters usually opened and what they would achieve.
 */
export function planDay(input: DayPlanInput): StaffingHour[] {
  const out: StaffingHour[] = [];
  let backlogActual = 0;
  let backlogNeeded = 0;
  input.hours.forEach((h, i) => {
    const actual = input.actual[i] ?? 0;
    const actualCounters = Math.round(actual);
    const usual = evaluateHour(h, actualCounters, backlogActual, input.targetSeconds, input.pausedShare);
    let needed = h.arrivals > 0 || backlogNeeded > 0.5 ? 1 : 0;
    let advised = evaluateHour(h, needed, backlogNeeded, input.targetSeconds, input.pausedShare);
    while (
      needed < MAX_COUNTERS &&
      needed > 0 &&
      ((advised.share !== null && advised.share < input.targetShare) || advised.overflow > 0.5)
    ) {
      needed += 1;
      advised = evaluateHour(h, needed, backlogNeeded, input.targetSeconds, input.pausedShare);
    }
    backlogActual = usual.backlogEnd;
    backlogNeeded = advised.backlogEnd;
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    out.push({
      hour: h.hour,
      arrivals: r2(h.arrivals),
      byService: {},
      actual: Math.round(actual * 10) / 10,
      actualCounters,
      needed,
      shareActual: r3(usual.share),
      shareNeeded: r3(advised.share),
      waitActualMinutes: usual.waitMinutes === null ? null : r2(usual.waitMinutes),
      waitNeededMinutes: advised.waitMinutes === null ? null : r2(advised.waitMinutes),
      backlogActual: r2(usual.backlogEnd),
    });
  });
  return out;
}

/** Arrivals-weighted share over some hours (null: nobody arrives). */
export function weightedShare(
  hours: readonly StaffingHour[],
  pick: (h: StaffingHour) => number | null,
): number | null {
  let w = 0;
  let s = 0;
  for (const h of hours) {
    const v = pick(h);
    if (v === null || h.arrivals <= 0) continue;
    w += h.arrivals;
    s += v * h.arrivals;
  }
  return w > 0 ? Math.round((s / w) * 1000) / 1000 : null;
}

/**
 * The advice of one day: runs of hours where the usual counters fall short
 * (one item per run with the same usual and advised counters), and longer
 * hours when the usual plan leaves citizens waiting at closing time.
 */
export function adviseDay(
  day: string,
  weekday: number,
  hours: readonly StaffingHour[],
  workOf: (h: StaffingHour) => Map<string, number>,
  handleSeconds: number,
  pausedShare: number,
): StaffingAdviceItem[] {
  const items: StaffingAdviceItem[] = [];
  const mainService = (run: readonly StaffingHour[]): string => {
    const work = new Map<string, number>();
    for (const h of run) for (const [code, w] of workOf(h)) work.set(code, (work.get(code) ?? 0) + w);
    return [...work.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
  };
  let run: StaffingHour[] = [];
  const flush = () => {
    const first = run[0];
    const last = run[run.length - 1];
    if (first && last) {
      items.push({
        kind: 'extra_counter',
        day,
        weekday,
        fromHour: first.hour,
        toHour: last.hour + 1,
        fromCounters: Math.max(...run.map((h) => h.actualCounters)),
        toCounters: Math.max(...run.map((h) => h.needed)),
        extraMin: Math.min(...run.map((h) => h.needed - h.actualCounters)),
        extraMax: Math.max(...run.map((h) => h.needed - h.actualCounters)),
        serviceCode: mainService(run),
        shareActual: weightedShare(run, (h) => h.shareActual),
        shareAdvised: weightedShare(run, (h) => h.shareNeeded),
        citizens: Math.round(run.reduce((n, h) => n + h.arrivals, 0)),
      });
    }
    run = [];
  };
  // One item per run of consecutive hours short of counters.
  for (const h of hours) {
    const short = h.needed > h.actualCounters && h.arrivals > 0;
    if (!short || run[run.length - 1]?.hour !== h.hour - 1) flush();
    if (short) run.push(h);
  }
  flush();

  // Citizens left waiting when the kiosk stops (the last hour anyone arrives), as usual: without
  // extra counters, the hours must stretch until they are served.
  const open = hours.filter((h) => h.actualCounters > 0 && h.arrivals > 0);
  const closing = open[open.length - 1];
  if (closing && closing.backlogActual >= 3 && closing.hour < 23) {
    const perHour = (closing.actualCounters * 3600 * (1 - pausedShare)) / handleSeconds;
    const extraHours = Math.max(1, Math.ceil(closing.backlogActual / perHour));
    items.push({
      kind: 'extend_hours',
      day,
      weekday,
      fromHour: closing.hour + 1,
      toHour: Math.min(24, closing.hour + 1 + extraHours),
      fromCounters: closing.actualCounters,
      toCounters: closing.actualCounters,
      extraMin: 0,
      extraMax: 0,
      serviceCode: mainService(open.slice(-3)),
      shareActual: null,
      shareAdvised: null,
      citizens: Math.round(closing.backlogActual),
    });
  }
  return items;
}
