import type { StateCreator } from 'zustand';
import type { DepartmentMetrics } from '@counterwatch/shared';
import type { AppState } from './store';

/**
 * Live queue metrics per department. Each counter's own queue lives on its
 * CounterView (countersSlice), patched with its media.
 */
export interface QueuesSlice {
  departmentMetrics: Record<string, DepartmentMetrics>;
  applyDepartmentMetrics: (metrics: DepartmentMetrics[]) => void;
}

/** Replaces each department's metrics, unless what we hold is newer (a late patch after a snapshot). */
export function mergeDepartmentMetrics(
  current: Record<string, DepartmentMetrics>,
  updates: DepartmentMetrics[],
): Record<string, DepartmentMetrics> {
  const next = { ...current };
  for (const m of updates) {
    const held = next[m.departmentId];
    if (held && held.at > m.at) continue;
    next[m.departmentId] = m;
  }
  return next;
}

export function departmentMetricsFromList(list: DepartmentMetrics[]): Record<string, DepartmentMetrics> {
  return mergeDepartmentMetrics({}, list);
}

export const createQueuesSlice: StateCreator<AppState, [], [], QueuesSlice> = (set) => ({
  departmentMetrics: {},
  applyDepartmentMetrics: (metrics) =>
    set((state) => ({ departmentMetrics: mergeDepartmentMetrics(state.departmentMetrics, metrics) })),
});
