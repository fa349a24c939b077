import {
  AppError,
  type Clock,
  type CreateOfficer,
  type Officer,
  type OfficerOnDuty,
  type OfficerRef,
  type UpdateOfficer,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { AttemptLimit, type TakenAttempt } from '../auth/attempts.js';
import { hashPassword, verifyPassword } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { AttemptStore, OfficerRecord, OfficerStore, ShiftRecord } from '../storage/Storage.js';

export interface OfficerServiceOptions {
  store: OfficerStore;
  /** Where the wrong-PIN counts live: shared by every process on the database. */
  attempts: AttemptStore;
  audit: AuditLog;
  departmentExists: (departmentId: string) => boolean;
  logger: Logger;
  now: Clock;
  /** Wrong PINs allowed per panel and per badge within the window (see `signIn`). */
  maxFailures?: number;
  failureWindowMs?: number;
}

/** The panel that asks: its id, department and counter. */
export interface PanelDevice {
  id: string;
  departmentId: string;
  counterId: string;
}

/** A hash to compare against for an unknown badge, so timing does not reveal which badges exist. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const ref = (o: OfficerRecord): OfficerRef => ({
  id: o.id,
  displayName: o.displayName,
  badgeNumber: o.badgeNumber,
});

/**
 * The officers at the counters: the admin keeps each department's directory
 * (display name, badge number, PIN hashed like a password); an officer signs
 * in at their counter's panel with badge and PIN, and is then named on what
 * happens there. Wrong PINs are limited per panel and per badge, counted
 * before the slow check so parallel guesses cannot slip under the limit, and
 * counted in the database so every process on it shares the limit.
 * Every change and every sign-in, failed sign-in and sign-out is on record
 * before it has effect.
 */
export class OfficerService {
  readonly #o: OfficerServiceOptions;
  readonly #logger: Logger;
  readonly #now: Clock;
  /**
   * Sign-in attempts per panel (`device:<id>`) and per badge (`badge:<department>:<badge>`), in one
   * scope of the database's attempt counts (keys stored as sha256 only).
   */
  readonly #attempts: AttemptLimit;

  constructor(options: OfficerServiceOptions) {
    this.#o = options;
    this.#logger = options.logger.child({ module: 'officers' });
    this.#now = options.now;
    this.#attempts = new AttemptLimit({
      store: options.attempts,
      scope: 'officer-pin',
      max: options.maxFailures ?? 5,
      windowMs: options.failureWindowMs ?? 5 * 60_000,
      now: options.now,
    });
  }

  async list(departmentIds: string[] | null): Promise<Officer[]> {
    const [officers, shifts] = await Promise.all([this.#o.store.list(departmentIds), this.#o.store.onDuty()]);
    const at = new Map(shifts.map((s) => [s.officer.id, s.counterId]));
    return officers.map((o) => ({
      ...ref(o),
      departmentId: o.departmentId,
      disabled: o.disabledAt !== null,
      createdAt: o.createdAt,
      onDutyAt: at.get(o.id) ?? null,
    }));
  }

  async create(actor: Actor, input: CreateOfficer): Promise<Officer> {
    if (!this.#o.departmentExists(input.departmentId))
      throw new AppError('invalid_request', `unknown department ${input.departmentId}`);
    if (await this.#o.store.byBadge(input.departmentId, input.badgeNumber))
      throw new AppError('conflict', `badge number ${input.badgeNumber} is already in ${input.departmentId}`);
    const pinHash = await hashPassword(input.pin);
    await this.#o.audit.record({
      action: 'officer.create',
      actor,
      departmentId: input.departmentId,
      objectType: 'officer',
      objectId: input.badgeNumber,
      details: { displayName: input.displayName, badgeNumber: input.badgeNumber },
    });
    const created = await this.#o.store
      .create({
        departmentId: input.departmentId,
        displayName: input.displayName,
        badgeNumber: input.badgeNumber,
        pinHash,
        createdAt: this.#now(),
        createdBy: actor.username,
      })
      .catch((error: unknown) => {
        // Two admins adding the same badge at once: the database's uniqueness decides.
        if (error instanceof Error && /UNIQUE/.test(error.message))
          throw new AppError(
            'conflict',
            `badge number ${input.badgeNumber} is already in ${input.departmentId}`,
          );
        throw error;
      });
    return this.#view(created.id);
  }

  async update(actor: Actor, id: number, patch: UpdateOfficer): Promise<Officer> {
    const existing = await this.#o.store.get(id);
    if (!existing) throw new AppError('not_found', `no officer ${id}`);
    const pinHash = patch.pin === undefined ? undefined : await hashPassword(patch.pin);
    await this.#o.audit.record({
      action: 'officer.update',
      actor,
      departmentId: existing.departmentId,
      objectType: 'officer',
      objectId: existing.badgeNumber,
      details: {
        ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
        ...(patch.pin === undefined ? {} : { pin: 'changed' }),
        ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
      },
    });
    const now = this.#now();
    await this.#o.store.update(id, {
      ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
      ...(pinHash === undefined ? {} : { pinHash }),
      ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? now : null }),
    });
    // A disabled officer is no longer at any counter.
    if (patch.disabled === true) await this.#o.store.signOutOfficer(id, now);
    return this.#view(id);
  }

  /** Who is signed in at this counter now. */
  async onDuty(counterId: string): Promise<OfficerOnDuty | null> {
    const shift = (await this.#o.store.onDuty()).find((s) => s.counterId === counterId);
    return shift ? { ...shift.officer, since: shift.signedInAt } : null;
  }

  /** Who was signed in at this counter at that time (the interaction's officer). */
  async onDutyAt(counterId: string, at: number): Promise<OfficerRef | null> {
    return (await this.#o.store.onDutyAt(counterId, at))?.officer ?? null;
  }

  /** `onDutyAt` for several at once (one query), in their order. */
  async onDutyAtMany(queries: readonly { counterId: string; at: number }[]): Promise<(OfficerRef | null)[]> {
    return (await this.#o.store.onDutyAtMany(queries)).map((s) => s?.officer ?? null);
  }

  /**
   * Badge and PIN at the counter's panel; the officer is then on duty there (and nowhere else).
   *
   * Every attempt counts against the panel and the badge before the slow PIN check (so parallel
   * guesses cannot all slip under the limit), and none is counted once either is at the maximum.
   * Counts are per fixed window (the same in every process, see AttemptLimit) rather than over the
   * last `failureWindowMs`: a throttled panel or badge is let in again when its window closes, which may
   * be sooner than `failureWindowMs` after its last failure, and up to twice the maximum can get
   * through around a window boundary.
   */
  async signIn(
    panel: PanelDevice,
    badgeNumber: string,
    pin: string,
    ip: string | null,
  ): Promise<OfficerOnDuty> {
    const badgeKey = `badge:${panel.departmentId}:${badgeNumber}`;
    const panelAttempt = await this.#takeAttempt(`device:${panel.id}`, badgeKey);
    if (!panelAttempt) {
      this.#logger.warn({ deviceId: panel.id }, 'officer sign-in throttled');
      throw new AppError('rate_limited', 'too many wrong PINs; try again in a few minutes');
    }
    const found = await this.#o.store.byBadge(panel.departmentId, badgeNumber);
    const ok = await verifyPassword(pin, found?.pinHash ?? DUMMY_HASH);
    const actor: Actor = { userId: null, username: `device:${panel.id}`, ip };
    if (!found || !ok || found.disabledAt !== null) {
      await this.#o.audit.record({
        action: 'officer.sign_in_failed',
        actor,
        departmentId: panel.departmentId,
        counterId: panel.counterId,
        objectType: 'officer',
        objectId: badgeNumber,
        reason: 'unauthenticated',
      });
      // 403, not 401: the panel itself is authenticated (a 401 would send it back to enrolment).
      throw new AppError('forbidden', 'wrong badge number or PIN', { reason: 'officer_pin' });
    }
    // The right PIN forgives this badge's failures (from every panel and process). The panel's
    // failures stay until their window closes; this attempt, not a failure, is given back, so a
    // busy shift change at one panel is never refused.
    await this.#attempts.clear(badgeKey);
    await this.#attempts.giveBack(panelAttempt);
    await this.#o.audit.record({
      action: 'officer.sign_in',
      actor,
      departmentId: panel.departmentId,
      counterId: panel.counterId,
      objectType: 'officer',
      objectId: found.badgeNumber,
      details: { officerId: found.id, displayName: found.displayName },
    });
    const at = this.#now();
    await this.#o.store.signIn(panel.counterId, found.id, panel.id, at);
    this.#logger.info({ officerId: found.id, counterId: panel.counterId }, 'officer signed in');
    return { ...ref(found), since: at };
  }

  async signOut(panel: PanelDevice, ip: string | null): Promise<void> {
    const current = (await this.#o.store.onDuty()).find((s) => s.counterId === panel.counterId);
    if (!current) return; // nobody signed in: nothing to do, nothing to record
    await this.#o.audit.record({
      action: 'officer.sign_out',
      actor: { userId: null, username: `device:${panel.id}`, ip },
      departmentId: panel.departmentId,
      counterId: panel.counterId,
      objectType: 'officer',
      objectId: current.officer.badgeNumber,
      details: { officerId: current.officer.id, displayName: current.officer.displayName },
    });
    const closed: ShiftRecord | undefined = await this.#o.store.signOut(panel.counterId, this.#now());
    if (closed)
      this.#logger.info({ officerId: closed.officer.id, counterId: panel.counterId }, 'officer signed out');
  }

  async #view(id: number): Promise<Officer> {
    const record = await this.#o.store.get(id);
    if (!record) throw new AppError('not_found', `no officer ${id}`);
    const shift = (await this.#o.store.onDuty()).find((s) => s.officer.id === id);
    return {
      ...ref(record),
      departmentId: record.departmentId,
      disabled: record.disabledAt !== null,
      createdAt: record.createdAt,
      onDutyAt: shift?.counterId ?? null,
    };
  }

  /** Counts one attempt for the badge and the panel (the panel's is returned), or none if either is at the maximum. */
  async #takeAttempt(panelKey: string, badgeKey: string): Promise<TakenAttempt | undefined> {
    const byBadge = await this.#attempts.take(badgeKey);
    if (!byBadge) return undefined;
    const byPanel = await this.#attempts.take(panelKey);
    if (!byPanel) await this.#attempts.giveBack(byBadge);
    return byPanel;
  }
}
