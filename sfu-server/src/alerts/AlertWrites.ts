import type { Logger } from '../logger.js';
import type { AlertPart, Storage, StoredAlert } from '../storage/Storage.js';

/** What the write-behind queue tells the engine that owns the alerts. */
export interface AlertWritesHost {
  /** New alerts stored: they have their ids now. */
  opened(alerts: StoredAlert[]): void;
  /** An alert that could not be stored is not active: the rules open it again while it holds. */
  forget(alert: StoredAlert): void;
}

interface PendingWrites {
  inserts: StoredAlert[];
  updates: Map<StoredAlert, Set<AlertPart>>;
}

/**
 * The rules' alert writes, stored behind the decisions: writes made while one
 * is being stored wait, then go together in one transaction. Under a burst (an
 * outbox flushing hours of events, every counter crossing a threshold) alerts
 * open and re-grade by the hundred: one transaction each would hold the change
 * feed's lock through a commit each, and the queue's event ingest waits for
 * that lock.
 */
export class AlertWrites {
  readonly #storage: Pick<Storage, 'writeAlerts'>;
  readonly #logger: Logger;
  readonly #host: AlertWritesHost;
  /** The last write in line; reads wait for it. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Writes made while one is stored. */
  #pending: PendingWrites | undefined;

  constructor(options: { storage: Pick<Storage, 'writeAlerts'>; logger: Logger; host: AlertWritesHost }) {
    this.#storage = options.storage;
    this.#logger = options.logger;
    this.#host = options.host;
  }

  insert(alert: StoredAlert): void {
    this.#pendingWrites().inserts.push(alert);
  }

  update(alert: StoredAlert, part: AlertPart): void {
    const updates = this.#pendingWrites().updates;
    const parts = updates.get(alert) ?? new Set<AlertPart>();
    updates.set(alert, parts.add(part));
  }

  /** Resolves once every write made so far has reached storage (or failed and been logged). */
  settled(): Promise<unknown> {
    return this.#writes;
  }

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
      for (const alert of inserts) this.#host.forget(alert);
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
        this.#host.forget(alert);
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
    if (opened.length > 0) this.#host.opened(opened);
  }
}
