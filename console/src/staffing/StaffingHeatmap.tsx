import type { StaffingAdvice } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';
import { formatNumber } from '../i18n/numbers';
import { formatPercent } from '../queue/format';
import { useStore } from '../store/store';
import { dayName } from './adviceText';

/**
 * The week as a grid: a row per day, a column per clock hour; each cell the
 * counters needed over those usually open, shaded by expected arrivals and
 * marked where the usual counters fall short.
 */
export function StaffingHeatmap({ advice }: { advice: StaffingAdvice }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const open = advice.days.flatMap((d) => d.hours.map((h) => h.hour));
  const first = Math.min(...open);
  const last = Math.max(...open);
  if (open.length === 0) return <p className="muted">{t('staffing.advice.none')}</p>;
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const peak = Math.max(1, ...advice.days.flatMap((d) => d.hours.map((h) => h.arrivals)));
  return (
    <div className="staffing-heatmap-scroll">
      <div
        className="staffing-heatmap"
        data-heatmap
        role="table"
        aria-label={t('staffing.heatmap')}
        style={{ gridTemplateColumns: `minmax(7.5rem, auto) repeat(${hours.length}, minmax(2.6rem, 1fr))` }}
      >
        <div role="row" className="staffing-heatmap-row">
          <span role="columnheader" />
          {hours.map((h) => (
            <span role="columnheader" key={h} className="staffing-hour">
              {formatNumber(lang, h)}h
            </span>
          ))}
        </div>
        {advice.days.map((d) => {
          const name = dayName(lang, d.day, d.weekday);
          return (
            <div role="row" className="staffing-heatmap-row" key={d.day} data-day={d.day}>
              <span role="rowheader" className="staffing-day">
                {name}
                {d.holiday !== null && <small className="muted"> · {d.holiday}</small>}
              </span>
              {d.hours.length === 0 ? (
                <span role="cell" className="staffing-closed" style={{ gridColumn: `span ${hours.length}` }}>
                  {d.holiday !== null || d.basis > 0 ? t('staffing.closed') : t('staffing.noHistory')}
                </span>
              ) : (
                hours.map((hour) => {
                  const h = d.hours.find((x) => x.hour === hour);
                  if (!h) return <span role="cell" key={hour} className="staffing-cell empty" />;
                  const short = h.needed > h.actualCounters && h.arrivals > 0;
                  const level = Math.min(1, h.arrivals / peak);
                  return (
                    <span
                      role="cell"
                      key={hour}
                      data-cell
                      data-short={short ? 'true' : 'false'}
                      className={`staffing-cell${short ? ' short' : ''}`}
                      style={{ ['--level' as string]: String(Math.round(level * 100) / 100) }}
                      title={t('staffing.heatmap.cell', {
                        day: name,
                        hour: formatNumber(lang, hour),
                        arrivals: formatNumber(lang, h.arrivals),
                        needed: h.needed,
                        actual: formatNumber(lang, h.actual, 1),
                        shareActual: formatPercent(lang, h.shareActual),
                        shareNeeded: formatPercent(lang, h.shareNeeded),
                      })}
                    >
                      <b>{formatNumber(lang, h.needed)}</b>
                      <small>/{formatNumber(lang, h.actualCounters)}</small>
                    </span>
                  );
                })
              )}
            </div>
          );
        })}
      </div>
      <p className="staffing-legend muted">
        <span className="staffing-cell short legend" /> {t('staffing.heatmap.legend.short')}
        <span className="staffing-cell legend" /> {t('staffing.heatmap.legend.ok')}
      </p>
    </div>
  );
}
