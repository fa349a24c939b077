import { describe, expect, it } from 'vitest';
import type { HistoryPoint } from '@counterwatch/shared';
import { hourTicks, queueChartRows, servedByHourRows } from './chartData';

function point(at: number, queueLength: number, longest: number | null, mean: number | null): HistoryPoint {
  return {
    at,
    queueLength,
    longestWaitSeconds: longest,
    meanWaitSeconds: mean,
    openCounters: 2,
    servedToday: 0,
    satisfaction: null,
    counters: {},
  };
}

describe('queueChartRows', () => {
  it('keeps every point when there are few', () => {
    const rows = queueChartRows([point(0, 1, null, null), point(10_000, 2, 120, 60)]);
    expect(rows).toEqual([
      { at: 0, queue: 1, longestMin: null, meanMin: null },
      { at: 10_000, queue: 2, longestMin: 2, meanMin: 1 },
    ]);
  });

  it('buckets a long day, keeping the peaks', () => {
    const points = Array.from({ length: 100 }, (_, i) => point(i * 10_000, i === 57 ? 40 : 3, i * 6, 30));
    const rows = queueChartRows(points, 10);
    expect(rows).toHaveLength(10);
    expect(rows[5]?.queue).toBe(40);
    expect(rows[5]?.longestMin).toBe(5.9);
    expect(rows[0]?.at).toBe(0);
  });
});

describe('servedByHourRows', () => {
  it('makes one row per hour with gaps filled, and lists counters that served someone', () => {
    const { rows, counterIds } = servedByHourRows({
      q1: { '08': 3, '10': 1 },
      q2: { '09': 2 },
      q3: { '08': 0 },
    });
    expect(counterIds).toEqual(['q1', 'q2']);
    expect(rows.map((r) => r.hour)).toEqual(['08', '09', '10']);
    expect(rows[0]).toEqual({ hour: '08', values: { q1: 3 }, total: 3 });
    expect(rows[1]?.total).toBe(2);
  });

  it('is empty without data', () => {
    expect(servedByHourRows({})).toEqual({ rows: [], counterIds: [] });
  });
});

describe('hourTicks', () => {
  it('puts ticks on whole local hours', () => {
    const from = Date.UTC(2025, 2, 14, 0, 40); // 07:40 local
    const to = Date.UTC(2025, 2, 14, 3, 10); // 10:10 local
    expect(hourTicks(from, to)).toEqual([
      Date.UTC(2025, 2, 14, 1),
      Date.UTC(2025, 2, 14, 2),
      Date.UTC(2025, 2, 14, 3),
    ]);
  });
});
