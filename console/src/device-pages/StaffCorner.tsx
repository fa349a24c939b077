import { useEffect, useRef, useState, type ReactNode, type SyntheticEvent } from 'react';
import { RemoteError } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import type { DeviceSession } from './deviceSession';
import { wrongKindOf } from './deviceToken';

/** How long the title must be held: a citizen's tap never opens it. */
export const LONG_PRESS_MS = 2_000;
/** The staff dialog closes itself when left open. */
const IDLE_CLOSE_MS = 60_000;

/**
 * Device administration, hidden from citizens: a long press on the page's
 * title opens it, and it can only enrol the device again with a fresh code
 * from an administrator — without one, nothing changes. There is no button
 * that drops the device to its enrolment prompt.
 */
export function StaffCorner({ session, children }: { session: DeviceSession; children: ReactNode }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const cancel = (): void => clearTimeout(timer.current);
  useEffect(() => cancel, []);

  return (
    <>
      <div
        className="device-title"
        data-action="staff-corner"
        aria-label={t('device.staff.open')}
        onPointerDown={() => {
          cancel();
          timer.current = setTimeout(() => setOpen(true), LONG_PRESS_MS);
        }}
        onPointerUp={cancel}
        onPointerLeave={cancel}
        onPointerCancel={cancel}
        onContextMenu={(e) => e.preventDefault()}
      >
        {children}
      </div>
      {open && <StaffDialog session={session} onClose={() => setOpen(false)} />}
    </>
  );
}

function StaffDialog({ session, onClose }: { session: DeviceSession; onClose: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [touched, setTouched] = useState(0);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const timer = setTimeout(() => closeRef.current(), IDLE_CLOSE_MS);
    return () => clearTimeout(timer);
  }, [touched]);

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!code.trim()) return;
    setBusy(true);
    setError(null);
    session
      .reenrol(code.trim())
      .then(() => closeRef.current())
      .catch((e: unknown) => {
        setError(e);
        setBusy(false);
      });
  };

  const { device } = session.info;
  const wrongKind = wrongKindOf(error);
  const errorText =
    error === null
      ? null
      : wrongKind
        ? t('device.enrol.wrongKind', { kind: t(`device.kind.${wrongKind}`), path: `/${wrongKind}` })
        : error instanceof RemoteError &&
            (error.code === 'unauthenticated' || error.code === 'invalid_request')
          ? t('device.enrol.refused')
          : describeError(lang, error);
  return (
    <div className="staff-backdrop" onPointerDown={() => setTouched((n) => n + 1)}>
      <form
        className="staff-dialog login-card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="staff-title"
        data-dialog="staff"
        onSubmit={submit}
      >
        <h2 id="staff-title">{t('device.staff.title')}</h2>
        <p>{t('device.staff.device', { name: device.name, kind: t(`device.kind.${device.kind}`) })}</p>
        <p className="muted">{t('device.staff.explain')}</p>
        <label>
          {t('device.enrol.code')}
          <input
            name="enrolmentCode"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            placeholder="XXXX-XXXX-XXXX"
            value={code}
            onChange={(e) => {
              setCode(e.target.value);
              setTouched((n) => n + 1);
            }}
            maxLength={40}
            autoFocus
          />
        </label>
        {errorText !== null && (
          <p className="error" role="alert">
            {errorText}
          </p>
        )}
        <div className="row-actions">
          <button type="submit" disabled={busy || !code.trim()} data-action="reenrol">
            {t('device.staff.reenrol')}
          </button>
          <button type="button" onClick={onClose} data-action="close-staff">
            {t('device.staff.close')}
          </button>
        </div>
      </form>
    </div>
  );
}
