import { describe, expect, it } from 'vitest';
import type { Campaign } from '@counterwatch/shared';
import { addDays, forecastDay, forecastTotals, measureAccuracy, sum } from './forecast.js';
import { hours24, type DayHistory } from './history.js';
import { adviseDay, planDay } from './plan.js';

const DEPT = 'p1';

/** A day with `n` ID-card arrivals at 9:00 and 3 counters on duty 8–12. */
function day(label: string, n: number): DayHistory {
  const row = hours24();
  row[9] = n;
  const onDuty = hours24();
  for (const h of [8, 9, 10, 11]) onDuty[h] = 3;
  return {
    day: label,
    arrivals: new Map([['id-card', row]]),
    onDuty,
    paused: hours24(),
    handleSeconds: new Map(),
  };
}

/** Weeks of Monday–Saturday from 2026-08-03 (a Monday); Saturdays twice as busy. */
function weeks(count: number, base = 20): DayHistory[] {
  const out: DayHistory[] = [];
  for (let i = 0; i < count * 7; i++) {
    const label = addDays('2026-08-03', i);
    const weekday = i % 7;
    out.push(day(label, weekday === 6 ? 0 : weekday === 5 ? 2 * base : base));
  }
  return out;
}

const campaign = (over: Partial<Campaign> = {}): Campaign => ({
  id: 1,
  name: 'Cấp căn cước đợt cao điểm',
  departmentIds: [DEPT],
  serviceCode: 'id-card',
  from: '2026-09-05',
  to: '2026-09-05',
  upliftPercent: 30,
  createdAt: 0,
  createdBy: 'director',
  ...over,
});

describe('staffing forecast', () => {
  it('repeats the weekday × hour profile; Sundays (no history) and holidays forecast nothing', () => {
    const history = weeks(4);
    const saturday = forecastDay(history, DEPT, '2026-09-05', []);
    expect(saturday.trend).toBe(1);
    expect(forecastTotals(saturday)[9]).toBeCloseTo(40, 6);
    expect(sum(forecastTotals(forecastDay(history, DEPT, '2026-09-03', [])))).toBeCloseTo(20, 6);
    expect(sum(forecastTotals(forecastDay(history, DEPT, '2026-09-06', [])))).toBe(0);
    const nationalDay = forecastDay(history, DEPT, '2026-09-02', []);
    expect(nationalDay.holiday).toBe('Quốc khánh');
    expect(sum(forecastTotals(nationalDay))).toBe(0);
  });

  it('applies a declared campaign to its service, department and days, and scales it out of history', () => {
    const history = weeks(4);
    const withCampaign = forecastDay(history, DEPT, '2026-09-05', [campaign()]);
    expect(withCampaign.campaignIds).toEqual([1]);
    expect(forecastTotals(withCampaign)[9]).toBeCloseTo(52, 6);
    expect(
      forecastTotals(forecastDay(history, DEPT, '2026-09-05', [campaign({ departmentIds: ['p2'] })]))[9],
    ).toBeCloseTo(40, 6);
    expect(
      forecastTotals(forecastDay(history, DEPT, '2026-09-05', [campaign({ serviceCode: 'passport' })]))[9],
    ).toBeCloseTo(40, 6);
    // A past Saturday that had the campaign (and 30 % more citizens) does not raise next Saturday.
    const past = history.map((h) => (h.day === '2026-08-29' ? day(h.day, 52) : h));
    const next = forecastDay(past, DEPT, '2026-09-05', [campaign({ from: '2026-08-29', to: '2026-08-29' })]);
    expect(forecastTotals(next)[9]).toBeCloseTo(40, 6);
  });

  it('follows a trend (damped) and measures its error on the held-back week', () => {
    // Three weeks at 20, then a week at 30 a day: the profile says 22.5, the damped trend lifts it.
    const history = [...weeks(3), ...weeks(1, 30).map((h, i) => ({ ...h, day: addDays('2026-08-24', i) }))];
    const f = forecastDay(history, DEPT, '2026-09-03', []);
    expect(f.trend).toBeGreaterThan(1.1);
    expect(sum(forecastTotals(f))).toBeGreaterThan(22.5);
    // Steady history: no error on the held-back week.
    expect(measureAccuracy(weeks(4), DEPT, [])).toMatchObject({
      from: '2026-08-24',
      to: '2026-08-30',
      days: 7,
      hourlyWape: 0,
      dailyMape: 0,
    });
    // A held-back week 50 % busier than forecast: WAPE = |30 − 20|·6 days / 30·6 days.
    const busy = [...weeks(3), ...weeks(1, 30).map((h, i) => ({ ...h, day: addDays('2026-08-24', i) }))];
    expect(measureAccuracy(busy, DEPT, [])?.hourlyWape).toBeCloseTo(1 / 3, 3);
    expect(measureAccuracy(weeks(1), DEPT, [])).toBeNull();
  });
});

describe('staffing plan', () => {
  it('opens the fewest counters that call 80 % within 15 minutes (Erlang C, hand-computed)', () => {
    // 36 an hour, 10 minutes each: a = 6; 7 counters → 86.3 %, 6 cannot keep up.
    const [hour] = planDay({
      hours: [{ hour: 9, arrivals: 36, handleSeconds: 600 }],
      actual: [6],
      targetSeconds: 900,
      targetShare: 0.8,
      pausedShare: 0,
    });
    expect(hour).toMatchObject({ needed: 7, actualCounters: 6, shareActual: 0, shareNeeded: 0.863 });
    expect(hour?.backlogActual).toBeCloseTo(0, 6); // a = c: the fluid backlog neither grows nor shrinks
    // Breaks take 10 % of the time: one more counter.
    const [paused] = planDay({
      hours: [{ hour: 9, arrivals: 36, handleSeconds: 600 }],
      actual: [6],
      targetSeconds: 900,
      targetShare: 0.8,
      pausedShare: 0.1,
    });
    expect(paused?.needed).toBe(8);
  });

  it('carries a busy hour’s backlog into the next, and advises in runs of hours', () => {
    const hours = planDay({
      hours: [
        { hour: 8, arrivals: 12, handleSeconds: 600 },
        { hour: 9, arrivals: 48, handleSeconds: 600 },
        { hour: 10, arrivals: 12, handleSeconds: 600 },
        { hour: 11, arrivals: 6, handleSeconds: 600 },
      ],
      actual: [3, 3, 3, 3],
      targetSeconds: 900,
      targetShare: 0.8,
      pausedShare: 0,
    });
    // 8:00, 12 an hour on 3 counters (a = 2): ends with Erlang C's queue, Lq = C(3, 2)·λ/(cμ − λ)
    // = (4/9)·0.2/0.1 = 0.889 waiting. 9:00, 48 an hour (18 served): 30 more still waiting at 10:00,
    // and 10:00 suffers for it.
    expect(hours[0]?.backlogActual).toBeCloseTo(8 / 9, 2);
    expect(hours[1]?.backlogActual).toBeCloseTo(30 + 8 / 9, 2);
    expect(hours[2]?.shareActual).toBe(0);
    expect(hours[1]?.needed).toBeGreaterThanOrEqual(9);
    const items = adviseDay('2026-09-05', 6, hours, () => new Map([['id-card', 1]]), 600, 0);
    const extra = items.filter((i) => i.kind === 'extra_counter');
    expect(extra[0]).toMatchObject({ fromHour: 9, fromCounters: 3, serviceCode: 'id-card' });
    expect(extra[0]?.toCounters).toBe(hours[1]?.needed);
    expect(extra[0]?.shareAdvised).toBeGreaterThanOrEqual(0.8);
    // The usual counters leave citizens waiting at closing: stay open longer.
    expect(items.some((i) => i.kind === 'extend_hours' && i.fromHour === 12)).toBe(true);
  });
});
