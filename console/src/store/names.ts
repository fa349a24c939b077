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

/**
 * Counter options for a list spanning these ids: each counter by its name, and
 * where the list holds counters of more than one department (every department
 * has a "Quầy 1"), by its name and its department's.
 */
export function counterOptions(
  ids: readonly string[],
  counters: Readonly<Record<string, { name: string; departmentId: string } | undefined>>,
  departmentNames: Readonly<Record<string, string>>,
): { id: string; name: string }[] {
  const departments = new Set(ids.flatMap((id) => counters[id]?.departmentId ?? []));
  return ids.map((id) => {
    const c = counters[id];
    if (!c) return { id, name: id };
    if (departments.size < 2) return { id, name: c.name };
    return { id, name: `${c.name} · ${departmentNames[c.departmentId] ?? c.departmentId}` };
  });
}

/** Counters of one department ('' = every department), in wall order, for filters and forms. */
export function useCounterOptions(departmentId: string): { id: string; name: string }[] {
  const ids = useStore(
    useShallow((s) => (departmentId === '' ? s.wallOrder : (s.counterIdsByDepartment[departmentId] ?? []))),
  );
  // Flat records of strings: useShallow keeps them stable while nothing in them changes (records
  // of fresh objects would be new on every call and re-render for ever).
  const names = useCounterNames();
  const departmentOf = useStore(
    useShallow((s) => {
      const of: Record<string, string> = {};
      for (const c of Object.values(s.counters)) of[c.id] = c.departmentId;
      return of;
    }),
  );
  const departmentNames = useDepartmentNames();
  return useMemo(() => {
    const counters: Record<string, { name: string; departmentId: string }> = {};
    for (const id of ids) {
      const name = names[id];
      const departmentId = departmentOf[id];
      if (name !== undefined && departmentId !== undefined) counters[id] = { name, departmentId };
    }
    return counterOptions(ids, counters, departmentNames);
  }, [ids, names, departmentOf, departmentNames]);
}
