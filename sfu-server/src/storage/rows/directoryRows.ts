import { z } from 'zod';
import {
  DepartmentLevelSchema,
  OpeningHoursSchema,
  type Counter,
  type DepartmentEntry,
} from '@counterwatch/shared';
import type { ChangeKind, CounterRecord, DepartmentRecord, DirectoryChange } from '../Storage.js';

/** Department and counter rows as both backends store them, and the SQL that changes them. */
export interface DepartmentRow {
  id: string;
  name: string;
  opening_hours: string;
  api_key_hash: string | null;
  level: string;
  services: string;
  retired_at: number | null;
  retired_by: string | null;
}
export interface CounterRow {
  id: string;
  department_id: string;
  name: string;
  services: string;
  token_hash: string | null;
  retired_at: number | null;
  retired_by: string | null;
  code_expires_at: number | null;
}

const StringList = z.array(z.string());

function json<S extends z.ZodType>(schema: S, text: string, column: string): z.output<S> {
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`corrupt ${column} column: ${result.error.message}`);
  return result.data;
}

export function departmentFromRow(r: DepartmentRow): DepartmentRecord {
  return {
    id: r.id,
    name: r.name,
    openingHours: json(OpeningHoursSchema, r.opening_hours, 'departments.opening_hours'),
    apiKeyHash: r.api_key_hash,
    level: DepartmentLevelSchema.parse(r.level),
    services: json(StringList, r.services, 'departments.services'),
    retiredAt: r.retired_at,
    retiredBy: r.retired_by,
  };
}

export function counterFromRow(r: CounterRow): CounterRecord {
  return {
    id: r.id,
    departmentId: r.department_id,
    name: r.name,
    services: json(StringList, r.services, 'counters.services'),
    tokenHash: r.token_hash,
    retiredAt: r.retired_at,
    retiredBy: r.retired_by,
    codeExpiresAt: r.code_expires_at,
  };
}

/** One statement of a directory change; `expectOne`: it must change exactly one row, else the whole change fails. */
export interface DirectoryStatement {
  sql: string;
  params: (string | number | null)[];
  expectOne: boolean;
  /** The change-feed row it makes (other processes re-read the directory). */
  feed: { kind: ChangeKind; subject: string };
}

/**
 * The statements of one change, the same on SQLite and PostgreSQL (`?`
 * placeholders). A create meets an existing id → no row; an update or
 * retirement of a missing or retired object → no row: the caller rolls back.
 * Every statement marks the row as managed in the database, so the
 * provisioning file never overrides it again.
 */
export function directoryStatements(change: DirectoryChange, at: number, by: string): DirectoryStatement[] {
  switch (change.op) {
    case 'create_department': {
      const d = change.department;
      return [
        {
          sql: `INSERT INTO departments (id, name, opening_hours, level, services, created_at, managed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          params: [d.id, d.name, JSON.stringify(d.openingHours), d.level, JSON.stringify(d.services), at, at],
          expectOne: true,
          feed: { kind: 'department', subject: d.id },
        },
      ];
    }
    case 'update_department': {
      const d = change.department;
      return [
        {
          sql: `UPDATE departments SET name = ?, opening_hours = ?, level = ?, services = ?, managed_at = ?
                WHERE id = ? AND retired_at IS NULL`,
          params: [d.name, JSON.stringify(d.openingHours), d.level, JSON.stringify(d.services), at, d.id],
          expectOne: true,
          feed: { kind: 'department', subject: d.id },
        },
      ];
    }
    case 'retire_department':
      return [
        {
          // Its counters go with it (their agents' tokens and waiting codes too), history stays.
          sql: `UPDATE counters SET retired_at = ?, retired_by = ?, managed_at = ?, token_hash = NULL,
                  token_managed_at = ?, code_hash = NULL, code_expires_at = NULL
                WHERE department_id = ? AND retired_at IS NULL`,
          params: [at, by, at, at, change.id],
          expectOne: false,
          feed: { kind: 'department', subject: change.id },
        },
        {
          sql: `UPDATE departments SET retired_at = ?, retired_by = ?, managed_at = ?, api_key_hash = NULL,
                  key_managed_at = ?
                WHERE id = ? AND retired_at IS NULL`,
          params: [at, by, at, at, change.id],
          expectOne: true,
          feed: { kind: 'department', subject: change.id },
        },
      ];
    case 'create_counter': {
      const c = change.counter;
      return [
        {
          sql: `INSERT INTO counters (id, department_id, name, services, created_at, managed_at)
                SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT),
                  CAST(? AS BIGINT)
                WHERE EXISTS (SELECT 1 FROM departments WHERE id = ? AND retired_at IS NULL)
                ON CONFLICT (id) DO NOTHING`,
          params: [c.id, c.departmentId, c.name, JSON.stringify(c.services), at, at, c.departmentId],
          expectOne: true,
          feed: { kind: 'counter', subject: c.id },
        },
      ];
    }
    case 'update_counter': {
      const c = change.counter;
      return [
        {
          sql: `UPDATE counters SET name = ?, services = ?, managed_at = ?
                WHERE id = ? AND department_id = ? AND retired_at IS NULL`,
          params: [c.name, JSON.stringify(c.services), at, c.id, c.departmentId],
          expectOne: true,
          feed: { kind: 'counter', subject: c.id },
        },
      ];
    }
    case 'retire_counter':
      return [
        {
          sql: `UPDATE counters SET retired_at = ?, retired_by = ?, managed_at = ?, token_hash = NULL,
                  token_managed_at = ?, code_hash = NULL, code_expires_at = NULL
                WHERE id = ? AND retired_at IS NULL`,
          params: [at, by, at, at, change.id],
          expectOne: true,
          feed: { kind: 'counter', subject: change.id },
        },
      ];
  }
}

/** The id a failed change was about, for its error. */
export function changeSubject(change: DirectoryChange): string {
  switch (change.op) {
    case 'create_department':
    case 'update_department':
      return change.department.id;
    case 'create_counter':
    case 'update_counter':
      return change.counter.id;
    case 'retire_department':
    case 'retire_counter':
      return change.id;
  }
}

/**
 * The provisioning file's seed: inserts what does not exist and updates only
 * rows never changed in the console (`managed_at IS NULL`, which a retired
 * row never is); a counter is not seeded into a retired department.
 */
export const SEED_DEPARTMENT_SQL = `
  INSERT INTO departments (id, name, opening_hours, level, services, created_at) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, opening_hours = excluded.opening_hours,
    level = excluded.level, services = excluded.services
  WHERE departments.managed_at IS NULL`;
export function seedDepartmentParams(d: DepartmentEntry, at: number): (string | number)[] {
  return [d.id, d.name, JSON.stringify(d.openingHours), d.level, JSON.stringify(d.services), at];
}
export const SEED_COUNTER_SQL = `
  INSERT INTO counters (id, department_id, name, services, created_at)
  SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)
  WHERE EXISTS (SELECT 1 FROM departments WHERE id = ? AND retired_at IS NULL)
  ON CONFLICT (id) DO UPDATE SET department_id = excluded.department_id, name = excluded.name,
    services = excluded.services
  WHERE counters.managed_at IS NULL`;
export function seedCounterParams(c: Counter, at: number): (string | number)[] {
  return [c.id, c.departmentId, c.name, JSON.stringify(c.services), at, c.departmentId];
}

/** Exchanging a live code for a token: one statement, so two redemptions cannot both win. */
export const REDEEM_COUNTER_CODE_SQL = `
  UPDATE counters SET token_hash = ?, token_set_at = ?, token_managed_at = ?, code_hash = NULL,
    code_expires_at = NULL
  WHERE code_hash = ? AND code_expires_at > ? AND retired_at IS NULL
  RETURNING id, department_id`;

export const COUNTER_FOR_CODE_SQL = `
  SELECT id, department_id FROM counters WHERE code_hash = ? AND code_expires_at > ? AND retired_at IS NULL`;
