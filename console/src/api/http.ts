import { ErrorBodySchema, RemoteError } from '@counterwatch/shared';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * JSON over fetch, same origin, cookies included. Responses are validated
 * with the caller's schema; error bodies become RemoteError with the
 * server's code and message.
 */
export function apiRequest<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.output<S>> {
  return jsonRequest(method, path, schema, body, { credentials: 'same-origin' });
}

/**
 * For the department's devices (kiosk, panel, rating pad, board): the
 * device's own token as a bearer token and no cookies, so a device page
 * never acts with whatever console session the browser may also hold.
 */
export function deviceRequest<S extends z.ZodType>(
  token: string | null,
  method: HttpMethod,
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.output<S>> {
  return jsonRequest(method, path, schema, body, {
    credentials: 'omit',
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** A device's binary download (the board's voice calls), as a Blob. */
export async function deviceBlob(token: string, path: string): Promise<Blob> {
  const response = await fetch(path, { credentials: 'omit', headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const raw: unknown = await response.json().catch(() => undefined);
    const error = ErrorBodySchema.safeParse(
      typeof raw === 'object' && raw !== null && 'error' in raw ? raw.error : undefined,
    );
    throw new RemoteError(
      error.success
        ? error.data
        : { code: `http_${response.status}`, message: response.statusText || 'failed' },
    );
  }
  return response.blob();
}

/** `?a=1&b=x` from the defined entries only; '' when none. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function jsonRequest<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S,
  body: unknown,
  options: { credentials: RequestCredentials; headers?: Record<string, string> },
): Promise<z.output<S>> {
  const response = await fetch(path, {
    method,
    credentials: options.credentials,
    headers: {
      ...options.headers,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // A body that is not JSON (a proxy's HTML error page) is handled by the status check below.
  const raw: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = ErrorBodySchema.safeParse(
      typeof raw === 'object' && raw !== null && 'error' in raw ? raw.error : undefined,
    );
    throw new RemoteError(
      error.success
        ? error.data
        : { code: `http_${response.status}`, message: response.statusText || 'request failed' },
    );
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new RemoteError({ code: 'invalid_response', message: `unexpected answer from ${path}` });
  return parsed.data;
}
