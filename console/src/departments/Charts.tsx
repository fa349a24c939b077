import { useMemo, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { DepartmentMetrics, MetricsHistory } from '@counterwatch/shared';
import { formatTime, useT, type Lang } from '../i18n/i18n';
import { formatNumber, formatPercent } from '../queue/format';
import { useStore } from '../store/store';
import { hourTicks, queueChartRows, seriesColour, servedByHourRows, type ServedHourRow } from './chartData';

// Recharts draws SVG with attributes, not CSS: the theme's colours are repeated here.
const AXIS_COLOUR = '#8b98a5';
const GRID_COLOUR = '#2d3642';
const TOOLTIP_STYLE = { background: '#161b22', border: '1px solid #2d3642', color: '#e6edf3' };
const RATING_COLOURS = { satisfied: '#22c55e', neutral: '#8b98a5', unsatisfied: '#ef4444' } as const;

/** Axis ticks and tooltip values through the console's one number formatter ("4,5", not "4.5"). */
const numberText =
  (lang: Lang) =>
  (value: unknown): string =>
    typeof value === 'number' ? formatNumber(lang, value, 1) : String(value);

/** A chart with its caption; `data-chart` names it for tests and for people printing the page. */
function ChartFigure({ name, title, children }: { name: string; title: string; children: ReactNode }) {
  const id = `chart-${name}-title`;
  return (
    <figure className="chart" data-chart={name} aria-labelledby={id}>
      <figcaption id={id}>{title}</figcaption>
      {children}
    </figure>
  );
}

/** Queue length and longest / mean wait through the day, time in Asia/Ho_Chi_Minh. */
export function QueueChart({ history }: { history: MetricsHistory | null }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const rows = useMemo(() => queueChartRows(history?.points ?? []), [history]);
  const first = rows[0];
  const last = rows[rows.length - 1];
  return (
    <ChartFigure name="queue" title={t('departments.chart.queue')}>
      {!first || !last ? (
        <p className="empty">{history ? t('departments.noHistory') : t('common.loading')}</p>
      ) : (
        <ResponsiveContainer width="100%" height={280}>
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID_COLOUR} strokeDasharray="3 3" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={[first.at, last.at]}
              ticks={hourTicks(first.at, last.at)}
              tickFormatter={(v: number) => formatTime(lang, v, false)}
              stroke={AXIS_COLOUR}
            />
            <YAxis
              yAxisId="people"
              allowDecimals={false}
              stroke={AXIS_COLOUR}
              width={40}
              tickFormatter={numberText(lang)}
            />
            <YAxis
              yAxisId="minutes"
              orientation="right"
              stroke={AXIS_COLOUR}
              width={40}
              unit="′"
              tickFormatter={numberText(lang)}
            />
            <Tooltip
              contentStyle={TOOLTIP_STYLE}
              formatter={numberText(lang)}
              labelFormatter={(label: unknown) => formatTime(lang, Number(label))}
            />
            <Legend />
            <Line
              yAxisId="people"
              type="stepAfter"
              dataKey="queue"
              name={t('departments.series.queue')}
              stroke="#60a5fa"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="minutes"
              dataKey="longestMin"
              name={t('departments.series.longestWait')}
              stroke="#f87171"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
            <Line
              yAxisId="minutes"
              dataKey="meanMin"
              name={t('departments.series.meanWait')}
              stroke="#fbbf24"
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartFigure>
  );
}

/** Tickets finished per local hour, stacked by counter. */
export function ServedChart({ history }: { history: MetricsHistory | null }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const counters = useStore((s) => s.counters);
  const { rows, counterIds } = useMemo(() => servedByHourRows(history?.servedByHour ?? {}), [history]);
  return (
    <ChartFigure name="served" title={t('departments.chart.served')}>
      {rows.length === 0 ? (
        <p className="empty">{history ? t('departments.noServed') : t('common.loading')}</p>
      ) : (
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID_COLOUR} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="hour" tickFormatter={(h: string) => `${h}h`} stroke={AXIS_COLOUR} />
            <YAxis allowDecimals={false} stroke={AXIS_COLOUR} width={40} tickFormatter={numberText(lang)} />
            <Tooltip
              formatter={numberText(lang)}
              contentStyle={TOOLTIP_STYLE}
              labelFormatter={(label: unknown) => `${String(label)}:00`}
              cursor={{ fill: 'rgba(255,255,255,0.05)' }}
            />
            <Legend />
            {counterIds.map((id, i) => (
              <Bar
                key={id}
                dataKey={(row: ServedHourRow) => row.values[id] ?? 0}
                name={counters[id]?.name ?? id}
                stackId="served"
                fill={seriesColour(i)}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartFigure>
  );
}

/** Today's ratings (satisfied / neutral / unsatisfied) with the satisfied share. */
export function SatisfactionChart({ metrics }: { metrics: DepartmentMetrics | undefined }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const ratings = metrics?.ratingsToday ?? { satisfied: 0, neutral: 0, unsatisfied: 0 };
  const total = ratings.satisfied + ratings.neutral + ratings.unsatisfied;
  const data = (['satisfied', 'neutral', 'unsatisfied'] as const).map((key) => ({
    key,
    name: t(`rating.${key}`),
    value: ratings[key],
    fill: RATING_COLOURS[key],
  }));
  return (
    <ChartFigure name="satisfaction" title={t('departments.chart.satisfaction')}>
      <div className="satisfaction">
        <div className="satisfaction-figures">
          <div className="big-fact">
            <span className="big-value" data-fact="satisfaction">
              {formatPercent(lang, metrics?.satisfaction ?? null)}
            </span>
            <span className="big-label">{t('departments.satisfiedToday', { count: total })}</span>
          </div>
          <div className="big-fact">
            <span className="big-value small">
              {formatPercent(lang, metrics?.satisfactionLastHour ?? null)}
            </span>
            <span className="big-label">
              {t('departments.satisfiedLastHour', { count: metrics?.ratingsLastHour ?? 0 })}
            </span>
          </div>
          <ul className="rating-counts">
            {data.map((d) => (
              <li key={d.key} data-rating={d.key}>
                <span className="swatch" style={{ background: d.fill }} aria-hidden="true" />
                {d.name}: {d.value}
              </li>
            ))}
          </ul>
        </div>
        {total === 0 ? (
          <p className="empty">{t('departments.noRatings')}</p>
        ) : (
          <ResponsiveContainer width="100%" height={220}>
            <PieChart>
              <Pie
                data={data}
                dataKey="value"
                nameKey="name"
                innerRadius="55%"
                outerRadius="85%"
                stroke="#0e1116"
                isAnimationActive={false}
              />
              <Tooltip contentStyle={TOOLTIP_STYLE} formatter={numberText(lang)} />
            </PieChart>
          </ResponsiveContainer>
        )}
      </div>
    </ChartFigure>
  );
}
