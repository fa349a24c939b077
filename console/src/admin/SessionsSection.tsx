import { useState } from 'react';
import { type SessionInfo, OkSchema, SessionListSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';

/** Who is logged in now, from where; any session can be ended at once. */
export function SessionsSection() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const me = useStore((s) => s.user);
  const sessions = useApiQuery('/api/v1/admin/sessions', SessionListSchema);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = (sessions.data?.sessions ?? []).filter((s) => s.revokedAt === null);

  const revoke = (session: SessionInfo): void => {
    setBusyId(session.id);
    setError(null);
    apiRequest('POST', `/api/v1/admin/sessions/${encodeURIComponent(session.id)}/revoke`, OkSchema, {})
      .then(() => sessions.reload())
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusyId(null));
  };
  const shownError = error ?? (sessions.error !== null ? describeError(lang, sessions.error) : null);

  return (
    <section aria-labelledby="sessions-title" className="admin-section">
      <header className="section-header">
        <h3 id="sessions-title" className="section-title">
          {t('admin.sessions.title')}
        </h3>
        <button type="button" onClick={sessions.reload} disabled={sessions.loading}>
          {t('common.refresh')}
        </button>
      </header>
      {shownError !== null && (
        <p className="error" role="alert">
          {shownError}
        </p>
      )}
      {list.length === 0 ? (
        !sessions.loading && <p className="empty">{t('admin.sessions.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" aria-busy={sessions.loading}>
            <caption className="visually-hidden">{t('admin.sessions.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.users.username')}</th>
                <th scope="col">{t('admin.sessions.since')}</th>
                <th scope="col">{t('admin.sessions.expires')}</th>
                <th scope="col">{t('audit.ip')}</th>
                <th scope="col">{t('admin.sessions.browser')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('pressure.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-session-id={s.id} data-username={s.username}>
                  <th scope="row" className="mono">
                    {s.username}
                    {s.userId === me?.id && <span className="muted"> ({t('admin.you')})</span>}
                  </th>
                  <td>{formatDateTime(lang, s.createdAt)}</td>
                  <td>{formatDateTime(lang, s.expiresAt)}</td>
                  <td className="mono">{s.ip ?? '–'}</td>
                  <td className="user-agent" title={s.userAgent ?? undefined}>
                    {s.userAgent ?? '–'}
                  </td>
                  <td>
                    <ConfirmButton
                      action="revoke-session"
                      label={t('admin.sessions.revoke')}
                      question={t('admin.sessions.revokeQuestion', { username: s.username })}
                      busy={busyId === s.id}
                      onConfirm={() => revoke(s)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
