import type { QueueEvent, StaffingDay } from '@counterwatch/shared';
import { SERVICE_ENTRIES } from './citizens.js';
import { DepartmentDay } from './DepartmentDay.js';
import type { ArrivalProfile } from './profile.js';

const MINUTE = 60_000;

/** Arrivals at a constant rate within each hour: `perHour[h]` citizens in hour h since opening. */
export function hourlyProfile(perHour: readonly number[]): ArrivalProfile {
  const rates = perHour.map((n) => Math.max(0, n) / 60);
  const openMinutes = rates.length * 60;
  const rate = (minute: number): number =>
    minute >= 0 && minute < openMinutes ? (rates[Math.floor(minute / 60)] ?? 0) : 0;
  const integral = (m: number): number => {
    const x = Math.min(Math.max(m, 0), openMinutes);
    let total = 0;
    for (let h = 0; h * 60 < x; h++) total += (rates[h] ?? 0) * Math.min(60, x - h * 60);
    return total;
  };
  return {
    dailyCitizens: integral(openMinutes),
    openMinutes,
    rate,
    maxRate: Math.max(0, ...rates),
    expected: (from, to) => (to > from ? integral(to) - integral(from) : 0),
  };
}

export interface StaffedDayResult {
  /** Per clock hour: tickets issued, and how many were called within the target. */
  hours: {
    hour: number;
    counters: number;
    issued: number;
    judged: number;
    withinTarget: number;
    share: number | null;
  }[];
  issued: number;
  /** Called, or gave up / were sent home after the target had passed. */
  judged: number;
  withinTarget: number;
  share: number | null;
  events: QueueEvent[];
}

/**
 * Runs the queue simulator on a forecast day with a staffing plan (counters
 * on duty per hour of `day.hours`): the forecast's arrivals and service mix,
 * the simulator's own citizens and officers (service times, recalls,
 * no-shows, breaks). Says which share of citizens were called within
 * `targetMinutes`, hour by hour of their arrival.
 */
export function simulateStaffedDay(options: {
  departmentId: string;
  day: StaffingDay;
  roster: readonly number[];
  targetMinutes: number;
  seed: number;
  /** Epoch ms of the first hour's start (events are stamped from it). */
  startsAt?: number;
}): StaffedDayResult {
  const { day, roster, departmentId } = options;
  if (roster.length !== day.hours.length) throw new RangeError('one roster entry per hour of the day');
  const weights: Record<string, number> = {};
  for (const h of day.hours)
    for (const [code, n] of Object.entries(h.byService))
      if (SERVICE_ENTRIES.some((s) => s.code === code)) weights[code] = (weights[code] ?? 0) + n;
  const services = Object.keys(weights).filter((code) => (weights[code] ?? 0) > 0);
  const size = Math.max(1, ...roster);
  const counters = Array.from({ length: size }, (_, i) => ({
    id: `${departmentId}-plan-${i + 1}`,
    services,
  }));
  const startsAt = options.startsAt ?? 0;
  const sim = new DepartmentDay({
    departmentId,
    counters,
    seed: options.seed,
    openMinutes: day.hours.length * 60,
    profile: hourlyProfile(day.hours.map((h) => h.arrivals)),
    serviceWeights: weights,
    roster,
    stamp: (ms) => startsAt + ms,
  });
  const events = sim.runToEnd();

  const issued = new Map<string, number>();
  const called = new Map<string, number>();
  const gone = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'ticket.issued') issued.set(e.ticketId, e.occurredAt);
    else if (e.type === 'ticket.called' && !called.has(e.ticketId)) called.set(e.ticketId, e.occurredAt);
    else if (e.type === 'ticket.cancelled') gone.set(e.ticketId, e.occurredAt);
  }
  const target = options.targetMinutes * MINUTE;
  const hours = day.hours.map((h, i) => ({
    hour: h.hour,
    counters: roster[i] ?? 0,
    issued: 0,
    judged: 0,
    withinTarget: 0,
    share: null as number | null,
  }));
  for (const [id, at] of issued) {
    const row = hours[Math.min(hours.length - 1, Math.floor((at - startsAt) / (60 * MINUTE)))];
    if (!row) continue;
    row.issued += 1;
    const c = called.get(id);
    const left = gone.get(id);
    if (c !== undefined) {
      row.judged += 1;
      if (c - at <= target) row.withinTarget += 1;
    } else if (left === undefined || left - at > target) {
      // Sent home or gave up after the target had passed (or never called at all): not called in time.
      row.judged += 1;
    }
    // Gave up before the target: not the plan's to judge.
  }
  for (const row of hours) row.share = row.judged > 0 ? row.withinTarget / row.judged : null;
  const judged = hours.reduce((n, r) => n + r.judged, 0);
  const withinTarget = hours.reduce((n, r) => n + r.withinTarget, 0);
  return {
    hours,
    issued: issued.size,
    judged,
    withinTarget,
    share: judged > 0 ? withinTarget / judged : null,
    events,
  };
}
