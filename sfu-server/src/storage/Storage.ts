import type {
  Alert,
  AlertQuery,
  AlertThresholds,
  Counter,
  Department,
  HistoryPoint,
  QueueEvent,
  Role,
  User,
} from '@counterwatch/shared';

/**
 * The one interface the rest of the server stores through. SQLite
 * (better-sqlite3) implements it today; every method is async and atomic on
 * its own so a PostgreSQL implementation can slot in without touching callers.
 */
export interface DepartmentRecord extends Department {
  apiKeyHash: string | null;
}

export interface CounterRecord extends Counter {
  tokenHash: string | null;
}

export interface UserRecord extends User {
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  departmentIds: string[] | null;
}

export interface SessionRecord {
  idHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  ip: string | null;
  userAgent: string | null;
}

export interface StoredQueueEvent {
  /** Arrival order at the server. */
  seq: number;
  event: QueueEvent;
  receivedAt: number;
}

export type EventInsertResult =
  | { status: 'inserted'; seq: number }
  | { status: 'duplicate' }
  /** The source already used this sequence number for another event. */
  | { status: 'seq_conflict'; existingId: string };

export interface DailyAggregate {
  day: string;
  issued: number;
  served: number;
  meanWaitSeconds: number | null;
  satisfaction: number | null;
  noShowRate: number | null;
}

export interface StoredAlert extends Alert {
  conditionKey: string;
}

export type NewAlert = Omit<StoredAlert, 'id'>;

export interface Storage {
  // Directory: departments and counters.
  listDepartments(): Promise<DepartmentRecord[]>;
  listCounters(): Promise<CounterRecord[]>;
  saveDepartment(department: Department): Promise<void>;
  saveCounter(counter: Counter): Promise<void>;
  setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean>;
  setDepartmentApiKeyHash(departmentId: string, apiKeyHash: string | null): Promise<boolean>;

  // Accounts.
  countUsers(): Promise<number>;
  createUser(user: NewUser, at: number): Promise<UserRecord>;
  getUser(id: number): Promise<UserRecord | undefined>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  setUserPassword(userId: number, passwordHash: string): Promise<boolean>;

  // Sessions (the cookie value is never stored, only its hash).
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  revokeSession(idHash: string, at: number): Promise<boolean>;
  revokeUserSessions(userId: number, at: number): Promise<number>;

  // Queue events: stored once, in one transaction per batch.
  insertQueueEvents(events: { event: QueueEvent; receivedAt: number }[]): Promise<EventInsertResult[]>;
  /** A department's events received since `since`, in arrival order. */
  listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]>;
  nextSourceSeq(departmentId: string, sourceId: string): Promise<number>;

  // Metrics history and daily aggregates.
  insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void>;
  listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]>;
  deleteHistoryBefore(at: number): Promise<number>;
  saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void>;
  listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]>;

  // Alerts and their thresholds.
  insertAlert(alert: NewAlert): Promise<StoredAlert>;
  updateAlert(alert: StoredAlert): Promise<void>;
  getAlert(id: number): Promise<StoredAlert | undefined>;
  listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]>;
  listActiveAlerts(): Promise<StoredAlert[]>;
  getThresholds(departmentId: string): Promise<AlertThresholds | undefined>;
  setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void>;

  close(): Promise<void>;
}
