import { describe, expect, it } from 'vitest';
import { counter, queue } from '../test/fixtures';
import { pressureLevel, rankByPressure } from './pressure';

describe('rankByPressure', () => {
  const counters = [
    counter('a', { queue: queue({ pressure: 0.5 }) }),
    counter('b', { queue: queue({ pressure: 1.4 }) }),
    counter('c', { queue: queue({ pressure: 0.5, longestWaitSeconds: 600 }) }),
  ];

  it('orders by pressure, ties by longest wait, and cuts to the top N', () => {
    expect(rankByPressure(counters, 'all').map((c) => c.id)).toEqual(['b', 'c', 'a']);
    expect(rankByPressure(counters, '10')).toHaveLength(3);
    expect(rankByPressure([...counters, ...counters, ...counters, ...counters], '10')).toHaveLength(10);
  });

  it('colours by level', () => {
    expect(pressureLevel(1)).toBe('bad');
    expect(pressureLevel(0.8)).toBe('warn');
    expect(pressureLevel(0.2)).toBe('ok');
  });
});
