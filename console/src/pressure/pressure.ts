import type { CounterView } from '@counterwatch/shared';

export const TOP_CHOICES = ['10', '20', '50', 'all'] as const;
export type TopChoice = (typeof TOP_CHOICES)[number];

/** Most pressed first; ties by longest wait, then queue, then name, so the order does not flicker. */
export function rankByPressure(counters: readonly CounterView[], top: TopChoice): CounterView[] {
  const collator = new Intl.Collator('vi', { numeric: true });
  const sorted = [...counters].sort(
    (a, b) =>
      b.queue.pressure - a.queue.pressure ||
      (b.queue.longestWaitSeconds ?? 0) - (a.queue.longestWaitSeconds ?? 0) ||
      b.queue.queueLength - a.queue.queueLength ||
      collator.compare(a.name, b.name),
  );
  return top === 'all' ? sorted : sorted.slice(0, Number(top));
}

/** Pressure 1 is "at a threshold": the bar is full at 2 so the overloaded half stands out. */
export const PRESSURE_BAR_MAX = 2;

export function pressureLevel(pressure: number): 'ok' | 'warn' | 'bad' {
  if (pressure >= 1) return 'bad';
  if (pressure >= 0.7) return 'warn';
  return 'ok';
}
