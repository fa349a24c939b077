import { useState, type SyntheticEvent } from 'react';
import { z } from 'zod';
import {
  COUNTER_DEVICE_KINDS,
  DeviceKindSchema,
  DeviceListSchema,
  IssuedEnrolmentSchema,
  type DeviceAdmin,
  type DeviceKind,
  type DirectoryAdminSchema,
  type IssuedEnrolment,
  DeviceResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT, type Lang } from '../i18n/i18n';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';

type Directory = z.infer<typeof DirectoryAdminSchema>;

/**
 * The departments' devices, one by one: add one (its one-time enrolment
 * code is shown once, with a link to open on the device), issue a new code,
 * revoke. Kind, counter, name and last use per department.
 */
export function DevicesSection({ directory }: { directory: Directory | null }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const devices = useApiQuery('/api/v1/admin/devices', DeviceListSchema);
  const [issued, setIssued] = useState<IssuedEnrolment | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const run = (id: string, action: () => Promise<void>): void => {
    setBusyId(id);
    setError(null);
    action()
      .catch((e: unknown) => setError(e))
      .finally(() => {
        setBusyId(null);
        devices.reload();
      });
  };
  const newCode = (device: DeviceAdmin): void =>
    run(device.id, async () => {
      setIssued(
        await apiRequest(
          'POST',
          `/api/v1/admin/devices/${encodeURIComponent(device.id)}/code`,
          IssuedEnrolmentSchema,
          {},
        ),
      );
    });
  const revoke = (device: DeviceAdmin): void =>
    run(device.id, async () => {
      await apiRequest(
        'DELETE',
        `/api/v1/admin/devices/${encodeURIComponent(device.id)}`,
        DeviceResponseSchema,
      );
    });

  const counterName = (id: string | null): string =>
    id === null ? '—' : (directory?.counters.find((c) => c.id === id)?.name ?? id);
  const list = devices.data?.devices ?? [];

  return (
    <section aria-labelledby="devices-title" className="admin-section" data-section="devices">
      <header className="section-header">
        <h3 id="devices-title" className="section-title">
          {t('admin.devices.title')}
        </h3>
        <button type="button" onClick={devices.reload} disabled={devices.loading}>
          {t('common.refresh')}
        </button>
      </header>
      <p className="muted">{t('admin.devices.explain')}</p>
      {directory && (
        <AddDevice
          directory={directory}
          onIssued={(next) => {
            setIssued(next);
            devices.reload();
          }}
        />
      )}
      {issued && <EnrolmentBox issued={issued} onDismiss={() => setIssued(null)} />}
      {(error !== null || devices.error !== null) && (
        <p className="error" role="alert">
          {describeError(lang, error ?? devices.error)}
        </p>
      )}
      {directory?.departments.map((d) => {
        const rows = list
          .filter((x) => x.departmentId === d.id)
          .sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
        return (
          <div key={d.id} className="table-scroll" data-department-id={d.id}>
            <table className="data-table">
              <caption>{d.name}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.devices.name')}</th>
                  <th scope="col">{t('admin.devices.kind')}</th>
                  <th scope="col">{t('common.counter')}</th>
                  <th scope="col">{t('admin.devices.status')}</th>
                  <th scope="col">{t('admin.devices.lastUsed')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('pressure.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => (
                  <tr
                    key={x.id}
                    data-device-id={x.id}
                    data-device-kind={x.kind}
                    data-revoked={x.revokedAt !== null}
                    className={x.revokedAt !== null ? 'muted' : undefined}
                  >
                    <th scope="row">{x.name}</th>
                    <td>{t(`admin.devices.kind.${x.kind}`)}</td>
                    <td>{counterName(x.counterId)}</td>
                    <td data-device-status>{statusText(t, lang, x)}</td>
                    <td>{x.lastUsedAt === null ? '—' : formatDateTime(lang, x.lastUsedAt)}</td>
                    <td>
                      {x.revokedAt === null && (
                        <div className="row-actions">
                          <ConfirmButton
                            action="device-code"
                            label={t('admin.devices.newCode')}
                            question={t('admin.devices.newCodeQuestion', { name: x.name })}
                            busy={busyId === x.id}
                            onConfirm={() => newCode(x)}
                          />
                          <ConfirmButton
                            action="revoke-device"
                            label={t('admin.devices.revoke')}
                            question={t('admin.devices.revokeQuestion', { name: x.name })}
                            busy={busyId === x.id}
                            onConfirm={() => revoke(x)}
                          />
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={6} className="muted">
                      {t('admin.devices.none')}
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

function statusText(t: ReturnType<typeof useT>, lang: Lang, x: DeviceAdmin): string {
  if (x.revokedAt !== null) return t('admin.devices.status.revoked', { by: x.revokedBy ?? '' });
  if (x.codeExpiresAt !== null && x.codeExpiresAt > Date.now()) {
    return t('admin.devices.status.waiting', { time: formatDateTime(lang, x.codeExpiresAt) });
  }
  return x.enrolledAt !== null ? t('admin.devices.status.enrolled') : t('admin.devices.status.new');
}

function AddDevice({
  directory,
  onIssued,
}: {
  directory: Directory;
  onIssued: (i: IssuedEnrolment) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [departmentId, setDepartmentId] = useState(directory.departments[0]?.id ?? '');
  const [kind, setKind] = useState<DeviceKind>('kiosk');
  const [counterId, setCounterId] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const counters = directory.counters.filter((c) => c.departmentId === departmentId);
  const needsCounter = COUNTER_DEVICE_KINDS.includes(kind);
  const chosenCounter = needsCounter ? (counters.find((c) => c.id === counterId) ?? counters[0]) : undefined;
  const suggested = `${t(`admin.devices.kind.${kind}`)}${chosenCounter ? ` — ${chosenCounter.name}` : ''}`;

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    apiRequest('POST', '/api/v1/admin/devices', IssuedEnrolmentSchema, {
      departmentId,
      kind,
      counterId: chosenCounter?.id ?? null,
      name: name.trim() || suggested,
    })
      .then((issued) => {
        setName('');
        onIssued(issued);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel-box user-editor" onSubmit={submit} data-form="add-device">
      <h4 className="subsection-title">{t('admin.devices.add')}</h4>
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
          {t('admin.devices.kind')}
          <select
            name="kind"
            value={kind}
            onChange={(e) => setKind(DeviceKindSchema.catch('kiosk').parse(e.target.value))}
          >
            {DeviceKindSchema.options.map((k) => (
              <option key={k} value={k}>
                {t(`admin.devices.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {needsCounter && (
          <label className="field">
            {t('common.counter')}
            <select
              name="counterId"
              value={chosenCounter?.id ?? ''}
              onChange={(e) => setCounterId(e.target.value)}
            >
              {counters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          {t('admin.devices.name')}
          <input
            name="name"
            value={name}
            placeholder={suggested}
            maxLength={80}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
      </div>
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy || !departmentId} data-action="add-device">
          {t('admin.devices.add')}
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

/** The code, once: to type on the device, or as a link to open there. */
function EnrolmentBox({ issued, onDismiss }: { issued: IssuedEnrolment; onDismiss: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const path = `/${issued.device.kind}`;
  const link = `${window.location.origin}${path}#enrol=${issued.code}`;
  return (
    <div className="secret-box" data-secret role="alert" aria-labelledby="enrolment-label">
      <p id="enrolment-label">
        <strong>{t('admin.devices.code', { name: issued.device.name })}</strong>
      </p>
      <code className="secret-value enrolment-code" data-enrolment-code={issued.code}>
        {issued.code}
      </code>
      <p className="muted small">
        {t('admin.devices.codeHelp', { path, time: formatDateTime(lang, issued.expiresAt) })}
      </p>
      <p className="small">
        <a href={link} target="_blank" rel="noreferrer" data-enrolment-link>
          {link}
        </a>
      </p>
      <div className="row-actions">
        <button type="button" className="primary" onClick={onDismiss} data-action="dismiss-secret">
          {t('admin.secret.dismiss')}
        </button>
      </div>
    </div>
  );
}
