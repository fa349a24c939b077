import type { StoredAlert } from '../storage/Storage.js';

/**
 * The unresolved alerts by condition, also reachable by department: a served ticket asks whether an
 * alert concerns it, and each department's evaluation walks its own alerts. With a province's alerts
 * open (every unsatisfied rating stays open until a person closes it) a walk over all of them per
 * event was the ingest's largest single cost.
 */
export class ActiveAlerts {
  readonly #byCondition = new Map<string, StoredAlert>();
  readonly #byDepartment = new Map<string, Map<string, StoredAlert>>();

  get(conditionKey: string): StoredAlert | undefined {
    return this.#byCondition.get(conditionKey);
  }

  has(conditionKey: string): boolean {
    return this.#byCondition.has(conditionKey);
  }

  set(conditionKey: string, alert: StoredAlert): void {
    const previous = this.#byCondition.get(conditionKey);
    if (previous && previous.departmentId !== alert.departmentId) this.delete(conditionKey);
    this.#byCondition.set(conditionKey, alert);
    let ofDepartment = this.#byDepartment.get(alert.departmentId);
    if (!ofDepartment) {
      ofDepartment = new Map();
      this.#byDepartment.set(alert.departmentId, ofDepartment);
    }
    ofDepartment.set(conditionKey, alert);
  }

  delete(conditionKey: string): void {
    const alert = this.#byCondition.get(conditionKey);
    if (!alert) return;
    this.#byCondition.delete(conditionKey);
    const ofDepartment = this.#byDepartment.get(alert.departmentId);
    ofDepartment?.delete(conditionKey);
    if (ofDepartment?.size === 0) this.#byDepartment.delete(alert.departmentId);
  }

  clear(): void {
    this.#byCondition.clear();
    this.#byDepartment.clear();
  }

  values(): IterableIterator<StoredAlert> {
    return this.#byCondition.values();
  }

  /** The newest of a department's alerts about a subject (a ticket). */
  about(departmentId: string, subject: string): StoredAlert | undefined {
    let found: StoredAlert | undefined;
    for (const a of this.#byDepartment.get(departmentId)?.values() ?? [])
      if (a.id > 0 && a.subject === subject && (!found || a.openedAt > found.openedAt)) found = a;
    return found;
  }

  /** One department's alerts, by condition. A copy: the caller may resolve while it walks. */
  ofDepartment(departmentId: string): [string, StoredAlert][] {
    return [...(this.#byDepartment.get(departmentId) ?? [])];
  }
}
