import { describe, expect, it } from 'vitest';
import { MetricsHistorySchema, type MetricsHistory } from './metrics.js';

describe('MetricsHistorySchema', () => {
  const point = {
    at: 1_767_250_800_000,
    queueLength: 4,
    longestWaitSeconds: 312.5,
    meanWaitSeconds: null,
    openCounters: 2,
    servedToday: 17,
    satisfaction: 0.8,
    counters: { 'c-1': { queueLength: 3 }, 'c-2': { queueLength: 1 } },
  };
  const history: MetricsHistory = {
    departmentId: 'd-1',
    from: 1_767_240_000_000,
    to: 1_767_250_800_000,
    points: [point],
    servedByHour: { 'c-1': { '08': 5, '09': 7 } },
    daily: [
      {
        day: '2025-12-31',
        issued: 40,
        served: 38,
        meanWaitSeconds: 240,
        satisfaction: null,
        noShowRate: 0.05,
        leftOpen: 2,
      },
    ],
  };

  it('accepts a department’s history as the server builds it', () => {
    expect(MetricsHistorySchema.parse(history)).toEqual(history);
  });

  it('reads a day summed up before leftOpen was kept as 0 left open', () => {
    const { leftOpen: _omitted, ...older } = history.daily[0]!;
    expect(MetricsHistorySchema.parse({ ...history, daily: [older] }).daily[0]?.leftOpen).toBe(0);
  });

  it('refuses a negative queue, a satisfaction above 1, a fractional served count, or a missing field', () => {
    const bad = (over: Partial<typeof history>) =>
      MetricsHistorySchema.safeParse({ ...history, ...over }).success;
    expect(bad({ points: [{ ...point, queueLength: -1 }] })).toBe(false);
    expect(bad({ points: [{ ...point, satisfaction: 1.2 }] })).toBe(false);
    expect(bad({ servedByHour: { 'c-1': { '08': 2.5 } } })).toBe(false);
    const { daily: _omitted, ...noDaily } = history;
    expect(MetricsHistorySchema.safeParse(noDaily).success).toBe(false);
  });
});
