import type { StateCreator } from 'zustand';
import type { CounterPatch, CounterView, Department, Snapshot } from '@counterwatch/shared';
import type { AppState } from './store';

export interface CountersSlice {
  departments: Department[];
  counters: Record<string, CounterView>;
  /** Counter ids per department, in display order. */
  counterIdsByDepartment: Record<string, string[]>;
  /** Every counter id in wall order (departments in order, then counters): keyboard navigation walks this. */
  wallOrder: string[];
  applySnapshot: (snapshot: Snapshot) => void;
  applyCounterPatches: (patches: CounterPatch[]) => void;
}

export const createCountersSlice: StateCreator<AppState, [], [], CountersSlice> = (set) => ({
  departments: [],
  counters: {},
  counterIdsByDepartment: {},
  wallOrder: [],
  applySnapshot: (snapshot) => {
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
    set({
      departments,
      counters,
      counterIdsByDepartment: byDepartment,
      wallOrder: departments.flatMap((d) => byDepartment[d.id] ?? []),
      user: snapshot.user,
    });
  },
  applyCounterPatches: (patches) =>
    set((state) => {
      // Only patched counters get new objects, so only their tiles re-render.
      const counters = { ...state.counters };
      for (const patch of patches) {
        const current = counters[patch.id];
        if (!current) continue;
        counters[patch.id] = { ...current, ...(patch.media ? { media: patch.media } : {}) };
      }
      return { counters };
    }),
});
