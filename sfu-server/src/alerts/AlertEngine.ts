import {
  AppError,
  businessDayStart,
  DEFAULT_THRESHOLDS,
  TypedEmitter,
  type Alert,
  type AlertQuery,
  type AlertSnooze,
  type AlertThresholds,
  type QueueEvent,
  type Clock,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { Storage, StoredAlert } from '../storage/Storage.js';
import { ActiveAlerts } from './ActiveAlerts.js';
import { canonical, openAlert, publicAlert, sameIds } from './alertRecords.js';
import { AlertHandling } from './AlertHandling.js';
import { AlertWrites } from './AlertWrites.js';
import { evaluateRules, type Condition, type RuleInput } from './rules.js';

export type AlertEngineEvents = {
  /** Alerts opened, acknowledged, resolved or re-graded. */
  changed: [alerts: Alert[]];
  /** A person changed a department's thresholds here: its metrics are to be looked at again. */
  thresholdsChanged: [departmentId: string];
};

export interface AlertEngineOptions {
  storage: Storage;
  /** People's resolutions and snoozes go on record here, before they take effect. */
  audit: AuditLog;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  /** A condition must stay clear this long before its alert resolves itself (no flapping). */
  clearHoldMs?: number;
  /** The printed number of a ticket, for messages people read. */
  ticketNumber?: (departmentId: string, ticketId: string) => string | undefined;
  /** When the department's service day ends after `at`: "snooze until end of day". */
  endOfDay?: (departmentId: string, at: number) => number;
}

const MINUTE = 60_000;

/**
 * Alert lifecycle: open → acknowledged (who, when) → resolved (by itself when
 * its condition has stayed clear, or by hand with a note). At most one
 * unresolved alert per condition; everything persisted.
 *
 * Several processes on one database: every process evaluates the rules, but
 * only the holder of the writer lease (`storage.changes.leads()`) opens,
 * re-grades and resolves alerts by rule; people act on any process. Every
 * stored change reaches the others through the change feed (`reload`), so
 * each keeps the same active set and tells its own consoles.
 */
export class AlertEngine extends TypedEmitter<AlertEngineEvents> {
  readonly #storage: Storage;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #clearHoldMs: number;
  readonly #ticketNumber: (departmentId: string, ticketId: string) => string | undefined;
  /** Conditions seen at each department's last evaluation: what "still holds" means. */
  readonly #present = new Map<string, Set<string>>();
  /** Departments whose recording storage is full now. */
  readonly #storageFull = new Set<string>();
  /** Alerts resolved by hand while their condition held, by condition: the next one says it reopens. */
  readonly #resolvedHolding = new Map<string, number>();
  /** Unresolved alerts by condition key. */
  readonly #active = new ActiveAlerts();
  /** When each active condition was last seen clear (absent), for the hold. */
  readonly #clearSince = new Map<string, number>();
  readonly #thresholds = new Map<string, AlertThresholds>();
  /** The rules' writes, stored behind them; reads wait for them. */
  readonly #writes: AlertWrites;
  readonly #handling: AlertHandling;

  private constructor(options: AlertEngineOptions) {
    super();
    this.#storage = options.storage;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'alerts' });
    this.#now = options.now;
    this.#clearHoldMs = options.clearHoldMs ?? 60_000;
    this.#ticketNumber = options.ticketNumber ?? (() => undefined);
    this.#writes = new AlertWrites({
      storage: options.storage,
      logger: this.#logger,
      host: {
        opened: (alerts) => this.emit('changed', alerts.map(publicAlert)),
        forget: (alert) => {
          if (this.#active.get(alert.conditionKey) === alert) this.#active.delete(alert.conditionKey);
        },
      },
    });
    this.#handling = new AlertHandling({
      storage: options.storage,
      audit: options.audit,
      now: options.now,
      // Without department hours: the end of the business day (04:00 next morning).
      endOfDay: options.endOfDay ?? ((_id, at) => businessDayStart(at) + 24 * 60 * MINUTE),
      host: {
        find: (id) => this.#find(id),
        holdsNow: (alert) => this.#active.get(alert.conditionKey) === alert && this.#holds(alert),
        resolvedByHand: (alert, conditionHeld) => {
          this.#active.delete(alert.conditionKey);
          this.#clearSince.delete(alert.conditionKey);
          if (conditionHeld) this.#resolvedHolding.set(alert.conditionKey, alert.id);
        },
        changed: (alert) => this.emit('changed', [publicAlert(alert)]),
      },
    });
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

  /** A person's new thresholds for a department, on record first. */
  async setThresholds(departmentId: string, thresholds: AlertThresholds, actor: Actor): Promise<void> {
    await this.#audit.record({ action: 'config.thresholds', actor, departmentId, details: thresholds });
    await this.#storage.setThresholds(departmentId, thresholds);
    this.#thresholds.set(departmentId, thresholds);
    this.emit('thresholdsChanged', departmentId);
  }

  /** Active (open and acknowledged) alerts, optionally only some departments'. */
  active(departmentIds?: ReadonlySet<string>): Alert[] {
    return (
      [...this.#active.values()]
        // Not stored yet (id 0): its 'opened' announcement follows with its id.
        .filter((a) => a.id > 0 && (!departmentIds || departmentIds.has(a.departmentId)))
        .map(publicAlert)
        .sort((a, b) => b.openedAt - a.openedAt)
    );
  }

  /** The newest active alert of a department about a subject (a ticket), without listing them all. */
  activeAbout(departmentId: string, subject: string): Alert | undefined {
    const found = this.#active.about(departmentId, subject);
    return found && publicAlert(found);
  }

  async list(query: AlertQuery, departmentIds: string[] | null): Promise<Alert[]> {
    await this.#writes.settled();
    return (await this.#storage.listAlerts({ ...query, departmentIds })).map(publicAlert);
  }

  async get(id: number): Promise<Alert | undefined> {
    await this.#writes.settled();
    const alert = await this.#storage.getAlert(id);
    return alert && publicAlert(alert);
  }

  /** Fresh metrics of a department: its rules, at its thresholds, now. */
  evaluateMetrics(input: Omit<RuleInput, 'thresholds' | 'now'>): void {
    const thresholds = this.thresholds(input.department.id);
    this.evaluate(input.department.id, evaluateRules({ ...input, thresholds, now: this.#now() }));
  }

  /**
   * One department's conditions now: opens alerts for new ones, re-grades
   * changed ones, and resolves those clear for the hold time.
   */
  evaluate(departmentId: string, conditions: Condition[]): void {
    const now = this.#now();
    const changed: StoredAlert[] = [];
    const present = new Set(conditions.map((c) => c.key));
    this.#present.set(departmentId, present);
    // Another process writes; this one mirrors what it stores (see reload).
    if (!this.#leads()) return;
    for (const condition of conditions) {
      this.#clearSince.delete(condition.key);
      const existing = this.#active.get(condition.key);
      if (!existing) {
        const alert = openAlert(
          {
            rule: condition.rule,
            severity: condition.severity,
            departmentId: condition.departmentId,
            counterId: condition.counterId,
            counterIds: condition.counterIds,
            subject: condition.subject,
            details: this.#withReopenOf(condition.key, condition.details),
            conditionKey: condition.key,
          },
          now,
        );
        this.#active.set(condition.key, alert);
        this.#writes.insert(alert);
        continue;
      }
      const regraded = existing.severity !== condition.severity;
      // The wall marks the counters an alert concerns: when they change, it must hear of it.
      const moved = !sameIds(existing.counterIds, condition.counterIds);
      // Keeps saying which alert it reopens.
      const reopenOf = existing.details.reopenOf;
      existing.details = reopenOf === undefined ? condition.details : { ...condition.details, reopenOf };
      existing.counterIds = condition.counterIds;
      if (regraded || moved) {
        existing.severity = condition.severity;
        this.#writes.update(existing, 'grade');
        // Not stored yet (id 0): its 'opened' announcement carries the new grade.
        if (existing.id > 0) changed.push(existing);
      }
    }
    for (const [key, alert] of this.#active.ofDepartment(departmentId)) {
      if (present.has(key)) continue;
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
      this.#writes.update(alert, 'handling');
      changed.push(alert);
    }
    changed.push(...this.#wakeSnoozed(departmentId, now));
    if (changed.length > 0) this.emit('changed', changed.map(publicAlert));
  }

  /**
   * Snoozes that have run out: an alert whose condition still holds opens
   * again (to be acknowledged afresh); one clearing meanwhile resolves itself
   * as usual once the hold has passed.
   */
  #wakeSnoozed(departmentId: string, now: number): StoredAlert[] {
    const woken: StoredAlert[] = [];
    for (const [, alert] of this.#active.ofDepartment(departmentId)) {
      if (alert.snoozedUntil === null || alert.snoozedUntil === undefined || alert.snoozedUntil > now)
        continue;
      if (!this.#holds(alert)) continue;
      alert.state = 'open';
      alert.acknowledgedAt = null;
      alert.acknowledgedBy = null;
      alert.snoozedUntil = null;
      alert.snoozedBy = null;
      this.#writes.update(alert, 'handling');
      if (alert.id > 0) woken.push(alert);
    }
    return woken;
  }

  /** Whether the alert's condition holds now (a rating's alert holds until a person closes it). */
  #holds(alert: StoredAlert): boolean {
    if (alert.rule === 'unsatisfied_rating') return true;
    if (alert.rule === 'storage_full') return this.#storageFull.has(alert.conditionKey);
    return this.#present.get(alert.departmentId)?.has(alert.conditionKey) ?? false;
  }

  #withReopenOf(key: string, details: StoredAlert['details']): StoredAlert['details'] {
    const previous = this.#resolvedHolding.get(key);
    if (previous === undefined) return details;
    this.#resolvedHolding.delete(key);
    return { ...details, reopenOf: previous };
  }

  /**
   * Recording storage is over its quota with nothing unprotected left to
   * delete: every department's recording is at risk, so each gets a critical
   * alert until space is back (then they resolve themselves). In a cluster
   * each media node's disk is its own condition, named in the alert.
   */
  setStorageFull(
    departmentIds: string[],
    info: { usedBytes: number; quotaBytes: number } | null,
    node = '',
  ): void {
    const now = this.#now();
    const changed: StoredAlert[] = [];
    for (const departmentId of departmentIds) {
      const key = node === '' ? `${departmentId}:storage_full` : `${departmentId}:storage_full:${node}`;
      if (info) this.#storageFull.add(key);
      else this.#storageFull.delete(key);
      const existing = this.#active.get(key);
      if (info && !existing) {
        const alert = openAlert(
          {
            rule: 'storage_full',
            severity: 'critical',
            departmentId,
            counterId: null,
            // Every counter's recording is at risk: the department header says so, not one tile.
            counterIds: [],
            subject: null,
            details: this.#withReopenOf(key, {
              usedGb: Math.round(info.usedBytes / 1e8) / 10,
              quotaGb: Math.round(info.quotaBytes / 1e8) / 10,
              percent: Math.round((info.usedBytes / info.quotaBytes) * 100),
              ...(node === '' ? {} : { node }),
            }),
            conditionKey: key,
          },
          now,
        );
        this.#active.set(key, alert);
        this.#writes.insert(alert);
      } else if (!info && existing) {
        this.#active.delete(key);
        existing.state = 'resolved';
        existing.resolvedAt = now;
        existing.resolvedBy = null;
        this.#writes.update(existing, 'handling');
        if (existing.id > 0) changed.push(existing);
      }
    }
    if (changed.length > 0) this.emit('changed', changed.map(publicAlert));
  }

  /** An unsatisfied rating opens its own alert; a person closes it. */
  onEvent(event: QueueEvent): void {
    // Every process folds every event; the writer alone opens the alert.
    if (!this.#leads()) return;
    if (event.type === 'rating.commented') {
      // The citizen's comment after the tap: the open alert shows it.
      const open = this.#active.get(
        `${event.departmentId}:${event.counterId}:unsatisfied_rating:${event.ticketId}`,
      );
      if (!open) return;
      open.details = { ...open.details, comment: event.comment };
      this.#writes.update(open, 'grade');
      if (open.id > 0) this.emit('changed', [publicAlert(open)]);
      return;
    }
    if (event.type !== 'rating.submitted' || event.rating !== 'unsatisfied') return;
    // A rating from an earlier business day (a queue system's backlog) is for review, where it is
    // flagged; it does not page today's supervisors.
    if (businessDayStart(event.occurredAt) !== businessDayStart(this.#now())) return;
    const key = `${event.departmentId}:${event.counterId}:unsatisfied_rating:${event.ticketId}`;
    if (this.#active.has(key)) return;
    const alert = openAlert(
      {
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
      },
      this.#now(),
    );
    this.#active.set(key, alert);
    this.#writes.insert(alert);
  }

  /** A person takes the alert in hand: on record first. */
  acknowledge(id: number, actor: Actor): Promise<Alert> {
    return this.#handling.acknowledge(id, actor);
  }

  /** Resolved by a person, on record first (see `AlertHandling.resolve`). */
  resolve(
    id: number,
    actor: Actor,
    note: string,
    options: { evenIfHolding?: boolean } = {},
  ): Promise<{ alert: Alert; conditionHolds: boolean }> {
    return this.#handling.resolve(id, actor, note, options);
  }

  /** Set aside for a while, on record first (see `AlertHandling.snooze`). */
  snooze(id: number, actor: Actor, duration: AlertSnooze, note?: string): Promise<Alert> {
    return this.#handling.snooze(id, actor, duration, note);
  }

  /**
   * Alerts were stored by some process (this one or another): take what the
   * database holds, in one read, and tell consoles what is news here. Idempotent.
   */
  async reload(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    // Our own pending writes first: the rows read then are at least as new as this process's view.
    await this.#writes.settled();
    // Oldest first: of two writers' alerts for one condition, the older is met first and stays.
    const stored = (await this.#storage.getAlerts(ids)).sort((a, b) => a.id - b.id);
    const changed: StoredAlert[] = [];
    for (const alert of stored) {
      const news = this.#mirror(alert);
      if (news) changed.push(news);
    }
    if (changed.length > 0) this.emit('changed', changed.map(publicAlert));
  }

  /** One stored alert into the active set; what changed here, if anything. */
  #mirror(stored: StoredAlert): StoredAlert | undefined {
    const current = this.#active.get(stored.conditionKey);
    const mine = current?.id === stored.id ? current : undefined;
    if (stored.state === 'resolved') {
      if (!mine) return undefined;
      this.#active.delete(stored.conditionKey);
      this.#clearSince.delete(stored.conditionKey);
      return Object.assign(mine, stored);
    }
    // This process has another alert for the condition (a race between writers): the older one stays.
    if (current && !mine && current.id > 0 && current.id < stored.id) return undefined;
    if (mine && canonical(publicAlert(mine)) === canonical(publicAlert(stored))) return undefined;
    const alert = mine ? Object.assign(mine, stored) : stored;
    this.#active.set(stored.conditionKey, alert);
    return alert;
  }

  /** The writer lease came here: start from what the database holds. */
  async takeOver(): Promise<void> {
    await this.#writes.settled();
    const stored = await this.#storage.listActiveAlerts();
    this.#active.clear();
    for (const alert of stored) this.#active.set(alert.conditionKey, alert);
    this.#logger.info({ active: stored.length }, 'alert writer here now');
  }

  /** A department's thresholds changed (on any process): read them again. */
  async reloadThresholds(departmentId: string): Promise<void> {
    this.#thresholds.set(
      departmentId,
      (await this.#storage.getThresholds(departmentId)) ?? DEFAULT_THRESHOLDS,
    );
  }

  #leads(): boolean {
    return this.#storage.changes.leads();
  }

  /** Waits until every pending write has reached storage (tests, shutdown). */
  async flush(): Promise<void> {
    await this.#writes.settled();
  }

  async #find(id: number): Promise<StoredAlert> {
    await this.#writes.settled();
    const active = [...this.#active.values()].find((a) => a.id === id);
    if (active) return active;
    const stored = await this.#storage.getAlert(id);
    if (!stored) throw new AppError('not_found', `no alert ${id}`);
    return stored;
  }
}
