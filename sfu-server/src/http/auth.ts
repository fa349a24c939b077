import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError, type Role, type User } from '@counterwatch/shared';
import { hasRole } from '../auth/access.js';
import type { AuthenticatedSession, SessionService } from '../auth/SessionService.js';
import { SESSION_COOKIE, originAllowed, readCookie } from './cookies.js';

const SESSION_KEY = 'session';

/** The authenticated session of a request that went through `requireUser`. */
export function sessionOf(res: Response): AuthenticatedSession {
  const session = res.locals[SESSION_KEY] as AuthenticatedSession | undefined;
  if (!session) throw new Error('route is missing requireUser');
  return session;
}

export function userOf(res: Response): User {
  return sessionOf(res).user;
}

/** Cookie session required; optionally one of the given roles. */
export function requireUser(sessions: SessionService, ...roles: Role[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    sessions
      .resolve(readCookie(req, SESSION_COOKIE))
      .then((session) => {
        if (!session) throw new AppError('unauthenticated', 'log in first');
        if (roles.length > 0 && !hasRole(session.user, ...roles)) {
          throw new AppError('forbidden', 'your role does not allow this');
        }
        res.locals[SESSION_KEY] = session;
        next();
      })
      .catch(next);
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated routes: state changes must come from
 * our own origin (SameSite=Strict cookies are the first line, this the second).
 */
export function requireSameOrigin(allowedOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || originAllowed(req, allowedOrigins)) {
      next();
      return;
    }
    next(new AppError('csrf', 'cross-origin request refused'));
  };
}
