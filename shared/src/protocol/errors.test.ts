import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AppError,
  ERROR_STATUS,
  ErrorBodySchema,
  ErrorCodeSchema,
  RemoteError,
  describeIssues,
  parseOrThrow,
  type ErrorCode,
} from './errors.js';

describe('ERROR_STATUS', () => {
  it('maps every code to an HTTP error status', () => {
    for (const status of Object.values(ERROR_STATUS)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
    }
  });

  it.each([
    ['invalid_message', 400],
    ['unauthenticated', 401],
    ['forbidden', 403],
    ['csrf', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['message_too_large', 413],
    ['unsupported_version', 426],
    ['rate_limited', 429],
    ['internal', 500],
    ['closed', 503],
    ['timeout', 504],
  ] as const)('%s is %d', (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status);
  });

  it('ErrorCodeSchema accepts exactly the known codes', () => {
    for (const code of Object.keys(ERROR_STATUS)) expect(ErrorCodeSchema.safeParse(code).success).toBe(true);
    expect(ErrorCodeSchema.safeParse('teapot').success).toBe(false);
  });
});

describe('AppError', () => {
  it('carries its code, status and details', () => {
    const error = new AppError('not_found', 'no such counter', { counterId: 'c9' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.message).toBe('no such counter');
    expect(error.code).toBe('not_found');
    expect(error.status).toBe(404);
    expect(error.details).toEqual({ counterId: 'c9' });
  });

  it('toBody leaves details out when there are none', () => {
    const body = new AppError('forbidden', 'no').toBody();
    expect(body).toEqual({ code: 'forbidden', message: 'no' });
    expect('details' in body).toBe(false);
  });

  it('toBody includes details, even falsy ones', () => {
    expect(new AppError('conflict', 'x', { a: 1 }).toBody()).toEqual({
      code: 'conflict',
      message: 'x',
      details: { a: 1 },
    });
    expect(new AppError('conflict', 'x', 0).toBody()).toEqual({ code: 'conflict', message: 'x', details: 0 });
    expect(new AppError('conflict', 'x', null).toBody()).toEqual({
      code: 'conflict',
      message: 'x',
      details: null,
    });
  });

  it('toBody is a valid error body', () => {
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(ErrorBodySchema.safeParse(new AppError(code, 'm', { x: 1 }).toBody()).success).toBe(true);
    }
  });
});

describe('RemoteError', () => {
  it('is built from an error body', () => {
    const error = new RemoteError({ code: 'rate_limited', message: 'slow down', details: { retryIn: 5 } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RemoteError');
    expect(error.code).toBe('rate_limited');
    expect(error.message).toBe('slow down');
    expect(error.details).toEqual({ retryIn: 5 });
  });
});

describe('describeIssues', () => {
  it('joins paths with dots and names the root', () => {
    const schema = z.object({ a: z.object({ b: z.array(z.number()) }) });
    const nested = schema.safeParse({ a: { b: [1, 'x'] } });
    expect(describeIssues(nested.error!)).toEqual([
      { path: 'a.b.1', message: expect.any(String) as unknown },
    ]);
    const root = schema.safeParse(5);
    expect(describeIssues(root.error!)).toEqual([{ path: '(root)', message: expect.any(String) as unknown }]);
  });
});

describe('parseOrThrow', () => {
  const Schema = z.object({ name: z.string().trim().min(1), age: z.number().int() });

  it('returns the parsed (transformed) value', () => {
    expect(parseOrThrow(Schema, { name: ' An ', age: 3 }, 'person')).toEqual({ name: 'An', age: 3 });
  });

  it('throws invalid_message naming what, the first path and every issue', () => {
    let caught: unknown;
    try {
      parseOrThrow(Schema, { name: '', age: 1.5 }, 'person');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const error = caught as AppError;
    expect(error.code).toBe('invalid_message');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^invalid person: name: /);
    const issues = (error.details as { issues: { path: string }[] }).issues;
    expect(issues.map((i) => i.path)).toEqual(['name', 'age']);
  });

  it('uses the given error code', () => {
    expect(() => parseOrThrow(Schema, null, 'body', 'invalid_request')).toThrow(
      expect.objectContaining({ code: 'invalid_request', status: 400 }) as Error,
    );
  });
});
