import { useState, type SyntheticEvent } from 'react';
import {
  AlertResponseSchema,
  AlertSnoozeSchema,
  CONDITION_HOLDS,
  RemoteError,
  ResolveAlertResponseSchema,
  ResolveAlertSchema,
  type Alert,
  type AlertSnooze,
} from '@counterwatch/shared';
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
  // The server said the condition still holds: offer a snooze instead, or resolving anyway.
  const [holding, setHolding] = useState(false);
  const [snoozing, setSnoozing] = useState(false);
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

  const sendResolve = (evenIfHolding: boolean): void => {
    const body = ResolveAlertSchema.safeParse({ note, evenIfHolding });
    if (!body.success) {
      setError(t('alerts.noteRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    apiRequest('POST', `/api/v1/alerts/${alert.id}/resolve`, ResolveAlertResponseSchema, body.data)
      .then(({ alert: next }) => {
        setResolving(false);
        setHolding(false);
        setNote('');
        changed(next);
      })
      .catch((e: unknown) => {
        if (isConditionHolds(e)) setHolding(true);
        else setError(describeError(lang, e));
      })
      .finally(() => setBusy(false));
  };

  const resolve = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    sendResolve(false);
  };

  const snooze = (duration: AlertSnooze): void => {
    setBusy(true);
    setError(null);
    const trimmed = note.trim();
    apiRequest('POST', `/api/v1/alerts/${alert.id}/snooze`, AlertResponseSchema, {
      for: duration,
      ...(trimmed === '' ? {} : { note: trimmed }),
    })
      .then(({ alert: next }) => {
        setSnoozing(false);
        setResolving(false);
        setHolding(false);
        setNote('');
        changed(next);
      })
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusy(false));
  };

  const snoozeChoices = (
    <div className="row-actions snooze-choices" role="group" aria-label={t('alerts.snoozeFor')}>
      <span className="muted">{t('alerts.snoozeFor')}</span>
      {AlertSnoozeSchema.options.map((d) => (
        <button key={d} type="button" disabled={busy} onClick={() => snooze(d)} data-snooze={d}>
          {t(`alerts.snooze.${d}`)}
        </button>
      ))}
    </div>
  );

  const active = alert.state !== 'resolved';
  // The console runs on real time; the server keeps the snooze until it wakes the alert.
  const snoozedUntil =
    active && alert.snoozedUntil != null && alert.snoozedUntil > Date.now() ? alert.snoozedUntil : null;
  const reopenOf = typeof alert.details.reopenOf === 'number' ? alert.details.reopenOf : null;
  // An unsatisfied rating may carry the citizen's own words.
  const comment = typeof alert.details.comment === 'string' ? alert.details.comment.trim() : '';
  return (
    <li
      className={`alert-row sev-${alert.severity} state-${alert.state}${snoozedUntil === null ? '' : ' snoozed'}`}
      data-alert-id={alert.id}
      data-snoozed={snoozedUntil === null ? undefined : true}
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
        {reopenOf !== null && (
          <div className="alert-meta" data-reopen-of={reopenOf}>
            {t('alerts.reopenOf', { id: reopenOf })}
          </div>
        )}
        {snoozedUntil !== null && (
          <div className="alert-meta alert-snoozed" data-alert-snoozed-until={snoozedUntil}>
            {t('alerts.snoozedUntil', {
              time: formatDateTime(lang, snoozedUntil),
              who: alert.snoozedBy ?? '–',
            })}
          </div>
        )}
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
            {holding ? (
              <div className="alert-still-holds" role="alert" data-alert-still-holds>
                <p>{t('alerts.stillHolds')}</p>
                {snoozeChoices}
                <div className="row-actions">
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => sendResolve(true)}
                    data-action="resolve-anyway"
                  >
                    {t('alerts.resolveAnyway')}
                  </button>
                  <button type="button" onClick={() => setResolving(false)}>
                    {t('common.cancel')}
                  </button>
                </div>
              </div>
            ) : (
              <div className="row-actions">
                <button type="submit" disabled={busy} data-action="confirm-resolve">
                  {t('alerts.confirmResolve')}
                </button>
                <button type="button" onClick={() => setResolving(false)}>
                  {t('common.cancel')}
                </button>
              </div>
            )}
          </form>
        )}
        {snoozing && !resolving && snoozeChoices}
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
              setHolding(false);
              setSnoozing(false);
              setResolving(true);
            }}
            data-action="resolve"
          >
            {t('alerts.resolve')}
          </button>
        )}
        {active && !resolving && (
          <button
            type="button"
            disabled={busy}
            aria-expanded={snoozing}
            onClick={() => {
              setError(null);
              setSnoozing((s) => !s);
            }}
            data-action="snooze"
          >
            {t('alerts.snooze')}
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

/** The 409 a resolve gets while the alert's condition still holds. */
function isConditionHolds(error: unknown): boolean {
  if (!(error instanceof RemoteError) || error.code !== 'conflict') return false;
  const details = error.details;
  return (
    typeof details === 'object' &&
    details !== null &&
    'reason' in details &&
    details.reason === CONDITION_HOLDS
  );
}
