import { RemoteError, type DeviceKind } from '@counterwatch/shared';
import { forget, remember, storedString } from '../store/persist';

/** Each device page keeps its own token (one browser may show the kiosk and the board). */
function storageKey(page: DeviceKind): string {
  return `cw.deviceToken.${page}`;
}

export function storedToken(page: DeviceKind): string | null {
  // Pages of older versions kept the department's API key here: never keep that around.
  forget(`cw.deviceKey.${page}`);
  return storedString(storageKey(page));
}

export function rememberToken(page: DeviceKind, token: string): void {
  remember(storageKey(page), token);
}

export function forgetToken(page: DeviceKind): void {
  forget(storageKey(page));
}

/**
 * `#enrol=CODE` (a link the console shows beside a new code) or `#token=…`
 * (a device set up by a script, as the demo does) — read once, then removed
 * from the address bar and the history entry.
 */
export function takeFragment(location: { hash: string }): { enrol?: string; token?: string } {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const enrol = params.get('enrol') ?? undefined;
  const token = params.get('token') ?? undefined;
  return {
    ...(enrol ? { enrol } : {}),
    ...(token && /^[A-Za-z0-9_-]{32,200}$/.test(token) ? { token } : {}),
  };
}

export type Refusal = 'revoked' | 'invalid';

/** Whether the server refused the device's credential itself (not one action), and why. */
export function credentialRefusal(error: unknown): Refusal | null {
  if (!(error instanceof RemoteError) || error.code !== 'unauthenticated') return null;
  const details = error.details as { reason?: unknown } | undefined;
  return details?.reason === 'device_revoked' ? 'revoked' : 'invalid';
}

/** The kind a refused enrolment code is for, when the server says it belongs to another page. */
export function wrongKindOf(error: unknown): DeviceKind | null {
  if (!(error instanceof RemoteError) || error.code !== 'conflict') return null;
  const details = error.details as { reason?: unknown; kind?: unknown } | undefined;
  const kind = details?.kind;
  return details?.reason === 'wrong_kind' &&
    (kind === 'kiosk' || kind === 'panel' || kind === 'rating' || kind === 'board')
    ? kind
    : null;
}
