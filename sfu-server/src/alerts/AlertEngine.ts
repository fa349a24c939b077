import {
  AppError,
  CONDITION_HOLDS,
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
import type { AlertPart, Storage, StoredAlert } from '../storage/Storage.js';
import { ActiveAlerts } from './ActiveAlerts.js';
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

const sameIds = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((id, i) => id === b[i]);
const MINUTE = 60_000;

/** JSON with sorted keys: the same alert read back compares equal whatever order its fields were set in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>)
            .filter(([, x]) => x !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : v,
  );

const publicAlert = ({ conditionKey: _key, ...alert }: StoredAlert): Alert => alert;

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
  readonly #endOfDay: (departmentId: string, at: number) => number;
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
  /** The last write in line; reads wait for it. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Writes made while one is stored: they wait, then go together in one transaction. */
  #pending: PendingWrites | undefined;

  private constructor(options: AlertEngineOptions) {
    super();
    this.#storage = options.storage;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'alerts' });
    this.#now = options.now;
    this.#clearHoldMs = options.clearHoldMs ?? 60_000;
    this.#ticketNumber = options.ticketNumber ?? (() => undefined);
    // Without department hours: the end of the business day (04:00 next morning).
    this.#endOfDay = options.endOfDay ?? ((_id, at) => businessDayStart(at) + 24 * 60 * MINUTE);
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
    await this.#writes;
    return (await this.#storage.listAlerts({ ...query, departmentIds })).map(publicAlert);
  }

  async get(id: number): Promise<Alert | undefined> {
    await this.#writes;
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
        const alert: StoredAlert = {
          id: 0,
          rule: condition.rule,
          severity: condition.severity,
          departmentId: condition.departmentId,
          counterId: condition.counterId,
          counterIds: condition.counterIds,
          subject: condition.subject,
          details: this.#withReopenOf(condition.key, condition.details),
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
      // Keeps saying which alert it reopens.
      const reopenOf = existing.details.reopenOf;
      existing.details = reopenOf === undefined ? condition.details : { ...condition.details, reopenOf };
      existing.counterIds = condition.counterIds;
      if (regraded || moved) {
        existing.severity = condition.severity;
        this.#persist(existing, 'grade');
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
      this.#persist(alert, 'handling');
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
      this.#persist(alert, 'handling');
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
        const alert: StoredAlert = {
          id: 0,
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
        this.#persist(existing, 'handling');
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
      this.#persist(open, 'grade');
      if (open.id > 0) this.emit('changed', [publicAlert(open)]);
      return;
    }
    if (event.type !== 'rating.submitted' || event.rating !== 'unsatisfied') return;
    // A rating from an earlier business day (a queue system's backlog) is for review, where it is
    // flagged; it does not page today's supervisors.
    if (businessDayStart(event.occurredAt) !== businessDayStart(this.#now())) return;
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

  /** A person takes the alert in hand: on record first. */
  async acknowledge(id: number, actor: Actor): Promise<Alert> {
    const alert = await this.#find(id);
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
    this.emit('changed', [publicAlert(alert)]);
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
    const alert = await this.#find(id);
    if (alert.state === 'resolved') throw new AppError('conflict', `alert ${id} is already resolved`);
    const holding = this.#active.get(alert.conditionKey) === alert && this.#holds(alert);
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
    this.#active.delete(alert.conditionKey);
    this.#clearSince.delete(alert.conditionKey);
    if (conditionHolds) this.#resolvedHolding.set(alert.conditionKey, alert.id);
    await this.#storage.updateAlert(alert, 'handling');
    this.emit('changed', [publicAlert(alert)]);
    return { alert: publicAlert(alert), conditionHolds };
  }

  /**
   * Set aside for a while, on record first: the alert stays active (no new
   * one opens for its condition) and opens again when the time is up if the
   * condition still holds. Snoozing again replaces the time.
   */
  async snooze(id: number, actor: Actor, duration: AlertSnooze, note?: string): Promise<Alert> {
    const alert = await this.#find(id);
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
    this.emit('changed', [publicAlert(alert)]);
    return publicAlert(alert);
  }

  /**
   * Alerts were stored by some process (this one or another): take what the
   * database holds, in one read, and tell consoles what is news here. Idempotent.
   */
  async reload(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    // Our own pending writes first: the rows read then are at least as new as this process's view.
    await this.#writes;
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
    await this.#writes;
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
    this.#pendingWrites().inserts.push(alert);
  }

  #persist(alert: StoredAlert, part: AlertPart): void {
    const updates = this.#pendingWrites().updates;
    const parts = updates.get(alert) ?? new Set<AlertPart>();
    updates.set(alert, parts.add(part));
  }

  /**
   * The writes that will be stored together once the one in flight is done. Under a burst (an
   * outbox flushing hours of events, every counter crossing a threshold) alerts open and re-grade by
   * the hundred: one transaction each would hold the change feed's lock through a commit each, and
   * the queue's event ingest waits for that lock.
   */
  #pendingWrites(): PendingWrites {
    if (this.#pending) return this.#pending;
    const pending: PendingWrites = { inserts: [], updates: new Map() };
    this.#pending = pending;
    this.#writes = this.#writes.then(() => {
      // From here on, new writes wait for the next transaction.
      this.#pending = undefined;
      return this.#store(pending);
    });
    return pending;
  }

  async #store({ inserts, updates }: PendingWrites): Promise<void> {
    // Fields are read now, so a new alert is stored as it is now, re-grades included; an alert whose
    // insert failed has nothing to update.
    const changes = [...updates].flatMap(([alert, parts]) =>
      alert.id > 0 ? [...parts].map((part) => ({ alert, part })) : [],
    );
    let stored: (StoredAlert | null)[];
    try {
      stored = await this.#storage.writeAlerts(
        inserts.map(({ id: _id, ...fields }) => fields),
        changes,
      );
    } catch (error) {
      for (const alert of inserts) this.#forget(alert);
      this.#logger.error(
        { err: error, alerts: inserts.length, updates: changes.length },
        'alerts not stored',
      );
      return;
    }
    const opened: StoredAlert[] = [];
    inserts.forEach((alert, i) => {
      const saved = stored[i];
      if (!saved) {
        this.#forget(alert);
        this.#logger.error({ rule: alert.rule, departmentId: alert.departmentId }, 'alert not stored');
        return;
      }
      alert.id = saved.id;
      opened.push(alert);
      this.#logger.info(
        { alertId: alert.id, rule: alert.rule, departmentId: alert.departmentId, counterId: alert.counterId },
        'alert opened',
      );
    });
    if (opened.length > 0) this.emit('changed', opened.map(publicAlert));
  }

  /** An alert that could not be stored is not active: the rules open it again while it holds. */
  #forget(alert: StoredAlert): void {
    if (this.#active.get(alert.conditionKey) === alert) this.#active.delete(alert.conditionKey);
  }
}

interface PendingWrites {
  inserts: StoredAlert[];
  updates: Map<StoredAlert, Set<AlertPart>>;
}
