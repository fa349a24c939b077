import { Router } from 'express';
import { z } from 'zod';
import { parseOrThrow } from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import { requireUser, sessionOf } from '../auth.js';
import { clearedSessionCookie, sessionCookie } from '../cookies.js';

const LoginSchema = z.object({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
});

export interface AuthHooks {
  onLogin?(userId: number, ip: string | null): void;
  onLoginFailed?(username: string, ip: string | null, reason: string): void;
  onLogout?(userId: number, ip: string | null): void;
}

export function authRoutes({
  sessions,
  secureCookies,
  hooks = {},
}: {
  sessions: SessionService;
  secureCookies: boolean;
  hooks?: AuthHooks;
}): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseOrThrow(LoginSchema, req.body, 'login', 'invalid_request');
    const ip = req.socket.remoteAddress ?? null;
    try {
      const { cookieValue, session } = await sessions.login(body.username, body.password, {
        ip,
        userAgent: req.get('user-agent') ?? null,
      });
      hooks.onLogin?.(session.user.id, ip);
      res.setHeader(
        'Set-Cookie',
        sessionCookie(cookieValue, {
          secure: secureCookies,
          maxAgeSeconds: Math.floor(sessions.ttlMs / 1000),
        }),
      );
      res.json({ user: session.user, expiresAt: session.expiresAt });
    } catch (error) {
      hooks.onLoginFailed?.(body.username, ip, error instanceof Error ? error.message : 'error');
      throw error;
    }
  });

  router.post('/logout', requireUser(sessions), async (req, res) => {
    const session = sessionOf(res);
    await sessions.logout(session.sessionHash);
    hooks.onLogout?.(session.user.id, req.socket.remoteAddress ?? null);
    res.setHeader('Set-Cookie', clearedSessionCookie(secureCookies));
    res.json({ ok: true });
  });

  router.get('/me', requireUser(sessions), (_req, res) => {
    const session = sessionOf(res);
    res.json({ user: session.user, expiresAt: session.expiresAt });
  });

  return router;
}
