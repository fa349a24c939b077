import { AppError, TypedEmitter, type User, type Clock } from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { Storage, UserRecord } from '../storage/Storage.js';
import { AttemptLimit } from './attempts.js';
import { hashToken, randomSecret, verifyPassword } from './secrets.js';

export interface AuthenticatedSession {
  user: User;
  sessionHash: string;
  expiresAt: number;
}

export type SessionServiceEvents = {
  /** A session was logged out: its live views must close. (Revocations come by the change feed.) */
  ended: [sessionHash: string, reason: 'logout'];
};

export interface SessionServiceOptions {
  storage: Storage;
  audit: AuditLog;
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
/** Usernames named in one address's summary of refused attempts. */
const THROTTLED_NAMES_KEPT = 10;
/** Addresses whose refused attempts are being summed up at once; beyond it the oldest summary is written early. */
const THROTTLED_ADDRESSES_KEPT = 10_000;

/**
 * Attempts the rate limit refused from one address in one window: one audit row when the window closes.
 * Kept per process (the counts that decide are in the database): it only sums up refusals, so with
 * several processes an address refused by each gets one summary row from each.
 */
interface Throttled {
  from: number;
  last: number;
  refused: number;
  usernames: Set<string>;
}

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
 * is stored), expiry, logout and a login rate limit. Revoking sessions is the
 * account service's (it audits and goes through the change feed).
 */
export class SessionService extends TypedEmitter<SessionServiceEvents> {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #now: Clock;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  /** Failed logins per username, per address, and per address at each username (to forgive), in the database. */
  readonly #byUsername: AttemptLimit;
  readonly #byAddress: AttemptLimit;
  readonly #byAddressAtName: AttemptLimit;
  readonly #throttled = new Map<string, Throttled>();
  #throttleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SessionServiceOptions) {
    super();
    this.#storage = options.storage;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'sessions' });
    this.#ttlMs = options.ttlMs ?? 12 * 3600_000;
    this.#now = options.now;
    this.#maxFailures = options.maxFailures ?? 5;
    this.#windowMs = options.failureWindowMs ?? 5 * 60_000;
    const limit = (scope: string) =>
      new AttemptLimit({
        store: options.storage.attempts,
        scope,
        max: this.#maxFailures,
        windowMs: this.#windowMs,
        now: this.#now,
      });
    this.#byUsername = limit('login-user');
    this.#byAddress = limit('login-ip');
    // Never refuses: it counts only attempts both others took, so it stays within their maximum.
    this.#byAddressAtName = limit('login-ip-user');
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /**
   * Checks a username and password and starts a session; returns the cookie
   * value (shown to the browser once) and the user. Every login and failed
   * login is on record before it has effect; attempts the rate limit refuses
   * are summed up per address and window (`auth.login_throttled`), so a flood
   * of them cannot flood the trail.
   */
  async login(
    username: string,
    password: string,
    from: { ip: string | null; userAgent: string | null },
  ): Promise<{ cookieValue: string; session: AuthenticatedSession }> {
    const address = from.ip ?? '?';
    const atName = `${address}\n${username}`;
    // Count the attempt before the slow check, so parallel guesses cannot all slip under the limit.
    if (!(await this.#takeAttempt(username, address, atName))) {
      this.#countThrottled(from.ip, username);
      throw new AppError('rate_limited', 'too many failed logins; try again in a few minutes');
    }
    const user = await this.#storage.findUserByUsername(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      await this.#audit.record({
        action: 'auth.login_failed',
        actor: { userId: null, username: username.toLowerCase().slice(0, 40), ip: from.ip },
        reason: 'unauthenticated',
      });
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    // The right password forgives this username's failures, not the address's failures at other names:
    // logging into one's own account must not reset a guesser's count.
    await this.#forgive(username, address, atName);
    await this.#audit.record({
      action: 'auth.login',
      actor: { userId: user.id, username: user.username, ip: from.ip },
    });
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

  /** Ends the caller's own session; on record first. */
  async logout(session: AuthenticatedSession, ip: string | null): Promise<void> {
    const actor: Actor = { userId: session.user.id, username: session.user.username, ip };
    await this.#audit.record({ action: 'auth.logout', actor });
    if (await this.#storage.revokeSession(session.sessionHash, this.#now()))
      this.emit('ended', session.sessionHash, 'logout');
  }

  /** Writes the summaries of refused attempts still being counted (at shutdown). */
  async close(): Promise<void> {
    clearTimeout(this.#throttleTimer);
    this.#throttleTimer = undefined;
    await this.#writeThrottled(Infinity);
  }

  /** Counts one attempt for the username and the address, or none if either is at the maximum. */
  async #takeAttempt(username: string, address: string, atName: string): Promise<boolean> {
    const byUsername = await this.#byUsername.take(username);
    if (!byUsername) return false;
    if (!(await this.#byAddress.take(address))) {
      await this.#byUsername.giveBack(byUsername);
      return false;
    }
    await this.#byAddressAtName.take(atName);
    return true;
  }

  /**
   * Forgets the username's failures, and the address's failures at this username only (this attempt's
   * among them): what the address tried at other names still counts.
   */
  async #forgive(username: string, address: string, atName: string): Promise<void> {
    await this.#byUsername.clear(username);
    for (const window of await this.#byAddressAtName.clear(atName))
      await this.#byAddress.giveBack(
        { key: this.#byAddress.keyOf(address), windowStart: window.windowStart },
        window.count,
      );
  }

  #countThrottled(ip: string | null, username: string): void {
    const address = ip ?? '?';
    const now = this.#now();
    let entry = this.#throttled.get(address);
    if (!entry) {
      if (this.#throttled.size >= THROTTLED_ADDRESSES_KEPT) {
        const [oldest] = this.#throttled.keys();
        if (oldest !== undefined) void this.#writeOne(oldest);
      }
      entry = { from: now, last: now, refused: 0, usernames: new Set() };
      this.#throttled.set(address, entry);
    }
    entry.refused += 1;
    entry.last = now;
    if (entry.usernames.size < THROTTLED_NAMES_KEPT) entry.usernames.add(username.toLowerCase().slice(0, 40));
    this.#armThrottleTimer();
  }

  /** One timer for the earliest window to close. */
  #armThrottleTimer(): void {
    if (this.#throttleTimer !== undefined) return;
    let first = Infinity;
    for (const entry of this.#throttled.values()) first = Math.min(first, entry.from + this.#windowMs);
    if (first === Infinity) return;
    this.#throttleTimer = setTimeout(
      () => {
        this.#throttleTimer = undefined;
        void this.#writeThrottled(this.#now()).finally(() => this.#armThrottleTimer());
      },
      Math.max(0, first - this.#now()),
    );
    this.#throttleTimer.unref();
  }

  /** Writes the summary of every window that closed by `until`. */
  async #writeThrottled(until: number): Promise<void> {
    const due = [...this.#throttled].filter(([, e]) => e.from + this.#windowMs <= until).map(([a]) => a);
    for (const address of due) await this.#writeOne(address);
  }

  async #writeOne(address: string): Promise<void> {
    const entry = this.#throttled.get(address);
    if (!entry) return;
    this.#throttled.delete(address);
    try {
      await this.#audit.record({
        action: 'auth.login_throttled',
        actor: { userId: null, username: 'anonymous', ip: address === '?' ? null : address },
        reason: 'rate_limited',
        details: {
          refused: entry.refused,
          from: entry.from,
          to: entry.last,
          usernames: [...entry.usernames],
        },
      });
    } catch (error) {
      // Nothing was let in; the count is lost, not the protection.
      this.#logger.error({ err: error, refused: entry.refused }, 'refused logins not summed up on record');
    }
  }
}
