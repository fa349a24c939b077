import {
  AppError,
  type AuditAction,
  type AuditAnchor,
  type AuditEntry,
  type AuditVerification,
  type User,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { AuditStore, AuditStoreQuery } from '../storage/Storage.js';

/** Who did it, from where. A system action (retention, a rule) has no user. */
export interface Actor {
  userId: number | null;
  username: string;
  ip: string | null;
}

export function actorOf(user: User, ip: string | null): Actor {
  return { userId: user.id, username: user.username, ip };
}

export interface AuditInput {
  action: AuditAction;
  actor: Actor;
  departmentId?: string | null;
  counterId?: string | null;
  objectType?: string | null;
  objectId?: string | number | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/**
 * The audit trail: append-only, hash-chained, in the database. Writing it is
 * part of the action — when the write fails the caller refuses the action.
 */
export class AuditLog {
  readonly #store: AuditStore;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor({ store, logger, now }: { store: AuditStore; logger: Logger; now: Clock }) {
    this.#store = store;
    this.#logger = logger.child({ module: 'audit' });
    this.#now = now;
  }

  /** Appends a row; throws `unavailable` (and the action must not happen) if it cannot. */
  async record(input: AuditInput): Promise<AuditEntry> {
    try {
      return await this.#store.append({
        at: this.#now(),
        actorId: input.actor.userId,
        actor: input.actor.username,
        ip: input.actor.ip,
        action: input.action,
        departmentId: input.departmentId ?? null,
        counterId: input.counterId ?? null,
        objectType: input.objectType ?? null,
        objectId: input.objectId === undefined || input.objectId === null ? null : String(input.objectId),
        reason: input.reason ?? null,
        details: input.details ?? {},
      });
    } catch (error) {
      this.#logger.error({ err: error, action: input.action }, 'audit write failed; action refused');
      throw new AppError('unavailable', 'the audit trail cannot be written; the action was refused');
    }
  }

  /** Newest first; names already resolved (see AuditSearch). */
  list(query: AuditStoreQuery): Promise<AuditEntry[]> {
    return this.#store.list(query);
  }

  verify(anchor?: AuditAnchor): Promise<AuditVerification> {
    return this.#store.verify(anchor);
  }
}
