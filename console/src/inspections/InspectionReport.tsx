import { InspectionResponseSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useApiQuery } from '../api/useApiQuery';
import { can } from '../app/roles';
import { followLink } from '../app/router';
import { formatDateTime, formatDuration, formatTime, useT } from '../i18n/i18n';
import { useDepartmentNames } from '../store/names';
import { useStore } from '../store/store';
import { inspectionPath, reportUrl } from './api';
import { checklistText } from './InspectionPanel';
import { resumeInspection } from './inspectionActions';
import { summarise, officerLabel } from './report';

/** One inspection's report, drawn from its JSON; print and export use the server's standalone HTML. */
export function InspectionReport({ inspectionId }: { inspectionId: number }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const departmentNames = useDepartmentNames();
  const canInspect = useStore((s) => can(s.user, 'inspect'));
  const { data, error, loading } = useApiQuery(inspectionPath(inspectionId), InspectionResponseSchema);
  const inspection = data?.inspection;

  const back = (
    <a href="/inspections" className="button-link" onClick={(e) => followLink(e, '/inspections')}>
      ← {t('inspections.back')}
    </a>
  );
  if (!inspection) {
    return (
      <section className="page" data-inspection-id={inspectionId}>
        {back}
        {error !== null ? (
          <p className="error" role="alert">
            {describeError(lang, error)}
          </p>
        ) : (
          loading && <p className="muted">{t('common.loading')}</p>
        )}
      </section>
    );
  }

  const summary = summarise(inspection);
  const running = inspection.endedAt === null;
  return (
    <article
      className="page inspection-report print-area"
      aria-labelledby="report-title"
      data-inspection-id={inspection.id}
      data-state={running ? 'running' : 'ended'}
    >
      <header className="page-header">
        <div className="no-print">{back}</div>
        <h2 id="report-title">{t('report.title', { id: inspection.id })}</h2>
        <div className="row-actions no-print">
          <a
            className="button-link"
            href={reportUrl(inspection.id)}
            target="_blank"
            rel="noopener"
            data-action="print"
          >
            {t('report.print')}
          </a>
          <a className="button-link" href={reportUrl(inspection.id, true)} download data-action="export-html">
            {t('report.exportHtml')}
          </a>
          {running && canInspect && (
            <button
              type="button"
              data-action="resume-inspection"
              onClick={() => resumeInspection(inspection)}
            >
              {t('inspection.resume')}
            </button>
          )}
        </div>
      </header>
      {running && (
        <p className="notice" role="status">
          {t('report.running')}
        </p>
      )}

      <dl className="facts report-facts">
        <dt>{t('common.department')}</dt>
        <dd>{departmentNames[inspection.departmentId] ?? inspection.departmentId}</dd>
        <dt>{t('common.counter')}</dt>
        <dd data-fact="counter">{inspection.counterName}</dd>
        <dt>{t('inspections.inspector')}</dt>
        <dd data-fact="inspector">{inspection.inspectorName}</dd>
        <dt>{t('inspections.officer')}</dt>
        <dd data-fact="officer" data-officer-id={inspection.officer?.id}>
          {officerLabel(inspection, t('inspection.badgeWord')) ?? '–'}
        </dd>
        <dt>{t('report.span')}</dt>
        <dd data-fact="span">
          {formatDateTime(lang, inspection.startedAt)} –{' '}
          {inspection.endedAt === null ? t('inspections.running') : formatTime(lang, inspection.endedAt)}
          {summary.durationMs !== null && ` (${formatDuration(summary.durationMs / 1000)})`}
          {inspection.endedAutomatically && (
            <span data-fact="ended-automatically"> — {t('inspections.endedAutomatically')}</span>
          )}
        </dd>
      </dl>

      <section aria-labelledby="report-checklist">
        <h3 id="report-checklist" className="section-title">
          {t('inspection.checklist')}
        </h3>
        <p className="report-counts" data-failed={summary.counts.fail}>
          <span className="chip chip-pass">{t('report.countPass', { count: summary.counts.pass })}</span>
          <span className={`chip ${summary.counts.fail > 0 ? 'chip-fail' : ''}`}>
            {t('report.countFail', { count: summary.counts.fail })}
          </span>
          <span className="chip">{t('report.countNotObserved', { count: summary.counts.not_observed })}</span>
        </p>
        <table className="data-table report-checklist">
          <thead>
            <tr>
              <th scope="col">{t('report.item')}</th>
              <th scope="col">{t('report.result')}</th>
            </tr>
          </thead>
          <tbody>
            {summary.rows.map(({ item, result }) => (
              <tr
                key={item.id}
                data-check-item={item.id}
                data-result={result ?? ''}
                className={result === 'fail' ? 'failed' : undefined}
              >
                <th scope="row">{checklistText(item, lang)}</th>
                <td className={`result result-${result ?? 'none'}`}>
                  {result === null ? '–' : t(`inspection.result.${result}`)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="report-notes">
        <h3 id="report-notes" className="section-title">
          {t('inspection.notes')}
        </h3>
        <p className="report-notes">{inspection.notes.trim() || t('report.noNotes')}</p>
      </section>

      <section aria-labelledby="report-observations">
        <h3 id="report-observations" className="section-title">
          {t('inspection.observations', { count: inspection.observations.length })}
        </h3>
        {inspection.observations.length === 0 ? (
          <p className="muted">{t('inspection.noObservations')}</p>
        ) : (
          <ol className="report-observations">
            {inspection.observations.map((o) => (
              <li key={o.id} data-observation-id={o.id}>
                <figure>
                  {o.stillUrl !== null && (
                    <a href={o.stillUrl} target="_blank" rel="noopener">
                      <img
                        src={o.stillUrl}
                        alt={t('inspection.stillAt', { time: formatTime(lang, o.at) })}
                        loading="lazy"
                      />
                    </a>
                  )}
                  <figcaption>
                    <time dateTime={new Date(o.at).toISOString()}>{formatTime(lang, o.at)}</time>{' '}
                    {o.note || t('inspection.noNote')}
                  </figcaption>
                </figure>
              </li>
            ))}
          </ol>
        )}
      </section>
    </article>
  );
}
