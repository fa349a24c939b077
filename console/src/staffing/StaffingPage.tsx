import { useState } from 'react';
import {
  CampaignListSchema,
  DirectoryNamesSchema,
  SERVICES,
  StaffingAdviceSchema,
  type StaffingAdvice,
  OkSchema,
  CampaignResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest, queryString } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { can } from '../app/roles';
import { useT } from '../i18n/i18n';
import { formatPercent, serviceName } from '../queue/format';
import { useStore } from '../store/store';
import { adviceText } from './adviceText';
import { StaffingHeatmap } from './StaffingHeatmap';
import './staffing.css';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function Summary({ advice }: { advice: StaffingAdvice }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const a = advice.accuracy;
  return (
    <div className="staffing-summary">
      <p>
        {t('staffing.target', {
          share: formatPercent(lang, advice.target.share),
          minutes: advice.target.minutes,
        })}
      </p>
      <p className="muted">
        {t('staffing.history', {
          days: advice.history.openDays,
          from: advice.history.from,
          to: advice.history.to,
        })}
        {' · '}
        {t('staffing.paused', { share: formatPercent(lang, advice.pausedShare) })}
      </p>
      <p data-accuracy data-wape={a?.hourlyWape ?? ''}>
        {a === null
          ? t('staffing.accuracy.none')
          : t('staffing.accuracy', {
              from: a.from,
              to: a.to,
              wape: formatPercent(lang, a.hourlyWape),
              mape: formatPercent(lang, a.dailyMape),
            })}
      </p>
    </div>
  );
}

function Campaigns({ departmentId, onChange }: { departmentId: string; onChange: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const user = useStore((s) => s.user);
  const list = useApiQuery('/api/v1/staffing/campaigns', CampaignListSchema);
  const [form, setForm] = useState({ name: '', serviceCode: '', from: '', to: '', upliftPercent: 30 });
  const [error, setError] = useState<unknown>(null);
  const mine = (list.data?.campaigns ?? []).filter((c) => c.departmentIds.includes(departmentId));
  const declare = async () => {
    setError(null);
    try {
      await apiRequest('POST', '/api/v1/staffing/campaigns', CampaignResponseSchema, {
        name: form.name,
        departmentIds: [departmentId],
        serviceCode: form.serviceCode === '' ? null : form.serviceCode,
        from: form.from,
        to: form.to,
        upliftPercent: form.upliftPercent,
      });
      setForm((f) => ({ ...f, name: '' }));
      list.reload();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  const withdraw = async (id: number) => {
    try {
      await apiRequest('DELETE', `/api/v1/staffing/campaigns/${id}`, OkSchema);
      list.reload();
      onChange();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="staffing-campaigns" aria-labelledby="staffing-campaigns-title">
      <h3 id="staffing-campaigns-title">{t('staffing.campaigns')}</h3>
      {mine.length === 0 ? (
        <p className="muted">{t('staffing.campaigns.none')}</p>
      ) : (
        <ul>
          {mine.map((c) => (
            <li key={c.id} data-campaign={c.id}>
              {t('staffing.campaign.item', {
                name: c.name,
                service:
                  c.serviceCode === null
                    ? t('staffing.campaign.allServices')
                    : serviceName(lang, c.serviceCode),
                from: c.from,
                to: c.to,
                uplift: formatPercent(lang, c.upliftPercent / 100),
              })}
              {can(user, 'declareCampaign') && (
                <button type="button" className="link" onClick={() => void withdraw(c.id)}>
                  {t('staffing.campaign.withdraw')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {can(user, 'declareCampaign') && (
        <form
          className="staffing-campaign-form"
          onSubmit={(e) => {
            e.preventDefault();
            void declare();
          }}
        >
          <label>
            {t('staffing.campaign.name')}
            <input
              name="campaign-name"
              required
              maxLength={120}
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </label>
          <label>
            {t('staffing.campaign.service')}
            <select
              name="campaign-service"
              value={form.serviceCode}
              onChange={(e) => setForm({ ...form, serviceCode: e.target.value })}
            >
              <option value="">{t('staffing.campaign.allServices')}</option>
              {SERVICES.map((s) => (
                <option key={s.code} value={s.code}>
                  {serviceName(lang, s.code)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('staffing.from')}
            <input
              type="date"
              required
              value={form.from}
              onChange={(e) => setForm({ ...form, from: e.target.value })}
            />
          </label>
          <label>
            {t('reports.to')}
            <input
              type="date"
              required
              value={form.to}
              onChange={(e) => setForm({ ...form, to: e.target.value })}
            />
          </label>
          <label>
            {t('staffing.campaign.uplift')}
            <input
              type="number"
              min={1}
              max={300}
              required
              value={form.upliftPercent}
              onChange={(e) => setForm({ ...form, upliftPercent: Number(e.target.value) })}
            />
          </label>
          <button type="submit">{t('staffing.campaign.declare')}</button>
          {error !== null && (
            <p className="error" role="alert">
              {describeError(lang, error)}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

/** The staffing advisor: next days' arrivals, the counters they need, and what to change. */
export function StaffingPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const directory = useApiQuery('/api/v1/directory/names', DirectoryNamesSchema);
  const [departmentId, setDepartmentId] = useState('');
  const [from, setFrom] = useState('');
  const [days, setDays] = useState(7);
  const [targetMinutes, setTargetMinutes] = useState(15);
  const [targetPercent, setTargetPercent] = useState(80);
  const department = departmentId || directory.data?.departments[0]?.id || '';
  const valid =
    department !== '' &&
    (from === '' || DAY.test(from)) &&
    Number.isInteger(days) &&
    days >= 1 &&
    days <= 14 &&
    targetMinutes >= 1 &&
    targetPercent >= 50 &&
    targetPercent <= 99;
  const path = valid
    ? `/api/v1/staffing${queryString({
        departmentId: department,
        from: from || undefined,
        days,
        targetMinutes,
        targetShare: targetPercent / 100,
      })}`
    : null;
  const advice = useApiQuery(path, StaffingAdviceSchema);
  const data = advice.data;

  return (
    <div className="page staffing-page">
      <div className="page-header">
        <h2>{t('staffing.title')}</h2>
        <div className="filters">
          <label>
            {t('staffing.department')}
            <select
              name="staffing-department"
              value={department}
              onChange={(e) => setDepartmentId(e.target.value)}
            >
              {(directory.data?.departments ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('staffing.from')}
            <input type="date" name="staffing-from" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t('staffing.days')}
            <input
              type="number"
              name="staffing-days"
              min={1}
              max={14}
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            />
          </label>
          <label>
            {t('staffing.targetMinutes')}
            <input
              type="number"
              name="staffing-minutes"
              min={1}
              max={120}
              value={targetMinutes}
              onChange={(e) => setTargetMinutes(Number(e.target.value))}
            />
          </label>
          <label>
            {t('staffing.targetShare')}
            <input
              type="number"
              name="staffing-share"
              min={50}
              max={99}
              value={targetPercent}
              onChange={(e) => setTargetPercent(Number(e.target.value))}
            />
          </label>
        </div>
      </div>
      {advice.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, advice.error)}
        </p>
      )}
      {data === null ? (
        advice.loading && <p className="muted">{t('common.loading')}</p>
      ) : (
        <div className="staffing-layout" data-staffing={`${data.departmentId}:${data.from}`}>
          <div className="staffing-main">
            <Summary advice={data} />
            <h3>{t('staffing.heatmap')}</h3>
            <StaffingHeatmap advice={data} />
          </div>
          <aside className="staffing-side">
            <section aria-labelledby="staffing-advice-title">
              <h3 id="staffing-advice-title">{t('staffing.advice')}</h3>
              {data.advice.length === 0 ? (
                <p className="muted">{t('staffing.advice.none')}</p>
              ) : (
                <ul className="staffing-advice" data-advice>
                  {data.advice.map((a) => (
                    <li key={`${a.day}-${a.kind}-${a.fromHour}`} data-kind={a.kind}>
                      {adviceText(lang, a, data.target.minutes, data.counters)}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <Campaigns departmentId={data.departmentId} onChange={advice.reload} />
          </aside>
        </div>
      )}
    </div>
  );
}
