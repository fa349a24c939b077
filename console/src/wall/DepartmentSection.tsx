import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { CounterTile } from './CounterTile';

export const DepartmentSection = memo(function DepartmentSection({ departmentId }: { departmentId: string }) {
  const t = useT();
  const name = useStore((s) => s.departments.find((d) => d.id === departmentId)?.name ?? departmentId);
  const counterIds = useStore(useShallow((s) => s.counterIdsByDepartment[departmentId] ?? []));
  const online = useStore((s) => counterIds.filter((id) => s.counters[id]?.media.status === 'online').length);
  return (
    <section
      className="department"
      aria-labelledby={`dept-${departmentId}`}
      data-department-id={departmentId}
    >
      <header className="department-header">
        <h2 id={`dept-${departmentId}`}>{name}</h2>
        <span className="muted">
          {t('wall.online', { count: online })} / {t('wall.counters', { count: counterIds.length })}
        </span>
      </header>
      <div className="tile-grid">
        {counterIds.map((id) => (
          <CounterTile key={id} counterId={id} />
        ))}
      </div>
    </section>
  );
});
