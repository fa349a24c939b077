import { useMemo, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from 'recharts';
import type { Report } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { formatNumber } from '../queue/format';

// Recharts draws SVG with attributes: colours that read on the dark screen and on paper alike.
const AXIS_COLOUR = '#8b98a5';
const GRID_COLOUR = '#8b98a544';
const TOOLTIP_STYLE = { background: '#161b22', border: '1px solid #2d3642', color: '#e6edf3' };
/** Fixed sizes: a printed page is laid out once, with no resize to follow. */
const WIDE = { width: 820, height: 240 };
const HALF = { width: 470, height: 240 };

function ChartFigure({ name, title, children }: { name: string; title: string; children: ReactNode }) {
  const id = `report-chart-${name}-title`;
  return (
    <figure className="report-chart" data-chart={name} aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {children}
    </figure>
  );
}

/** By day (served, mean wait), by hour of the day (tickets issued), by department (served). */
export function ReportCharts({ report }: { report: Report }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const days = useMemo(
    () =>
      report.days.map((d) => ({
        day: d.day.slice(5).split('-').reverse().join('/'),
        served: d.served,
        wait: d.meanWaitSeconds === null ? null : Math.round(d.meanWaitSeconds / 6) / 10,
      })),
    [report],
  );
  const hours = useMemo(() => {
    const entries = Object.entries(report.arrivalsByHour).sort(([a], [b]) => a.localeCompare(b));
    return entries.map(([hour, issued]) => ({ hour: `${hour}h`, issued }));
  }, [report]);
  const departments = useMemo(
    () =>
      report.departments.map((d) => ({
        name: d.name,
        served: d.figures.served,
        previous: d.previous.served,
      })),
    [report],
  );
  const count = (v: unknown) => formatNumber(lang, Number(v));
  return (
    <section className="report-section report-charts">
      {days.length > 1 && (
        <ChartFigure name="days" title={t('reports.chart.days')}>
          <ComposedChart data={days} {...WIDE} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID_COLOUR} strokeDasharray="3 3" />
            <XAxis dataKey="day" stroke={AXIS_COLOUR} />
            <YAxis
              yAxisId="people"
              allowDecimals={false}
              stroke={AXIS_COLOUR}
              width={48}
              tickFormatter={count}
            />
            <YAxis yAxisId="minutes" orientation="right" stroke={AXIS_COLOUR} width={40} unit="′" />
            <Tooltip contentStyle={TOOLTIP_STYLE} />
            <Legend />
            <Bar
              yAxisId="people"
              dataKey="served"
              name={t('reports.series.served')}
              fill="#3b82f6"
              isAnimationActive={false}
            />
            <Line
              yAxisId="minutes"
              dataKey="wait"
              name={t('reports.series.wait')}
              stroke="#f59e0b"
              strokeWidth={2}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ChartFigure>
      )}
      <div className="report-columns">
        <ChartFigure name="hours" title={t('reports.chart.hours')}>
          {hours.length === 0 ? (
            <p className="empty">{t('reports.empty')}</p>
          ) : (
            <BarChart data={hours} {...HALF} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke={GRID_COLOUR} strokeDasharray="3 3" />
              <XAxis dataKey="hour" stroke={AXIS_COLOUR} />
              <YAxis allowDecimals={false} stroke={AXIS_COLOUR} width={40} tickFormatter={count} />
              <Tooltip contentStyle={TOOLTIP_STYLE} />
              <Bar
                dataKey="issued"
                name={t('reports.series.issued')}
                fill="#22c55e"
                isAnimationActive={false}
              />
            </BarChart>
          )}
        </ChartFigure>
        {departments.length > 1 && (
          <ChartFigure name="departments" title={t('reports.chart.departments')}>
            <BarChart
              data={departments}
              {...HALF}
              layout="vertical"
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            >
              <CartesianGrid stroke={GRID_COLOUR} strokeDasharray="3 3" />
              <XAxis type="number" allowDecimals={false} stroke={AXIS_COLOUR} tickFormatter={count} />
              <YAxis type="category" dataKey="name" stroke={AXIS_COLOUR} width={190} />
              <Tooltip contentStyle={TOOLTIP_STYLE} />
              <Legend />
              <Bar dataKey="served" name={t('reports.current')} fill="#3b82f6" isAnimationActive={false} />
              <Bar dataKey="previous" name={t('reports.previous')} fill="#8b98a5" isAnimationActive={false} />
            </BarChart>
          </ChartFigure>
        )}
      </div>
    </section>
  );
}
