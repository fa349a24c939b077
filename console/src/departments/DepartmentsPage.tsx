import { DepartmentSelect } from '../filters/PlaceSelects';
import { hasAnyRole } from '../app/roles';
import { describeError } from '../api/describeError';
import { navigate, useSearchParam } from '../app/router';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { QueueChart, SatisfactionChart, ServedChart } from './Charts';
import { DepartmentKpis } from './DepartmentKpis';
import { ThresholdEditor } from './ThresholdEditor';
import { useMetricsHistory } from './useMetricsHistory';

/** One department at a time: live figures, the day in charts, and (for directors) its alert thresholds. */
export function DepartmentsPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const departments = useStore((s) => s.departments);
  const requested = useSearchParam('department');
  const department = departments.find((d) => d.id === requested) ?? departments[0];
  const departmentId = department?.id ?? null;
  const metrics = useStore((s) => (departmentId === null ? undefined : s.departmentMetrics[departmentId]));
  const canEditThresholds = useStore((s) => hasAnyRole(s.user, ['director', 'admin']));
  const { history, error } = useMetricsHistory(departmentId);

  if (!department || departmentId === null) {
    return (
      <section className="page">
        <h2>{t('departments.title')}</h2>
        <p className="empty">{t('wall.empty')}</p>
      </section>
    );
  }

  return (
    <section
      className="page departments-page"
      aria-labelledby="departments-title"
      data-department-id={departmentId}
    >
      <header className="page-header">
        <h2 id="departments-title">{t('departments.title')}</h2>
        <DepartmentSelect
          name="department"
          value={departmentId}
          onChange={(id) => navigate(`/departments?department=${encodeURIComponent(id)}`, true)}
        />
      </header>

      {metrics ? <DepartmentKpis metrics={metrics} /> : <p className="muted">{t('departments.noMetrics')}</p>}

      {error !== null && (
        <p className="error" role="alert">
          {t('departments.historyError', { message: describeError(lang, error) })}
        </p>
      )}
      <div className="charts">
        <QueueChart history={history} />
        <ServedChart history={history} />
        <SatisfactionChart metrics={metrics} />
      </div>

      {canEditThresholds && <ThresholdEditor key={departmentId} departmentId={departmentId} />}
    </section>
  );
}
