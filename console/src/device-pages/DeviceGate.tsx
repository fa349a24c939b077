import { useCallback, useEffect, useMemo, useState, type ReactNode, type SyntheticEvent } from 'react';
import type { z } from 'zod';
import { DeviceInfoSchema, RemoteError, type DeviceInfo } from '@counterwatch/shared';
import { deviceRequest, type HttpMethod } from '../api/http';
import { describeError } from '../api/describeError';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { forget, remember, storedString } from '../store/persist';
import { useStore } from '../store/store';

export type DevicePageName = 'kiosk' | 'panel' | 'rating' | 'board';

/** What a device page gets once the department's key is accepted. */
export interface DeviceSession {
  info: DeviceInfo;
  /** A bearer-authenticated request; a refused key sends the page back to the key prompt. */
  request: <S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
  ) => Promise<z.output<S>>;
  /** Forgets the key on this device and asks again. */
  changeKey: () => void;
}

const RETRY_MS = 10_000;

function storageKey(page: DevicePageName): string {
  return `cw.deviceKey.${page}`;
}

function isRefusedKey(error: unknown): boolean {
  return error instanceof RemoteError && (error.code === 'unauthenticated' || error.code === 'forbidden');
}

type GateState =
  | { phase: 'ask'; refused: boolean }
  | { phase: 'checking'; apiKey: string }
  | { phase: 'offline'; apiKey: string; error: unknown }
  | { phase: 'ready'; apiKey: string; info: DeviceInfo };

/**
 * Device pages run on unattended screens without a console login: they ask
 * once for the department API key (optionally remembered on the device,
 * one key per page kind), then check it with `GET /device/info`.
 */
export function DeviceGate({
  page,
  title,
  children,
}: {
  page: DevicePageName;
  title: MessageKey;
  children: (session: DeviceSession) => ReactNode;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [state, setState] = useState<GateState>(() => {
    const saved = storedString(storageKey(page));
    return saved ? { phase: 'checking', apiKey: saved } : { phase: 'ask', refused: false };
  });
  const [draft, setDraft] = useState('');
  const [rememberKey, setRememberKey] = useState(false);

  const refuse = useCallback(() => {
    forget(storageKey(page));
    setState({ phase: 'ask', refused: true });
  }, [page]);

  const apiKey = state.phase === 'ask' ? null : state.apiKey;
  const checking = state.phase === 'checking';
  useEffect(() => {
    if (!checking || apiKey === null) return;
    let current = true;
    deviceRequest(apiKey, 'GET', '/api/v1/device/info', DeviceInfoSchema)
      .then((info) => {
        if (current) setState({ phase: 'ready', apiKey, info });
      })
      .catch((e: unknown) => {
        if (!current) return;
        if (isRefusedKey(e)) refuse();
        // Server down or network lost (a power cut at dawn): keep the key and try again.
        else setState({ phase: 'offline', apiKey, error: e });
      });
    return () => {
      current = false;
    };
  }, [checking, apiKey, refuse]);

  useEffect(() => {
    if (state.phase !== 'offline') return;
    const key = state.apiKey;
    const timer = setTimeout(() => setState({ phase: 'checking', apiKey: key }), RETRY_MS);
    return () => clearTimeout(timer);
  }, [state]);

  const session = useMemo<DeviceSession | null>(() => {
    if (state.phase !== 'ready') return null;
    const key = state.apiKey;
    return {
      info: state.info,
      request: (method, path, schema, body) =>
        deviceRequest(key, method, path, schema, body).catch((e: unknown) => {
          if (isRefusedKey(e)) refuse();
          throw e;
        }),
      changeKey: () => {
        forget(storageKey(page));
        setState({ phase: 'ask', refused: false });
      },
    };
  }, [state, refuse, page]);

  if (session) return <>{children(session)}</>;

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const key = draft.trim();
    if (!key) return;
    if (rememberKey) remember(storageKey(page), key);
    setDraft('');
    setState({ phase: 'checking', apiKey: key });
  };

  return (
    <main className="login device-gate" data-device-page={page}>
      {state.phase === 'ask' ? (
        <form className="login-card" onSubmit={submit} aria-labelledby="device-gate-title">
          <h1 id="device-gate-title">{t(title)}</h1>
          <label>
            {t('device.apiKey')}
            <input
              type="password"
              name="apiKey"
              autoComplete="off"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              required
              minLength={16}
              autoFocus
            />
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={rememberKey} onChange={(e) => setRememberKey(e.target.checked)} />
            {t('device.rememberKey')}
          </label>
          {state.refused && (
            <p className="error" role="alert">
              {t('device.keyRefused')}
            </p>
          )}
          <button type="submit">{t('device.start')}</button>
          <LanguageSwitch />
        </form>
      ) : (
        <div className="login-card" role="status">
          <h1>{t(title)}</h1>
          {state.phase === 'offline' ? (
            <>
              <p className="error">{describeError(lang, state.error)}</p>
              <p className="muted">{t('device.retrying')}</p>
              <button type="button" onClick={() => setState({ phase: 'checking', apiKey: state.apiKey })}>
                {t('common.retry')}
              </button>
            </>
          ) : (
            <p>{t('common.loading')}</p>
          )}
        </div>
      )}
    </main>
  );
}

/** The strip across the top of a device page: department, page name, language, key change. */
export function DeviceHeader({
  session,
  title,
  children,
}: {
  session: DeviceSession;
  title: string;
  children?: ReactNode;
}) {
  const t = useT();
  return (
    <header className="device-header no-print">
      <div>
        {/* The board's title is the department itself: no need to say it twice. */}
        {title !== session.info.department.name && (
          <div className="device-department">{session.info.department.name}</div>
        )}
        <h1>{title}</h1>
      </div>
      <div className="spacer" />
      {children}
      <LanguageSwitch />
      <button type="button" className="quiet" onClick={session.changeKey}>
        {t('device.changeKey')}
      </button>
    </header>
  );
}
