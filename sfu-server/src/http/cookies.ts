import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

export const SESSION_COOKIE = 'cw_session';

/** A value that does not decode is a cookie we never set: treated as absent. */
function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Reads one cookie from a request (the `cookie` package's parser); the first occurrence wins. */
export function readCookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header, { decode })[name];
}

export function sessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return stringifySetCookie({
    name: SESSION_COOKIE,
    value,
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    maxAge: options.maxAgeSeconds,
    secure: options.secure,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}

/** Same-origin check for state changes and socket upgrades (CSRF, cross-site WebSocket hijacking). */
export function originAllowed(request: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    // Browsers always send Origin on cross-site requests; its absence means a same-origin GET or a non-browser client.
    return (
      request.headers['sec-fetch-site'] === undefined || request.headers['sec-fetch-site'] === 'same-origin'
    );
  }
  return allowedOrigins.includes(origin);
}
