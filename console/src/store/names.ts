import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from './store';

/**
 * Names of the counters and departments in the user's live scope, by id, for
 * pages that list records by id (inspections, reviews, audit). Shallow-compared,
 * so queue patches do not re-render them; an id out of scope shows as itself.
 */
export function useCounterNames(): Record<string, string> {
  return useStore(
    useShallow((s) => {
      const names: Record<string, string> = {};
      for (const c of Object.values(s.counters)) names[c.id] = c.name;
      return names;
    }),
  );
}

export function useDepartmentNames(): Record<string, string> {
  return useStore(
    useShallow((s) => {
      const names: Record<string, string> = {};
      for (const d of s.departments) names[d.id] = d.name;
      return names;
    }),
  );
}

/** Counters of one department ('' = every department), in wall order, for filters and forms. */
export function useCounterOptions(departmentId: string): { id: string; name: string }[] {
  const ids = useStore(
    useShallow((s) => (departmentId === '' ? s.wallOrder : (s.counterIdsByDepartment[departmentId] ?? []))),
  );
  const names = useCounterNames();
  return useMemo(() => ids.map((id) => ({ id, name: names[id] ?? id })), [ids, names]);
}
