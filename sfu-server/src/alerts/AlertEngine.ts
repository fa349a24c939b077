import {
  AppError,
  DEFAULT_THRESHOLDS,
  TypedEmitter,
  type Alert,
  type AlertQuery,
  type AlertThresholds,
  type QueueEvent,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage, StoredAlert } from '../storage/Storage.js';
import type { Condition } from './rules.js';

export type AlertEngineEvents = {
  /** Alerts opened, acknowledged, resolved or re-graded. */
  changed: [alerts: Alert[]];
};

export interface AlertEngineOptions {
  storage: Storage;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  /** A condition must stay clear this long before its alert resolves itself (no flapping). */
  clearHoldMs?: number;
  /** The printed number of a ticket, for messages people read. */
  ticketNumber?: (departmentId: string, ticketId: string) => string | undefined;
}

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);

const publicAlert = ({ conditionKey: _key, ...alert }: StoredAlert): Alert => alert;

/**
 * Alert lifecycle: open → acknowledged (who, when) → resolved (by itself when
 * its condition has stayed clear, or by hand with a note). At most one
 * unresolved alert per condition; everything persisted.
 */
export class AlertEngine extends TypedEmitter<AlertEngineEvents> {
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #clearHoldMs: number;
  readonly #ticketNumber: (departmentId: string, ticketId: string) => string | undefined;
  /** Unresolved alerts by condition key. */
  readonly #active = new Map<string, StoredAlert>();
  /** When each active condition was last seen clear (absent), for the hold. */
  readonly #clearSince = new Map<string, number>();
  readonly #thresholds = new Map<string, AlertThresholds>();
  #writes: Promise<unknown> = Promise.resolve();

  private constructor(options: AlertEngineOptions) {
    super();
    this.#storage = options.storage;
    this.#logger = options.logger.child({ module: 'alerts' });
    this.#now = options.now;
    this.#clearHoldMs = options.clearHoldMs ?? 60_000;
    this.#ticketNumber = options.ticketNumber ?? (() => undefined);
  }

  static async create(options: AlertEngineOptions & { departmentIds: string[] }): Promise<AlertEngine> {
    const engine = new AlertEngine(options);
    for (const alert of await options.storage.listActiveAlerts())
      engine.#active.set(alert.conditionKey, alert);
    for (const id of options.departmentIds) {
      engine.#thresholds.set(id, (await options.storage.getThresholds(id)) ?? DEFAULT_THRESHOLDS);
    }
    return engine;
  }

  thresholds(departmentId: string): AlertThresholds {
    return this.#thresholds.get(departmentId) ?? DEFAULT_THRESHOLDS;
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    await this.#storage.setThresholds(departmentId, thresholds);
    this.#thresholds.set(departmentId, thresholds);
  }

  /** Active (open and acknowledged) alerts, optionally only some departments'. */
  active(departmentIds?: ReadonlySet<string>): Alert[] {
    return [...this.#active.values()]
      .filter((a) => !departmentIds || departmentIds.has(a.departmentId))
      .map(publicAlert)
      .sort((a, b) => b.openedAt - a.openedAt);
  }

  async list(query: AlertQuery, departmentIds: string[] | null): Promise<Alert[]> {
    await this.#writes;
    return (await this.#storage.listAlerts({ ...query, departmentIds })).map(publicAlert);
  }

  async get(id: number): Promise<Alert | undefined> {
    await this.#writes;
    const alert = await this.#storage.getAlert(id);
    return alert && publicAlert(alert);
  }

  /**
   * One department's conditions now: opens alerts for new ones, re-grades
   * changed ones, and resolves those clear for the hold time.
   */
  evaluate(departmentId: string, conditions: Condition[]): void {
    const now = this.#now();
    const changed: StoredAlert[] = [];
    const present = new Set(conditions.map((c) => c.key));
    for (const condition of conditions) {
      this.#clearSince.delete(condition.key);
      const existing = this.#active.get(condition.key);
      if (!existing) {
        const alert: StoredAlert = {
          id: 0,
          rule: condition.rule,
          severity: condition.severity,
          departmentId: condition.departmentId,
          counterId: condition.counterId,
          counterIds: condition.counterIds,
          subject: condition.subject,
          details: condition.details,
          conditionKey: condition.key,
          state: 'open',
          openedAt: now,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          resolutionNote: null,
        };
        this.#active.set(condition.key, alert);
        this.#persistNew(alert);
        continue;
      }
      const regraded = existing.severity !== condition.severity;
      // The wall marks the counters an alert concerns: when they change, it must hear of it.
      const moved = !sameIds(existing.counterIds, condition.counterIds);
      existing.details = condition.details;
      existing.counterIds = condition.counterIds;
      if (regraded || moved) {
        existing.severity = condition.severity;
        this.#persist(existing);
        // Not stored yet (id 0): its 'opened' announcement carries the new grade.
        if (existing.id > 0) changed.push(existing);
      }
    }
    for (const [key, alert] of this.#active) {
      if (alert.departmentId !== departmentId || present.has(key)) continue;
      // Ratings are closed by people, storage alerts by the recorder: not by the absence of a condition.
      if (alert.rule === 'unsatisfied_rating' || alert.rule === 'storage_full') continue;
      const since = this.#clearSince.get(key) ?? now;
      this.#clearSince.set(key, since);
      if (now - since < this.#clearHoldMs) continue;
      this.#active.delete(key);
      this.#clearSince.delete(key);
      alert.state = 'resolved';
      alert.resolvedAt = now;
      alert.resolvedBy = null;
      this.#persist(alert);
      changed.push(alert);
    }
    if (changed.length > 0) this.emit('changed', changed.map(publicAlert));
  }

  /**
   * Recording storage is over its quota with nothing unprotected left to
   * delete: every department's recording is at risk, so each gets a critical
   * alert until space is back (then they resolve themselves).
   */
  setStorageFull(departmentIds: string[], info: { usedBytes: number; quotaBytes: number } | null): void {
    const now = this.#now();
    const changed: StoredAlert[] = [];
    for (const departmentId of departmentIds) {
      const key = `${departmentId}:storage_full`;
      const existing = this.#active.get(key);
      if (info && !existing) {
        const alert: StoredAlert = {
          id: 0,
          rule: 'storage_full',
          severity: 'critical',
          departmentId,
          counterId: null,
          // Every counter's recording is at risk: the department header says so, not one tile.
          counterIds: [],
          subject: null,
          details: {
            usedGb: Math.round(info.usedBytes / 1e8) / 10,
            quotaGb: Math.round(info.quotaBytes / 1e8) / 10,
          },
          conditionKey: key,
          state: 'open',
          openedAt: now,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
          resolvedBy: null,
          resolutionNote: null,
        };
        this.#active.set(key, alert);
        this.#persistNew(alert);
      } else if (!info && existing) {
        this.#active.delete(key);
        existing.state = 'resolved';
        existing.resolvedAt = now;
        existing.resolvedBy = null;
        this.#persist(existing);
        if (existing.id > 0) changed.push(existing);
      }
    }
    if (changed.length > 0) this.emit('changed', changed.map(publicAlert));
  }

  /** An unsatisfied rating opens its own alert; a person closes it. */
  onEvent(event: QueueEvent): void {
    if (event.type === 'rating.commented') {
      // The citizen's comment after the tap: the open alert shows it.
      const open = this.#active.get(
        `${event.departmentId}:${event.counterId}:unsatisfied_rating:${event.ticketId}`,
      );
      if (!open) return;
      open.details = { ...open.details, comment: event.comment };
      this.#persist(open);
      if (open.id > 0) this.emit('changed', [publicAlert(open)]);
      return;
    }
    if (event.type !== 'rating.submitted' || event.rating !== 'unsatisfied') return;
    const key = `${event.departmentId}:${event.counterId}:unsatisfied_rating:${event.ticketId}`;
    if (this.#active.has(key)) return;
    const alert: StoredAlert = {
      id: 0,
      rule: 'unsatisfied_rating',
      severity: 'warning',
      departmentId: event.departmentId,
      counterId: event.counterId,
      counterIds: [event.counterId],
      subject: event.ticketId,
      details: {
        ticket: this.#ticketNumber(event.departmentId, event.ticketId) ?? event.ticketId,
        ticketId: event.ticketId,
        comment: event.comment ?? null,
      },
      conditionKey: key,
      state: 'open',
      openedAt: this.#now(),
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      resolutionNote: null,
    };
    this.#active.set(key, alert);
    this.#persistNew(alert);
  }

  async acknowledge(id: number, by: string): Promise<Alert> {
    const alert = await this.#find(id);
    if (alert.state !== 'open') throw new AppError('conflict', `alert ${id} is ${alert.state}`);
    alert.state = 'acknowledged';
    alert.acknowledgedAt = this.#now();
    alert.acknowledgedBy = by;
    await this.#storage.updateAlert(alert);
    this.emit('changed', [publicAlert(alert)]);
    return publicAlert(alert);
  }

  async resolve(id: number, by: string, note: string): Promise<Alert> {
    const alert = await this.#find(id);
    if (alert.state === 'resolved') throw new AppError('conflict', `alert ${id} is already resolved`);
    alert.state = 'resolved';
    alert.resolvedAt = this.#now();
    alert.resolvedBy = by;
    alert.resolutionNote = note;
    this.#active.delete(alert.conditionKey);
    this.#clearSince.delete(alert.conditionKey);
    await this.#storage.updateAlert(alert);
    this.emit('changed', [publicAlert(alert)]);
    return publicAlert(alert);
  }

  /** Waits until every pending write has reached storage (tests, shutdown). */
  async flush(): Promise<void> {
    await this.#writes;
  }

  async #find(id: number): Promise<StoredAlert> {
    await this.#writes;
    const active = [...this.#active.values()].find((a) => a.id === id);
    if (active) return active;
    const stored = await this.#storage.getAlert(id);
    if (!stored) throw new AppError('not_found', `no alert ${id}`);
    return stored;
  }

  #persistNew(alert: StoredAlert): void {
    this.#writes = this.#writes.then(async () => {
      try {
        const { id: _id, ...fields } = alert;
        const saved = await this.#storage.insertAlert(fields);
        alert.id = saved.id;
        this.#logger.info(
          {
            alertId: alert.id,
            rule: alert.rule,
            departmentId: alert.departmentId,
            counterId: alert.counterId,
          },
          'alert opened',
        );
        this.emit('changed', [publicAlert(alert)]);
      } catch (error) {
        this.#active.delete(alert.conditionKey);
        this.#logger.error({ err: error, rule: alert.rule }, 'alert not stored');
      }
    });
  }

  #persist(alert: StoredAlert): void {
    this.#writes = this.#writes.then(async () => {
      try {
        if (alert.id > 0) await this.#storage.updateAlert(alert);
      } catch (error) {
        this.#logger.error({ err: error, alertId: alert.id }, 'alert update not stored');
      }
    });
  }
}
