import { z } from 'zod';

/**
 * Error codes shared by REST and WebSocket replies. Each maps to one HTTP
 * status so the server's error handler and the sockets speak alike.
 */
export const ERROR_STATUS = {
  malformed_json: 400,
  invalid_frame: 400,
  invalid_message: 400,
  invalid_request: 400,
  unknown_message: 400,
  message_too_large: 413,
  unsupported_version: 426,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  closed: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]);

/** The body of every error reply: `{ error: ErrorBody }` over REST, a `response`/`error` frame over ws. */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error that knows its code and HTTP status; thrown anywhere, mapped in one place. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** The remote side answered a request with an error. */
export class RemoteError extends Error {
  readonly code: string;
  readonly details: unknown;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'RemoteError';
    this.code = body.code;
    this.details = body.details;
  }
}

/** The details of an `invalid_request`: every problem, as `{ path, message }`. */
export const ValidationIssuesSchema = z.object({
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

/** Zod issues as `{ path, message }` pairs: small, readable, safe to send back. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Parses with a schema or throws `invalid_message` naming every problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  code: ErrorCode = 'invalid_message',
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = describeIssues(result.error);
    const first = issues[0];
    throw new AppError(code, `invalid ${what}${first ? `: ${first.path}: ${first.message}` : ''}`, {
      issues,
    });
  }
  return result.data;
}
