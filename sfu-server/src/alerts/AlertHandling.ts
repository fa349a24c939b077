import { AppError, CONDITION_HOLDS, type Alert, type AlertSnooze, type Clock } from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Storage, StoredAlert } from '../storage/Storage.js';
import { publicAlert } from './alertRecords.js';

const MINUTE = 60_000;

/** What people's handling asks of the engine that holds the active alerts. */
export interface AlertHandlingHost {
  /** The alert, active or stored, once pending writes are in; not found otherwise. */
  find(id: number): Promise<StoredAlert>;
  /** Whether it is the active alert of its condition and that condition holds now. */
  holdsNow(alert: StoredAlert): boolean;
  /** Resolved by a person: out of the active set; while its condition held, the next one says it reopens. */
  resolvedByHand(alert: StoredAlert, conditionHeld: boolean): void;
  /** Stored: consoles are told. */
  changed(alert: StoredAlert): void;
}

export interface AlertHandlingOptions {
  storage: Pick<Storage, 'updateAlert'>;
  /** Every action goes on record here before it takes effect. */
  audit: AuditLog;
  now: Clock;
  /** When the department's service day ends after `at`: "snooze until end of day". */
  endOfDay: (departmentId: string, at: number) => number;
  host: AlertHandlingHost;
}

/** What people do with an alert: acknowledge, resolve, snooze; each on record first, then stored at once. */
export class AlertHandling {
  readonly #storage: Pick<Storage, 'updateAlert'>;
  readonly #audit: AuditLog;
  readonly #now: Clock;
  readonly #endOfDay: (departmentId: string, at: number) => number;
  readonly #host: AlertHandlingHost;

  constructor(options: AlertHandlingOptions) {
    this.#storage = options.storage;
    this.#audit = options.audit;
    this.#now = options.now;
    this.#endOfDay = options.endOfDay;
    this.#host = options.host;
  }

  /** A person takes the alert in hand: on record first. */
  async acknowledge(id: number, actor: Actor): Promise<Alert> {
    const alert = await this.#host.find(id);
    if (alert.state !== 'open') throw new AppError('conflict', `alert ${id} is ${alert.state}`);
    await this.#audit.record({
      action: 'alert.acknowledge',
      actor,
      departmentId: alert.departmentId,
      counterId: alert.counterId,
      objectType: 'alert',
      objectId: alert.id,
    });
    alert.state = 'acknowledged';
    alert.acknowledgedAt = this.#now();
    alert.acknowledgedBy = actor.username;
    await this.#storage.updateAlert(alert, 'handling');
    this.#host.changed(alert);
    return publicAlert(alert);
  }

  /**
   * Resolved by a person, on record first. While the condition still holds
   * it is refused unless `evenIfHolding` (resolved, it would open again at
   * once): the answer says so, and the new alert names the one it reopens.
   */
  async resolve(
    id: number,
    actor: Actor,
    note: string,
    { evenIfHolding = false }: { evenIfHolding?: boolean } = {},
  ): Promise<{ alert: Alert; conditionHolds: boolean }> {
    const alert = await this.#host.find(id);
    if (alert.state === 'resolved') throw new AppError('conflict', `alert ${id} is already resolved`);
    const holding = this.#host.holdsNow(alert);
    // A rating's alert "holds" only in that nothing else closes it: resolving it is the point.
    const conditionHolds = holding && alert.rule !== 'unsatisfied_rating';
    if (conditionHolds && !evenIfHolding)
      throw new AppError(
        'conflict',
        `the condition of alert ${id} still holds: resolved now, it would open again at once; snooze it instead`,
        { reason: CONDITION_HOLDS },
      );
    await this.#audit.record({
      action: 'alert.resolve',
      actor,
      departmentId: alert.departmentId,
      counterId: alert.counterId,
      objectType: 'alert',
      objectId: alert.id,
      reason: note,
      details: conditionHolds ? { conditionHolds } : {},
    });
    alert.state = 'resolved';
    alert.resolvedAt = this.#now();
    alert.resolvedBy = actor.username;
    alert.resolutionNote = note;
    alert.snoozedUntil = null;
    alert.snoozedBy = null;
    this.#host.resolvedByHand(alert, conditionHolds);
    await this.#storage.updateAlert(alert, 'handling');
    this.#host.changed(alert);
    return { alert: publicAlert(alert), conditionHolds };
  }

  /**
   * Set aside for a while, on record first: the alert stays active (no new
   * one opens for its condition) and opens again when the time is up if the
   * condition still holds. Snoozing again replaces the time.
   */
  async snooze(id: number, actor: Actor, duration: AlertSnooze, note?: string): Promise<Alert> {
    const alert = await this.#host.find(id);
    if (alert.state === 'resolved') throw new AppError('conflict', `alert ${id} is already resolved`);
    const now = this.#now();
    const until =
      duration === '15m'
        ? now + 15 * MINUTE
        : duration === '1h'
          ? now + 60 * MINUTE
          : this.#endOfDay(alert.departmentId, now);
    if (until <= now) throw new AppError('conflict', `the service day of ${alert.departmentId} is over`);
    await this.#audit.record({
      action: 'alert.snooze',
      actor,
      departmentId: alert.departmentId,
      counterId: alert.counterId,
      objectType: 'alert',
      objectId: alert.id,
      reason: note ?? null,
      details: { for: duration, until },
    });
    alert.snoozedUntil = until;
    alert.snoozedBy = actor.username;
    await this.#storage.updateAlert(alert, 'handling');
    this.#host.changed(alert);
    return publicAlert(alert);
  }
}
