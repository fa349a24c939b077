import {
  TypedEmitter,
  type Clock,
  type Counter,
  type Department,
  type DirectoryEntries,
} from '@counterwatch/shared';
import { hashMatches, hashToken, tokenMatches } from '../auth/secrets.js';
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
 * Departments and counters, kept in memory (read on every socket message).
 * Secrets are changed by the account service in storage; the directory
 * re-reads them when the change feed says so (`refresh`).
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

  // The live side sees only departments and counters not retired: the wall, new devices and
  // assignments, agents' and queue systems' credentials. History (replays, records) asks `…OnRecord`.

  departments(): Department[] {
    return [...this.#departments.values()].filter((d) => d.retiredAt === null).map(liveDepartment);
  }

  counters(): Counter[] {
    return [...this.#counters.values()].filter((c) => c.retiredAt === null).map(liveCounter);
  }

  department(id: string): Department | undefined {
    const d = this.#departments.get(id);
    return d && d.retiredAt === null ? liveDepartment(d) : undefined;
  }

  counter(id: string): Counter | undefined {
    const c = this.#counters.get(id);
    return c && c.retiredAt === null ? liveCounter(c) : undefined;
  }

  /** A counter, retired or not: its recordings and records stay readable. */
  counterOnRecord(id: string): Counter | undefined {
    const c = this.#counters.get(id);
    return c && liveCounter(c);
  }

  /** The counter if the token is its current agent token; the same answer for unknown counters. */
  authenticateCounter(counterId: string, token: string): Counter | undefined {
    const record = this.#counters.get(counterId);
    const ok = tokenMatches(token, record?.retiredAt === null ? record.tokenHash : null);
    return ok ? this.counter(counterId) : undefined;
  }

  /** The department whose queue-system API key this is. */
  authenticateDepartmentKey(key: string): Department | undefined {
    // Hashed once, compared with every department's (a province's queue systems post often).
    const hash = hashToken(key);
    for (const d of this.#departments.values()) {
      if (d.retiredAt === null && hashMatches(hash, d.apiKeyHash)) return this.department(d.id);
    }
    return undefined;
  }

  departmentsWithKeys(): (Department & { hasApiKey: boolean })[] {
    return [...this.#departments.values()]
      .filter((d) => d.retiredAt === null)
      .map((d) => ({ ...liveDepartment(d), hasApiKey: d.apiKeyHash !== null }));
  }

  countersWithTokens(): (Counter & { hasToken: boolean })[] {
    return [...this.#counters.values()]
      .filter((c) => c.retiredAt === null)
      .map((c) => ({ ...liveCounter(c), hasToken: c.tokenHash !== null }));
  }

  /** Everything the directory holds, retired included, without secrets (the admin's directory page). */
  entries(): DirectoryEntries {
    return {
      departments: [...this.#departments.values()].map(({ apiKeyHash, ...d }) => ({
        ...d,
        hasApiKey: apiKeyHash !== null,
      })),
      counters: [...this.#counters.values()].map(({ tokenHash, ...c }) => ({
        ...c,
        hasToken: tokenHash !== null,
      })),
    };
  }

  /**
   * Re-reads departments and counters after a change (this process's or
   * another's, from the change feed): a counter whose token changed loses its
   * live agent; names and the like changed tell consoles.
   */
  async refresh(): Promise<void> {
    const departments = new Map((await this.#storage.listDepartments()).map((d) => [d.id, d]));
    const counters = new Map((await this.#storage.listCounters()).map((c) => [c.id, c]));
    const tokensChanged = [...this.#counters.values()]
      .filter((old) => counters.get(old.id)?.tokenHash !== old.tokenHash)
      .map((old) => old.id);
    const visible = (records: Iterable<object>, secret: string): string =>
      JSON.stringify([...records].map((r) => ({ ...r, [secret]: undefined })));
    const namesChanged =
      visible(departments.values(), 'apiKeyHash') !== visible(this.#departments.values(), 'apiKeyHash') ||
      visible(counters.values(), 'tokenHash') !== visible(this.#counters.values(), 'tokenHash');
    this.#departments = departments;
    this.#counters = counters;
    for (const id of tokensChanged) this.emit('counterCredentialsChanged', id);
    if (namesChanged) this.emit('changed');
  }

  /**
   * Applies the provisioning file: departments and counters as it says, and
   * the secrets it holds only where the database never changed them itself
   * (a token rotated or revoked from the console or CLI stays so).
   */
  async #provision(file: DirectoryFile): Promise<void> {
    const kept: string[] = [];
    const seededKept: string[] = [];
    for (const { apiKeyHash, ...department } of file.departments) {
      const services = department.services ?? [
        ...new Set(file.counters.filter((c) => c.departmentId === department.id).flatMap((c) => c.services)),
      ];
      if (!(await this.#storage.saveDepartment({ ...department, services }))) {
        seededKept.push(`department ${department.id}`);
      }
      if (!apiKeyHash) continue;
      const outcome = await this.#storage.provisionDepartmentApiKeyHash(department.id, apiKeyHash);
      if (outcome === 'managed_in_database') kept.push(`department ${department.id}`);
    }
    for (const { tokenHash, ...counter } of file.counters) {
      if (!(await this.#storage.saveCounter(counter))) seededKept.push(`counter ${counter.id}`);
      if (!tokenHash) continue;
      const outcome = await this.#storage.provisionCounterTokenHash(counter.id, tokenHash, this.#now());
      if (outcome === 'managed_in_database') kept.push(`counter ${counter.id}`);
    }
    if (seededKept.length > 0) {
      this.#logger.info(
        { kept: seededKept },
        'provisioning file entries left as the console changed them (renamed, edited or retired there)',
      );
    }
    if (kept.length > 0) {
      this.#logger.warn(
        { kept },
        'provisioning file secrets ignored: changed in the database since (rotate there, not in the file)',
      );
    }
    this.#logger.info(
      { departments: file.departments.length, counters: file.counters.length },
      'directory provisioned from file',
    );
  }
}

function liveDepartment(d: DepartmentRecord): Department {
  return { id: d.id, name: d.name, openingHours: d.openingHours };
}

function liveCounter(c: CounterRecord): Counter {
  return { id: c.id, departmentId: c.departmentId, name: c.name, services: c.services };
}
