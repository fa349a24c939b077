import {
  AppError,
  CreateUserSchema,
  UpdateUserSchema,
  parseOrThrow,
  type Clock,
  type Role,
} from '@counterwatch/shared';
import type { z } from 'zod';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { generatePassword, hashPassword, hashToken, randomSecret } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { SessionRecord, Storage, UserRecord } from '../storage/Storage.js';

export interface AccountServiceOptions {
  storage: Storage;
  audit: AuditLog;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  /**
   * After a counter token or department key changed: this process re-reads the directory before the
   * call returns, so the old secret stops working at once here. Other processes (and this one again)
   * hear of it from the change feed, which on PostgreSQL arrives a moment later.
   */
  credentialsChanged?: () => Promise<void>;
}

/** Who acts when nobody logged in does: the first-run bootstrap. */
export const SYSTEM_ACTOR: Actor = { userId: null, username: 'system', ip: null };

export const MIN_PASSWORD_LENGTH = 12;

/** The session id shown to admins: part of its hash, never the cookie. */
export const sessionDisplayId = (session: SessionRecord): string => session.idHash.slice(7, 23);

/**
 * The one way accounts, sessions and secrets change — for the admin API, the
 * operator CLI and the first-run bootstrap alike. Each action is on record
 * (with its actor) before it happens; storage writes each change to the
 * change feed in the same transaction, so a running server learns of what
 * another process did and ends sessions or drops agents as it would for its own.
 */
export class AccountService {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #credentialsChanged: () => Promise<void>;

  constructor(options: AccountServiceOptions) {
    this.#storage = options.storage;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'accounts' });
    this.#now = options.now;
    this.#credentialsChanged = options.credentialsChanged ?? (() => Promise.resolve());
  }

  /** Creates an account; the password is generated (and returned, to show once) unless given. */
  async createUser(
    actor: Actor,
    input: z.input<typeof CreateUserSchema> & { password?: string },
  ): Promise<{ user: UserRecord; password: string }> {
    const fields = parseOrThrow(CreateUserSchema, input, 'account', 'invalid_request');
    await this.#checkScope(fields.roles, fields.departmentIds);
    const password = input.password ?? generatePassword();
    checkPassword(password);
    if (await this.#storage.findUserByUsername(fields.username))
      throw new AppError('conflict', `user ${fields.username} exists`);
    await this.#audit.record({
      action: 'account.create',
      actor,
      objectType: 'user',
      objectId: fields.username,
      details: { roles: fields.roles, departmentIds: fields.departmentIds },
    });
    const user = await this.#storage.createUser(
      { ...fields, passwordHash: await hashPassword(password) },
      this.#now(),
    );
    this.#logger.info({ userId: user.id, actor: actor.username }, 'account created');
    return { user, password };
  }

  /** Changes name, roles, scope or the disabled flag; the user's sessions end (their rights changed). */
  async updateUser(
    actor: Actor,
    userId: number,
    patch: z.input<typeof UpdateUserSchema>,
  ): Promise<UserRecord> {
    const existing = await this.#user(userId);
    const body = parseOrThrow(UpdateUserSchema, patch, 'account', 'invalid_request');
    const roles = body.roles ?? existing.roles;
    const departmentIds = body.departmentIds === undefined ? existing.departmentIds : body.departmentIds;
    await this.#checkScope(roles, departmentIds);
    await this.#audit.record({
      action: 'account.update',
      actor,
      objectType: 'user',
      objectId: existing.username,
      details: body,
    });
    await this.#storage.updateUser(userId, {
      displayName: body.displayName ?? existing.displayName,
      roles,
      departmentIds,
      disabled: body.disabled ?? existing.disabled,
    });
    await this.#storage.revokeUserSessions(userId, this.#now());
    return this.#user(userId);
  }

  /** Sets a new password (generated unless given) and ends the user's sessions. */
  async resetPassword(
    actor: Actor,
    userId: number,
    password: string = generatePassword(),
  ): Promise<{ user: UserRecord; password: string }> {
    const user = await this.#user(userId);
    checkPassword(password);
    await this.#audit.record({
      action: 'account.password_reset',
      actor,
      objectType: 'user',
      objectId: user.username,
    });
    await this.#storage.setUserPassword(userId, await hashPassword(password));
    await this.#storage.revokeUserSessions(userId, this.#now());
    return { user, password };
  }

  async userByName(username: string): Promise<UserRecord> {
    const user = await this.#storage.findUserByUsername(username);
    if (!user) throw new AppError('not_found', `no user ${username}`);
    return user;
  }

  /** Ends one live session, named by its display id. */
  async revokeSession(actor: Actor, displayId: string): Promise<void> {
    const session = (await this.#storage.listActiveSessions(this.#now())).find(
      (s) => sessionDisplayId(s) === displayId,
    );
    if (!session) throw new AppError('not_found', `no active session ${displayId}`);
    await this.#audit.record({
      action: 'session.revoke',
      actor,
      objectType: 'session',
      objectId: displayId,
      details: { userId: session.userId },
    });
    await this.#storage.revokeSession(session.idHash, this.#now());
  }

  /** A new agent token for a counter (returned once); the old one stops working and its agent is dropped. */
  async rotateCounterToken(actor: Actor, counterId: string): Promise<string> {
    const counter = await this.#counter(counterId);
    await this.#audit.record({
      action: 'counter.token_rotate',
      actor,
      departmentId: counter.departmentId,
      counterId,
    });
    const token = randomSecret(32);
    await this.#storage.setCounterTokenHash(counterId, hashToken(token), this.#now());
    await this.#credentialsChanged();
    return token;
  }

  async revokeCounterToken(actor: Actor, counterId: string): Promise<void> {
    const counter = await this.#counter(counterId);
    await this.#audit.record({
      action: 'counter.token_revoke',
      actor,
      departmentId: counter.departmentId,
      counterId,
    });
    await this.#storage.setCounterTokenHash(counterId, null, this.#now());
    await this.#credentialsChanged();
  }

  /** A new queue-system API key for a department (returned once); the old one stops working. */
  async rotateDepartmentKey(actor: Actor, departmentId: string): Promise<string> {
    if (!(await this.#storage.listDepartments()).some((d) => d.id === departmentId))
      throw new AppError('not_found', `no department ${departmentId}`);
    await this.#audit.record({ action: 'department.key_rotate', actor, departmentId });
    const key = randomSecret(32);
    await this.#storage.setDepartmentApiKeyHash(departmentId, hashToken(key), this.#now());
    await this.#credentialsChanged();
    return key;
  }

  /** First run: an empty database gets one admin with a generated password (returned, to print once). */
  async bootstrapFirstAdmin(): Promise<string | null> {
    if ((await this.#storage.countUsers()) > 0) return null;
    const { password } = await this.createUser(SYSTEM_ACTOR, {
      username: 'admin',
      displayName: 'Administrator',
      roles: ['admin'],
      departmentIds: null,
    });
    return password;
  }

  async #user(userId: number): Promise<UserRecord> {
    const user = await this.#storage.getUser(userId);
    if (!user) throw new AppError('not_found', `no user ${userId}`);
    return user;
  }

  async #counter(counterId: string) {
    const counter = (await this.#storage.listCounters()).find((c) => c.id === counterId);
    if (!counter) throw new AppError('not_found', `no counter ${counterId}`);
    return counter;
  }

  async #checkScope(roles: Role[], departmentIds: string[] | null): Promise<void> {
    if (roles.includes('head') && (departmentIds === null || departmentIds.length === 0)) {
      throw new AppError('invalid_request', 'a department head needs their department');
    }
    if (!departmentIds?.length) return;
    const known = new Set((await this.#storage.listDepartments()).map((d) => d.id));
    for (const id of departmentIds) {
      if (!known.has(id)) throw new AppError('invalid_request', `unknown department ${id}`);
    }
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AppError('invalid_request', `passwords must have at least ${MIN_PASSWORD_LENGTH} characters`);
}
