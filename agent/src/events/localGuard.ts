import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may talk to the agent's loopback event port. Loopback alone is not
 * enough: every web page open in the counter PC's browser can reach it.
 *
 * - a request naming another host (`Host: evil.example`, DNS rebinding) is refused;
 * - a request with an `Origin` (browsers add it to every cross-origin POST,
 *   `no-cors` and form posts included) is refused unless that origin was allowed;
 * - a POST must say `Content-Type: application/json`, which no cross-site
 *   "simple request" can send without a CORS preflight, which we do not grant;
 * - with a local key configured, the sender must present it.
 */
export interface LocalGuardOptions {
  /** Origins of web pages allowed to post (a queue system's own web front end). */
  allowedOrigins: readonly string[];
  /** The shared secret from the key file, if one is configured. */
  key: string | undefined;
}

export type GuardVerdict =
  | { ok: true; corsOrigin: string | undefined }
  | { ok: false; status: 401 | 403 | 415 | 421; code: string; message: string };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `127.0.0.1:8765` → `127.0.0.1`; `[::1]:8765` → `[::1]`; undefined when malformed. */
function hostName(host: string): string | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return m?.[1]?.toLowerCase();
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export function checkLocalRequest(
  method: string,
  headers: IncomingHttpHeaders,
  options: LocalGuardOptions,
): GuardVerdict {
  const host = headers.host === undefined ? undefined : hostName(headers.host);
  if (host === undefined || !LOOPBACK_HOSTS.has(host)) {
    return {
      ok: false,
      status: 421,
      code: 'misdirected',
      message: 'this port answers requests for 127.0.0.1, localhost or [::1] only',
    };
  }
  const origin = headers.origin;
  if (origin !== undefined && !options.allowedOrigins.includes(origin)) {
    return { ok: false, status: 403, code: 'forbidden', message: `origin ${origin} is not allowed` };
  }
  // A browser that hides the Origin (rare) still says where the request comes from.
  const site = headers['sec-fetch-site'];
  if (origin === undefined && site !== undefined && site !== 'none' && site !== 'same-origin') {
    return { ok: false, status: 403, code: 'forbidden', message: 'cross-site requests are not allowed' };
  }
  // A CORS preflight from an allowed origin is answered before the key: browsers send it without credentials.
  if (method === 'OPTIONS') return { ok: true, corsOrigin: origin };
  if (options.key !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), digest(options.key))) {
      return {
        ok: false,
        status: 401,
        code: 'unauthenticated',
        message: 'this port needs the local key (Authorization: Bearer <key from the key file>)',
      };
    }
  }
  if (method === 'POST') {
    const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return {
        ok: false,
        status: 415,
        code: 'unsupported_media_type',
        message: 'send the events as Content-Type: application/json',
      };
    }
  }
  return { ok: true, corsOrigin: origin };
}
