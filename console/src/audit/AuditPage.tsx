import { useMemo, useState, type SyntheticEvent } from 'react';
import {
  AuditActionSchema,
  AuditListSchema,
  AuditVerificationSchema,
  DirectoryNamesSchema,
  foldText,
  matchByName,
  type AuditNames,
  type AuditVerification,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useApiQuery, type ApiQuery } from '../api/useApiQuery';
import { parseLocalDateTime, useT } from '../i18n/i18n';
import { useCounterNames, useDepartmentNames } from '../store/names';
import { useStore } from '../store/store';
import { AUDIT_LIMITS, auditQueryString, emptyAuditFilters, type AuditFilters } from './auditQuery';
import { AuditRow, SessionRows } from './AuditRows';
import { groupViewSessions } from './viewSessions';

/** The audit trail: who saw or changed what, searchable, exportable, and checked for tampering. */
export function AuditPage() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [draft, setDraft] = useState<AuditFilters>(emptyAuditFilters);
  const [applied, setApplied] = useState<AuditFilters>(emptyAuditFilters);
  const query = auditQueryString(applied);
  const list = useApiQuery(`/api/v1/audit${query}`, AuditListSchema);
  const verify = useApiQuery('/api/v1/audit/verify', AuditVerificationSchema);
  const entries = list.data?.entries ?? [];
  const badSeq = verify.data?.firstBadSeq ?? null;
  // Auditors have no live snapshot: names come from the directory instead.
  const directory = useApiQuery('/api/v1/directory/names', DirectoryNamesSchema);
  const liveDepartmentNames = useDepartmentNames();
  const liveCounterNames = useCounterNames();
  const departmentNames = useMemo(
    () => ({
      ...Object.fromEntries((directory.data?.departments ?? []).map((d) => [d.id, d.name])),
      ...liveDepartmentNames,
    }),
    [directory.data, liveDepartmentNames],
  );
  const counterNames = useMemo(
    () => ({
      ...Object.fromEntries((directory.data?.counters ?? []).map((c) => [c.id, c.name])),
      ...liveCounterNames,
    }),
    [directory.data, liveCounterNames],
  );
  const actorNames = list.data?.actorNames;
  const names = useMemo<AuditNames>(
    () => ({
      department: (id) => departmentNames[id],
      counter: (id) => counterNames[id],
      actor: (username) => actorNames?.[username],
    }),
    [departmentNames, counterNames, actorNames],
  );
  // Live-view start/stop rows, one line per viewing session; the rows stay one click away.
  const items = useMemo(() => groupViewSessions(entries), [entries]);
  // Counter names to pick from: the typed department's counters, each name once ("Quầy 1" is in every department).
  const counterChoices = useMemo(() => {
    const counters = directory.data?.counters ?? [];
    const departments = directory.data?.departments ?? [];
    const inDepartments =
      draft.department.trim() === ''
        ? null
        : new Set(matchByName(departments, draft.department, (d) => [d.id, d.name]).map((d) => d.id));
    const chosen = counters.filter((c) => inDepartments === null || inDepartments.has(c.departmentId));
    return [...new Map(chosen.map((c) => [foldText(c.name), c.name])).values()];
  }, [directory.data, draft.department]);

  const set = <K extends keyof AuditFilters>(key: K, value: AuditFilters[K]): void =>
    setDraft((d) => ({ ...d, [key]: value }));
  const invalidTime = (value: string): boolean => value !== '' && parseLocalDateTime(value) === null;

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (invalidTime(draft.from) || invalidTime(draft.to)) return;
    // Same filters again: load again (new rows may have been written).
    if (auditQueryString(draft) === query) list.reload();
    setApplied(draft);
  };

  return (
    <section className="page audit-page" aria-labelledby="audit-title">
      <header className="page-header">
        <h2 id="audit-title">{t('audit.title')}</h2>
        <Integrity verify={verify} />
      </header>

      <form className="filters audit-filters" onSubmit={submit} aria-label={t('common.filters')}>
        <label>
          {t('audit.from')}
          <input
            type="datetime-local"
            name="from"
            value={draft.from}
            aria-invalid={invalidTime(draft.from) || undefined}
            onChange={(e) => set('from', e.target.value)}
          />
        </label>
        <label>
          {t('audit.to')}
          <input
            type="datetime-local"
            name="to"
            value={draft.to}
            aria-invalid={invalidTime(draft.to) || undefined}
            onChange={(e) => set('to', e.target.value)}
          />
        </label>
        <label>
          {t('audit.actor')}
          <input
            name="actor"
            value={draft.actor}
            maxLength={80}
            placeholder={t('audit.actorHint')}
            onChange={(e) => set('actor', e.target.value)}
          />
        </label>
        <label>
          {t('audit.action')}
          <select
            name="action"
            value={draft.action}
            onChange={(e) => {
              const parsed = AuditActionSchema.safeParse(e.target.value);
              set('action', parsed.success ? parsed.data : '');
            }}
          >
            <option value="">{t('common.all')}</option>
            {AuditActionSchema.options.map((a) => (
              <option key={a} value={a}>
                {t(`audit.action.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('common.department')}
          <input
            name="department"
            list="audit-departments"
            value={draft.department}
            maxLength={100}
            placeholder={t('audit.nameHint')}
            onChange={(e) => set('department', e.target.value)}
          />
          <datalist id="audit-departments">
            {Object.entries(departmentNames).map(([id, name]) => (
              <option key={id} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          {t('common.counter')}
          <input
            name="counter"
            list="audit-counters"
            value={draft.counter}
            maxLength={100}
            placeholder={t('audit.nameHint')}
            onChange={(e) => set('counter', e.target.value)}
          />
          <datalist id="audit-counters">
            {counterChoices.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
        </label>
        <label>
          {t('audit.limit')}
          <select name="limit" value={draft.limit} onChange={(e) => set('limit', Number(e.target.value))}>
            {AUDIT_LIMITS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <div className="row-actions">
          <button type="submit" className="primary" data-action="search" disabled={list.loading}>
            {t('common.search')}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(emptyAuditFilters);
              setApplied(emptyAuditFilters);
            }}
          >
            {t('audit.clear')}
          </button>
          <a
            className="button-link"
            href={`/api/v1/audit/export.csv${query}`}
            download
            title={t('audit.exportHint')}
            data-action="export-csv"
          >
            {t('audit.exportCsv')}
          </a>
        </div>
      </form>

      {list.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, list.error)}
        </p>
      )}
      <p className="muted" role="status" aria-live="polite">
        {list.loading
          ? t('common.loading')
          : entries.length >= applied.limit
            ? t('audit.countLimited', { count: entries.length })
            : t('audit.count', { count: entries.length })}
      </p>
      {entries.length === 0 ? (
        !list.loading && <p className="empty">{t('audit.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table audit-table" aria-busy={list.loading}>
            <caption className="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.ip')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.where')}</th>
                <th scope="col">{t('audit.object')}</th>
                <th scope="col">{t('audit.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) =>
                item.type === 'entry' ? (
                  <AuditRow
                    key={item.entry.seq}
                    entry={item.entry}
                    bad={badSeq === item.entry.seq}
                    names={names}
                  />
                ) : (
                  <SessionRows key={`s${item.newest.seq}`} session={item} badSeq={badSeq} names={names} />
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Integrity({ verify }: { verify: ApiQuery<AuditVerification> }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const result = verify.data;
  const state = verify.loading ? 'checking' : result ? (result.ok ? 'ok' : 'broken') : 'unknown';
  let text: string;
  if (verify.loading) text = t('audit.integrity.checking');
  else if (!result) text = verify.error === null ? '' : describeError(lang, verify.error);
  else if (result.ok) text = t('audit.integrity.ok', { checked: result.checked, head: result.headSeq });
  else
    text = t('audit.integrity.broken', {
      seq: result.firstBadSeq ?? '?',
      problem: result.problem ?? t('audit.integrity.unknownProblem'),
    });
  return (
    <div
      className={`integrity integrity-${state}`}
      data-audit-integrity={state}
      data-audit-first-bad={result?.firstBadSeq ?? undefined}
      role="status"
      aria-live="polite"
    >
      <span className="integrity-mark" aria-hidden="true">
        {state === 'ok' ? '✓' : state === 'broken' ? '✗' : '…'}
      </span>
      <span>{text}</span>
      {result?.ok && result.headSeq > 0 && (
        // Written down elsewhere, it lets `counterwatch-admin audit verify --anchor` catch a rewritten chain.
        <span className="integrity-anchor">
          {t('audit.integrity.anchor')}{' '}
          <code data-audit-anchor>{`${result.headSeq}:${result.headHash}`}</code>
        </span>
      )}
      <button type="button" onClick={verify.reload} disabled={verify.loading} data-action="verify">
        {t('audit.integrity.recheck')}
      </button>
    </div>
  );
}
