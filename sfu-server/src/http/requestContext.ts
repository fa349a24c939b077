import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import proxyAddr from 'proxy-addr';
import { actorOf, type Actor } from '../audit/AuditLog.js';
import { userOf } from './auth.js';

/**
 * The client's address: the connecting one, or — when that is a proxy named
 * in CW_TRUST_PROXY — the one it forwarded (express's `req.ip`).
 */
export function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

/**
 * The same for a socket upgrade, which express never sees: X-Forwarded-For
 * walked from the right while its hops are trusted proxies, exactly as
 * express does for REST.
 */
export function upgradeClientAddress(trustProxy: readonly string[]): (request: IncomingMessage) => string {
  const trust = proxyAddr.compile([...trustProxy]);
  return (request) => proxyAddr(request, trust) || (request.socket.remoteAddress ?? 'unknown');
}

/** The logged-in user of a request, as the audit trail names them. */
export function actor(req: Request, res: Response): Actor {
  return actorOf(userOf(res), clientIp(req));
}
