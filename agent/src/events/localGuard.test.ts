import { describe, expect, it } from 'vitest';
import { checkLocalRequest } from './localGuard.js';

const open = { allowedOrigins: [], key: undefined };
const json = { host: '127.0.0.1:8765', 'content-type': 'application/json' };

describe('checkLocalRequest', () => {
  it('lets the queue system in: loopback Host, no Origin, JSON', () => {
    expect(checkLocalRequest('POST', json, open)).toEqual({ ok: true, corsOrigin: undefined });
    for (const host of ['localhost:8765', '[::1]:8765', 'LOCALHOST', '127.0.0.1']) {
      expect(checkLocalRequest('POST', { ...json, host }, open).ok, host).toBe(true);
    }
    expect(
      checkLocalRequest('POST', { ...json, 'content-type': 'application/json; charset=utf-8' }, open).ok,
    ).toBe(true);
  });

  it('refuses other host names (DNS rebinding), a missing Host, foreign origins, non-JSON bodies', () => {
    const status = (method: string, headers: Record<string, string>) => {
      const v = checkLocalRequest(method, headers, open);
      return v.ok ? 200 : v.status;
    };
    expect(status('POST', { ...json, host: 'evil.example:8765' })).toBe(421);
    expect(status('POST', { ...json, host: '127.0.0.1.nip.io' })).toBe(421);
    expect(status('POST', { ...json, host: 'localhost@evil' })).toBe(421);
    expect(status('POST', { 'content-type': 'application/json' })).toBe(421);
    expect(status('POST', { ...json, origin: 'http://localhost:3000' })).toBe(403);
    expect(status('POST', { ...json, origin: 'null' })).toBe(403);
    expect(status('POST', { ...json, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(status('POST', { ...json, 'content-type': 'text/plain' })).toBe(415);
    expect(status('POST', { host: '127.0.0.1' })).toBe(415);
    expect(status('GET', { host: '127.0.0.1', origin: 'https://ads.example' })).toBe(403);
    expect(status('GET', { host: '127.0.0.1' })).toBe(200);
  });

  it('answers an allowed origin with CORS and asks for the key when one is configured', () => {
    const options = { allowedOrigins: ['http://queue.local'], key: 'k'.repeat(32) };
    const page = { ...json, origin: 'http://queue.local' };
    expect(checkLocalRequest('OPTIONS', page, options)).toEqual({
      ok: true,
      corsOrigin: 'http://queue.local',
    });
    expect(checkLocalRequest('POST', page, options)).toMatchObject({ ok: false, status: 401 });
    expect(
      checkLocalRequest('POST', { ...page, authorization: `Bearer ${'k'.repeat(31)}x` }, options),
    ).toMatchObject({ ok: false, status: 401 });
    expect(
      checkLocalRequest('POST', { ...page, authorization: `Bearer ${'k'.repeat(32)}` }, options),
    ).toEqual({ ok: true, corsOrigin: 'http://queue.local' });
  });
});
