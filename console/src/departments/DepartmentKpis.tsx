import type { ReactNode } from 'react';
import type { DepartmentMetrics } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import {
  NO_DATA,
  formatExpectedWait,
  formatMinutes,
  formatNumber,
  formatPercent,
  serviceName,
  utilisation,
} from '../queue/format';
import { useStore } from '../store/store';

/** Live figures of one department, from `departmentsPatch`. */
export function DepartmentKpis({ metrics }: { metrics: DepartmentMetrics }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  // The longest wait counts up between patches, like on the wall.
  const oldestSince =
    metrics.longestWaitSeconds === null ? null : metrics.at - Math.round(metrics.longestWaitSeconds * 1000);
  const cards: { key: string; label: string; value: ReactNode; detail?: string }[] = [
    {
      key: 'queue',
      label: t('queue.waiting'),
      value: metrics.queueLength,
      // The day turned at 04:00 with tickets still open: say so, so the numbers add up.
      ...(metrics.openFromPreviousDay > 0
        ? { detail: t('departments.openFromPreviousDay', { count: metrics.openFromPreviousDay }) }
        : {}),
    },
    { key: 'open-counters', label: t('departments.openCounters'), value: metrics.openCounters },
    { key: 'longest-wait', label: t('queue.longestWait'), value: <Elapsed since={oldestSince} /> },
    {
      key: 'mean-wait',
      label: t('queue.waitTime'),
      value: formatMinutes(lang, metrics.meanWaitSeconds),
      detail: t('departments.p90', { value: formatMinutes(lang, metrics.p90WaitSeconds) }),
    },
    {
      key: 'mean-service',
      label: t('queue.serviceTime'),
      value: formatMinutes(lang, metrics.meanServiceSeconds),
      detail: t('departments.p90', { value: formatMinutes(lang, metrics.p90ServiceSeconds) }),
    },
    {
      key: 'served',
      label: t('queue.servedToday'),
      value: metrics.servedToday,
      detail:
        metrics.resumedFromPreviousDay > 0
          ? t('departments.issuedTodayAndResumed', {
              count: metrics.issuedToday,
              resumed: metrics.resumedFromPreviousDay,
            })
          : t('departments.issuedToday', { count: metrics.issuedToday }),
    },
    {
      key: 'served-hour',
      label: t('departments.servedLastHour'),
      value: metrics.servedLastHour,
    },
    { key: 'no-show', label: t('queue.noShowRate'), value: formatPercent(lang, metrics.noShowRate) },
  ];
  return (
    <section aria-labelledby="kpi-title">
      <h3 id="kpi-title" className="section-title">
        {t('departments.live')}
      </h3>
      <dl className="kpis">
        {cards.map((c) => (
          <div key={c.key} className="kpi" data-kpi={c.key}>
            <dt>{c.label}</dt>
            <dd>
              <span className="kpi-value">{c.value}</span>
              {c.detail && <span className="kpi-detail muted">{c.detail}</span>}
            </dd>
          </div>
        ))}
      </dl>
      <ServiceTable metrics={metrics} />
    </section>
  );
}

/**
 * Per service: the M/M/c inputs (λ, mean service time, c), the steady-state
 * wait Wq they give, and what a ticket issued now waits (Wq, or the backlog
 * ahead of it if that is longer).
 */
function ServiceTable({ metrics }: { metrics: DepartmentMetrics }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  if (metrics.services.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="data-table service-table">
        <caption>
          {t('departments.services')} <small className="muted">{t('departments.servicesModel')}</small>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('departments.service')}</th>
            <th scope="col" className="num">
              {t('queue.waiting')}
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.arrivalsLong')}>{t('departments.arrivalsShort')}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.meanServiceLong')}>{t('departments.meanService')}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.countersLong')}>{t('departments.countersShort')}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.utilisationLong')}>{t('departments.utilisationShort')}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.wqLong')}>{t('departments.wqShort')}</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title={t('departments.newTicketWaitLong')}>{t('departments.newTicketWait')}</abbr>
            </th>
          </tr>
        </thead>
        <tbody>
          {metrics.services.map((s) => {
            const rho = utilisation(s.arrivalsPerHour, s.meanServiceSeconds, s.openCounters);
            return (
              <tr
                key={s.serviceCode}
                data-service-code={s.serviceCode}
                data-expected-wait={s.expectedWait.kind}
              >
                <th scope="row">{serviceName(lang, s.serviceCode)}</th>
                <td className="num">{formatNumber(lang, s.waiting)}</td>
                <td className="num">{formatNumber(lang, s.arrivalsPerHour, 1)}</td>
                <td className="num">{formatMinutes(lang, s.meanServiceSeconds)}</td>
                <td className="num">{formatNumber(lang, s.openCounters)}</td>
                <td className={`num${rho !== null && rho >= 1 ? ' bad' : ''}`}>
                  {rho === null ? NO_DATA : formatNumber(lang, rho, 2)}
                </td>
                <td className={`num${s.erlangWait.kind === 'unbounded' ? ' bad' : ''}`}>
                  {formatExpectedWait(lang, s.erlangWait)}
                </td>
                <td
                  className={`num${s.expectedWait.kind === 'unbounded' ? ' bad' : ''}`}
                  data-new-ticket-wait
                >
                  {formatExpectedWait(lang, s.expectedWait)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
