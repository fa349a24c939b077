import { useState } from 'react';
import {
  DirectoryNamesSchema,
  PreparedReportListSchema,
  ReportSchema,
  type PreparedReport,
  type ReportPeriod,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useApiQuery } from '../api/useApiQuery';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { formatMinutes, formatPercent } from '../queue/format';
import { useStore } from '../store/store';
import { reportQuery, type ReportForm } from './reportQuery';
import { ReportView } from './ReportView';
import './reports.css';

const PERIODS: { value: ReportPeriod; label: MessageKey }[] = [
  { value: 'day', label: 'reports.period.day' },
  { value: 'week', label: 'reports.period.week' },
  { value: 'month', label: 'reports.period.month' },
  { value: 'custom', label: 'reports.period.custom' },
];

const INITIAL: ReportForm = {
  period: 'day',
  date: '',
  from: '',
  to: '',
  departmentId: '',
  targetMinutes: 15,
};

function PreparedList({ onOpen }: { onOpen: (r: PreparedReport) => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const prepared = useApiQuery('/api/v1/reports/prepared', PreparedReportListSchema);
  const list = prepared.data?.reports ?? [];
  return (
    <aside className="report-prepared no-print" aria-labelledby="report-prepared-title">
      <h3 id="report-prepared-title">{t('reports.prepared')}</h3>
      {list.length === 0 ? (
        <p className="muted">{t('reports.prepared.none')}</p>
      ) : (
        <ul>
          {list.slice(0, 8).map((r) => (
            <li key={r.id}>
              <button type="button" className="link" data-prepared={r.id} onClick={() => onOpen(r)}>
                {t(r.period === 'day' ? 'reports.prepared.day' : 'reports.prepared.week', { label: r.label })}
              </button>
              <span className="muted">
                {t('reports.prepared.summary', {
                  served: r.served,
                  satisfaction: formatPercent(lang, r.satisfaction),
                  wait: formatMinutes(lang, r.meanWaitSeconds),
                })}
              </span>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

/** Reports of past days, weeks and months: figures, charts, ranking; print, XLSX and CSV. */
export function ReportsPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [form, setForm] = useState<ReportForm>(INITIAL);
  const query = reportQuery(form);
  const report = useApiQuery(query === null ? null : `/api/v1/reports${query}`, ReportSchema);
  const directory = useApiQuery('/api/v1/directory/names', DirectoryNamesSchema);
  const set = (patch: Partial<ReportForm>) => setForm((f) => ({ ...f, ...patch }));

  return (
    <div className="page reports-page">
      <div className="page-header no-print">
        <h2>{t('reports.title')}</h2>
        <div className="filters">
          <fieldset className="segmented">
            <legend>{t('reports.period')}</legend>
            {PERIODS.map((p) => (
              <label key={p.value} className={form.period === p.value ? 'active' : undefined}>
                <input
                  type="radio"
                  name="report-period"
                  value={p.value}
                  checked={form.period === p.value}
                  onChange={() => set({ period: p.value })}
                />
                {t(p.label)}
              </label>
            ))}
          </fieldset>
          {form.period === 'custom' ? (
            <>
              <label>
                {t('reports.from')}
                <input type="date" value={form.from} onChange={(e) => set({ from: e.target.value })} />
              </label>
              <label>
                {t('reports.to')}
                <input type="date" value={form.to} onChange={(e) => set({ to: e.target.value })} />
              </label>
            </>
          ) : (
            <label>
              {t('reports.date')}
              <input type="date" value={form.date} onChange={(e) => set({ date: e.target.value })} />
            </label>
          )}
          <label>
            {t('reports.department')}
            <select
              name="report-department"
              value={form.departmentId}
              onChange={(e) => set({ departmentId: e.target.value })}
            >
              <option value="">{t('reports.allDepartments')}</option>
              {(directory.data?.departments ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('reports.target')}
            <input
              type="number"
              min={1}
              max={240}
              value={form.targetMinutes}
              onChange={(e) => set({ targetMinutes: Number(e.target.value) })}
            />
          </label>
        </div>
        <div className="report-actions">
          <button type="button" onClick={() => window.print()} disabled={!report.data}>
            {t('reports.print')}
          </button>
          {query !== null && (
            <>
              <a
                className="button-link"
                href={`/api/v1/reports/export.xlsx${query}`}
                download
                data-export="xlsx"
              >
                {t('reports.xlsx')}
              </a>
              <a
                className="button-link"
                href={`/api/v1/reports/export.csv${query}`}
                download
                data-export="csv"
              >
                {t('reports.csv')}
              </a>
            </>
          )}
        </div>
      </div>
      <div className="report-layout">
        <div className="report-main">
          {report.error !== null && (
            <p className="error" role="alert">
              {describeError(lang, report.error)}
            </p>
          )}
          {report.data ? (
            <ReportView report={report.data} />
          ) : (
            report.loading && <p className="muted">{t('common.loading')}</p>
          )}
        </div>
        <PreparedList
          onOpen={(r) =>
            setForm((f) => ({ ...f, period: r.query.period, date: r.query.date, departmentId: '' }))
          }
        />
      </div>
    </div>
  );
}
