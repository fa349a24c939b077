import { DepartmentSelect } from '../filters/PlaceSelects';
import { useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { formatNumber } from '../queue/format';
import { QueueStateBadge } from '../queue/QueueStateBadge';
import { useStore } from '../store/store';
import { StatusBadge, displayStatus } from '../wall/StatusBadge';
import { openCounterLive } from '../wall/openLive';
import { PRESSURE_BAR_MAX, TOP_CHOICES, pressureLevel, rankByPressure, type TopChoice } from './pressure';

/** Every counter in scope ranked by how overloaded it is. */
export function PressurePage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const counters = useStore(useShallow((s) => Object.values(s.counters)));
  const departments = useStore((s) => s.departments);
  const [top, setTop] = useState<TopChoice>('20');
  const [departmentId, setDepartmentId] = useState('');
  const rows = useMemo(
    () =>
      rankByPressure(
        departmentId === '' ? counters : counters.filter((c) => c.departmentId === departmentId),
        top,
      ),
    [counters, departmentId, top],
  );
  const departmentName = (id: string): string => departments.find((d) => d.id === id)?.name ?? id;

  return (
    <section className="page pressure-page" aria-labelledby="pressure-title">
      <header className="page-header">
        <h2 id="pressure-title">{t('pressure.title')}</h2>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
          <DepartmentSelect
            name="department"
            value={departmentId}
            emptyOption={t('common.all')}
            onChange={setDepartmentId}
          />
          <label>
            {t('pressure.show')}
            <select
              name="top"
              value={top}
              onChange={(e) => setTop(TOP_CHOICES.find((c) => c === e.target.value) ?? '20')}
            >
              {TOP_CHOICES.map((c) => (
                <option key={c} value={c}>
                  {c === 'all' ? t('common.all') : t('pressure.top', { count: c })}
                </option>
              ))}
            </select>
          </label>
        </form>
      </header>
      <p className="muted">{t('pressure.explain')}</p>
      {rows.length === 0 ? (
        <p className="empty">{t('wall.empty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table pressure-table">
            <caption className="visually-hidden">{t('pressure.title')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">{t('common.department')}</th>
                <th scope="col">{t('common.counter')}</th>
                <th scope="col">{t('pressure.pressure')}</th>
                <th scope="col" className="num">
                  {t('queue.waiting')}
                </th>
                <th scope="col" className="num">
                  {t('queue.longestWait')}
                </th>
                <th scope="col">{t('pressure.state')}</th>
                <th scope="col">{t('pressure.media')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('pressure.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c, i) => {
                const level = pressureLevel(c.queue.pressure);
                const pct = Math.min(1, c.queue.pressure / PRESSURE_BAR_MAX) * 100;
                return (
                  <tr key={c.id} data-counter-id={c.id} data-pressure={c.queue.pressure}>
                    <td className="num">{i + 1}</td>
                    <td>{departmentName(c.departmentId)}</td>
                    <th scope="row">{c.name}</th>
                    <td>
                      <div
                        className={`pressure-bar level-${level}`}
                        role="meter"
                        aria-valuemin={0}
                        aria-valuemax={PRESSURE_BAR_MAX}
                        aria-valuenow={c.queue.pressure}
                        aria-valuetext={formatNumber(lang, c.queue.pressure, 2)}
                        aria-label={t('pressure.pressure')}
                      >
                        <span className="pressure-fill" style={{ width: `${pct}%` }} />
                        <span className="pressure-value">{formatNumber(lang, c.queue.pressure, 2)}</span>
                      </div>
                    </td>
                    <td className="num">{formatNumber(lang, c.queue.queueLength)}</td>
                    <td className="num">
                      <Elapsed since={c.queue.oldestWaitingSince} />
                    </td>
                    <td>
                      <QueueStateBadge state={c.queue.state} pauseReason={c.queue.pauseReason} />
                    </td>
                    <td>
                      <StatusBadge status={displayStatus(c.media)} />
                    </td>
                    <td>
                      <button
                        type="button"
                        data-action="watch"
                        aria-label={t('pressure.watch', { name: c.name })}
                        onClick={() => openCounterLive(c.id)}
                      >
                        {t('pressure.view')}
                      </button>
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
