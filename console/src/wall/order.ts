import type { Alert } from '@counterwatch/shared';
import { SEVERITY_RANK } from '../store/alertsSlice';
import type { AlertsData } from '../store/alertsSlice';
import type { CountersData } from '../store/countersSlice';

import type { WallSort } from '@counterwatch/shared';
export { WALL_SORTS, type WallSort } from '@counterwatch/shared';

/**
 * How badly a counter needs attention, from the alerts that concern it: a
 * critical alert over a warning, an unacknowledged one over one someone has
 * taken; 0 without alerts.
 */
export function alertScore(
  state: Pick<AlertsData, 'alerts' | 'alertIdsByCounter'>,
  counterId: string,
): number {
  let best = 0;
  for (const id of state.alertIdsByCounter[counterId] ?? []) {
    const alert: Alert | undefined = state.alerts[id];
    if (!alert) continue;
    best = Math.max(best, 1 + SEVERITY_RANK[alert.severity] * 2 + (alert.state === 'open' ? 1 : 0));
  }
  return best;
}

/**
 * The counters in wall order: as given (department, then name), or worst
 * first — alerts, then the queue's pressure, then its length — so a new
 * critical alert brings its counter to the top-left tile. Ties keep the
 * given order, so tiles do not shuffle for nothing.
 */
export function orderCounters(
  state: Pick<AlertsData, 'alerts' | 'alertIdsByCounter'> & Pick<CountersData, 'counters'>,
  counterIds: readonly string[],
  sort: WallSort,
): string[] {
  if (sort === 'department') return [...counterIds];
  const keyed = counterIds.map((id, index) => {
    const queue = state.counters[id]?.queue;
    return {
      id,
      index,
      score: alertScore(state, id),
      pressure: queue && queue.state !== 'closed' ? queue.pressure : 0,
      waiting: queue?.queueLength ?? 0,
    };
  });
  keyed.sort(
    (a, b) => b.score - a.score || b.pressure - a.pressure || b.waiting - a.waiting || a.index - b.index,
  );
  return keyed.map((k) => k.id);
}
