import type { Counter, Department, Role, User } from '@counterwatch/shared';

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

  close(): Promise<void>;
}
