import { useCallback, useEffect, useMemo, useState, type ReactNode, type SyntheticEvent } from 'react';
import {
  DeviceInfoSchema,
  EnrollResponseSchema,
  RemoteError,
  type DeviceInfo,
  type DeviceKind,
} from '@counterwatch/shared';
import { deviceRequest } from '../api/http';
import { describeError } from '../api/describeError';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { useStore } from '../store/store';
import {
  credentialRefusal,
  forgetToken,
  rememberToken,
  storedToken,
  takeFragment,
  wrongKindOf,
} from './deviceToken';
import { StaffCorner } from './StaffCorner';
import type { DevicePageName, DeviceSession } from './deviceSession';
import './devices.css';

export type { DevicePageName, DeviceSession } from './deviceSession';

const RETRY_MS = 10_000;
/** How often a ready device checks it is still enrolled. */
const HEARTBEAT_MS = 30_000;

type Notice =
  | { kind: 'revoked' }
  | { kind: 'invalid' }
  | { kind: 'refusedCode' }
  | { kind: 'wrongKind'; deviceKind: DeviceKind }
  | { kind: 'error'; error: unknown };

type GateState =
  | { phase: 'ask'; notice: Notice | null }
  | { phase: 'enrolling'; code: string }
  | { phase: 'checking'; token: string }
  | { phase: 'offline'; token: string; error: unknown }
  | { phase: 'ready'; token: string; info: DeviceInfo };

/** Exchanges a one-time enrolment code for this page's device token. */
async function enrol(page: DevicePageName, code: string): Promise<string> {
  const enrolled = await deviceRequest(null, 'POST', '/api/v1/device/enroll', EnrollResponseSchema, {
    code,
    kind: page,
  });
  return enrolled.token;
}

function noticeOf(error: unknown): Notice {
  const other = wrongKindOf(error);
  if (other) return { kind: 'wrongKind', deviceKind: other };
  if (error instanceof RemoteError && (error.code === 'unauthenticated' || error.code === 'invalid_request'))
    return { kind: 'refusedCode' };
  return { kind: 'error', error };
}

/**
 * Device pages run on unattended screens without a console login. Each is
 * enrolled once with a one-time code an administrator issued for it, and
 * keeps the device token it got in exchange (this page only). A revoked
 * device drops back here and says so.
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
    const fragment = takeFragment(window.location);
    if (fragment.enrol !== undefined || fragment.token !== undefined) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
    }
    if (fragment.token) {
      rememberToken(page, fragment.token);
      return { phase: 'checking', token: fragment.token };
    }
    if (fragment.enrol) return { phase: 'enrolling', code: fragment.enrol };
    const saved = storedToken(page);
    return saved ? { phase: 'checking', token: saved } : { phase: 'ask', notice: null };
  });
  const [draft, setDraft] = useState('');

  const refuse = useCallback(
    (error: unknown): boolean => {
      const why = credentialRefusal(error);
      if (!why) return false;
      forgetToken(page);
      setState({ phase: 'ask', notice: { kind: why } });
      return true;
    },
    [page],
  );

  const code = state.phase === 'enrolling' ? state.code : null;
  useEffect(() => {
    if (code === null) return;
    let current = true;
    enrol(page, code)
      .then((token) => {
        if (!current) return;
        rememberToken(page, token);
        setState({ phase: 'checking', token });
      })
      .catch((e: unknown) => {
        if (current) setState({ phase: 'ask', notice: noticeOf(e) });
      });
    return () => {
      current = false;
    };
  }, [code, page]);

  const token = state.phase === 'checking' || state.phase === 'offline' ? state.token : null;
  const checking = state.phase === 'checking';
  useEffect(() => {
    if (!checking || token === null) return;
    let current = true;
    deviceRequest(token, 'GET', '/api/v1/device/info', DeviceInfoSchema)
      .then((info) => {
        if (current) setState({ phase: 'ready', token, info });
      })
      .catch((e: unknown) => {
        if (!current || refuse(e)) return;
        // Server down or network lost (a power cut at dawn): keep the token and try again.
        setState({ phase: 'offline', token, error: e });
      });
    return () => {
      current = false;
    };
  }, [checking, token, refuse]);

  useEffect(() => {
    if (state.phase !== 'offline') return;
    const saved = state.token;
    const timer = setTimeout(() => setState({ phase: 'checking', token: saved }), RETRY_MS);
    return () => clearTimeout(timer);
  }, [state]);

  // A device that makes no requests of its own for a while (a kiosk at night) still learns
  // at once that it was revoked, and picks up renamed counters or new services.
  const readyToken = state.phase === 'ready' ? state.token : null;
  const readyInfo = state.phase === 'ready' ? state.info : null;
  useEffect(() => {
    if (readyToken === null) return;
    const timer = setInterval(() => {
      deviceRequest(readyToken, 'GET', '/api/v1/device/info', DeviceInfoSchema)
        .then((info) => {
          if (JSON.stringify(info) !== JSON.stringify(readyInfo))
            setState({ phase: 'ready', token: readyToken, info });
        })
        .catch((e: unknown) => refuse(e)); // a network blip is not a reason to leave the page
    }, HEARTBEAT_MS);
    return () => clearInterval(timer);
  }, [readyToken, readyInfo, refuse]);

  const session = useMemo<DeviceSession | null>(() => {
    if (state.phase !== 'ready') return null;
    const current = state.token;
    return {
      info: state.info,
      token: current,
      request: (method, path, schema, body) =>
        deviceRequest(current, method, path, schema, body).catch((e: unknown) => {
          refuse(e);
          throw e;
        }),
      reenrol: async (code) => {
        const fresh = await enrol(page, code);
        rememberToken(page, fresh);
        setState({ phase: 'checking', token: fresh });
      },
    };
  }, [state, refuse, page]);

  if (session && session.info.device.kind !== page) {
    return <WrongPage session={session} page={page} />;
  }
  if (session) return <>{children(session)}</>;

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const typed = draft.trim();
    if (!typed) return;
    setDraft('');
    setState({ phase: 'enrolling', code: typed });
  };

  const notice = state.phase === 'ask' ? state.notice : null;
  const kindName = t(`device.kind.${page}`);
  return (
    <main className="login device-gate" data-device-page={page} data-gate={state.phase}>
      {state.phase === 'ask' ? (
        <form className="login-card" onSubmit={submit} aria-labelledby="device-gate-title">
          <h1 id="device-gate-title">{t(title)}</h1>
          <p className="muted">{t('device.enrol.title', { kind: kindName })}</p>
          {notice !== null && (
            <p className="error" role="alert" data-notice={notice.kind}>
              {notice.kind === 'revoked'
                ? t('device.revoked')
                : notice.kind === 'invalid'
                  ? t('device.tokenInvalid')
                  : notice.kind === 'refusedCode'
                    ? t('device.enrol.refused')
                    : notice.kind === 'wrongKind'
                      ? t('device.enrol.wrongKind', {
                          kind: t(`device.kind.${notice.deviceKind}`),
                          path: `/${notice.deviceKind}`,
                        })
                      : describeError(lang, notice.error)}
            </p>
          )}
          <p className="muted">{t('device.enrol.explain')}</p>
          <label>
            {t('device.enrol.code')}
            <input
              name="enrolmentCode"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              inputMode="text"
              placeholder="XXXX-XXXX-XXXX"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              required
              maxLength={40}
              autoFocus
            />
          </label>
          <button type="submit">{t('device.enrol.submit')}</button>
          <LanguageSwitch />
        </form>
      ) : (
        <div className="login-card" role="status">
          <h1>{t(title)}</h1>
          {state.phase === 'offline' ? (
            <>
              <p className="error">{describeError(lang, state.error)}</p>
              <p className="muted">{t('device.retrying')}</p>
              <button type="button" onClick={() => setState({ phase: 'checking', token: state.token })}>
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

/** A token of another kind of device opened on this page (a mistyped link): send it where it belongs. */
function WrongPage({ session, page }: { session: DeviceSession; page: DevicePageName }) {
  const t = useT();
  const kind = session.info.device.kind;
  useEffect(() => forgetToken(page), [page]);
  return (
    <main className="login device-gate" data-device-page={page} data-gate="wrong-page">
      <div className="login-card" role="alert">
        <p>{t('device.wrongPage', { kind: t(`device.kind.${kind}`) })}</p>
        <a className="button" href={`/${kind}#token=${encodeURIComponent(session.token)}`}>
          {t('device.openOwnPage')}
        </a>
      </div>
    </main>
  );
}

/** The strip across the top of a device page; a long press on the title opens staff device management. */
export function DeviceHeader({
  session,
  title,
  children,
}: {
  session: DeviceSession;
  title: string;
  children?: ReactNode;
}) {
  return (
    <header className="device-header no-print">
      <StaffCorner session={session}>
        {/* The board's title is the department itself: no need to say it twice. */}
        {title !== session.info.department.name && (
          <div className="device-department">{session.info.department.name}</div>
        )}
        <h1>{title}</h1>
      </StaffCorner>
      <div className="spacer" />
      {children}
      <LanguageSwitch />
    </header>
  );
}
