import type { Request, Response } from 'express';
import { actorOf, type Actor } from '../audit/AuditLog.js';
import { userOf } from './auth.js';

/** The client's address (the proxy's forwarded one when behind our own reverse proxy). */
export function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

/** The logged-in user of a request, as the audit trail names them. */
export function actor(req: Request, res: Response): Actor {
  return actorOf(userOf(res), clientIp(req));
}
