import { useShallow } from 'zustand/react/shallow';
import type { Alert } from '@counterwatch/shared';
import { alertMessage } from '../alerts/alertText';
import { useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { NO_DATA, formatExpectedWait, formatMinutes, formatPercent, serviceName } from '../queue/format';
import { QueueStateBadge } from '../queue/QueueStateBadge';
import { SEVERITY_RANK } from '../store/alertsSlice';
import { useStore } from '../store/store';

/** The focus view's side panel: the counter's queue, its day so far and its active alerts. */
export function QueuePanel({ counterId }: { counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const queue = useStore((s) => s.counters[counterId]?.queue);
  const alerts = useStore(
    useShallow((s) =>
      (s.alertIdsByCounter[counterId] ?? [])
        .map((id) => s.alerts[id])
        .filter((a): a is Alert => a !== undefined)
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]),
    ),
  );
  if (!queue) return null;
  const serving = queue.servingTicket;

  return (
    <aside
      className="queue-panel"
      aria-label={t('focus.queueTitle')}
      data-queue-state={queue.state}
      data-queue-length={queue.queueLength}
      data-serving={serving?.number ?? ''}
    >
      <div className="queue-panel-state">
        <QueueStateBadge state={queue.state} pauseReason={queue.pauseReason} className="large" />
        {queue.stateSince !== null && (
          <span className="muted">
            {t('focus.stateFor')} <Elapsed since={queue.stateSince} />
          </span>
        )}
      </div>

      <div className="big-facts">
        <div className="big-fact" data-fact="queue">
          <span className="big-value">{queue.queueLength}</span>
          <span className="big-label">{t('queue.waiting')}</span>
        </div>
        <div className="big-fact" data-fact="longest-wait">
          <span className="big-value">
            <Elapsed since={queue.oldestWaitingSince} />
          </span>
          <span className="big-label">{t('queue.longestWait')}</span>
        </div>
        <div className="big-fact" data-fact="serving">
          <span className="big-value">{serving?.number ?? NO_DATA}</span>
          <span className="big-label">
            {serving ? (
              <>
                {serviceName(lang, serving.serviceCode)} · <Elapsed since={serving.since} />
              </>
            ) : (
              t('queue.notServing')
            )}
          </span>
        </div>
      </div>

      <dl className="facts">
        <dt>{t('queue.expectedWait')}</dt>
        <dd data-fact="expected-wait" data-kind={queue.expectedWait.kind}>
          {formatExpectedWait(lang, queue.expectedWait)}
        </dd>
        <dt>{t('queue.servedToday')}</dt>
        <dd>
          {queue.servedToday}{' '}
          <span className="muted">({t('queue.servedLastHour', { count: queue.servedLastHour })})</span>
        </dd>
        <dt>{t('queue.satisfaction')}</dt>
        <dd>
          {formatPercent(lang, queue.satisfaction)}{' '}
          <span className="muted">({t('queue.ratings', { count: queue.ratedToday })})</span>
        </dd>
        <dt>{t('queue.waitTime')}</dt>
        <dd>
          {t('queue.meanP90', {
            mean: formatMinutes(lang, queue.meanWaitSeconds),
            p90: formatMinutes(lang, queue.p90WaitSeconds),
          })}
        </dd>
        <dt>{t('queue.serviceTime')}</dt>
        <dd>
          {t('queue.meanP90', {
            mean: formatMinutes(lang, queue.meanServiceSeconds),
            p90: formatMinutes(lang, queue.p90ServiceSeconds),
          })}
        </dd>
        <dt>{t('queue.noShowRate')}</dt>
        <dd>{formatPercent(lang, queue.noShowRate)}</dd>
      </dl>

      {alerts.length > 0 && (
        <section aria-label={t('alerts.title')}>
          <ul className="panel-alerts">
            {alerts.map((a) => (
              <li key={a.id} className={`sev-${a.severity}`} data-alert-id={a.id}>
                {alertMessage(lang, a)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
