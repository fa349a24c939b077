import { TypedEmitter, type Clock, type Counter, type Department } from '@counterwatch/shared';
import { tokenMatches } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { CounterRecord, DepartmentRecord, Storage } from '../storage/Storage.js';
import type { DirectoryFile } from './directoryFile.js';

export type DirectoryEvents = {
  /** Departments or counters were added, renamed or removed. */
  changed: [];
  /** A counter's agent token was rotated or revoked: its live agent must go. */
  counterCredentialsChanged: [counterId: string];
};

/**
 * Departments and counters, kept in memory (read on every socket message)
 * and written through to storage.
 */
export class Directory extends TypedEmitter<DirectoryEvents> {
  readonly #storage: Storage;
  readonly #logger: Logger;
  readonly #now: Clock;
  #departments = new Map<string, DepartmentRecord>();
  #counters = new Map<string, CounterRecord>();

  private constructor(storage: Storage, logger: Logger, now: Clock) {
    super();
    this.#storage = storage;
    this.#logger = logger;
    this.#now = now;
  }

  static async load({
    storage,
    logger,
    provision,
    now,
  }: {
    storage: Storage;
    logger: Logger;
    provision: DirectoryFile | null;
    now: Clock;
  }): Promise<Directory> {
    const directory = new Directory(storage, logger.child({ module: 'directory' }), now);
    if (provision) await directory.#provision(provision);
    await directory.reload();
    return directory;
  }

  async reload(): Promise<void> {
    this.#departments = new Map((await this.#storage.listDepartments()).map((d) => [d.id, d]));
    this.#counters = new Map((await this.#storage.listCounters()).map((c) => [c.id, c]));
    this.emit('changed');
  }

  departments(): Department[] {
    return [...this.#departments.values()].map(({ apiKeyHash: _, ...d }) => d);
  }

  counters(): Counter[] {
    return [...this.#counters.values()].map(({ tokenHash: _, ...c }) => c);
  }

  department(id: string): Department | undefined {
    const d = this.#departments.get(id);
    if (!d) return undefined;
    const { apiKeyHash: _, ...department } = d;
    return department;
  }

  counter(id: string): Counter | undefined {
    const c = this.#counters.get(id);
    if (!c) return undefined;
    const { tokenHash: _, ...counter } = c;
    return counter;
  }

  /** The counter if the token is its current agent token; the same answer for unknown counters. */
  authenticateCounter(counterId: string, token: string): Counter | undefined {
    const record = this.#counters.get(counterId);
    const ok = tokenMatches(token, record?.tokenHash ?? null);
    return ok ? this.counter(counterId) : undefined;
  }

  /** The department whose queue-system API key this is. */
  authenticateDepartmentKey(key: string): Department | undefined {
    for (const d of this.#departments.values()) {
      if (tokenMatches(key, d.apiKeyHash)) return this.department(d.id);
    }
    return undefined;
  }

  departmentsWithKeys(): (Department & { hasApiKey: boolean })[] {
    return [...this.#departments.values()].map(({ apiKeyHash, ...d }) => ({
      ...d,
      hasApiKey: apiKeyHash !== null,
    }));
  }

  countersWithTokens(): (Counter & { hasToken: boolean })[] {
    return [...this.#counters.values()].map(({ tokenHash, ...c }) => ({
      ...c,
      hasToken: tokenHash !== null,
    }));
  }

  async setDepartmentApiKeyHash(departmentId: string, apiKeyHash: string | null): Promise<boolean> {
    const ok = await this.#storage.setDepartmentApiKeyHash(departmentId, apiKeyHash);
    const record = this.#departments.get(departmentId);
    if (ok && record) record.apiKeyHash = apiKeyHash;
    return ok;
  }

  async setCounterTokenHash(counterId: string, tokenHash: string | null): Promise<boolean> {
    const ok = await this.#storage.setCounterTokenHash(counterId, tokenHash, this.#now());
    const record = this.#counters.get(counterId);
    if (ok && record) {
      record.tokenHash = tokenHash;
      this.emit('counterCredentialsChanged', counterId);
    }
    return ok;
  }

  async #provision(file: DirectoryFile): Promise<void> {
    for (const { apiKeyHash, ...department } of file.departments) {
      await this.#storage.saveDepartment(department);
      if (apiKeyHash) await this.#storage.setDepartmentApiKeyHash(department.id, apiKeyHash);
    }
    for (const { tokenHash, ...counter } of file.counters) {
      await this.#storage.saveCounter(counter);
      if (tokenHash) await this.#storage.setCounterTokenHash(counter.id, tokenHash, this.#now());
    }
    this.#logger.info(
      { departments: file.departments.length, counters: file.counters.length },
      'directory provisioned from file',
    );
  }
}
