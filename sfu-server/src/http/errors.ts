import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from '@counterwatch/shared';
import type { Logger } from '../logger.js';

/** body-parser reports its problems with a `type`; map the ones a client can cause. */
function fromBodyParser(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('malformed_json', 'request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('message_too_large', 'request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('invalid_request', 'unsupported body encoding');
    default:
      return undefined;
  }
}

/**
 * Errors the HTTP stack raises for what a client sent (http-errors with a 4xx
 * status: a path with malformed percent-encoding, a body whose gzip or
 * deflate stream is broken, …) are the client's fault: never a 500.
 */
function fromClientError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    'status' in error && typeof error.status === 'number'
      ? error.status
      : 'statusCode' in error && typeof error.statusCode === 'number'
        ? error.statusCode
        : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  if (
    error instanceof URIError ||
    ('message' in error && String(error.message).startsWith('Failed to decode'))
  )
    return new AppError('invalid_request', 'the request path has malformed percent-encoding');
  switch (status) {
    case 403:
      return new AppError('forbidden', 'forbidden');
    case 404:
      return new AppError('not_found', 'not found');
    case 413:
      return new AppError('message_too_large', 'request body is too large');
    default:
      // Body streams: zlib's message says what was wrong with the compressed data, nothing internal.
      return new AppError('invalid_request', 'the request could not be read (bad encoding or compression)');
  }
}

/**
 * The one place errors become HTTP responses: `{ error: { code, message, details } }`.
 * Known errors are logged as one line; anything else with its stack, and the
 * client learns nothing about internals.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  const log = logger.child({ module: 'http' });
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof AppError ? error : (fromBodyParser(error) ?? fromClientError(error));
    if (known) {
      log.info(
        { method: req.method, path: req.path, status: known.status, code: known.code },
        'request refused',
      );
      res.status(known.status).json({ error: known.toBody() });
      return;
    }
    log.error({ err: error, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
  };
}

export const notFoundApi: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route ${req.method} ${req.path}`));
};
