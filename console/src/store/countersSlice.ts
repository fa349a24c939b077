import type { StateCreator } from 'zustand';
import type { CounterPatch, CounterView, Department, Snapshot } from '@counterwatch/shared';
import type { AppState } from './store';

export interface CountersData {
  departments: Department[];
  /** Each counter with its live media and queue state. */
  counters: Record<string, CounterView>;
  /** Counter ids per department, in display order. */
  counterIdsByDepartment: Record<string, string[]>;
  /** Every counter id in wall order (departments in order, then counters): keyboard navigation walks this. */
  wallOrder: string[];
}

export interface CountersSlice extends CountersData {
  applyCounterPatches: (patches: CounterPatch[]) => void;
}

/** The directory part of a snapshot, sorted the way people read counter names ("Quầy 2" before "Quầy 10"). */
export function countersFromSnapshot(snapshot: Snapshot): CountersData {
  const counters: Record<string, CounterView> = {};
  const byDepartment: Record<string, string[]> = {};
  for (const d of snapshot.departments) byDepartment[d.id] = [];
  for (const c of snapshot.counters) {
    counters[c.id] = c;
    (byDepartment[c.departmentId] ??= []).push(c.id);
  }
  const collator = new Intl.Collator('vi', { numeric: true });
  for (const ids of Object.values(byDepartment)) {
    ids.sort((a, b) => collator.compare(counters[a]?.name ?? a, counters[b]?.name ?? b));
  }
  const departments = [...snapshot.departments].sort((a, b) => collator.compare(a.name, b.name));
  return {
    departments,
    counters,
    counterIdsByDepartment: byDepartment,
    wallOrder: departments.flatMap((d) => byDepartment[d.id] ?? []),
  };
}

/**
 * Merges patches; only patched counters get new objects, so only their
 * tiles re-render. Patches for unknown counters wait for the next snapshot.
 */
export function patchCounters(
  counters: Record<string, CounterView>,
  patches: CounterPatch[],
): Record<string, CounterView> {
  const next = { ...counters };
  for (const patch of patches) {
    const current = next[patch.id];
    if (!current) continue;
    next[patch.id] = {
      ...current,
      ...(patch.media ? { media: patch.media } : {}),
      ...(patch.queue ? { queue: patch.queue } : {}),
    };
  }
  return next;
}

export const createCountersSlice: StateCreator<AppState, [], [], CountersSlice> = (set) => ({
  departments: [],
  counters: {},
  counterIdsByDepartment: {},
  wallOrder: [],
  applyCounterPatches: (patches) => set((state) => ({ counters: patchCounters(state.counters, patches) })),
});
