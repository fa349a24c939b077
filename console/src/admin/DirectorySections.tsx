import { useState } from 'react';
import { z } from 'zod';
import { IssuedSecretSchema, type DirectoryAdminSchema, OkSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import type { ApiQuery } from '../api/useApiQuery';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';
import { SecretBox } from './SecretBox';
import { StatusBadge, displayStatus } from '../wall/StatusBadge';
import { CounterNode } from './CounterNode';
import { useMediaNodes } from './NodesSection';

type Directory = z.infer<typeof DirectoryAdminSchema>;

/** A secret just issued, and what it is for. */
interface Issued {
  label: string;
  secret: string;
}

/** Runs one action at a time for a row, keeping its error; the directory reloads after each. */
function useRowAction(directory: ApiQuery<Directory>) {
  const lang = useStore((s) => s.lang);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (id: string, action: () => Promise<void>): void => {
    setBusyId(id);
    setError(null);
    action()
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => {
        setBusyId(null);
        directory.reload();
      });
  };
  const shownError = error ?? (directory.error !== null ? describeError(lang, directory.error) : null);
  return { busyId, error: shownError, run };
}

/** Counters: is the agent online, does it have a token; a new token (shown once) or none. */
export function CountersSection({ directory }: { directory: ApiQuery<Directory> }) {
  const t = useT();
  const [issued, setIssued] = useState<Issued | null>(null);
  const { busyId, error, run } = useRowAction(directory);
  const data = directory.data;
  // Which media node each counter is on; one process (role all) has none, and no column.
  const nodes = useMediaNodes().data;
  const placed = nodes !== null && nodes.role !== 'all' ? nodes : null;

  const rotate = (id: string, name: string): void =>
    run(id, async () => {
      const r = await apiRequest(
        'POST',
        `/api/v1/admin/counters/${encodeURIComponent(id)}/token`,
        IssuedSecretSchema,
        {},
      );
      setIssued({ label: t('admin.counters.newToken', { name }), secret: r.secret });
    });
  const revoke = (id: string): void =>
    run(id, async () => {
      await apiRequest('DELETE', `/api/v1/admin/counters/${encodeURIComponent(id)}/token`, OkSchema);
    });

  return (
    <section aria-labelledby="counters-title" className="admin-section">
      <header className="section-header">
        <h3 id="counters-title" className="section-title">
          {t('admin.counters.title')}
        </h3>
        <button type="button" onClick={directory.reload} disabled={directory.loading}>
          {t('common.refresh')}
        </button>
      </header>
      <p className="muted">{t('admin.counters.explain')}</p>
      {issued && <SecretBox label={issued.label} secret={issued.secret} onDismiss={() => setIssued(null)} />}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data?.departments.map((d) => {
        const counters = data.counters.filter((c) => c.departmentId === d.id);
        return (
          <div key={d.id} className="table-scroll" data-department-id={d.id}>
            <table className="data-table">
              <caption>{d.name}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('common.counter')}</th>
                  <th scope="col">{t('admin.id')}</th>
                  <th scope="col">{t('admin.counters.agent')}</th>
                  <th scope="col">{t('admin.counters.token')}</th>
                  {placed && <th scope="col">{t('admin.counters.node')}</th>}
                  <th scope="col">
                    <span className="visually-hidden">{t('pressure.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {counters.map((c) => (
                  <tr
                    key={c.id}
                    data-counter-id={c.id}
                    data-online={c.online}
                    data-credential-refused={c.credentialRefusedAt != null || undefined}
                    data-has-token={c.hasToken}
                  >
                    <th scope="row">{c.name}</th>
                    <td className="mono">{c.id}</td>
                    <td>
                      <StatusBadge
                        status={displayStatus({
                          status: c.online ? 'online' : 'offline',
                          credentialRefusedAt: c.credentialRefusedAt,
                        })}
                      />
                    </td>
                    <td>
                      <span className={`chip ${c.hasToken ? 'chip-pass' : ''}`}>
                        {c.hasToken ? t('admin.counters.hasToken') : t('admin.counters.noToken')}
                      </span>
                    </td>
                    {placed && (
                      <td>
                        <CounterNode counterId={c.id} nodes={placed} />
                      </td>
                    )}
                    <td>
                      <div className="row-actions">
                        <ConfirmButton
                          action="rotate-token"
                          label={c.hasToken ? t('admin.counters.rotate') : t('admin.counters.issue')}
                          question={
                            c.hasToken
                              ? t('admin.counters.rotateQuestion', { name: c.name })
                              : t('admin.counters.issueQuestion', { name: c.name })
                          }
                          busy={busyId === c.id}
                          onConfirm={() => rotate(c.id, c.name)}
                        />
                        {c.hasToken && (
                          <ConfirmButton
                            action="revoke-token"
                            label={t('admin.counters.revoke')}
                            question={t('admin.counters.revokeQuestion', { name: c.name })}
                            busy={busyId === c.id}
                            onConfirm={() => revoke(c.id)}
                          />
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      })}
    </section>
  );
}

/** Departments: their queue-system / device API key, replaced (shown once). */
export function DepartmentsSection({ directory }: { directory: ApiQuery<Directory> }) {
  const t = useT();
  const [issued, setIssued] = useState<Issued | null>(null);
  const { busyId, error, run } = useRowAction(directory);

  const rotate = (id: string, name: string): void =>
    run(id, async () => {
      const r = await apiRequest(
        'POST',
        `/api/v1/admin/departments/${encodeURIComponent(id)}/key`,
        IssuedSecretSchema,
        {},
      );
      setIssued({ label: t('admin.departments.newKey', { name }), secret: r.secret });
    });

  return (
    <section aria-labelledby="admin-departments-title" className="admin-section">
      <header className="section-header">
        <h3 id="admin-departments-title" className="section-title">
          {t('admin.departments.title')}
        </h3>
      </header>
      <p className="muted">{t('admin.departments.explain')}</p>
      {issued && <SecretBox label={issued.label} secret={issued.secret} onDismiss={() => setIssued(null)} />}
      {error !== null && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table">
          <caption className="visually-hidden">{t('admin.departments.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.department')}</th>
              <th scope="col">{t('admin.id')}</th>
              <th scope="col">{t('admin.counters.title')}</th>
              <th scope="col">{t('admin.departments.key')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('pressure.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {directory.data?.departments.map((d) => (
              <tr key={d.id} data-department-id={d.id} data-has-key={d.hasApiKey}>
                <th scope="row">{d.name}</th>
                <td className="mono">{d.id}</td>
                <td className="num">
                  {directory.data?.counters.filter((c) => c.departmentId === d.id).length ?? 0}
                </td>
                <td>
                  <span className={`chip ${d.hasApiKey ? 'chip-pass' : ''}`}>
                    {d.hasApiKey ? t('admin.departments.hasKey') : t('admin.departments.noKey')}
                  </span>
                </td>
                <td>
                  <ConfirmButton
                    action="rotate-key"
                    label={d.hasApiKey ? t('admin.departments.rotate') : t('admin.departments.issue')}
                    question={t('admin.departments.rotateQuestion', { name: d.name })}
                    busy={busyId === d.id}
                    onConfirm={() => rotate(d.id, d.name)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
