import { useState, type SyntheticEvent } from 'react';
import { AlertResponseSchema, ResolveAlertSchema, type Alert } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { navigate } from '../app/router';
import { describeError } from '../api/describeError';
import { formatDateTime, useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { useStore } from '../store/store';
import { openCounterLive } from '../wall/openLive';
import { alertMessage, ruleTitle } from './alertText';

/** One alert: what, where, since when, and what has been done about it. */
export function AlertRow({ alert }: { alert: Alert }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const departmentName = useStore(
    (s) => s.departments.find((d) => d.id === alert.departmentId)?.name ?? alert.departmentId,
  );
  const counterName = useStore((s) =>
    alert.counterId === null ? null : (s.counters[alert.counterId]?.name ?? alert.counterId),
  );
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `alert-${alert.id}-title`;

  // The server also broadcasts the change; applying the answer now makes the click feel immediate.
  const changed = (next: Alert): void => useStore.getState().applyAlerts([next]);

  const acknowledge = (): void => {
    setBusy(true);
    setError(null);
    apiRequest('POST', `/api/v1/alerts/${alert.id}/acknowledge`, AlertResponseSchema, {})
      .then(({ alert: next }) => changed(next))
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusy(false));
  };

  const resolve = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const body = ResolveAlertSchema.safeParse({ note });
    if (!body.success) {
      setError(t('alerts.noteRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    apiRequest('POST', `/api/v1/alerts/${alert.id}/resolve`, AlertResponseSchema, body.data)
      .then(({ alert: next }) => {
        setResolving(false);
        setNote('');
        changed(next);
      })
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusy(false));
  };

  const active = alert.state !== 'resolved';
  // An unsatisfied rating may carry the citizen's own words.
  const comment = typeof alert.details.comment === 'string' ? alert.details.comment.trim() : '';
  return (
    <li
      className={`alert-row sev-${alert.severity} state-${alert.state}`}
      data-alert-id={alert.id}
      data-rule={alert.rule}
      data-state={alert.state}
      data-severity={alert.severity}
      aria-labelledby={titleId}
    >
      <span className={`sev-badge sev-${alert.severity}`}>{t(`severity.${alert.severity}`)}</span>
      <div className="alert-main">
        <div id={titleId} className="alert-title">
          <strong>{ruleTitle(lang, alert.rule)}</strong>
          <span className="alert-message">{alertMessage(lang, alert)}</span>
        </div>
        <div className="alert-meta muted">
          <span>{departmentName}</span>
          {counterName !== null && <span>{counterName}</span>}
          <span>
            {t('alerts.openedAt', { time: formatDateTime(lang, alert.openedAt) })}
            {active && (
              <>
                {' '}
                ({t('alerts.openFor')} <Elapsed since={alert.openedAt} />)
              </>
            )}
          </span>
        </div>
        {comment && (
          <div className="alert-meta">
            {t('alerts.comment')} <q className="alert-note">{comment}</q>
          </div>
        )}
        {alert.acknowledgedAt !== null && (
          <div className="alert-meta muted">
            {t('alerts.acknowledgedBy', {
              who: alert.acknowledgedBy ?? '–',
              time: formatDateTime(lang, alert.acknowledgedAt),
            })}
          </div>
        )}
        {alert.resolvedAt !== null && (
          <div className="alert-meta muted">
            {alert.resolvedBy === null
              ? t('alerts.resolvedByItself', { time: formatDateTime(lang, alert.resolvedAt) })
              : t('alerts.resolvedBy', {
                  who: alert.resolvedBy,
                  time: formatDateTime(lang, alert.resolvedAt),
                })}
            {alert.resolutionNote && <q className="alert-note">{alert.resolutionNote}</q>}
          </div>
        )}
        {resolving && (
          <form
            className="resolve-form"
            onSubmit={resolve}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                e.stopPropagation();
                setResolving(false);
              }
            }}
          >
            <label>
              {t('alerts.note')}
              <textarea
                value={note}
                onChange={(e) => setNote(e.target.value)}
                required
                maxLength={1000}
                rows={2}
                autoFocus
                name="note"
              />
            </label>
            <div className="row-actions">
              <button type="submit" disabled={busy} data-action="confirm-resolve">
                {t('alerts.confirmResolve')}
              </button>
              <button type="button" onClick={() => setResolving(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <span className="alert-state" data-state={alert.state}>
        {t(`alertState.${alert.state}`)}
      </span>
      <div className="row-actions">
        {alert.state === 'open' && (
          <button type="button" disabled={busy} onClick={acknowledge} data-action="acknowledge">
            {t('alerts.acknowledge')}
          </button>
        )}
        {active && !resolving && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              setError(null);
              setResolving(true);
            }}
            data-action="resolve"
          >
            {t('alerts.resolve')}
          </button>
        )}
        {alert.counterId !== null ? (
          <button
            type="button"
            data-action="watch"
            onClick={() => {
              if (alert.counterId !== null) openCounterLive(alert.counterId);
            }}
          >
            {t('alerts.watchLive')}
          </button>
        ) : (
          // A department-wide alert has no counter to watch: its department panel explains it.
          <button
            type="button"
            data-action="department"
            onClick={() => navigate(`/departments?department=${encodeURIComponent(alert.departmentId)}`)}
          >
            {t('alerts.viewDepartment')}
          </button>
        )}
      </div>
    </li>
  );
}
