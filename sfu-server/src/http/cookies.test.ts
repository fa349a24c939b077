import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from './cookies.js';

/** A real request object with only a Cookie header. */
const request = (cookie?: string): IncomingMessage => {
  const message = new IncomingMessage(new Socket());
  if (cookie !== undefined) message.headers.cookie = cookie;
  return message;
};

describe('session cookie', () => {
  it('reads its cookie among others; the first occurrence wins', () => {
    expect(readCookie(request('a=1; cw_session=abc-DEF_1; b=2'), SESSION_COOKIE)).toBe('abc-DEF_1');
    expect(readCookie(request('cw_session=first; cw_session=second'), SESSION_COOKIE)).toBe('first');
    expect(readCookie(request('cw_session=a%20b'), SESSION_COOKIE)).toBe('a b');
    expect(readCookie(request(' cw_session = spaced ;x=1'), SESSION_COOKIE)).toBe('spaced');
  });

  it('absent, empty or undecodable is no session', () => {
    expect(readCookie(request(), SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(request(''), SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(request('other=1'), SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(request('cw_session=%E0%A4%A'), SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(request('cw_sessionx=1'), SESSION_COOKIE)).toBeUndefined();
  });

  it('is set HttpOnly, SameSite=Strict, for the whole site, Secure over https', () => {
    const set = sessionCookie('abc', { secure: true, maxAgeSeconds: 3600 });
    expect(set.split('; ').sort()).toEqual(
      ['cw_session=abc', 'Max-Age=3600', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Strict'].sort(),
    );
    expect(sessionCookie('abc', { secure: false, maxAgeSeconds: 60 })).not.toContain('Secure');
    expect(clearedSessionCookie(false)).toMatch(/^cw_session=; /);
    expect(clearedSessionCookie(false)).toContain('Max-Age=0');
  });
});
