import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store/store';
import { CounterTile } from './CounterTile';
import { DepartmentHeader } from './DepartmentHeader';
import { orderCounters } from './order';
import { countRender } from './renderCount';

/** One department's tiles under its header (the "by tile size" layout). */
export const DepartmentSection = memo(function DepartmentSection({ departmentId }: { departmentId: string }) {
  countRender('DepartmentSection');
  const collapsed = useStore((s) => s.collapsedDepartments.includes(departmentId));
  // A folded department renders no tiles: no video elements, so no consumers at all.
  const counterIds = useStore(
    useShallow((s) =>
      collapsed ? [] : orderCounters(s, s.counterIdsByDepartment[departmentId] ?? [], s.wallSort),
    ),
  );
  return (
    <section
      className="department"
      aria-labelledby={`dept-${departmentId}`}
      data-department-id={departmentId}
    >
      <DepartmentHeader departmentId={departmentId} headingId={`dept-${departmentId}`} collapsible />
      {!collapsed && (
        <div className="tile-grid" id={`tiles-${departmentId}`}>
          {counterIds.map((id) => (
            <CounterTile key={id} counterId={id} />
          ))}
        </div>
      )}
    </section>
  );
});
