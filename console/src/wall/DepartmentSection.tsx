import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStore } from '../store/store';
import { CounterTile } from './CounterTile';
import { DepartmentHeader } from './DepartmentHeader';
import { orderCounters } from './order';

/** One department's tiles under its header (the "by tile size" layout). */
export const DepartmentSection = memo(function DepartmentSection({ departmentId }: { departmentId: string }) {
  const counterIds = useStore(
    useShallow((s) => orderCounters(s, s.counterIdsByDepartment[departmentId] ?? [], s.wallSort)),
  );
  return (
    <section
      className="department"
      aria-labelledby={`dept-${departmentId}`}
      data-department-id={departmentId}
    >
      <DepartmentHeader departmentId={departmentId} headingId={`dept-${departmentId}`} />
      <div className="tile-grid">
        {counterIds.map((id) => (
          <CounterTile key={id} counterId={id} />
        ))}
      </div>
    </section>
  );
});
