import {
  matchByName,
  type AuditEntry,
  type AuditFilter,
  type AuditList,
  type AuditNames,
  type AuditQuery,
  type Counter,
  type Department,
} from '@counterwatch/shared';
import type { AuditStoreQuery } from '../storage/Storage.js';
import type { Actor, AuditLog } from './AuditLog.js';

/** Where the search learns the names a person types and reads. */
export interface AuditSearchHost {
  departments(): Department[];
  counters(): Counter[];
  accounts(): Promise<{ username: string; displayName: string }[]>;
}

/** Rows per read while walking the whole trail: bounded memory whatever the export's size. */
const PAGE_SIZE = 1000;

/**
 * Reading the trail the way people ask for it: by names (departments,
 * counters, accounts' display names, diacritics-insensitive), resolved here to
 * the ids the rows hold; and with the names to show beside each code.
 */
export class AuditSearch {
  readonly #audit: AuditLog;
  readonly #host: AuditSearchHost;

  constructor({ audit, host }: { audit: AuditLog; host: AuditSearchHost }) {
    this.#audit = audit;
    this.#host = host;
  }

  /** One page, newest first, with its actors' display names. */
  async list(query: AuditQuery): Promise<AuditList> {
    const accounts = await this.#host.accounts();
    const entries = await this.#audit.list({
      ...this.#resolve(query, accounts),
      beforeSeq: query.beforeSeq,
      limit: query.limit,
    });
    const displayNames = new Map(accounts.map((a) => [a.username, a.displayName]));
    const actorNames: Record<string, string> = {};
    for (const e of entries) {
      const name = displayNames.get(e.actor);
      if (name !== undefined) actorNames[e.actor] = name;
    }
    return { entries, actorNames };
  }

  /** Every matching row, newest first, a page at a time (paging by sequence number: rows written meanwhile are not mixed in). */
  async *all(filter: AuditFilter): AsyncGenerator<AuditEntry[]> {
    const resolved = this.#resolve(filter, await this.#host.accounts());
    let beforeSeq: number | undefined;
    for (;;) {
      const page = await this.#audit.list({ ...resolved, beforeSeq, limit: PAGE_SIZE });
      if (page.length > 0) yield page;
      if (page.length < PAGE_SIZE) return;
      beforeSeq = page.at(-1)?.seq;
    }
  }

  /**
   * An export of every matching row: on record (with its filter) before a row is read, then the rows
   * a page at a time and the names to show beside each code.
   */
  async export(
    filter: AuditFilter,
    actor: Actor,
  ): Promise<{ pages: AsyncGenerator<AuditEntry[]>; names: AuditNames }> {
    await this.#audit.record({ action: 'audit.export', actor, details: { query: filter } });
    return { pages: this.all(filter), names: await this.names() };
  }

  /** The names of departments, counters and accounts as they are now. */
  async names(): Promise<AuditNames> {
    const departments = new Map(this.#host.departments().map((d) => [d.id, d.name]));
    const counters = new Map(this.#host.counters().map((c) => [c.id, c.name]));
    const actors = new Map((await this.#host.accounts()).map((a) => [a.username, a.displayName]));
    return {
      department: (id) => departments.get(id),
      counter: (id) => counters.get(id),
      actor: (username) => actors.get(username),
    };
  }

  #resolve(
    filter: AuditFilter,
    accounts: { username: string; displayName: string }[],
  ): Omit<AuditStoreQuery, 'limit' | 'beforeSeq'> {
    let departments = this.#host.departments();
    if (filter.departmentId !== undefined)
      departments = departments.filter((d) => d.id === filter.departmentId);
    if (filter.department !== undefined)
      departments = matchByName(departments, filter.department, (d) => [d.id, d.name]);
    const byDepartment = filter.departmentId !== undefined || filter.department !== undefined;
    const inDepartments = new Set(departments.map((d) => d.id));

    let counters = this.#host.counters();
    if (byDepartment) counters = counters.filter((c) => inDepartments.has(c.departmentId));
    if (filter.counterId !== undefined) counters = counters.filter((c) => c.id === filter.counterId);
    if (filter.counter !== undefined) counters = matchByName(counters, filter.counter, (c) => [c.id, c.name]);
    const byCounter = filter.counterId !== undefined || filter.counter !== undefined;

    let actor: AuditStoreQuery['actor'];
    if (filter.actor !== undefined) {
      const matched = matchByName(accounts, filter.actor, (a) => [a.username, a.displayName]);
      // A name no account has may still be on record: failed logins, the CLI, the system.
      actor =
        matched.length > 0
          ? { usernames: matched.map((a) => a.username) }
          : { contains: filter.actor.trim() };
    }

    return {
      from: filter.from,
      to: filter.to,
      action: filter.action,
      actor,
      // A department id no longer in the directory still finds its old rows.
      departmentIds: byDepartment
        ? [
            ...inDepartments,
            ...(filter.departmentId !== undefined && filter.department === undefined
              ? [filter.departmentId]
              : []),
          ]
        : undefined,
      counterIds: byCounter
        ? [
            ...counters.map((c) => c.id),
            ...(filter.counterId !== undefined && filter.counter === undefined ? [filter.counterId] : []),
          ]
        : undefined,
    };
  }
}
