import type { CounterQueue, DepartmentMetrics } from '@counterwatch/shared';
import type { MetricsResult } from './metrics.js';

/** Longest waits tick every second; consoles count them up themselves, so only jumps are news. */
const WAIT_SLACK_S = 15;

/**
 * What of a department's fresh metrics is news to consoles: the counters and
 * the department summary that changed enough since they were last told.
 */
export class NewsFilter {
  readonly #told = new Map<string, { counters: Map<string, CounterQueue>; department?: DepartmentMetrics }>();

  /** What changed since the last call for this department; remembered as told. */
  news(departmentId: string, result: MetricsResult): { counters: string[]; department: boolean } {
    let told = this.#told.get(departmentId);
    if (!told) this.#told.set(departmentId, (told = { counters: new Map() }));
    const counters: string[] = [];
    for (const [id, q] of result.counters) {
      const previous = told.counters.get(id);
      if (!previous || counterChanged(previous, q)) {
        counters.push(id);
        told.counters.set(id, q);
      }
    }
    const department = !told.department || departmentMetricsChanged(told.department, result.department);
    if (department) told.department = result.department;
    return { counters, department };
  }
}

function counterChanged(a: CounterQueue, b: CounterQueue): boolean {
  const { longestWaitSeconds: wa, pressure: pa, ...restA } = a;
  const { longestWaitSeconds: wb, pressure: pb, ...restB } = b;
  if (Math.abs((wa ?? -WAIT_SLACK_S) - (wb ?? -WAIT_SLACK_S)) >= WAIT_SLACK_S) return true;
  if (Math.abs(pa - pb) >= 0.05) return true;
  return JSON.stringify(restA) !== JSON.stringify(restB);
}

function departmentMetricsChanged(a: DepartmentMetrics, b: DepartmentMetrics): boolean {
  const { at: _a, longestWaitSeconds: wa, ...restA } = a;
  const { at: _b, longestWaitSeconds: wb, ...restB } = b;
  if (Math.abs((wa ?? -WAIT_SLACK_S) - (wb ?? -WAIT_SLACK_S)) >= WAIT_SLACK_S) return true;
  return JSON.stringify(restA) !== JSON.stringify(restB);
}
