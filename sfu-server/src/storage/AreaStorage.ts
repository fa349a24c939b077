import type { AlertQuery, AlertThresholds, HistoryPoint, QueueEvent } from '@counterwatch/shared';
import type {
  AlertPart,
  DailyAggregate,
  EventInsertResult,
  NewAlert,
  NewUser,
  ProvisionOutcome,
  SessionRecord,
  Storage,
  StoredAlert,
  StoredQueueEvent,
  UserRecord,
} from './Storage.js';

/** Counter tokens and department API keys (hashes only). */
export type SecretArea = Pick<
  Storage,
  | 'setCounterTokenHash'
  | 'setDepartmentApiKeyHash'
  | 'provisionCounterTokenHash'
  | 'provisionDepartmentApiKeyHash'
>;
/** Users and their sessions. */
export type AccountArea = Pick<
  Storage,
  | 'countUsers'
  | 'createUser'
  | 'getUser'
  | 'findUserByUsername'
  | 'listUsers'
  | 'setUserPassword'
  | 'updateUser'
  | 'listActiveSessions'
  | 'createSession'
  | 'getSession'
  | 'revokeSession'
  | 'revokeUserSessions'
>;
/** The queue's event log. */
export type QueueEventArea = Pick<
  Storage,
  | 'insertQueueEvents'
  | 'listQueueEvents'
  | 'listQueueEventsBetween'
  | 'queueEventsHead'
  | 'listTicketEvents'
  | 'nextSourceSeq'
>;
/** Metric history and daily aggregates. */
export type HistoryArea = Pick<
  Storage,
  'insertHistoryPoints' | 'listHistory' | 'deleteHistoryBefore' | 'saveDailyAggregate' | 'listDailyAggregates'
>;
/** Alerts and alert thresholds. */
export type AlertArea = Pick<
  Storage,
  | 'insertAlert'
  | 'updateAlert'
  | 'writeAlerts'
  | 'getAlert'
  | 'getAlerts'
  | 'listAlerts'
  | 'listActiveAlerts'
  | 'getThresholds'
  | 'setThresholds'
>;

/** The stores by area that each backend gives `AreaStorage`. */
export interface StorageAreas {
  secrets: SecretArea;
  accounts: AccountArea;
  queueEvents: QueueEventArea;
  history: HistoryArea;
  alerts: AlertArea;
}

/**
 * The part of the `Storage` contract both backends keep in one store per area
 * (counter tokens and department keys, users and sessions, the queue's event
 * log, history, alerts): each method passes the call to its area's store.
 * Written once here; the backend classes extend it.
 */
export abstract class AreaStorage {
  readonly #areas: StorageAreas;

  protected constructor(areas: StorageAreas) {
    this.#areas = areas;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean> {
    return this.#areas.secrets.setCounterTokenHash(counterId, tokenHash, at);
  }

  async setDepartmentApiKeyHash(
    departmentId: string,
    apiKeyHash: string | null,
    at: number,
  ): Promise<boolean> {
    return this.#areas.secrets.setDepartmentApiKeyHash(departmentId, apiKeyHash, at);
  }

  async provisionCounterTokenHash(
    counterId: string,
    tokenHash: string,
    at: number,
  ): Promise<ProvisionOutcome> {
    return this.#areas.secrets.provisionCounterTokenHash(counterId, tokenHash, at);
  }

  async provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome> {
    return this.#areas.secrets.provisionDepartmentApiKeyHash(departmentId, apiKeyHash);
  }

  async countUsers(): Promise<number> {
    return this.#areas.accounts.countUsers();
  }

  async createUser(user: NewUser, at: number): Promise<UserRecord> {
    return this.#areas.accounts.createUser(user, at);
  }

  async getUser(id: number): Promise<UserRecord | undefined> {
    return this.#areas.accounts.getUser(id);
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.#areas.accounts.findUserByUsername(username);
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.#areas.accounts.listUsers();
  }

  async setUserPassword(userId: number, passwordHash: string): Promise<boolean> {
    return this.#areas.accounts.setUserPassword(userId, passwordHash);
  }

  async updateUser(userId: number, f: Parameters<Storage['updateUser']>[1]): Promise<boolean> {
    return this.#areas.accounts.updateUser(userId, f);
  }

  async listActiveSessions(now: number): Promise<SessionRecord[]> {
    return this.#areas.accounts.listActiveSessions(now);
  }

  async createSession(s: SessionRecord): Promise<void> {
    return this.#areas.accounts.createSession(s);
  }

  async getSession(idHash: string): Promise<SessionRecord | undefined> {
    return this.#areas.accounts.getSession(idHash);
  }

  async revokeSession(idHash: string, at: number): Promise<boolean> {
    return this.#areas.accounts.revokeSession(idHash, at);
  }

  async revokeUserSessions(userId: number, at: number): Promise<number> {
    return this.#areas.accounts.revokeUserSessions(userId, at);
  }

  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    return this.#areas.queueEvents.insertQueueEvents(events);
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return this.#areas.queueEvents.listQueueEvents(departmentId, since);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return this.#areas.queueEvents.listQueueEventsBetween(afterSeq, throughSeq, limit);
  }

  async queueEventsHead(): Promise<number> {
    return this.#areas.queueEvents.queueEventsHead();
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return this.#areas.queueEvents.listTicketEvents(departmentId, ticketId);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    return this.#areas.queueEvents.nextSourceSeq(departmentId, sourceId);
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    return this.#areas.history.insertHistoryPoints(rows);
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return this.#areas.history.listHistory(departmentId, from, to);
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#areas.history.deleteHistoryBefore(at);
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    return this.#areas.history.saveDailyAggregate(departmentId, aggregate);
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return this.#areas.history.listDailyAggregates(departmentId, fromDay, toDay);
  }

  async insertAlert(alert: NewAlert): Promise<StoredAlert> {
    return this.#areas.alerts.insertAlert(alert);
  }

  async updateAlert(alert: StoredAlert, part: AlertPart): Promise<void> {
    return this.#areas.alerts.updateAlert(alert, part);
  }

  async writeAlerts(
    inserts: readonly NewAlert[],
    updates: readonly { alert: StoredAlert; part: AlertPart }[],
  ): Promise<(StoredAlert | null)[]> {
    return this.#areas.alerts.writeAlerts(inserts, updates);
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    return this.#areas.alerts.getAlert(id);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    return this.#areas.alerts.getAlerts(ids);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    return this.#areas.alerts.listAlerts(query);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return this.#areas.alerts.listActiveAlerts();
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    return this.#areas.alerts.getThresholds(departmentId);
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    return this.#areas.alerts.setThresholds(departmentId, thresholds);
  }
}
