import { useState, type SyntheticEvent } from 'react';
import { PanelOfficerSchema, RemoteError } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { formatTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import type { DeviceSession } from './deviceSession';
import { usePolled } from './usePolled';

const REFRESH_MS = 10_000;

/**
 * Who is at the counter: the officer signs in at the panel with their badge
 * number and PIN (from the department's officer list, kept by the admin),
 * and out at the end of the shift. What is served meanwhile names them.
 */
export function OfficerSignIn({ session, counterId }: { session: DeviceSession; counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const path = `/api/v1/device/counters/${encodeURIComponent(counterId)}/officer`;
  const polled = usePolled(() => session.request('GET', path, PanelOfficerSchema), REFRESH_MS, counterId);
  const [badge, setBadge] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const officer = polled.data?.officer ?? null;

  const describe = (e: unknown): string =>
    e instanceof RemoteError && e.code === 'forbidden'
      ? t('officer.wrongPin')
      : e instanceof RemoteError && e.code === 'rate_limited'
        ? t('officer.throttled')
        : describeError(lang, e);

  const signIn = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    session
      .request('POST', path, PanelOfficerSchema, { badgeNumber: badge, pin })
      .then((next) => {
        polled.setData(next);
        setBadge('');
      })
      .catch((e: unknown) => setError(describe(e)))
      .finally(() => {
        setPin(''); // never left on screen
        setBusy(false);
      });
  };

  const signOut = (): void => {
    setBusy(true);
    setError(null);
    session
      .request('DELETE', path, PanelOfficerSchema)
      .then((next) => polled.setData(next))
      .catch((e: unknown) => setError(describe(e)))
      .finally(() => setBusy(false));
  };

  if (polled.data === null) return null;
  if (officer) {
    return (
      <section
        className="panel-officer signed-in"
        aria-label={t('officer.onDuty')}
        data-officer-id={officer.id}
      >
        <span className="big-label">{t('officer.onDuty')}</span>
        <strong className="panel-officer-name" data-officer-name>
          {officer.displayName}
        </strong>
        <span className="muted">
          {t('officer.badgeSince', {
            badge: officer.badgeNumber,
            time: formatTime(lang, officer.since, false),
          })}
        </span>
        <button
          type="button"
          className="big"
          data-action="officer-sign-out"
          disabled={busy}
          onClick={signOut}
        >
          {t('officer.signOut')}
        </button>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
    );
  }
  return (
    <form className="panel-officer signed-out" onSubmit={signIn} aria-label={t('officer.signInTitle')}>
      <span className="big-label">{t('officer.signInTitle')}</span>
      <label className="field">
        {t('officer.badge')}
        <input
          name="badgeNumber"
          data-field="badge"
          autoComplete="off"
          autoCapitalize="characters"
          maxLength={20}
          required
          value={badge}
          onChange={(e) => setBadge(e.target.value)}
        />
      </label>
      <label className="field">
        {t('officer.pin')}
        <input
          name="pin"
          data-field="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          pattern="[0-9]{4,8}"
          maxLength={8}
          required
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
        />
      </label>
      <button type="submit" className="big primary" data-action="officer-sign-in" disabled={busy}>
        {t('officer.signIn')}
      </button>
      <p
        className={error ? 'error' : 'muted'}
        role={error ? 'alert' : 'status'}
        data-officer-error={error ? '' : undefined}
      >
        {error ?? t('officer.nobody')}
      </p>
    </form>
  );
}
