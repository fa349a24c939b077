import { InspectionListSchema } from '@counterwatch/shared';
import { DepartmentSelect, CounterSelect } from '../filters/PlaceSelects';
import { describeError } from '../api/describeError';
import { queryString } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { followLink, pathId, useUrlParam, usePath } from '../app/router';
import { formatDateTime, formatDuration, useT } from '../i18n/i18n';
import { useCounterNames } from '../store/names';
import { useStore } from '../store/store';
import { InspectionReport } from './InspectionReport';
import { resumeInspection } from './inspectionActions';
import { summarise, officerLabel } from './report';

/** `/inspections` is the history; `/inspections/:id` one report. */
export function InspectionsPage() {
  const id = pathId(usePath(), '/inspections');
  return id === null ? <InspectionHistory /> : <InspectionReport key={id} inspectionId={id} />;
}

function InspectionHistory() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const departments = useStore((s) => s.departments);
  // In the URL: Back from a report returns to the same list.
  const [departmentId, setDepartmentId] = useUrlParam('department');
  const [counterId, setCounterId] = useUrlParam('counter');
  const counterNames = useCounterNames();
  const list = useApiQuery(
    `/api/v1/inspections${queryString({ departmentId, counterId })}`,
    InspectionListSchema,
  );
  const rows = list.data?.inspections ?? [];
  const departmentName = (id: string): string => departments.find((d) => d.id === id)?.name ?? id;

  return (
    <section className="page inspections-page" aria-labelledby="inspections-title">
      <header className="page-header">
        <h2 id="inspections-title">{t('inspections.title')}</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
          <DepartmentSelect
            name="department"
            value={departmentId}
            emptyOption={t('common.all')}
            onChange={(id) => {
              setDepartmentId(id);
              setCounterId('');
            }}
          />
          <CounterSelect
            name="counter"
            departmentId={departmentId}
            value={counterId}
            emptyOption={t('common.all')}
            onChange={setCounterId}
          />
          <button type="button" onClick={list.reload} disabled={list.loading}>
            {t('common.refresh')}
          </button>
        </form>
      </header>
      <p className="muted">{t('inspections.explain')}</p>
      {list.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, list.error)}
        </p>
      )}
      <p className="muted" role="status" aria-live="polite">
        {list.loading ? t('common.loading') : t('inspections.count', { count: rows.length })}
      </p>
      {rows.length === 0 ? (
        !list.loading && <p className="empty">{t('inspections.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-busy={list.loading}>
            <caption className="visually-hidden">{t('inspections.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('inspections.started')}</th>
                <th scope="col">{t('common.department')}</th>
                <th scope="col">{t('common.counter')}</th>
                <th scope="col">{t('inspections.inspector')}</th>
                <th scope="col">{t('inspections.officer')}</th>
                <th scope="col">{t('inspections.duration')}</th>
                <th scope="col" className="num">
                  {t('inspections.failed')}
                </th>
                <th scope="col" className="num">
                  {t('inspections.observationCount')}
                </th>
                <th scope="col">
                  <span className="visually-hidden">{t('pressure.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((inspection) => {
                const summary = summarise(inspection);
                const href = `/inspections/${inspection.id}`;
                const running = inspection.endedAt === null;
                return (
                  <tr
                    key={inspection.id}
                    data-inspection-id={inspection.id}
                    data-state={running ? 'running' : 'ended'}
                    className={summary.counts.fail > 0 ? 'has-failures' : undefined}
                  >
                    <td>{formatDateTime(lang, inspection.startedAt)}</td>
                    <td>{departmentName(inspection.departmentId)}</td>
                    <th scope="row">{counterNames[inspection.counterId] ?? inspection.counterName}</th>
                    <td>{inspection.inspectorName}</td>
                    <td>{officerLabel(inspection, t('inspection.badgeWord')) ?? '–'}</td>
                    <td>
                      {summary.durationMs === null ? (
                        <span className="chip chip-running">{t('inspections.running')}</span>
                      ) : (
                        formatDuration(summary.durationMs / 1000)
                      )}
                    </td>
                    <td className={`num${summary.counts.fail > 0 ? ' bad' : ''}`}>
                      {running ? '–' : summary.counts.fail}
                    </td>
                    <td className="num">{inspection.observations.length}</td>
                    <td>
                      <div className="row-actions">
                        <a
                          className="button-link"
                          href={href}
                          onClick={(e) => followLink(e, href)}
                          data-action="open-report"
                        >
                          {running ? t('inspections.view') : t('inspections.report')}
                        </a>
                        {running && (
                          <button
                            type="button"
                            data-action="resume-inspection"
                            onClick={() => resumeInspection(inspection)}
                          >
                            {t('inspection.resume')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
