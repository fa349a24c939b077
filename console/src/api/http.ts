import { ErrorBodySchema, RemoteError } from '@counterwatch/shared';
import type { z } from 'zod';

/**
 * JSON over fetch, same origin, cookies included. Responses are validated
 * with the caller's schema; error bodies become RemoteError with the
 * server's code and message.
 */
export async function apiRequest<S extends z.ZodType>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.output<S>> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
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
