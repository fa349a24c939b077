import { useEffect, useRef, useState } from 'react';
import {
  DirectoryEntriesSchema,
  IssuedCounterCodeSchema,
  serviceInfo,
  type DirectoryEntries,
  type IssuedCounterCode,
  OkSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT, type Lang } from '../i18n/i18n';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';
import { AddCounter, AddDepartment, ImportCsv } from './DirectoryForms';

type Department = DirectoryEntries['departments'][number];
type Counter = DirectoryEntries['counters'][number];

const serviceNames = (lang: Lang, codes: string[]): string =>
  codes.map((c) => serviceInfo(c)?.[lang === 'vi' ? 'vi' : 'en'] ?? c).join(', ');

/**
 * The directory managed in the console: departments (place in the
 * province, hours, services) and their counters; add, rename, retire, import
 * a CSV, and a one-time enrolment code for a counter's PC. The server checks
 * and audits each change; this page only asks.
 */
export function DirectorySection({ onChanged }: { onChanged: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const entries = useApiQuery('/api/v1/admin/directory/entries', DirectoryEntriesSchema);
  const [showRetired, setShowRetired] = useState(false);
  const [issued, setIssued] = useState<{ code: IssuedCounterCode; name: string } | null>(null);
  const [editing, setEditing] = useState<{ kind: 'department' | 'counter'; id: string; name: string } | null>(
    null,
  );
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const changed = (): void => {
    entries.reload();
    onChanged();
  };
  const run = (id: string, action: () => Promise<void>): void => {
    setBusyId(id);
    setError(null);
    action()
      .catch((e: unknown) => setError(e))
      .finally(() => {
        setBusyId(null);
        changed();
      });
  };
  const path = (kind: 'department' | 'counter', id: string) =>
    `/api/v1/admin/directory/${kind === 'department' ? 'departments' : 'counters'}/${encodeURIComponent(id)}`;
  const rename = (): void => {
    if (!editing) return;
    const { kind, id, name } = editing;
    run(id, async () => {
      await apiRequest('PATCH', path(kind, id), OkSchema, { name });
      setEditing(null);
    });
  };
  const retire = (kind: 'department' | 'counter', id: string): void =>
    run(id, async () => {
      await apiRequest('POST', `${path(kind, id)}/retire`, OkSchema, {});
    });
  const issueCode = (counter: Counter): void =>
    run(counter.id, async () => {
      const code = await apiRequest(
        'POST',
        `${path('counter', counter.id)}/code`,
        IssuedCounterCodeSchema,
        {},
      );
      setIssued({ code, name: counter.name });
    });

  const data = entries.data;
  const departments = (data?.departments ?? []).filter((d) => showRetired || d.retiredAt === null);

  const nameCell = (kind: 'department' | 'counter', id: string, name: string) =>
    editing?.kind === kind && editing.id === id ? (
      <form
        className="inline-edit"
        data-form={`rename-${kind}`}
        onSubmit={(e) => {
          e.preventDefault();
          rename();
        }}
      >
        <input
          name="name"
          aria-label={t('admin.dir.name')}
          value={editing.name}
          maxLength={120}
          required
          autoFocus
          onChange={(e) => setEditing({ ...editing, name: e.target.value })}
        />
        <button type="submit" className="primary" data-action="save-name" disabled={busyId === id}>
          {t('admin.dir.save')}
        </button>
        <button type="button" onClick={() => setEditing(null)}>
          {t('admin.dir.cancel')}
        </button>
      </form>
    ) : (
      name
    );

  const departmentActions = (d: Department) =>
    d.retiredAt === null && (
      <div className="row-actions">
        <button
          type="button"
          data-action="rename-department"
          onClick={() => setEditing({ kind: 'department', id: d.id, name: d.name })}
        >
          {t('admin.dir.rename')}
        </button>
        <ConfirmButton
          action="retire-department"
          label={t('admin.dir.retire')}
          question={t('admin.dir.retireDepartmentQuestion', { name: d.name })}
          busy={busyId === d.id}
          onConfirm={() => retire('department', d.id)}
        />
      </div>
    );

  const counterRow = (c: Counter) => (
    <tr
      key={c.id}
      data-counter-id={c.id}
      data-retired={c.retiredAt !== null}
      className={c.retiredAt !== null ? 'muted' : undefined}
    >
      <th scope="row">{nameCell('counter', c.id, c.name)}</th>
      <td className="mono">{c.id}</td>
      <td>{c.services.length > 0 ? serviceNames(lang, c.services) : t('admin.dir.noServices')}</td>
      <td data-counter-status>
        {c.retiredAt !== null
          ? t('admin.dir.retired', { time: formatDateTime(lang, c.retiredAt) })
          : c.codeExpiresAt !== null
            ? t('admin.dir.codeWaiting', { time: formatDateTime(lang, c.codeExpiresAt) })
            : c.hasToken
              ? t('admin.dir.enrolled')
              : t('admin.dir.notEnrolled')}
      </td>
      <td>
        {c.retiredAt === null && (
          <div className="row-actions">
            <button
              type="button"
              data-action="rename-counter"
              onClick={() => setEditing({ kind: 'counter', id: c.id, name: c.name })}
            >
              {t('admin.dir.rename')}
            </button>
            <ConfirmButton
              action="counter-code"
              label={t('admin.dir.code')}
              question={t('admin.dir.codeQuestion', { name: c.name })}
              busy={busyId === c.id}
              onConfirm={() => issueCode(c)}
            />
            <ConfirmButton
              action="retire-counter"
              label={t('admin.dir.retire')}
              question={t('admin.dir.retireCounterQuestion', { name: c.name })}
              busy={busyId === c.id}
              onConfirm={() => retire('counter', c.id)}
            />
          </div>
        )}
      </td>
    </tr>
  );

  return (
    <section aria-labelledby="directory-title" className="admin-section" data-section="directory">
      <header className="section-header">
        <h3 id="directory-title" className="section-title">
          {t('admin.dir.title')}
        </h3>
        <label className="checkbox">
          <input
            type="checkbox"
            name="showRetired"
            checked={showRetired}
            onChange={(e) => setShowRetired(e.target.checked)}
          />
          {t('admin.dir.showRetired')}
        </label>
      </header>
      <p className="muted">{t('admin.dir.explain')}</p>
      {issued && <CodeBox issued={issued.code} name={issued.name} onDismiss={() => setIssued(null)} />}
      {(error !== null || entries.error !== null) && (
        <p className="error" role="alert">
          {describeError(lang, error ?? entries.error)}
        </p>
      )}
      <div className="directory-forms">
        <AddDepartment onDone={changed} />
        {data && <AddCounter entries={data} onDone={changed} />}
        <ImportCsv onDone={changed} />
      </div>
      {departments.map((d) => {
        const counters = (data?.counters ?? []).filter(
          (c) => c.departmentId === d.id && (showRetired || c.retiredAt === null),
        );
        return (
          <div
            key={d.id}
            className="table-scroll directory-department"
            data-department-id={d.id}
            data-retired={d.retiredAt !== null}
          >
            <div className="directory-department-head">
              <h4 className="subsection-title">{nameCell('department', d.id, d.name)}</h4>
              <span className="chip">{t(`admin.dir.level.${d.level}`)}</span>
              <span className="mono muted">{d.id}</span>
              {d.retiredAt !== null && (
                <span className="chip">
                  {t('admin.dir.retired', { time: formatDateTime(lang, d.retiredAt) })}
                </span>
              )}
              {departmentActions(d)}
            </div>
            <p className="muted small">
              {t('admin.dir.hours')}:{' '}
              {d.openingHours.days.map((x) => t(`admin.dir.day.${x}` as 'admin.dir.day.1')).join(', ')}{' '}
              {d.openingHours.open}–{d.openingHours.close} · {t('admin.dir.services')}:{' '}
              {d.services.length > 0 ? serviceNames(lang, d.services) : t('admin.dir.noServices')}
            </p>
            <table className="data-table">
              <caption className="visually-hidden">{d.name}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.counter')}</th>
                  <th scope="col">{t('admin.id')}</th>
                  <th scope="col">{t('admin.dir.services')}</th>
                  <th scope="col">{t('admin.dir.agent')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('pressure.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {counters.map(counterRow)}
                {counters.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      {t('admin.dir.noCounters')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

/** The counter's code, once, with the command to run on its PC. */
function CodeBox({
  issued,
  name,
  onDismiss,
}: {
  issued: IssuedCounterCode;
  name: string;
  onDismiss: () => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const box = useRef<HTMLDivElement>(null);
  // Issued from a row further down: bring the code into view.
  useEffect(() => box.current?.scrollIntoView({ block: 'start' }), [issued.code]);
  const command = `counterwatch-agent enroll --server ${window.location.origin} --code ${issued.code}`;
  return (
    <div
      ref={box}
      className="secret-box directory-code"
      data-secret
      role="alert"
      aria-labelledby="counter-code-label"
    >
      <p id="counter-code-label">
        <strong>{t('admin.dir.codeFor', { name })}</strong>
      </p>
      <code className="secret-value enrolment-code" data-enrolment-code={issued.code}>
        {issued.code}
      </code>
      <p className="muted small">
        {t('admin.dir.codeHelp', { time: formatDateTime(lang, issued.expiresAt) })}
      </p>
      <pre className="mono small" data-enrol-command>
        {command}
      </pre>
      <div className="row-actions">
        <button type="button" className="primary" onClick={onDismiss} data-action="dismiss-secret">
          {t('admin.secret.dismiss')}
        </button>
      </div>
    </div>
  );
}
