import { Router } from 'express';
import {
  parseOrThrow,
  LoginSchema,
  LoginResponseSchema,
  OkSchema,
  SessionStateSchema,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser, sessionOf } from '../auth.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../cookies.js';
import { clientIp } from '../requestContext.js';
import { reply } from '../reply.js';

/** Login, logout and "who am I" — the session service puts each on record. */
export function authRoutes({
  sessions,
  secureCookies,
}: {
  sessions: SessionService;
  secureCookies: boolean;
}): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LoginSchema, req.body, 'login', 'invalid_request');
    const { cookieValue, session } = await sessions.login(body.username, body.password, {
      ip: clientIp(req),
      userAgent: req.get('user-agent') ?? null,
    });
    res.setHeader(
      'Set-Cookie',
      sessionCookie(cookieValue, { secure: secureCookies, maxAgeSeconds: Math.floor(sessions.ttlMs / 1000) }),
    );
    reply(res, LoginResponseSchema, { user: session.user, expiresAt: session.expiresAt });
  });

  router.post('/logout', requireUser(sessions), async (req, res) => {
    await sessions.logout(sessionOf(res), clientIp(req));
    res.setHeader('Set-Cookie', clearedSessionCookie(secureCookies));
    reply(res, OkSchema, { ok: true });
  });

  // "Am I logged in?" for a page that is loading: a plain yes or no (user or null), never a 401 the
  // browser would log as an error before the login form has even shown.
  router.get('/session', async (req, res) => {
    const session = await sessions.resolve(readCookie(req, SESSION_COOKIE));
    res.setHeader('Cache-Control', 'no-store');
    reply(res, SessionStateSchema, { user: session?.user ?? null, expiresAt: session?.expiresAt ?? null });
  });

  router.get('/me', requireUser(sessions), (_req, res) => {
    const session = sessionOf(res);
    reply(res, LoginResponseSchema, { user: session.user, expiresAt: session.expiresAt });
  });

  return router;
}
