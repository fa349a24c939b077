import { AppError, TypedEmitter, type User, type Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage, UserRecord } from '../storage/Storage.js';
import { hashToken, randomSecret, verifyPassword } from './secrets.js';

export interface AuthenticatedSession {
  user: User;
  sessionHash: string;
  expiresAt: number;
}

export type SessionServiceEvents = {
  /** A session ended early (logout, revocation): its live views must close. */
  ended: [sessionHash: string, reason: 'logout' | 'revoked'];
  /** Every session of a user ended (account disabled, password changed). */
  userSessionsEnded: [userId: number];
};

export interface SessionServiceOptions {
  storage: Storage;
  logger: Logger;
  ttlMs?: number;
  /** The injected clock. */
  now: Clock;
  /** Failed logins allowed per username and per address within the window. */
  maxFailures?: number;
  failureWindowMs?: number;
}

/** A hash to compare against when the user does not exist, so timing does not reveal usernames. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export function publicUser(u: UserRecord): User {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    departmentIds: u.departmentIds,
  };
}

/**
 * Username + password logins, opaque session ids in cookies (only their hash
 * is stored), expiry, revocation and a login rate limit.
 */
export class SessionService extends TypedEmitter<SessionServiceEvents> {
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #now: Clock;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #failures = new Map<string, number[]>();

  constructor(options: SessionServiceOptions) {
    super();
    this.#storage = options.storage;
    this.#logger = options.logger.child({ module: 'sessions' });
    this.#ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.#now = options.now;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.failureWindowMs ?? 5 * 60_000;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** Returns the cookie value (shown to the browser once) and the user. */
  async login(
    username: string,
    password: string,
    from: { ip: string | null; userAgent: string | null },
  ): Promise<{ cookieValue: string; session: AuthenticatedSession }> {
    const keys = [`u:${username}`, `ip:${from.ip ?? '?'}`];
    if (keys.some((k) => this.#recentFailures(k) >= this.#maxFailures)) {
      throw new AppError('rate_limited', 'too many failed logins; try again in a few minutes');
    }
    // Count the attempt before the slow check, so parallel guesses cannot all slip under the limit.
    const attempt = this.#now();
    for (const k of keys) this.#recordFailure(k, attempt);
    const user = await this.#storage.findUserByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    for (const k of keys) this.#failures.delete(k);
    const cookieValue = randomSecret(32);
    const now = this.#now();
    const session = {
      idHash: hashToken(cookieValue),
      userId: user.id,
      createdAt: now,
      expiresAt: now + this.#ttlMs,
      revokedAt: null,
      ip: from.ip,
      userAgent: from.userAgent?.slice(0, 300) ?? null,
    };
    await this.#storage.createSession(session);
    this.#logger.info({ userId: user.id }, 'session started');
    return {
      cookieValue,
      session: { user: publicUser(user), sessionHash: session.idHash, expiresAt: session.expiresAt },
    };
  }

  /** The live session behind a cookie value, or undefined if unknown, expired, revoked or disabled. */
  async resolve(cookieValue: string | undefined): Promise<AuthenticatedSession | undefined> {
    if (!cookieValue || cookieValue.length > 128) return undefined;
    return this.resolveHash(hashToken(cookieValue));
  }

  async resolveHash(sessionHash: string): Promise<AuthenticatedSession | undefined> {
    const session = await this.#storage.getSession(sessionHash);
    if (!session || session.revokedAt !== null || session.expiresAt <= this.#now()) return undefined;
    const user = await this.#storage.getUser(session.userId);
    if (!user || user.disabled) return undefined;
    return { user: publicUser(user), sessionHash, expiresAt: session.expiresAt };
  }

  async logout(sessionHash: string): Promise<void> {
    if (await this.#storage.revokeSession(sessionHash, this.#now()))
      this.emit('ended', sessionHash, 'logout');
  }

  async revoke(sessionHash: string): Promise<boolean> {
    const revoked = await this.#storage.revokeSession(sessionHash, this.#now());
    if (revoked) this.emit('ended', sessionHash, 'revoked');
    return revoked;
  }

  async revokeAllFor(userId: number): Promise<number> {
    const n = await this.#storage.revokeUserSessions(userId, this.#now());
    this.emit('userSessionsEnded', userId);
    return n;
  }

  #recentFailures(key: string): number {
    const since = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list.length;
  }

  #recordFailure(key: string, at: number): void {
    const list = this.#failures.get(key) ?? [];
    list.push(at);
    this.#failures.set(key, list.slice(-this.#maxFailures * 2));
    if (this.#failures.size > 10_000) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }
}
