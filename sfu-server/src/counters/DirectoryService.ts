import { parse } from 'csv-parse/sync';
import {
  AppError,
  DIRECTORY_CSV_COLUMNS,
  checkDirectoryCsv,
  formatEnrolmentCode,
  type AgentEnrollResponse,
  type Clock,
  type CreateCounter,
  type CreateDepartment,
  type DepartmentEntry,
  type DirectoryCsvError,
  type DirectoryEntries,
  type DirectoryImportResult,
  type IssuedCounterCode,
  type UpdateCounter,
  type UpdateDepartment,
  type User,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { inScope } from '../auth/access.js';
import { ENROLMENT_TTL_MS, EnrolmentLimiter, newEnrolmentCode } from '../auth/enrolment.js';
import { hashToken, randomSecret } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { DirectoryChange, DirectoryStore } from '../storage/Storage.js';

/** What the service needs of the in-memory directory. */
export interface DirectoryServiceHost {
  entries(): DirectoryEntries;
  /** Re-reads the directory after a change (this process's; others follow the change feed). */
  refresh(): Promise<void>;
}

export interface DirectoryServiceOptions {
  store: DirectoryStore;
  audit: AuditLog;
  host: DirectoryServiceHost;
  logger: Logger;
  now: Clock;
  limiter: EnrolmentLimiter;
  codeTtlMs?: number;
}

/** An admin, with the departments they may manage. */
export interface DirectoryAdmin {
  actor: Actor;
  user: User;
}

/**
 * The directory managed in the console: departments and counters added,
 * changed and retired, one by one or from a CSV (all or nothing), and the
 * one-time code that enrols a counter's agent. Each change is on the audit
 * trail, with its actor, before it happens; an admin limited to some
 * departments manages only those (and adds none). Retiring keeps history.
 */
export class DirectoryService {
  readonly #store: DirectoryStore;
  readonly #audit: AuditLog;
  readonly #host: DirectoryServiceHost;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #limiter: EnrolmentLimiter;
  readonly #codeTtlMs: number;

  constructor(options: DirectoryServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#host = options.host;
    this.#logger = options.logger.child({ module: 'directory-admin' });
    this.#now = options.now;
    this.#limiter = options.limiter;
    this.#codeTtlMs = options.codeTtlMs ?? ENROLMENT_TTL_MS;
  }

  /** What the admin may manage, retired included. */
  entries(user: User): DirectoryEntries {
    const all = this.#host.entries();
    return {
      departments: all.departments.filter((d) => inScope(user, d.id)),
      counters: all.counters.filter((c) => inScope(user, c.departmentId)),
    };
  }

  async createDepartment({ actor, user }: DirectoryAdmin, input: CreateDepartment): Promise<void> {
    if (user.departmentIds !== null) {
      throw new AppError('forbidden', 'only an administrator of every department adds departments');
    }
    await this.#audit.record({
      action: 'department.create',
      actor,
      departmentId: input.id,
      objectType: 'department',
      objectId: input.id,
      details: { name: input.name, level: input.level, services: input.services },
    });
    await this.#apply(
      actor,
      [{ op: 'create_department', department: input }],
      `department ${input.id} exists`,
    );
  }

  async updateDepartment(admin: DirectoryAdmin, id: string, patch: UpdateDepartment): Promise<void> {
    const existing = this.#department(admin.user, id);
    const next: DepartmentEntry = {
      id,
      name: patch.name ?? existing.name,
      level: patch.level ?? existing.level,
      openingHours: patch.openingHours ?? existing.openingHours,
      services: patch.services ?? existing.services,
    };
    await this.#audit.record({
      action: 'department.update',
      actor: admin.actor,
      departmentId: id,
      objectType: 'department',
      objectId: id,
      details: difference(existing, next),
    });
    await this.#apply(
      admin.actor,
      [{ op: 'update_department', department: next }],
      `department ${id} is retired`,
    );
  }

  async retireDepartment(admin: DirectoryAdmin, id: string): Promise<void> {
    const existing = this.#department(admin.user, id);
    const counters = this.#host
      .entries()
      .counters.filter((c) => c.departmentId === id && c.retiredAt === null)
      .map((c) => c.id);
    await this.#audit.record({
      action: 'department.retire',
      actor: admin.actor,
      departmentId: id,
      objectType: 'department',
      objectId: id,
      details: { name: existing.name, counters },
    });
    await this.#apply(admin.actor, [{ op: 'retire_department', id }], `department ${id} is retired`);
  }

  async createCounter({ actor, user }: DirectoryAdmin, input: CreateCounter): Promise<void> {
    this.#department(user, input.departmentId);
    await this.#audit.record({
      action: 'counter.create',
      actor,
      departmentId: input.departmentId,
      counterId: input.id,
      objectType: 'counter',
      objectId: input.id,
      details: { name: input.name, services: input.services },
    });
    await this.#apply(actor, [{ op: 'create_counter', counter: input }], `counter ${input.id} exists`);
  }

  async updateCounter(admin: DirectoryAdmin, id: string, patch: UpdateCounter): Promise<void> {
    const existing = this.#counter(admin.user, id);
    const next = {
      id,
      departmentId: existing.departmentId,
      name: patch.name ?? existing.name,
      services: patch.services ?? existing.services,
    };
    await this.#audit.record({
      action: 'counter.update',
      actor: admin.actor,
      departmentId: existing.departmentId,
      counterId: id,
      objectType: 'counter',
      objectId: id,
      details: difference(existing, next),
    });
    await this.#apply(admin.actor, [{ op: 'update_counter', counter: next }], `counter ${id} is retired`);
  }

  async retireCounter(admin: DirectoryAdmin, id: string): Promise<void> {
    const existing = this.#counter(admin.user, id);
    await this.#audit.record({
      action: 'counter.retire',
      actor: admin.actor,
      departmentId: existing.departmentId,
      counterId: id,
      objectType: 'counter',
      objectId: id,
      details: { name: existing.name },
    });
    await this.#apply(admin.actor, [{ op: 'retire_counter', id }], `counter ${id} is retired`);
  }

  /**
   * A CSV of departments and counters (format in shared `directoryAdmin`):
   * every error with its line and nothing changed, or all of it in one
   * transaction.
   */
  async importCsv({ actor, user }: DirectoryAdmin, csv: string): Promise<DirectoryImportResult> {
    const all = this.#host.entries();
    const records = readCsv(csv);
    const { rows, errors } = checkDirectoryCsv(records, {
      departments: new Map(all.departments.map((d) => [d.id, { retired: d.retiredAt !== null }])),
      counters: new Map(
        all.counters.map((c) => [c.id, { departmentId: c.departmentId, retired: c.retiredAt !== null }]),
      ),
    });
    const knownDepartments = new Set(all.departments.map((d) => d.id));
    const knownCounters = new Set(all.counters.map((c) => c.id));
    for (const row of rows) {
      const departmentId = row.kind === 'department' ? row.department.id : row.counter.departmentId;
      if (row.kind === 'department' && !knownDepartments.has(departmentId) && user.departmentIds !== null) {
        errors.push({
          line: row.line,
          message: 'only an administrator of every department adds departments',
        });
      } else if (!inScope(user, departmentId)) {
        errors.push({ line: row.line, message: `department ${departmentId} is not yours to manage` });
      }
    }
    if (errors.length > 0) throw importRefused(errors);

    const changes: DirectoryChange[] = rows.map((row) =>
      row.kind === 'department'
        ? {
            op: knownDepartments.has(row.department.id) ? 'update_department' : 'create_department',
            department: row.department,
          }
        : {
            op: knownCounters.has(row.counter.id) ? 'update_counter' : 'create_counter',
            counter: row.counter,
          },
    );
    // Departments first, so a counter may name a department added by the same file.
    changes.sort((a, b) => Number(a.op.endsWith('counter')) - Number(b.op.endsWith('counter')));
    const count = (op: DirectoryChange['op']) => changes.filter((c) => c.op === op).length;
    const result: DirectoryImportResult = {
      departments: { created: count('create_department'), updated: count('update_department') },
      counters: { created: count('create_counter'), updated: count('update_counter') },
    };
    await this.#audit.record({
      action: 'directory.import',
      actor,
      objectType: 'directory',
      details: {
        ...result,
        departmentIds: rows.flatMap((r) => (r.kind === 'department' ? [r.department.id] : [])),
        counterIds: rows.flatMap((r) => (r.kind === 'counter' ? [r.counter.id] : [])),
      },
    });
    await this.#apply(actor, changes, 'the directory changed meanwhile; check and import again');
    this.#logger.info(result, 'directory imported');
    return result;
  }

  /** A one-time code for the counter's agent (`counterwatch-agent enroll`); its token works until the code is used. */
  async issueCounterCode({ actor, user }: DirectoryAdmin, counterId: string): Promise<IssuedCounterCode> {
    const counter = this.#counter(user, counterId);
    await this.#audit.record({
      action: 'counter.code_issue',
      actor,
      departmentId: counter.departmentId,
      counterId,
      objectType: 'counter',
      objectId: counterId,
    });
    const code = newEnrolmentCode();
    const expiresAt = this.#now() + this.#codeTtlMs;
    if (!(await this.#store.setCounterCode(counterId, hashToken(code), expiresAt))) {
      throw new AppError('conflict', `counter ${counterId} is retired`);
    }
    await this.#host.refresh();
    return { counterId, code: formatEnrolmentCode(code), expiresAt };
  }

  /** The agent's side: a live code for the counter's new token (the old one stops working). */
  async redeemCounterCode(code: string, ip: string | null): Promise<AgentEnrollResponse> {
    return this.#limiter.attempt(ip, async () => {
      const codeHash = hashToken(code);
      const refused = new AppError(
        'unauthenticated',
        'this enrolment code is unknown, used or expired; ask an administrator for a new one',
        { reason: 'enrolment_code' },
      );
      const found = await this.#store.counterForCode(codeHash, this.#now());
      if (!found) throw refused;
      await this.#audit.record({
        action: 'counter.enrol',
        actor: { userId: null, username: `agent:${found.counterId}`, ip },
        departmentId: found.departmentId,
        counterId: found.counterId,
        objectType: 'counter',
        objectId: found.counterId,
      });
      const token = randomSecret(32);
      const enrolled = await this.#store.redeemCounterCode(codeHash, hashToken(token), this.#now());
      if (!enrolled) throw refused; // used by another agent a moment ago, or retired meanwhile
      await this.#host.refresh();
      this.#logger.info({ counterId: enrolled.counterId }, 'counter agent enrolled');
      return { counterId: enrolled.counterId, departmentId: enrolled.departmentId, token };
    });
  }

  async #apply(actor: Actor, changes: DirectoryChange[], conflict: string): Promise<void> {
    const outcome = await this.#store.apply(changes, this.#now(), actor.username);
    if (outcome.status === 'conflict') throw new AppError('conflict', conflict, { id: outcome.id });
    await this.#host.refresh();
  }

  #department(user: User, id: string): DirectoryEntries['departments'][number] {
    const found = this.#host.entries().departments.find((d) => d.id === id);
    // Out of scope answers as unknown: an admin of one department learns nothing of others.
    if (!found || !inScope(user, id)) throw new AppError('not_found', `no department ${id}`);
    if (found.retiredAt !== null) throw new AppError('conflict', `department ${id} is retired`);
    return found;
  }

  #counter(user: User, id: string): DirectoryEntries['counters'][number] {
    const found = this.#host.entries().counters.find((c) => c.id === id);
    if (!found || !inScope(user, found.departmentId)) throw new AppError('not_found', `no counter ${id}`);
    if (found.retiredAt !== null) throw new AppError('conflict', `counter ${id} is retired`);
    return found;
  }
}

/** What a change changes: the fields of `next` that differ, as they were and as they become. */
function difference<T extends object>(
  existing: T,
  next: Partial<T>,
): { before: Partial<T>; after: Partial<T> } {
  const before: Partial<T> = {};
  const after: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (JSON.stringify(existing[key]) === JSON.stringify(next[key])) continue;
    before[key] = existing[key];
    after[key] = next[key];
  }
  return { before, after };
}

function importRefused(errors: DirectoryCsvError[]): AppError {
  const first = errors[0];
  return new AppError(
    'invalid_request',
    `the CSV has ${errors.length} error(s), nothing was imported${first ? `; line ${first.line}: ${first.message}` : ''}`,
    { errors: errors.slice(0, 200) },
  );
}

/**
 * CSV text → records by column, with the line each starts on (csv-parse:
 * quotes, embedded commas and newlines, a BOM). The header must name the
 * columns; unknown columns are refused.
 */
export function readCsv(csv: string): { line: number; cells: Record<string, string> }[] {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(csv, {
      bom: true,
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim().toLowerCase());
        const unknown = names.filter((n) => !(DIRECTORY_CSV_COLUMNS as readonly string[]).includes(n));
        if (unknown.length > 0) throw new Error(`unknown column(s) ${unknown.join(', ')}`);
        for (const required of ['kind', 'id', 'name']) {
          if (!names.includes(required)) throw new Error(`the header lacks the column ${required}`);
        }
        return names;
      },
      skip_empty_lines: true,
      info: true,
      trim: false,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw importRefused([
      { line, message: (error as Error).message.replace(/^Invalid Record Length: /, '') },
    ]);
  }
  return rows.map(({ record, info }) => ({ line: info.lines, cells: record }));
}
