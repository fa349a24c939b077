import type { Report, ReportFigures, ReportUnit } from '@counterwatch/shared';
import { formatDateTime, useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { formatChange } from '../i18n/numbers';
import { NO_DATA, formatMinutes, formatNumber, formatPercent } from '../queue/format';
import { useStore } from '../store/store';
import { ReportCharts } from './ReportCharts';
import { change, cssString } from './reportQuery';

const PERIOD_KEY: Record<Report['period'], MessageKey> = {
  day: 'reports.period.day',
  week: 'reports.period.week',
  month: 'reports.period.month',
  custom: 'reports.period.custom',
};

/** The unit the report is about: one department, the province, or the user's departments. */
export function useUnitName(report: Report): string {
  const t = useT();
  if (report.scope === 'department') return report.total.name;
  return t(report.scope === 'province' ? 'reports.unit.province' : 'reports.unit.scope');
}

function ChangeCell({
  current,
  previous,
  better,
}: {
  current: number | null;
  previous: number | null;
  better: 'up' | 'down';
}) {
  const lang = useStore((s) => s.lang);
  const c = change(current, previous);
  if (c === null) return <td className="num muted">{NO_DATA}</td>;
  const good = c === 0 ? null : c > 0 === (better === 'up');
  const text = formatChange(lang, c);
  return <td className={`num change ${good === null ? '' : good ? 'good' : 'bad'}`}>{text}</td>;
}

/** The figures of a unit as one table row, for the department and counter tables. */
function UnitRow({ unit, level }: { unit: ReportUnit; level: 'department' | 'counter' }) {
  const lang = useStore((s) => s.lang);
  const f = unit.figures;
  return (
    <tr data-unit={unit.id} className={level}>
      <th scope="row">{unit.name}</th>
      <td className="num" data-figure="served">
        {formatNumber(lang, f.served)}
      </td>
      <ChangeCell current={f.served} previous={unit.previous.served} better="up" />
      <td className="num">{formatMinutes(lang, f.meanWaitSeconds)}</td>
      <td className="num">{formatMinutes(lang, f.p90WaitSeconds)}</td>
      <td className="num">{formatPercent(lang, f.overTargetShare)}</td>
      <td className="num">{formatMinutes(lang, f.meanServiceSeconds)}</td>
      <td className="num">{formatNumber(lang, f.noShows)}</td>
      <td className="num">
        {formatPercent(lang, f.satisfaction)} <span className="muted">({formatNumber(lang, f.rated)})</span>
      </td>
      <td className="num">{formatNumber(lang, f.complaints.total)}</td>
      <td className="num">
        {formatNumber(lang, f.inspections.count)}{' '}
        <span className="muted">({formatNumber(lang, f.inspections.withFailures)})</span>
      </td>
      <td className="num">{formatNumber(lang, f.alerts.total)}</td>
    </tr>
  );
}

function UnitTableHead({ targetMinutes, first }: { targetMinutes: number; first: string }) {
  const t = useT();
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">{t('reports.f.served')}</th>
        <th scope="col">{t('reports.change')}</th>
        <th scope="col">{t('reports.f.meanWait')}</th>
        <th scope="col">{t('reports.f.p90Wait')}</th>
        <th scope="col">{t('reports.f.overTarget', { minutes: targetMinutes })}</th>
        <th scope="col">{t('reports.f.meanService')}</th>
        <th scope="col">{t('reports.f.noShows')}</th>
        <th scope="col">{t('reports.f.satisfaction')}</th>
        <th scope="col">{t('reports.f.complaints')}</th>
        <th scope="col">{t('reports.f.inspections')}</th>
        <th scope="col">{t('reports.f.alerts')}</th>
      </tr>
    </thead>
  );
}

function SummaryTable({ report }: { report: Report }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const f = report.total.figures;
  const p = report.total.previous;
  const count = (n: number) => formatNumber(lang, n);
  const rows: {
    key: string;
    label: string;
    cur: number | null;
    prev: number | null;
    show: (v: number | null) => string;
    better: 'up' | 'down';
  }[] = [
    {
      key: 'served',
      label: t('reports.f.served'),
      cur: f.served,
      prev: p.served,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'up',
    },
    {
      key: 'issued',
      label: t('reports.f.issued'),
      cur: f.issued,
      prev: p.issued,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'up',
    },
    {
      key: 'meanWait',
      label: t('reports.f.meanWait'),
      cur: f.meanWaitSeconds,
      prev: p.meanWaitSeconds,
      show: (v) => formatMinutes(lang, v),
      better: 'down',
    },
    {
      key: 'p90Wait',
      label: t('reports.f.p90Wait'),
      cur: f.p90WaitSeconds,
      prev: p.p90WaitSeconds,
      show: (v) => formatMinutes(lang, v),
      better: 'down',
    },
    {
      key: 'overTarget',
      label: t('reports.f.overTarget', { minutes: report.targetMinutes }),
      cur: f.overTargetShare,
      prev: p.overTargetShare,
      show: (v) => formatPercent(lang, v),
      better: 'down',
    },
    {
      key: 'meanService',
      label: t('reports.f.meanService'),
      cur: f.meanServiceSeconds,
      prev: p.meanServiceSeconds,
      show: (v) => formatMinutes(lang, v),
      better: 'down',
    },
    {
      key: 'noShows',
      label: t('reports.f.noShows'),
      cur: f.noShows,
      prev: p.noShows,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'down',
    },
    {
      key: 'satisfaction',
      label: t('reports.f.satisfaction'),
      cur: f.satisfaction,
      prev: p.satisfaction,
      show: (v) => formatPercent(lang, v),
      better: 'up',
    },
    {
      key: 'rated',
      label: t('reports.f.rated'),
      cur: f.rated,
      prev: p.rated,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'up',
    },
    {
      key: 'complaints',
      label: t('reports.f.complaints'),
      cur: f.complaints.total,
      prev: p.complaints.total,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'down',
    },
    {
      key: 'inspections',
      label: t('reports.f.inspections'),
      cur: f.inspections.count,
      prev: p.inspections.count,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'up',
    },
    {
      key: 'alerts',
      label: t('reports.f.alerts'),
      cur: f.alerts.total,
      prev: p.alerts.total,
      show: (v) => (v === null ? NO_DATA : count(v)),
      better: 'down',
    },
    {
      key: 'ack',
      label: t('reports.f.ack'),
      cur: f.alerts.meanAckSeconds,
      prev: p.alerts.meanAckSeconds,
      show: (v) => formatMinutes(lang, v),
      better: 'down',
    },
  ];
  return (
    <section className="report-section">
      <h3>{t('reports.summary')}</h3>
      <table className="report-table summary" data-table="summary">
        <thead>
          <tr>
            <th scope="col">{t('reports.figure')}</th>
            <th scope="col">{t('reports.current')}</th>
            <th scope="col">{t('reports.previous')}</th>
            <th scope="col">{t('reports.change')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-figure={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num current">{r.show(r.cur)}</td>
              <td className="num muted">{r.show(r.prev)}</td>
              <ChangeCell current={r.cur} previous={r.prev} better={r.better} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Ranking({ report }: { report: Report }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const { basis, entries } = report.ranking;
  const name = (id: string) => report.departments.find((d) => d.id === id)?.name ?? id;
  return (
    <section className="report-section">
      <h3>{t('reports.ranking')}</h3>
      <p className="basis" data-ranking-basis>
        {t('reports.ranking.basis', {
          within: Math.round(basis.withinTargetWeight * 100),
          satisfaction: Math.round(basis.satisfactionWeight * 100),
          minutes: basis.targetMinutes,
        })}
      </p>
      <table className="report-table" data-table="ranking">
        <thead>
          <tr>
            <th scope="col">{t('reports.rank')}</th>
            <th scope="col">{t('reports.department')}</th>
            <th scope="col">{t('reports.score')}</th>
            <th scope="col">{t('reports.withinTarget', { minutes: basis.targetMinutes })}</th>
            <th scope="col">{t('reports.f.satisfaction')}</th>
            <th scope="col">{t('reports.previousRank')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.departmentId} data-unit={e.departmentId}>
              <td className="num">{e.rank ?? NO_DATA}</td>
              <th scope="row">{name(e.departmentId)}</th>
              <td className="num">{e.score === null ? NO_DATA : formatNumber(lang, e.score * 100, 1)}</td>
              <td className="num">{formatPercent(lang, e.withinTargetShare)}</td>
              <td className="num">{formatPercent(lang, e.satisfaction)}</td>
              <td className="num">{e.previousRank ?? NO_DATA}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Supervision({ figures }: { figures: ReportFigures }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const outcomes = ['pending', 'no_issue', 'reminder', 'counselling', 'discipline'] as const;
  return (
    <section className="report-section supervision">
      <h3>{t('reports.supervision')}</h3>
      <div className="report-columns">
        <table className="report-table" data-table="complaints">
          <caption>{t('reports.complaintOutcomes')}</caption>
          <tbody>
            {outcomes.map((o) => (
              <tr key={o}>
                <th scope="row">{t(`reports.outcome.${o}`)}</th>
                <td className="num">{formatNumber(lang, figures.complaints.byOutcome[o])}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {figures.alerts.byRule.length === 0 ? (
          <p className="muted">{t('reports.noAlerts')}</p>
        ) : (
          <table className="report-table" data-table="alerts">
            <thead>
              <tr>
                <th scope="col">{t('reports.alertRule')}</th>
                <th scope="col">{t('reports.alertCount')}</th>
                <th scope="col">{t('reports.alertAcked')}</th>
                <th scope="col">{t('reports.alertAckMean')}</th>
                <th scope="col">{t('reports.alertAckP90')}</th>
              </tr>
            </thead>
            <tbody>
              {figures.alerts.byRule.map((r) => (
                <tr key={r.rule}>
                  <th scope="row">{t(`alert.rule.${r.rule}`)}</th>
                  <td className="num">{formatNumber(lang, r.count)}</td>
                  <td className="num">{formatNumber(lang, r.acknowledged)}</td>
                  <td className="num">{formatMinutes(lang, r.meanAckSeconds)}</td>
                  <td className="num">{formatMinutes(lang, r.p90AckSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

/** The report as a document: what the screen shows is what prints. */
export function ReportView({ report }: { report: Report }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const unit = useUnitName(report);
  const heading = t('reports.heading', {
    period: t(PERIOD_KEY[report.period]).toLowerCase(),
    label: report.label,
  });
  const generated = t('reports.generated', {
    at: formatDateTime(lang, report.generatedAt),
    by: report.generatedBy,
  });
  // Every printed page: the unit and the period on top, when and by whom below, page x of y.
  const pageStyle = `@page { size: A4 landscape; margin: 16mm 12mm 16mm 12mm;
    @top-left { content: ${cssString(`${unit} — ${heading}`)}; font-size: 9pt; }
    @top-right { content: ${cssString('CounterWatch')}; font-size: 9pt; }
    @bottom-left { content: ${cssString(generated)}; font-size: 8pt; }
    @bottom-right { content: ${cssString(t('reports.page'))} " " counter(page) " ${t('reports.of')} " counter(pages); font-size: 8pt; } }`;
  return (
    <article className="report-doc print-area" data-report={`${report.period}:${report.label}`}>
      <style>{pageStyle}</style>
      <header className="report-head">
        <p className="report-unit" data-report-unit>
          {unit}
        </p>
        <h2>{heading}</h2>
        <p>
          {t('reports.span', {
            from: formatDateTime(lang, report.from),
            to: formatDateTime(lang, report.to),
          })}{' '}
          {report.partial && <span className="muted">{t('reports.partial')}</span>}
        </p>
        <p className="muted">
          {t('reports.compared', {
            from: formatDateTime(lang, report.previousFrom),
            to: formatDateTime(lang, report.previousTo),
          })}
        </p>
        <p className="muted" data-report-generated>
          {generated}
        </p>
      </header>
      <SummaryTable report={report} />
      <ReportCharts report={report} />
      {report.departments.length > 1 && <Ranking report={report} />}
      <section className="report-section">
        <h3>{t('reports.departments')}</h3>
        <table className="report-table units" data-table="departments">
          <UnitTableHead targetMinutes={report.targetMinutes} first={t('reports.department')} />
          <tbody>
            {report.departments.map((d) => (
              <UnitRow key={d.id} unit={d} level="department" />
            ))}
          </tbody>
        </table>
      </section>
      {report.departments.map((d) => (
        <section className="report-section counters" key={d.id} data-department={d.id}>
          <h3>{t('reports.counters', { name: d.name })}</h3>
          <table className="report-table units" data-table="counters">
            <UnitTableHead targetMinutes={report.targetMinutes} first={t('reports.unit')} />
            <tbody>
              {d.counters.map((c) => (
                <UnitRow key={c.id} unit={c} level="counter" />
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <Supervision figures={report.total.figures} />
    </article>
  );
}
