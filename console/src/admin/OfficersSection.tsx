import { useState, type SyntheticEvent } from 'react';
import { z } from 'zod';
import {
  OfficerListSchema,
  type DirectoryAdminSchema,
  type Officer,
  type UpdateOfficer,
  OfficerResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';

type Directory = z.infer<typeof DirectoryAdminSchema>;

/**
 * Each department's officers: display name, badge number and a PIN (hashed
 * on the server like a password; never shown again). Officers sign in at
 * their counter's panel with badge and PIN; disabling one signs them out.
 */
export function OfficersSection({ directory }: { directory: Directory | null }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const officers = useApiQuery('/api/v1/admin/officers', OfficerListSchema);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pinFor, setPinFor] = useState<number | null>(null);
  const [newPin, setNewPin] = useState('');

  const update = (officer: Officer, patch: UpdateOfficer): void => {
    setBusyId(officer.id);
    setError(null);
    apiRequest('PATCH', `/api/v1/admin/officers/${officer.id}`, OfficerResponseSchema, patch)
      .then(() => {
        setPinFor(null);
        setNewPin('');
      })
      .catch((e: unknown) => setError(e))
      .finally(() => {
        setBusyId(null);
        officers.reload();
      });
  };

  const counterName = (id: string | null): string =>
    id === null ? '—' : (directory?.counters.find((c) => c.id === id)?.name ?? id);
  const list = officers.data?.officers ?? [];

  return (
    <section aria-labelledby="officers-title" className="admin-section" data-section="officers">
      <header className="section-header">
        <h3 id="officers-title" className="section-title">
          {t('admin.officers.title')}
        </h3>
        <button type="button" onClick={officers.reload} disabled={officers.loading}>
          {t('common.refresh')}
        </button>
      </header>
      <p className="muted">{t('admin.officers.explain')}</p>
      {directory && <AddOfficer directory={directory} onAdded={officers.reload} />}
      {(error !== null || officers.error !== null) && (
        <p className="error" role="alert">
          {describeError(lang, error ?? officers.error)}
        </p>
      )}
      {directory?.departments.map((d) => (
        <div key={d.id} className="table-scroll" data-department-id={d.id}>
          <table className="data-table">
            <caption>{d.name}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.officers.name')}</th>
                <th scope="col">{t('admin.officers.badge')}</th>
                <th scope="col">{t('admin.officers.onDuty')}</th>
                <th scope="col">{t('admin.officers.added')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('pressure.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list
                .filter((o) => o.departmentId === d.id)
                .map((o) => (
                  <tr key={o.id} data-officer-id={o.id} data-disabled={o.disabled}>
                    <th scope="row">
                      {o.displayName}
                      {o.disabled && <span className="muted"> ({t('admin.officers.disabled')})</span>}
                    </th>
                    <td>{o.badgeNumber}</td>
                    <td>{counterName(o.onDutyAt)}</td>
                    <td>{formatDateTime(lang, o.createdAt)}</td>
                    <td className="row-actions">
                      {pinFor === o.id ? (
                        <form
                          className="inline-form"
                          onSubmit={(e) => {
                            e.preventDefault();
                            update(o, { pin: newPin });
                          }}
                        >
                          <input
                            aria-label={t('admin.officers.newPin')}
                            type="password"
                            inputMode="numeric"
                            pattern="[0-9]{4,8}"
                            required
                            maxLength={8}
                            value={newPin}
                            onChange={(e) => setNewPin(e.target.value.replace(/\D/g, ''))}
                          />
                          <button type="submit" disabled={busyId === o.id}>
                            {t('admin.officers.savePin')}
                          </button>
                          <button type="button" onClick={() => setPinFor(null)}>
                            {t('common.cancel')}
                          </button>
                        </form>
                      ) : (
                        <button type="button" onClick={() => setPinFor(o.id)} disabled={busyId === o.id}>
                          {t('admin.officers.setPin')}
                        </button>
                      )}
                      <button
                        type="button"
                        data-action={o.disabled ? 'enable-officer' : 'disable-officer'}
                        disabled={busyId === o.id}
                        onClick={() => update(o, { disabled: !o.disabled })}
                      >
                        {t(o.disabled ? 'admin.officers.enable' : 'admin.officers.disable')}
                      </button>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

function AddOfficer({ directory, onAdded }: { directory: Directory; onAdded: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [departmentId, setDepartmentId] = useState(directory.departments[0]?.id ?? '');
  const [displayName, setDisplayName] = useState('');
  const [badgeNumber, setBadgeNumber] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    apiRequest('POST', '/api/v1/admin/officers', OfficerResponseSchema, {
      departmentId,
      displayName,
      badgeNumber,
      pin,
    })
      .then(() => {
        setDisplayName('');
        setBadgeNumber('');
        onAdded();
      })
      .catch((e: unknown) => setError(e))
      .finally(() => {
        setPin('');
        setBusy(false);
      });
  };

  return (
    <form className="panel-box user-editor" onSubmit={submit} data-form="add-officer">
      <h4 className="subsection-title">{t('admin.officers.add')}</h4>
      <div className="form-grid">
        <label className="field">
          {t('common.department')}
          <select name="departmentId" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
            {directory.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('admin.officers.name')}
          <input
            name="displayName"
            required
            maxLength={120}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        </label>
        <label className="field">
          {t('admin.officers.badge')}
          <input
            name="badgeNumber"
            required
            maxLength={20}
            value={badgeNumber}
            onChange={(e) => setBadgeNumber(e.target.value)}
          />
        </label>
        <label className="field">
          {t('admin.officers.pin')}
          <input
            name="pin"
            type="password"
            inputMode="numeric"
            pattern="[0-9]{4,8}"
            required
            maxLength={8}
            autoComplete="new-password"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </label>
      </div>
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy || !departmentId} data-action="add-officer">
          {t('admin.officers.add')}
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {describeError(lang, error)}
        </p>
      )}
    </form>
  );
}
