import { describe, expect, it } from 'vitest';
import { reduceAlerts, emptyAlertsData } from '../store/alertsSlice';
import { alert, counter, queue } from '../test/fixtures';
import { bestGrid, fitGrid, GRID_GAP_PX, MIN_TILE_WIDTH_PX, pageCount, TILE_CHROME_PX } from './layout';
import { orderCounters } from './order';

describe('wall order', () => {
  const counters = {
    q1: counter('q1', { queue: queue({ pressure: 0.5, queueLength: 3 }) }),
    q2: counter('q2', { queue: queue({ pressure: 2, queueLength: 20 }) }),
    q3: counter('q3', { queue: queue({ pressure: 0, queueLength: 0 }) }),
    q4: counter('q4', { queue: queue({ pressure: 0, queueLength: 0 }) }),
  };
  const ids = ['q1', 'q2', 'q3', 'q4'];

  it('by department keeps the given order', () => {
    const state = {
      ...reduceAlerts(emptyAlertsData, [alert(1, { counterId: 'q4', severity: 'critical' })], true),
      counters,
    };
    expect(orderCounters(state, ids, 'department')).toEqual(ids);
  });

  it('worst first: critical before warning, open before acknowledged, then pressure; ties keep their order', () => {
    const state = {
      ...reduceAlerts(
        emptyAlertsData,
        [
          alert(1, { counterId: 'q3', severity: 'warning' }),
          alert(2, { counterId: null, counterIds: ['q4'], severity: 'critical' }),
          alert(3, { counterId: 'q1', severity: 'critical', state: 'acknowledged' }),
        ],
        true,
      ),
      counters,
    };
    expect(orderCounters(state, ids, 'worst')).toEqual(['q4', 'q1', 'q3', 'q2']);
    const calm = { ...emptyAlertsData, counters };
    expect(orderCounters(calm, ids, 'worst')).toEqual(['q2', 'q1', 'q3', 'q4']);
  });
});

describe('wall layout', () => {
  it('an N×N grid has N² tiles a page', () => {
    expect(fitGrid('3', 20, 1888, 900)).toEqual({ cols: 3, rows: 3, perPage: 9 });
    expect(pageCount(20, 9)).toBe(3);
    expect(pageCount(0, 9)).toBe(1);
  });

  it('auto puts 8 tiles in the shape that gives them the largest pictures', () => {
    // A wide screen: two rows of four rather than eight in a row or a column.
    const { cols, rows } = bestGrid(8, 1888, 900);
    expect(cols * rows).toBeGreaterThanOrEqual(8);
    expect(cols).toBeGreaterThan(rows - 1);
    expect(bestGrid(1, 1888, 900)).toEqual({ cols: 1, rows: 1 });
    expect(bestGrid(4, 1334, 600)).toEqual({ cols: 2, rows: 2 });
  });

  it('auto pages rather than shrinking tiles below a readable width', () => {
    const fit = fitGrid('auto', 200, 1888, 900);
    expect(fit.perPage).toBeLessThan(200);
    const cellW = (1888 - GRID_GAP_PX * (fit.cols - 1)) / fit.cols;
    const cellH = (900 - GRID_GAP_PX * (fit.rows - 1)) / fit.rows;
    expect(Math.min(cellW, (cellH - TILE_CHROME_PX) * (16 / 9))).toBeGreaterThanOrEqual(MIN_TILE_WIDTH_PX);
    expect(fitGrid('auto', 8, 1888, 900).perPage).toBe(8);
  });
});
