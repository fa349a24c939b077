import { DepartmentSelect } from '../filters/PlaceSelects';
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AlertSeveritySchema, type Alert, type AlertSeverity } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useUrlChoice, useUrlParam } from '../app/router';
import { parseLocalDate, useT } from '../i18n/i18n';
import { SEVERITY_RANK } from '../store/alertsSlice';
import { useStore } from '../store/store';
import { AlertRow } from './AlertRow';
import { useAlertHistory } from './useAlertHistory';

type StateFilter = 'active' | 'resolved' | 'all';
const STATE_FILTERS: readonly StateFilter[] = ['active', 'resolved', 'all'];
const DAY_MS = 86_400_000;

/** Active alerts live from the store; resolved ones searched on the server. */
export function AlertsPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const active = useStore(useShallow((s) => Object.values(s.alerts)));
  const recentlyResolved = useStore((s) => s.recentlyResolved);
  // The filters are in the URL: reload and a shared link show the same list.
  const [departmentId, setDepartmentId] = useUrlParam('department');
  const [severity, setSeverity] = useUrlChoice<AlertSeverity | ''>(
    'severity',
    AlertSeveritySchema.options,
    '',
  );
  const [stateFilter, setStateFilter] = useUrlChoice<StateFilter>('state', STATE_FILTERS, 'active');
  const [fromDate, setFromDate] = useUrlParam('from');
  const [toDate, setToDate] = useUrlParam('to');

  const fromMs = parseLocalDate(fromDate);
  const toDay = parseLocalDate(toDate);
  const toMs = toDay === null ? null : toDay + DAY_MS; // the whole "to" day
  const history = useAlertHistory(
    { departmentId, severity, from: fromMs, to: toMs },
    stateFilter !== 'active',
  );

  const shown = useMemo(() => {
    const matches = (a: Alert): boolean =>
      (departmentId === '' || a.departmentId === departmentId) &&
      (severity === '' || a.severity === severity);
    const live = stateFilter === 'resolved' ? [] : active.filter(matches);
    // Most urgent first; then newest.
    live.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.openedAt - a.openedAt);
    if (stateFilter === 'active') return live;
    const liveIds = new Set(live.map((a) => a.id));
    const inRange = (a: Alert): boolean =>
      (fromMs === null || a.openedAt >= fromMs) && (toMs === null || a.openedAt < toMs);
    // Resolved here or pushed by the server since the search ran: newer than the search's copy.
    const resolved = new Map<number, Alert>();
    for (const a of history.alerts) resolved.set(a.id, a);
    for (const a of recentlyResolved) if (inRange(a)) resolved.set(a.id, a);
    const past = [...resolved.values()]
      .filter((a) => a.state === 'resolved' && !liveIds.has(a.id) && matches(a))
      .sort((a, b) => b.openedAt - a.openedAt);
    return [...live, ...past];
  }, [active, recentlyResolved, history.alerts, departmentId, severity, stateFilter, fromMs, toMs]);

  return (
    <section className="page alerts-page" aria-labelledby="alerts-title">
      <header className="page-header">
        <h2 id="alerts-title">{t('alerts.title')}</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
          <DepartmentSelect
            name="department"
            value={departmentId}
            emptyOption={t('common.all')}
            onChange={setDepartmentId}
          />
          <label>
            {t('alerts.severity')}
            <select
              value={severity}
              name="severity"
              onChange={(e) => {
                const parsed = AlertSeveritySchema.safeParse(e.target.value);
                setSeverity(parsed.success ? parsed.data : '');
              }}
            >
              <option value="">{t('common.all')}</option>
              {AlertSeveritySchema.options.map((s) => (
                <option key={s} value={s}>
                  {t(`severity.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="segmented">
            <legend>{t('alerts.state')}</legend>
            {STATE_FILTERS.map((f) => (
              <label key={f} className={stateFilter === f ? 'checked' : ''}>
                <input
                  type="radio"
                  name="state"
                  value={f}
                  checked={stateFilter === f}
                  onChange={() => setStateFilter(f)}
                />
                {t(`alerts.filter.${f}`)}
              </label>
            ))}
          </fieldset>
          {stateFilter !== 'active' && (
            <>
              <label>
                {t('common.fromDate')}
                <input
                  type="date"
                  value={fromDate}
                  onChange={(e) => setFromDate(e.target.value)}
                  name="from"
                />
              </label>
              <label>
                {t('common.toDate')}
                <input type="date" value={toDate} onChange={(e) => setToDate(e.target.value)} name="to" />
              </label>
              <button type="button" onClick={history.reload} disabled={history.loading}>
                {t('common.refresh')}
              </button>
            </>
          )}
        </form>
      </header>
      {history.error !== null && stateFilter !== 'active' && (
        <p className="error" role="alert">
          {describeError(lang, history.error)}
        </p>
      )}
      <p className="muted" role="status" aria-live="polite">
        {history.loading && stateFilter !== 'active'
          ? t('common.loading')
          : t('alerts.count', { count: shown.length })}
      </p>
      {shown.length === 0 ? (
        <p className="empty">{stateFilter === 'active' ? t('alerts.noneActive') : t('alerts.none')}</p>
      ) : (
        <ul className="alert-list" aria-busy={history.loading}>
          {shown.map((a) => (
            <AlertRow key={a.id} alert={a} />
          ))}
        </ul>
      )}
    </section>
  );
}
