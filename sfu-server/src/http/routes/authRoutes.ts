import { Router } from 'express';
import { z } from 'zod';
import { AppError, parseOrThrow } from '@counterwatch/shared';
import type { AuditLog } from '../../audit/AuditLog.js';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser, sessionOf } from '../auth.js';
import { clearedSessionCookie, sessionCookie } from '../cookies.js';
import { clientIp } from '../requestContext.js';

const LoginSchema = z.object({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
});

/** Login, logout and "who am I" — each login, failed login and logout on record. */
export function authRoutes({
  sessions,
  audit,
  secureCookies,
}: {
  sessions: SessionService;
  audit: AuditLog;
  secureCookies: boolean;
}): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LoginSchema, req.body, 'login', 'invalid_request');
    const ip = clientIp(req);
    let login;
    try {
      login = await sessions.login(body.username, body.password, {
        ip,
        userAgent: req.get('user-agent') ?? null,
      });
    } catch (error) {
      if (error instanceof AppError) {
        await audit.record({
          action: 'auth.login_failed',
          actor: { userId: null, username: body.username.toLowerCase().slice(0, 40), ip },
          reason: error.code,
        });
      }
      throw error;
    }
    const { cookieValue, session } = login;
    try {
      await audit.record({
        action: 'auth.login',
        actor: { userId: session.user.id, username: session.user.username, ip },
      });
    } catch (error) {
      // No record, no session.
      await sessions.revoke(session.sessionHash);
      throw error;
    }
    res.setHeader(
      'Set-Cookie',
      sessionCookie(cookieValue, { secure: secureCookies, maxAgeSeconds: Math.floor(sessions.ttlMs / 1000) }),
    );
    res.json({ user: session.user, expiresAt: session.expiresAt });
  });

  router.post('/logout', requireUser(sessions), async (req, res) => {
    const session = sessionOf(res);
    await audit.record({
      action: 'auth.logout',
      actor: { userId: session.user.id, username: session.user.username, ip: clientIp(req) },
    });
    await sessions.logout(session.sessionHash);
    res.setHeader('Set-Cookie', clearedSessionCookie(secureCookies));
    res.json({ ok: true });
  });

  router.get('/me', requireUser(sessions), (_req, res) => {
    const session = sessionOf(res);
    res.json({ user: session.user, expiresAt: session.expiresAt });
  });

  return router;
}
